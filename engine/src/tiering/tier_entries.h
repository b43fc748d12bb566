// TierEntries: the one place that says which tier_index entries and which
// tier-summary counter contributions a customer has, as a pure function of
// its profile, aggregates and derived attributes. The write path diffs the
// entries before and after a change; Verify recomputes them from records.
#ifndef CUSTDB_ENGINE_TIERING_TIER_ENTRIES_H_
#define CUSTDB_ENGINE_TIERING_TIER_ENTRIES_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "custdb/derived.h"
#include "custdb/types.h"
#include "storage/keys.h"

namespace custdb {

// What the tier indexes and counters know of one customer. Points into the
// records it was made from (FactsOf), which must outlive it.
struct TierFacts {
  uint64_t customer_id = 0;
  uint64_t owner_channel_id = 0;  // 0: none
  std::string_view region;
  int64_t spend_minor = 0;
  int64_t last_activity_ms = 0;
  bool has_orders = false;  // order_count >= 1
  const Derived* derived = nullptr;
};

TierFacts FactsOf(const Customer& profile, const Aggregates& aggregates,
                  const Derived& derived);

// Every tier_index entry of the customer, sorted by key. Values are empty
// but last_activity's (keys.h ActivityValue).
struct TierIndexEntry {
  std::string key;
  std::string value;
};
std::vector<TierIndexEntry> TierIndexEntries(const TierFacts& facts);

// The tier_index writes that take a customer's entries from those of
// `before` to those of `after` (nullptr: none, as for a new or removed
// customer): a delete of each entry that left, a put of each that arrived
// or changed value. The same as diffing the two TierIndexEntries lists,
// but only the keys that move are built: a write moves two or three of a
// customer's seven entries.
struct TierIndexMove {
  std::string key;
  std::string value;
  bool put = false;  // else delete
};
void AddTierIndexMoves(const TierFacts* before, const TierFacts* after,
                       std::vector<TierIndexMove>* moves);

// Adds sign x the customer's contribution to every tier-summary counter it
// counts in (keys.h kTierSummary: scopes owner and owner x region) into
// *deltas, keyed by counter key.
using CounterDeltas = std::map<std::string, keys::CounterVec>;
void AddSummaryContribution(const TierFacts& facts, int sign,
                            CounterDeltas* deltas);
// Adds after's contribution minus before's (nullptr: none). Nothing when
// they are equal, as for a rescore that only moves next_change.
void AddSummaryChange(const TierFacts* before, const TierFacts* after,
                      CounterDeltas* deltas);

// The tier-summary slot group of each attribute (slot 2k customers, 2k+1
// spend).
inline uint16_t TierGroup(ValueTier tier) {
  return keys::kSummaryTierBase + static_cast<uint16_t>(tier) - 1;
}
inline uint16_t LifecycleGroup(LifecycleStage stage) {
  return keys::kSummaryLifecycleBase + static_cast<uint16_t>(stage) - 1;
}
inline uint16_t SegmentGroup(int segment) {
  return keys::kSummarySegmentBase + static_cast<uint16_t>(segment + 1);
}

}  // namespace custdb

#endif  // CUSTDB_ENGINE_TIERING_TIER_ENTRIES_H_
