// WritePipeline: the write protocol every path that changes customers
// follows (RunLocked), the event pipeline over it (Write), the stripes an
// event takes (StripesFor) and the id sequences.
#ifndef CUSTDB_ENGINE_WRITE_WRITE_PIPELINE_H_
#define CUSTDB_ENGINE_WRITE_WRITE_PIPELINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "custdb/status.h"
#include "custdb/store.h"
#include "engine_core.h"
#include "storage/keys.h"
#include "write/event_apply.h"
#include "write/write_txn.h"

namespace custdb {

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

// Whether a commit goes through the write-ahead log (and Options::sync).
enum class Wal { kLogged, kUnlogged };

// An order or interaction a write changes without naming its customer:
// its owner is known only from the id index (see LockOwners).
struct OwnedRecord {
  keys::IndexTag tag;
  uint64_t id = 0;
};

// How RunLocked opens and commits its transaction.
struct TxnOptions {
  Wal wal = Wal::kLogged;
  // The time the transaction derives at; unset: the database time
  // (PolicyState::WriteAsOf), read under the locks.
  std::optional<int64_t> as_of_ms;
  // TierContext::rebuild: the records have no tier entries yet.
  bool rebuild = false;
  // If set, receives WriteTxn::derived_changes() after a commit.
  uint64_t* derived_changes = nullptr;
};

// The stripes a write of `customer` (as stored, or normalised) takes: its
// id and each identity value it holds. Merge and erase lock the customers
// they change this way too.
void AddCustomerStripes(const Customer& customer, std::vector<size_t>* stripes);

// State: the whole core (EngineCore) — it locks, reads the policy, writes
// storage, updates the cache and checks channels — plus the id sequences
// and the apply context, which only this class touches.
class WritePipeline {
 public:
  // `now_ms`: the engine's clock, for records created without a time.
  WritePipeline(const EngineCore& core, std::function<int64_t()> now_ms);

  // Loads the id sequences at open.
  Status LoadSequences();
  Status CheckWritable() const { return core_.CheckWritable(); }

  // The write protocol, written once: locks `stripes` and the stripes of
  // the current owners of `owned` (ascending, LockTable), reads the policy
  // under the locks, opens a WriteTxn, calls `apply(&txn)` (a Status
  // function), commits and updates the cache before unlocking. A non-ok
  // Status from `apply` discards the transaction (nothing is written) and
  // is returned; otherwise the commit's Status is. Every path that changes
  // customers calls it: the event pipeline, merge and erase, rederive.
  template <typename Apply>
  Status RunLocked(std::vector<size_t> stripes,
                   const std::vector<OwnedRecord>& owned,
                   const TxnOptions& options, Apply&& apply);

  // The event pipeline. statuses[i] receives event i's outcome; ids[i] the
  // id assigned to a created customer or interaction. Returns non-ok only
  // if the commit failed (then nothing was written).
  Status Write(const EventRef* events, size_t n, Status* statuses,
               uint64_t* ids, Wal wal);
  Status WriteOne(EventRef event, uint64_t* id = nullptr);
  Status ApplyEvents(const std::vector<Event>& events,
                     std::vector<Status>* statuses, std::vector<uint64_t>* ids,
                     Wal wal);

  Status PutChannel(const Channel& channel);
  Status ReserveCustomerIds(uint64_t through);

 private:
  struct Prepared;
  class Preparer;
  class StripesFor;

  // Customer owning an existing order or interaction (0 if unknown).
  uint64_t OwnerOf(keys::IndexTag tag, uint64_t id);
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
  // Applies prepared event i to `txn`; the caller holds its stripes.
  Status ApplyPrepared(const EventRef& event, const Prepared& prepared,
                       WriteTxn* txn);
  // Commits `txn` under `wal` and updates the cache; the caller holds the
  // stripe locks.
  Status CommitAndCache(WriteTxn* txn, Wal wal);

  const EngineCore core_;
  ApplyContext ctx_;
  std::mutex channel_write_mu_;  // Serialises PutChannel.
  std::atomic<uint64_t> next_customer_id_{1};
  std::atomic<uint64_t> next_interaction_id_{1};
};

template <typename Apply>
Status WritePipeline::RunLocked(std::vector<size_t> stripes,
                                const std::vector<OwnedRecord>& owned,
                                const TxnOptions& options, Apply&& apply) {
  std::optional<LockTable::Guard> guard;
  LockOwners(owned, std::move(stripes), &guard);
  // Read under the locks: a policy change switches the policy first and
  // then re-derives each customer under its lock, so no write can leave a
  // customer on the old policy behind it.
  const std::shared_ptr<const TierPolicy> policy = core_.policy.policy();
  const int64_t as_of =
      options.as_of_ms ? *options.as_of_ms : core_.policy.WriteAsOf();
  WriteTxn txn(&core_.storage, &core_.cache,
               TierContext{policy.get(), as_of, options.rebuild});
  Status s = apply(&txn);
  if (!s.ok()) return s;
  s = CommitAndCache(&txn, options.wal);
  if (options.derived_changes != nullptr) {
    *options.derived_changes = txn.derived_changes();
  }
  return s;
}

}  // namespace custdb

#endif  // CUSTDB_ENGINE_WRITE_WRITE_PIPELINE_H_
