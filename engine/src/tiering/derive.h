// Derive: the one pure function that turns a customer's aggregates into
// tiering attributes under a policy at a point in time. No I/O, no clock:
// the same inputs always give the same result.
#ifndef CUSTDB_ENGINE_TIERING_DERIVE_H_
#define CUSTDB_ENGINE_TIERING_DERIVE_H_

#include <cstdint>

#include "custdb/derived.h"
#include "custdb/policy.h"
#include "custdb/types.h"
#include "storage/derived_state.h"  // DerivedState, what Derive results are stored as

namespace custdb {

inline constexpr int64_t kDayMs = 86400000;

// Rules (all day counts are whole days, floor((as_of - t) / kDayMs), and
// 0 when t is after as_of):
//  - value_tier: high if total_spend_minor >= high_min_spend_minor and
//    order_count >= high_min_orders; else medium likewise; else low.
//  - prospect (order_count == 0): r = f = m = 0, segment -1, lifecycle
//    prospect, churn_risk false.
//  - r from days since last_order_ms against policy.recency_days
//    (r = 5 if days <= [0] … 2 if days <= [3], else 1); f = 1 + the number
//    of frequency_orders breakpoints <= order_count; m likewise on
//    total_spend_minor with monetary_minor.
//  - segment: first rule of policy.segments whose ranges hold (r, f, m).
//  - lifecycle, by days since last_activity_ms (d): churned if d >
//    at_risk_days; at_risk if d > active_days; otherwise new if the days
//    since first_order_ms are <= new_days (whatever the order count);
//    reactivated if the gap between the two latest recent_order_ms exceeds
//    at_risk_days whole days; else active.
//  - churn_risk: as_of - last_activity_ms >= the threshold, which is
//    churn_days days, or 3x the median gap between consecutive
//    recent_order_ms when order_count >= 3 and that is shorter (median of
//    an even count: the mean of the two middle gaps, rounded down).
//  - loyalty_points: max(0, completed_spend_minor * loyalty_points_per_unit
//    / 100 - loyalty_redeemed), rounded down.
Derived Derive(const Aggregates& aggregates, const TierPolicy& policy,
               int64_t as_of_ms);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_TIERING_DERIVE_H_
