// Rescorer: the stored tier policy, policy changes and Rescore, which move
// the database time and re-derive customers through the write protocol.
#ifndef CUSTDB_ENGINE_TIERING_RESCORER_H_
#define CUSTDB_ENGINE_TIERING_RESCORER_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "custdb/options.h"
#include "custdb/policy.h"
#include "custdb/status.h"
#include "custdb/store.h"
#include "storage/storage.h"
#include "tiering/policy_state.h"

namespace custdb {

class LockTable;
class WritePipeline;

// State: the only path that changes PolicyState (under its rescore_mu);
// reads and writes the meta CF of `storage`; re-derives customers only
// through `pipeline`'s RunLocked; holds every stripe of `locks` for a
// moment to wait for the writes in flight.
class Rescorer {
 public:
  Rescorer(const Options& options, Storage& storage, LockTable& locks,
           PolicyState& policy, WritePipeline& pipeline);

  // Loads the policy and rescore time; stores the default policy in a new
  // database and derives customers written before tiering existed.
  Status LoadTiering();
  Result<TierPolicy> GetPolicy();
  Result<RescoreReport> SetPolicy(const TierPolicy& policy,
                                  const ProgressFn& progress);
  Result<RescoreReport> Rescore(const RescoreOptions& options);

 private:
  // What the lanes of one Rederive share.
  struct RederiveProgress {
    std::mutex mu;  // guards the rest but `failed`
    RescoreReport* report = nullptr;
    const ProgressFn* progress = nullptr;
    uint64_t done = 0;
    uint64_t total = 0;
    std::atomic<bool> failed{false};  // a lane failed: the others stop
  };

  Status StorePolicy(const TierPolicy& policy);
  // Re-derives the given customers at as_of under the current policy, in
  // batches under their stripe locks, on up to two threads; adds to
  // report's counts. Calls progress from one thread at a time. `rebuild`:
  // TierContext::rebuild.
  Status Rederive(const std::vector<uint64_t>& ids, int64_t as_of,
                  const ProgressFn& progress, RescoreReport* report,
                  bool rebuild);
  // One lane of Rederive: `ids` in batches, one commit each.
  Status RederiveLane(const std::vector<uint64_t>& ids, int64_t as_of,
                      bool rebuild, RederiveProgress* shared);
  // Returns once every write that was under way has committed (it holds
  // every lock stripe for a moment).
  void WaitForWritesInFlight();
  // Every customer id, ascending.
  Status ListCustomers(std::vector<uint64_t>* ids);
  // `change`: the validated policy a SetPolicy stores, as one version,
  // during this (full) rescore; nullptr for a rescore.
  Status RescoreLocked(const RescoreOptions& options, const TierPolicy* change,
                       RescoreReport* report);
  // The checks of a rescore at as_of, before anything is written.
  Status CheckRescoreTime(const RescoreOptions& options, int64_t as_of,
                          int64_t now, int64_t database_time);
  // Stores the database time `as_of` and switches PolicyState to it.
  Status MoveDatabaseTime(int64_t as_of, int64_t now);
  // A full rescore's customers: every one; with the quintile breakpoints
  // of a quantile policy taken at as_of, storing the policy (`change`, or
  // the current one with new breakpoints) as a new version if it changed.
  Status FullRescoreIds(int64_t as_of, const TierPolicy* change,
                        std::vector<uint64_t>* ids);
  // An incremental rescore's customers: those the due index lists by
  // as_of.
  Status DueIds(int64_t as_of, std::vector<uint64_t>* ids);

  const Options& options_;
  Storage& storage_;
  LockTable& locks_;
  PolicyState& policy_;
  WritePipeline& pipeline_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_TIERING_RESCORER_H_
