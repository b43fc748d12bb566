// EngineImpl: Engine on a local RocksDB directory. Writes go through one
// pipeline (Write): resolve ids and stripes, lock, apply each event to a
// WriteTxn, commit one batch.
#ifndef CUSTDB_ENGINE_ENGINE_IMPL_H_
#define CUSTDB_ENGINE_ENGINE_IMPL_H_

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "channel_registry.h"
#include "custdb/engine.h"
#include "customer_cache.h"
#include "lock_table.h"
#include "query/cursor.h"
#include "query/customer_filter.h"
#include "query/query_planner.h"
#include "storage/storage.h"
#include "tiering/policy_state.h"
#include "write/event_apply.h"

namespace custdb {

class WriteTxn;

// A customer update inside the write pipeline.
struct PatchRef {
  uint64_t customer_id;
  const CustomerPatch* patch;
};
// One event, by pointer, so single calls need not copy into an Event.
using EventRef = std::variant<const Customer*, const Order*, const Interaction*,
                              const OrderStatusChange*, const OrderRefund*,
                              const InteractionResolution*, PatchRef,
                              const LoyaltyRedemption*>;

class EngineImpl : public Engine {
 public:
  static Status Open(const Options& options, std::unique_ptr<Engine>* out);
  ~EngineImpl() override;

  Status PutChannel(const Channel& channel) override;
  Result<Channel> GetChannel(uint64_t channel_id) override;
  Result<std::vector<Channel>> ListChannels() override;

  Result<uint64_t> CreateCustomer(const Customer& customer) override;
  Status UpdateCustomer(uint64_t customer_id,
                        const CustomerPatch& patch) override;
  Result<CustomerRecord> GetCustomer(uint64_t customer_id) override;
  Result<CustomerRecord> GetCustomerByCode(const std::string& code) override;
  Result<CustomerRecord> GetCustomerByEmail(const std::string& email) override;
  Result<CustomerRecord> GetCustomerByPhone(const std::string& phone) override;

  Status RecordOrder(const Order& order) override;
  Status UpdateOrderStatus(uint64_t order_id, OrderStatus status) override;
  Status RefundOrder(uint64_t order_id, int64_t amount_minor) override;
  Result<Order> GetOrder(uint64_t order_id) override;
  Result<Page<Order>> ListOrders(const HistoryQuery& query) override;

  Result<uint64_t> RecordInteraction(const Interaction& interaction) override;
  Status ResolveInteraction(uint64_t interaction_id,
                            int64_t resolved_at_ms) override;
  Result<Interaction> GetInteraction(uint64_t interaction_id) override;
  Status RedeemLoyaltyPoints(uint64_t customer_id, int64_t points) override;
  Result<Page<Interaction>> ListInteractions(
      const HistoryQuery& query) override;

  using Engine::ApplyBatch;
  using Engine::ApplyBatchUnlogged;
  Status ApplyBatch(const std::vector<Event>& events,
                    std::vector<Status>* statuses,
                    std::vector<uint64_t>* ids) override;
  Status ApplyBatchUnlogged(const std::vector<Event>& events,
                            std::vector<Status>* statuses,
                            std::vector<uint64_t>* ids) override;
  Status Flush() override;
  Status ReserveCustomerIds(uint64_t through) override;
  Status CompactAll() override;
  Result<VerifyReport> Verify(size_t max_problems) override;
  Result<RecordCounts> Counts() override;
  Result<EngineStats> Stats() override;
  Status ForEachCustomer(
      const std::function<Status(const CustomerRecord&)>& fn) override;
  Result<TierPolicy> GetPolicy() override;
  Result<RescoreReport> SetPolicy(const TierPolicy& policy,
                                  const ProgressFn& progress) override;
  Result<RescoreReport> Rescore(const RescoreOptions& options) override;
  Result<CustomerPage> FindCustomers(const CustomerQuery& query) override;
  Result<QueryPlan> Explain(const CustomerQuery& query) override;
  Result<ChurnWatch> GetChurnWatch(const ChurnWatchQuery& query) override;
  Result<TierSummary> GetTierSummary(const TierSummaryQuery& query) override;
  Result<ChannelReport> GetChannelReport(
      const ChannelReportQuery& query) override;
  Result<CustomerView> ViewCustomer(uint64_t customer_id) override;
  Status MergeCustomers(uint64_t survivor_id, uint64_t duplicate_id) override;
  Status EraseCustomer(uint64_t customer_id) override;

  const std::string& base_currency() const override {
    return storage_->base_currency();
  }

 private:
  EngineImpl(const Options& options, std::unique_ptr<Storage> storage);
  Status LoadState();
  // kFailedPrecondition when opened with Options::read_only: every write
  // calls it first, so a read-only engine refuses before validating.
  Status CheckWritable() const;

  // The write pipeline. statuses[i] receives event i's outcome; ids[i] the
  // id assigned to a created customer or interaction. Returns non-ok only if
  // the commit failed (then nothing was written).
  Status Write(const EventRef* events, size_t n, Status* statuses,
               uint64_t* ids, bool unlogged);
  Status WriteOne(EventRef event, uint64_t* id = nullptr);
  Status ApplyEvents(const std::vector<Event>& events,
                     std::vector<Status>* statuses, std::vector<uint64_t>* ids,
                     bool unlogged);
  // Customer owning an existing order or interaction (0 if unknown).
  uint64_t OwnerOf(keys::IndexTag tag, uint64_t id);
  // An order or interaction a write changes without naming its customer.
  struct OwnedRecord {
    keys::IndexTag tag;
    uint64_t id = 0;
  };
  // Locks `stripes` and the stripes of the current owners of `owned`, so
  // that every customer those events will rewrite is locked before it is
  // read.
  void LockOwners(const std::vector<OwnedRecord>& owned,
                  std::vector<size_t> stripes,
                  std::optional<LockTable::Guard>* guard);
  // Takes `*id` (moving the sequence past it) or, if 0, assigns the next
  // one. kInvalidArgument above kMaxId, kResourceExhausted when the
  // sequence has passed kMaxId.
  Status AssignId(std::atomic<uint64_t>* next, const char* field, uint64_t* id);

  // --- tiering (tiering/rescorer.cc) ---
  // Loads the policy and rescore time; stores the default policy in a new
  // database and derives customers written before tiering existed.
  Status LoadTiering();
  Status StorePolicy(const TierPolicy& policy);
  // Re-derives the given customers at as_of under the current policy, in
  // batches under their stripe locks, on up to two threads; adds to
  // report's counts. Calls progress from one thread at a time.
  Status Rederive(const std::vector<uint64_t>& ids, int64_t as_of,
                  const ProgressFn& progress, RescoreReport* report,
                  bool rebuild = false);
  // Returns once every write that was under way has committed (it holds
  // every lock stripe for a moment).
  void WaitForWritesInFlight();
  // Every customer id, ascending.
  Status ListCustomers(std::vector<uint64_t>* ids);
  // What the lanes of one Rederive share.
  struct RederiveProgress {
    std::mutex mu;  // guards the rest but `failed`
    RescoreReport* report = nullptr;
    const ProgressFn* progress = nullptr;
    uint64_t done = 0;
    uint64_t total = 0;
    std::atomic<bool> failed{false};  // a lane failed: the others stop
  };
  // One lane of Rederive: `ids` in batches, one commit each.
  Status RederiveLane(const std::vector<uint64_t>& ids, int64_t as_of,
                      bool rebuild, RederiveProgress* shared);
  // `change`: the validated policy a SetPolicy stores, as one version,
  // during this (full) rescore; nullptr for a rescore.
  Status RescoreLocked(const RescoreOptions& options, const TierPolicy* change,
                       RescoreReport* report);
  // Commits `txn` with the engine's sync option and updates the cache;
  // the caller holds the stripe locks.
  Status CommitAndCache(WriteTxn* txn);

  Result<CustomerRecord> ReadCustomer(uint64_t customer_id);
  // The customer as `snapshot` holds it: past the cache, which may be newer
  // than the snapshot, and so not cached either.
  Result<CustomerRecord> ReadCustomerAt(uint64_t customer_id,
                                        const rocksdb::Snapshot* snapshot);
  // The customer, or the survivor its id was merged into (GetCustomer).
  // Reads `snapshot` if not null, else through the cache.
  Result<CustomerRecord> ResolveCustomer(uint64_t customer_id,
                                         const rocksdb::Snapshot* snapshot);
  Result<CustomerRecord> ReadCustomerByIdentity(keys::IndexTag tag,
                                                const std::string& value);
  // ListOrders / ListInteractions, reading `snapshot` if not null.
  template <typename T>
  Result<Page<T>> ListHistory(keys::Cf cf, const HistoryQuery& query,
                              const rocksdb::Snapshot* snapshot = nullptr);
  template <typename T>
  Status ScanHistory(keys::Cf cf, CursorKind kind, const std::string& start,
                     const std::string& end, const std::string& range,
                     uint32_t limit, const rocksdb::Snapshot* snapshot,
                     Page<T>* page);
  // Query path (engine_query.cc). The owner set of a query: the channel,
  // or its subtree, ascending; kNotFound naming `field` for an unknown channel.
  Status OwnerSet(const std::string& field, uint64_t channel_id,
                  bool include_subtree, std::vector<uint64_t>* owners);
  Status ResolveQuery(const CustomerQuery& query, CustomerFilter* filter,
                      TierSpend* tier_spend);
  // The customer as the query path checks it: the cached entry, whose
  // profile is shared, so rejecting a candidate copies nothing. *exists is
  // false for a customer erased since its index entry was read.
  Status ReadCandidate(uint64_t customer_id, CachedCustomer* out, bool* exists);
  using MatchFn = std::function<bool(const CachedCustomer&, std::string_view)>;
  // Reads the plan's index ranges on one snapshot and calls on_match with
  // each customer that passes `filter` and its key's tail, in the plan's
  // order, until on_match returns false. Adds the keys read and the
  // entries rejected by `filter` to *plan_out.
  // `wanted`: on_match returns false at the latest at the wanted-th match
  // (SIZE_MAX: never), so the scan reads no key past it.
  Status ScanIndex(const ScanPlan& plan, const CustomerFilter& filter,
                   size_t wanted, const MatchFn& on_match, QueryPlan* plan_out);
  template <typename T>
  Result<T> ReadEvent(keys::IndexTag tag, keys::Cf cf, uint64_t id,
                      const char* what);

  const Options options_;
  std::unique_ptr<Storage> storage_;
  ChannelRegistry channels_;
  LockTable locks_;
  CustomerCache cache_;
  std::mutex channel_write_mu_;  // Serialises PutChannel.
  std::atomic<uint64_t> next_customer_id_{1};
  std::atomic<uint64_t> next_interaction_id_{1};
  std::atomic<bool> unflushed_unlogged_{false};
  ApplyContext ctx_;
  PolicyState policy_state_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_ENGINE_IMPL_H_
