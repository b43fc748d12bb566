// TierPolicy: the rules that turn a customer's aggregates into value tier,
// R/F/M scores, segment, lifecycle stage, churn risk and loyalty points.
// Stored in the database and versioned; see Derive (engine/src/derive.h).
#ifndef CUSTDB_POLICY_H_
#define CUSTDB_POLICY_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "custdb/status.h"

namespace custdb {

// Stored in indexes and counters: never renumber.
enum class ValueTier : uint8_t {
  kLow = 1,
  kMedium = 2,
  kHigh = 3,
};

// "Within N days" of a time t means at most N whole days since t:
// floor((as_of - t) / 1 day) <= N, i.e. as_of < t + (N + 1) days (0 days
// when t is after as_of). Times are the aggregates' (types.h): an order
// later cancelled still counts for first/last_order_ms, but not in
// order_count. The first stage that holds, in this order:
//  - prospect: order_count == 0 (no orders, only cancelled ones, or only
//    interactions);
//  - churned: last activity (order or interaction) not within at_risk_days;
//  - at_risk: last activity not within active_days;
//  - new: first order within new_days, however many orders since;
//  - reactivated: the two latest orders lie more than at_risk_days whole
//    days apart;
//  - active: otherwise (last activity within active_days).
// Stored in indexes and counters: never renumber.
enum class LifecycleStage : uint8_t {
  kProspect = 1,     // no order yet
  kNew = 2,          // first order within new_days
  kActive = 3,       // last activity within active_days
  kAtRisk = 4,       // last activity within at_risk_days
  kChurned = 5,      // last activity longer ago
  kReactivated = 6,  // ordered again after a gap longer than at_risk_days
};

const char* ValueTierName(ValueTier tier);  // "high", "medium", "low"
bool ParseValueTier(const std::string& name, ValueTier* out);
const char* LifecycleStageName(LifecycleStage stage);  // "at_risk" …
bool ParseLifecycleStage(const std::string& name, LifecycleStage* out);

// Inclusive range of an R, F or M score (1..5).
struct ScoreRange {
  int min = 1;
  int max = 5;
};

// A named segment: the customers whose scores lie in all three ranges.
// Segments are evaluated in order; the first match wins.
struct SegmentRule {
  std::string name;
  ScoreRange r;
  ScoreRange f;
  ScoreRange m;
};

enum class RfmMode : uint8_t {
  kFixed = 1,     // the breakpoints below, as given
  kQuantile = 2,  // breakpoints recomputed as quintiles by a full rescore
};
const char* RfmModeName(RfmMode mode);  // "fixed", "quantile"
bool ParseRfmMode(const std::string& name, RfmMode* out);

struct TierPolicy {
  // Set by the engine when the policy is stored; ignored on input.
  int64_t version = 0;

  // Value tier (inclusive): high if total spend >= high_min_spend_minor and
  // order_count >= high_min_orders, else medium likewise, else low.
  int64_t high_min_spend_minor = 200000;  // 2,000.00
  int64_t high_min_orders = 0;
  int64_t medium_min_spend_minor = 30000;  // 300.00
  int64_t medium_min_orders = 0;

  RfmMode rfm_mode = RfmMode::kFixed;
  // R: days since the last order; r = 5 if days <= recency_days[0], 4 if
  // <= [1], 3 if <= [2], 2 if <= [3], else 1. Strictly ascending.
  std::array<int64_t, 4> recency_days = {30, 90, 180, 365};
  // F: order count; f = 1 + the number of breakpoints <= order_count.
  // Strictly ascending.
  std::array<int64_t, 4> frequency_orders = {2, 3, 5, 10};
  // M: total spend in minor units; m = 1 + the number of breakpoints <=
  // spend. Strictly ascending.
  std::array<int64_t, 4> monetary_minor = {10000, 30000, 100000, 200000};

  // Named segments; every (r, f, m) cell must be matched by some rule and
  // every rule must match some cell that no earlier rule takes.
  std::vector<SegmentRule> segments;

  // Lifecycle thresholds in days; 0 < new_days <= active_days <
  // at_risk_days.
  int64_t new_days = 30;
  int64_t active_days = 90;
  int64_t at_risk_days = 180;

  // Churn risk: no activity for churn_days, or for 3x the customer's own
  // median gap between orders when it has >= 3 orders, whichever is
  // shorter. The gaps are those between its latest kRecentOrders sale
  // orders (Aggregates::recent_order_ms, types.h): a recent rhythm, kept in
  // one small value, and counted like first/last_order_ms, so an order
  // cancelled later still marks when the customer was buying.
  int64_t churn_days = 180;

  // Loyalty points earned per 1.00 (100 minor units) of completed spend.
  int64_t loyalty_points_per_unit = 1;
};

// The default policy: the thresholds above and the 5x5 recency x frequency
// grid of ten segments (Champions, Loyal, Potential Loyalist, New,
// Promising, Need Attention, About to Sleep, At Risk, Can't Lose Them,
// Hibernating), which covers every cell exactly once.
TierPolicy DefaultPolicy();

// kInvalidArgument listing every problem: unordered thresholds, score
// ranges outside 1..5 or inverted, unnamed or duplicate segments, cells no
// rule covers, and rules that earlier rules shadow completely.
Status ValidatePolicy(const TierPolicy& policy);

}  // namespace custdb

#endif  // CUSTDB_POLICY_H_
