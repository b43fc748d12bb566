// The query planner: which tier index (keys.h, TierTag) a query reads, and
// which key ranges of it. Pure: no I/O (range sizes come from a caller's
// estimate), so its rules are unit-tested alone.
//
// Candidates, one per rule that applies (filters named as in CustomerQuery),
// in this order:
//  1. owner_channel_id: owner_spend, one range per channel of the owner set
//     and per spend interval (below).
//  2. region: region, the one range of that region.
//  3. segments: segment, one range per segment.
//  4. stages: lifecycle, one range per stage.
//  5. tiers: spend, one range per spend interval and owner, when the order
//     is spend_desc and the tiers are spend ranges; else tier, one range
//     per tier.
//  6. active_since / inactive_since, or a last-activity order:
//     last_activity, one range per value tier (the key's first part) of
//     [max(active_since, 1), inactive_since).
//  7. min/max_spend: spend, one range per owner.
//  (Rules 5 and 7 offer no spend plan when rule 1 applies: owner_spend has
//  the same spend intervals over fewer owners, so it is always tighter.)
//  8. none of the above: spend_desc reads spend, id reads tier (every
//     tier, merged by id).
//
// Choice (ChoosePlan): the candidate expected to examine the fewest keys,
// which is the one with the tightest bounds: the sum of its ranges'
// estimated keys, except that a plan in the query's order whose ranges imply
// every filter stops after limit + 1 matches, so it costs at most that. Ties
// go to the earlier rule: equality filters come first because they bound a
// scan by the matches of one value, while spend and activity ranges are
// more often open-ended. When the first candidate is such an exact,
// ordered plan nothing is estimated: every candidate holds every result,
// so none can examine fewer keys than it does (but for one positioned key
// per range).
//
// Spend intervals: [min_spend, max_spend], and when the query has tiers and
// the policy's tiers depend on spend alone (high_min_orders and
// medium_min_orders <= 0), intersected with the spend range of each tier:
// high [high_min, max], medium [medium_min, high_min - 1], low [min,
// medium_min - 1]. Empty intervals are dropped; a plan without ranges reads
// nothing.
//
// "spend" reads owner_spend of every owner (every_owner: 0 and each
// channel id): one range per owner and spend interval, merged by tail, so
// it yields spend order over all customers without a global spend index
// that every order would have to move.
//
// Ranges are merged by their keys' tails (what follows each range's shared
// prefix): ~spend · id for owner_spend and spend, last_activity_ms · id for
// last_activity, id for the others. When that is the query's order the plan
// runs in index order and stops at the limit; otherwise (index_order false)
// every match is read and the best `limit` kept.
#ifndef CUSTDB_ENGINE_QUERY_QUERY_PLANNER_H_
#define CUSTDB_ENGINE_QUERY_QUERY_PLANNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "custdb/policy.h"
#include "custdb/query.h"
#include "query/customer_filter.h"

namespace custdb {

// Key range [lower, upper) of the tier_index CF whose keys share their
// first prefix_length bytes.
struct IndexRange {
  std::string lower;
  std::string upper;
  size_t prefix_length = 0;
};

struct ScanPlan {
  std::string index;  // "owner_spend", "spend", "region", "segment", …
  std::vector<IndexRange> ranges;
  bool reverse = false;     // read from the end (last_activity_desc)
  bool index_order = true;  // the tails' order is the query's order
  std::string bounds;       // the ranges, readable
  std::vector<std::string> residual_filters;  // filters the ranges leave open
  // ChoosePlan's estimate of the keys this plan examines; -1 when it was
  // not estimated.
  int64_t estimated_keys = -1;
};

// The spend interval of each value tier when tiers depend on spend alone.
struct TierSpend {
  bool spend_only = false;
  int64_t medium_min = 0;
  int64_t high_min = 0;
};
TierSpend TierSpendOf(const TierPolicy& policy);

// The plans of every rule above that applies to `filter` sorted by
// `order`, in rule order; never empty.
std::vector<ScanPlan> CandidatePlans(const CustomerFilter& filter,
                                     CustomerOrder order,
                                     const TierSpend& tier_spend,
                                     const std::vector<uint64_t>& every_owner);

// The first candidate: the plan the rules alone choose.
ScanPlan PlanQuery(const CustomerFilter& filter, CustomerOrder order,
                   const TierSpend& tier_spend,
                   const std::vector<uint64_t>& every_owner);

// The number of tier_index keys in a range, estimated (the engine asks
// RocksDB: memtable entry counts and SST bytes).
using KeyEstimate = std::function<uint64_t(const IndexRange&)>;

// The index in `candidates` (as CandidatePlans returns them) of the plan
// to run, by the choice above for a page of `limit` customers; sets the
// estimated_keys of each candidate it estimated. Ranges are estimated one
// at a time and a candidate is dropped as soon as its partial sum reaches
// the best so far, so a plan of many ranges costs few estimates unless it
// is the one chosen.
size_t ChoosePlan(std::vector<ScanPlan>* candidates, uint32_t limit,
                  const KeyEstimate& estimate);

// Rule 6 alone, for callers that weigh candidates themselves (ChurnWatch);
// the filter's tiers, if any, choose the ranges (and leave the residual).
ScanPlan LastActivityPlan(const CustomerFilter& filter, bool reverse);

// Moves every range of `plan` to start strictly after tail `after` in the
// plan's reading direction (a cursor's position); ranges left empty are
// dropped. Requires plan.index_order.
void ResumeAfter(const std::string& after, ScanPlan* plan);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_QUERY_QUERY_PLANNER_H_
