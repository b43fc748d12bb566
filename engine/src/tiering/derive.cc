// Derive: a customer's aggregates + tier policy + as_of -> value tier, RFM,
// segment, lifecycle, churn risk, loyalty points and the next change time.
#include "tiering/derive.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <vector>

namespace custdb {
namespace {

// Intermediate arithmetic is 128-bit: timestamps, day counts, spends and
// rates are arbitrary i64 here, so differences (as_of - t), products
// (days * kDayMs, spend * rate, 3 * gap) and sums of gaps cannot overflow.
__extension__ typedef __int128 Wide;

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// Whole days from t to as_of_ms, rounded down; 0 when t is after as_of_ms.
Wide DaysSince(int64_t t, int64_t as_of_ms) {
  if (as_of_ms <= t) return 0;
  return (Wide{as_of_ms} - t) / kDayMs;
}

ValueTier ValueTierOf(const Aggregates& a, const TierPolicy& p) {
  if (a.total_spend_minor >= p.high_min_spend_minor &&
      a.order_count >= p.high_min_orders) {
    return ValueTier::kHigh;
  }
  if (a.total_spend_minor >= p.medium_min_spend_minor &&
      a.order_count >= p.medium_min_orders) {
    return ValueTier::kMedium;
  }
  return ValueTier::kLow;
}

// floor(completed_spend * rate / 100) - redeemed, clamped to 0..INT64_MAX:
// a balance too large for i64 saturates at INT64_MAX rather than wrapping.
int64_t LoyaltyPoints(const Aggregates& a, const TierPolicy& p) {
  const Wide product =
      Wide{a.completed_spend_minor} * p.loyalty_points_per_unit;
  Wide earned = product / 100;
  if (product % 100 < 0) --earned;  // round down, not toward zero
  const Wide balance = earned - a.loyalty_redeemed;
  if (balance <= 0) return 0;
  return balance > kNever ? kNever : static_cast<int64_t>(balance);
}

// 1 + the number of breakpoints <= value (the F and M rule).
int CountScore(int64_t value, const std::array<int64_t, 4>& breakpoints) {
  int score = 1;
  for (int64_t b : breakpoints) score += b <= value ? 1 : 0;
  return score;
}

// 5 if days <= recency_days[0], 4 if <= [1], 3 if <= [2], 2 if <= [3],
// else 1.
int RecencyScore(Wide days, const std::array<int64_t, 4>& recency_days) {
  for (size_t i = 0; i < recency_days.size(); ++i) {
    if (days <= recency_days[i]) return 5 - static_cast<int>(i);
  }
  return 1;
}

bool InRange(const ScoreRange& range, int score) {
  return score >= range.min && score <= range.max;
}

// The first rule that holds (r, f, m); -1 if none does (possible only for
// a table that ValidatePolicy would reject).
int SegmentOf(const std::vector<SegmentRule>& rules, int r, int f, int m) {
  for (size_t i = 0; i < rules.size(); ++i) {
    if (InRange(rules[i].r, r) && InRange(rules[i].f, f) &&
        InRange(rules[i].m, m)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// What Derive needs that does not depend on as_of.
struct Fixed {
  int f = 0;
  int m = 0;
  // The two latest order times lie more than at_risk_days whole days apart.
  bool returned_after_gap = false;
  // as_of - last_activity_ms at or above which churn_risk holds.
  Wide churn_threshold_ms = 0;
};

// recent_order_ms is ascending by contract; sorting a copy (at most
// kRecentOrders entries) keeps Derive total on any input.
std::vector<int64_t> SortedOrderTimes(const Aggregates& a) {
  std::vector<int64_t> times = a.recent_order_ms;
  std::sort(times.begin(), times.end());
  return times;
}

// The median gap between consecutive order times (the mean of the two
// middle gaps, rounded down, for an even count); needs >= 2 times.
Wide MedianGapMs(const std::vector<int64_t>& times) {
  std::vector<Wide> gaps;
  gaps.reserve(times.size() - 1);
  for (size_t i = 1; i < times.size(); ++i) {
    gaps.push_back(Wide{times[i]} - times[i - 1]);
  }
  std::sort(gaps.begin(), gaps.end());
  const size_t mid = gaps.size() / 2;
  if (gaps.size() % 2 == 1) return gaps[mid];
  return (gaps[mid - 1] + gaps[mid]) / 2;  // gaps are >= 0: floor
}

Fixed ComputeFixed(const Aggregates& a, const TierPolicy& p) {
  Fixed fixed;
  fixed.f = CountScore(a.order_count, p.frequency_orders);
  fixed.m = CountScore(a.total_spend_minor, p.monetary_minor);
  const std::vector<int64_t> times = SortedOrderTimes(a);
  const size_t n = times.size();
  if (n >= 2) {
    const Wide gap_days = (Wide{times[n - 1]} - times[n - 2]) / kDayMs;
    fixed.returned_after_gap = gap_days > p.at_risk_days;
  }
  fixed.churn_threshold_ms = Wide{p.churn_days} * kDayMs;
  // The customer's own rhythm applies from the third order on; it needs at
  // least one gap, which consistent aggregates always have by then.
  if (a.order_count >= 3 && n >= 2) {
    fixed.churn_threshold_ms =
        std::min(fixed.churn_threshold_ms, 3 * MedianGapMs(times));
  }
  return fixed;
}

// The attributes that move with as_of.
struct TimeState {
  int r = 0;
  int segment = -1;
  LifecycleStage lifecycle = LifecycleStage::kProspect;
  bool churn_risk = false;
};

bool operator==(const TimeState& x, const TimeState& y) {
  return x.r == y.r && x.segment == y.segment && x.lifecycle == y.lifecycle &&
         x.churn_risk == y.churn_risk;
}

// d: whole days since last activity; first: since the first order. New is
// about acquisition, so it counts from the first order (an interaction or a
// repeat order does not make a customer new again); since last activity is
// never before the first order, a new customer is never at risk or churned
// when the aggregates are consistent, and those are tested first anyway.
LifecycleStage LifecycleOf(Wide d, Wide first, const TierPolicy& p,
                           const Fixed& fixed) {
  if (d > p.at_risk_days) return LifecycleStage::kChurned;
  if (d > p.active_days) return LifecycleStage::kAtRisk;
  if (first <= p.new_days) return LifecycleStage::kNew;
  if (fixed.returned_after_gap) return LifecycleStage::kReactivated;
  return LifecycleStage::kActive;
}

// For a customer with at least one order.
TimeState StateAt(const Aggregates& a, const TierPolicy& p, const Fixed& fixed,
                  int64_t as_of_ms) {
  TimeState s;
  s.r = RecencyScore(DaysSince(a.last_order_ms, as_of_ms), p.recency_days);
  s.segment = SegmentOf(p.segments, s.r, fixed.f, fixed.m);
  s.lifecycle = LifecycleOf(DaysSince(a.last_activity_ms, as_of_ms),
                            DaysSince(a.first_order_ms, as_of_ms), p, fixed);
  s.churn_risk =
      Wide{as_of_ms} - a.last_activity_ms >= fixed.churn_threshold_ms;
  return s;
}

// The earliest as_of at which "whole days since t > n" starts to hold:
// t + (n + 1) days. For n < 0 it always holds and never flips.
void AddDayBreakpoint(int64_t t, int64_t n, std::vector<Wide>* out) {
  if (n >= 0) out->push_back(Wide{t} + (Wide{n} + 1) * kDayMs);
}

// Every comparison StateAt makes against as_of is a single step in time,
// at one of these instants; between two of them the state is constant.
// So the next change is the first instant after as_of whose state differs
// (an instant may change nothing: e.g. new_days for aggregates whose last
// activity lies before their first order, already at risk by then).
int64_t NextChangeMs(const Aggregates& a, const TierPolicy& p,
                     const Fixed& fixed, const TimeState& now,
                     int64_t as_of_ms) {
  std::vector<Wide> instants;
  instants.reserve(8);
  for (int64_t days : p.recency_days) {
    AddDayBreakpoint(a.last_order_ms, days, &instants);
  }
  AddDayBreakpoint(a.first_order_ms, p.new_days, &instants);
  AddDayBreakpoint(a.last_activity_ms, p.active_days, &instants);
  AddDayBreakpoint(a.last_activity_ms, p.at_risk_days, &instants);
  instants.push_back(Wide{a.last_activity_ms} + fixed.churn_threshold_ms);
  std::sort(instants.begin(), instants.end());
  for (Wide t : instants) {
    if (t <= as_of_ms) continue;
    if (t >= kNever) break;  // beyond any representable as_of
    const int64_t at = static_cast<int64_t>(t);
    if (!(StateAt(a, p, fixed, at) == now)) return at;
  }
  return kNever;
}

}  // namespace

bool operator==(const Derived& a, const Derived& b) {
  return a.value_tier == b.value_tier && a.r == b.r && a.f == b.f &&
         a.m == b.m && a.segment == b.segment &&
         a.segment_name == b.segment_name && a.lifecycle == b.lifecycle &&
         a.churn_risk == b.churn_risk && a.loyalty_points == b.loyalty_points &&
         a.next_change_ms == b.next_change_ms;
}

Derived Derive(const Aggregates& aggregates, const TierPolicy& policy,
               int64_t as_of_ms) {
  Derived d;
  d.value_tier = ValueTierOf(aggregates, policy);
  d.loyalty_points = LoyaltyPoints(aggregates, policy);
  // A prospect (no order; a negative count is treated alike) has nothing
  // that moves with time: the defaults stand and next_change_ms is never.
  if (aggregates.order_count <= 0) return d;

  const Fixed fixed = ComputeFixed(aggregates, policy);
  const TimeState now = StateAt(aggregates, policy, fixed, as_of_ms);
  d.r = now.r;
  d.f = fixed.f;
  d.m = fixed.m;
  d.segment = now.segment;
  if (d.segment >= 0 &&
      static_cast<size_t>(d.segment) < policy.segments.size()) {
    d.segment_name = policy.segments[d.segment].name;
  }
  d.lifecycle = now.lifecycle;
  d.churn_risk = now.churn_risk;
  d.next_change_ms = NextChangeMs(aggregates, policy, fixed, now, as_of_ms);
  return d;
}

}  // namespace custdb
