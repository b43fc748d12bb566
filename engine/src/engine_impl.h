// EngineImpl: Engine on a local RocksDB directory. It owns the shared state
// (engine_core.h) and one class per path, and each override is a one-line
// delegation to the class of its path (docs/DESIGN-NOTES.md, "Path
// classes").
#ifndef CUSTDB_ENGINE_ENGINE_IMPL_H_
#define CUSTDB_ENGINE_ENGINE_IMPL_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "channel_registry.h"
#include "custdb/engine.h"
#include "customer_cache.h"
#include "customer_reads.h"
#include "engine_core.h"
#include "lock_table.h"
#include "query/customer_queries.h"
#include "reports/report_reader.h"
#include "storage/storage.h"
#include "tiering/policy_state.h"
#include "tiering/rescorer.h"
#include "write/merge_erase.h"
#include "write/write_pipeline.h"

namespace custdb {

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
  Status Checkpoint(const std::string& dir) override;
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
  // Loads the channels, the id sequences and the tiering state.
  Status LoadState();

  // The shared state, declared before the path classes that refer to it.
  const Options options_;
  std::unique_ptr<Storage> storage_;
  ChannelRegistry channels_;
  LockTable locks_;
  CustomerCache cache_;
  PolicyState policy_state_;
  const EngineCore core_;

  // One class per path (their headers say what each may touch).
  CustomerReads reads_;
  WritePipeline write_;
  MergeErase merge_erase_;
  Rescorer rescorer_;
  CustomerQueries queries_;
  ReportReader reports_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_ENGINE_IMPL_H_
