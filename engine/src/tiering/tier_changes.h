// TierChanges: what one commit does to the tiering of the customers it
// touches: each one re-derived under the commit's policy and time, and the
// tier_index moves and tier-summary deltas from its committed facts to its
// new ones. Pure: WriteTxn feeds it records and writes what it collects.
#ifndef CUSTDB_ENGINE_TIERING_TIER_CHANGES_H_
#define CUSTDB_ENGINE_TIERING_TIER_CHANGES_H_

#include <cstdint>
#include <vector>

#include "custdb/policy.h"
#include "custdb/types.h"
#include "storage/derived_state.h"
#include "tiering/tier_entries.h"

namespace custdb {

// The policy and time every customer a transaction touches is derived at.
struct TierContext {
  const TierPolicy* policy = nullptr;
  int64_t as_of_ms = 0;
  // The committed records have no tier entries or summary contributions
  // (keys.h kMetaRebuildTiering): stage them whole, remove nothing.
  bool rebuild = false;
};

// A customer as committed; every pointer must outlive the TierChanges call.
struct CommittedTiering {
  const Customer* profile;
  const Aggregates* aggregates;
  const DerivedState* derived;
};

class TierChanges {
 public:
  explicit TierChanges(const TierContext& tier) : tier_(tier) {}

  // Re-derives a customer whose records are now `profile` and `aggregates`
  // (`before`: as committed, null for a new customer), and adds its index
  // moves and summary change. Returns false, and adds nothing, when
  // nothing of it is to be written: `touched_only` (Touch: only time
  // passed) and the same attributes under the same policy. Else *after is
  // what the aggregates record stores.
  bool Rederive(const CommittedTiering* before, const Customer& profile,
                const Aggregates& aggregates, bool touched_only,
                DerivedState* after);
  // A removed customer's entries and contributions leave.
  void Remove(const CommittedTiering& before);

  // The tier_index moves, in key order: the memtable's skiplist remembers
  // where its last insert went, so neighbouring keys are cheap to insert,
  // while a customer's own keys (one per tag) lie far apart. Stable, so a
  // key staged twice keeps its last operation.
  std::vector<TierIndexMove> SortedIndexMoves();
  CounterDeltas& summary_deltas() { return deltas_; }
  // Customers whose derived attributes differ from the committed ones (or
  // had none).
  uint64_t derived_changes() const { return derived_changes_; }

 private:
  const TierContext tier_;
  std::vector<TierIndexMove> index_moves_;
  CounterDeltas deltas_;
  uint64_t derived_changes_ = 0;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_TIERING_TIER_CHANGES_H_
