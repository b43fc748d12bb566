// The query planner: which tier index (keys.h, TierTag) a query reads, and
// which key ranges of it. Pure: no I/O, so its rules are unit-tested alone.
//
// Rules, first that applies (filters named as in CustomerQuery):
//  1. owner_channel_id: owner_spend, one range per channel of the owner set
//     and per spend interval (below).
//  2. region: region, the one range of that region.
//  3. segments: segment, one range per segment.
//  4. stages: lifecycle, one range per stage.
//  5. tiers: spend, one range per spend interval and owner, when the order
//     is spend_desc and the tiers are spend ranges; else tier, one range
//     per tier.
//  6. active_since / inactive_since: last_activity, one range per value
//     tier (the key's first part) of [max(active_since, 1),
//     inactive_since).
//  7. min/max_spend: spend, one range per owner.
//  8. none: spend_desc reads spend, the last-activity orders read
//     last_activity, id reads tier (every tier, merged by id).
// Equality filters come first because they bound a scan by the matches of
// one value; spend and activity ranges are open-ended more often.
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
#ifndef CUSTDB_ENGINE_QUERY_PLANNER_H_
#define CUSTDB_ENGINE_QUERY_PLANNER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "custdb/policy.h"
#include "custdb/query.h"
#include "customer_filter.h"

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
};

// The spend interval of each value tier when tiers depend on spend alone.
struct TierSpend {
  bool spend_only = false;
  int64_t medium_min = 0;
  int64_t high_min = 0;
};
TierSpend TierSpendOf(const TierPolicy& policy);

// The plan for `filter` sorted by `order` under the rules above.
ScanPlan PlanQuery(const CustomerFilter& filter, CustomerOrder order,
                   const TierSpend& tier_spend,
                   const std::vector<uint64_t>& every_owner);

// Rule 6 alone, for callers that weigh candidates themselves (ChurnWatch);
// the filter's tiers, if any, choose the ranges (and leave the residual).
ScanPlan LastActivityPlan(const CustomerFilter& filter, bool reverse);

// Moves every range of `plan` to start strictly after tail `after` in the
// plan's reading direction (a cursor's position); ranges left empty are
// dropped. Requires plan.index_order.
void ResumeAfter(const std::string& after, ScanPlan* plan);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_QUERY_PLANNER_H_
