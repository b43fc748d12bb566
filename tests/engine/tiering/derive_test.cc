// Derive: hand-written tables for every rule in derive.h at its boundaries,
// and a property test that next_change_ms is exactly the next instant at
// which the result changes.
#include "tiering/derive.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace custdb {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kMaxTs = 253402300799999;  // 9999-12-31T23:59:59.999Z
constexpr int64_t kT0 = 1700000000000;       // 2023-11-14T22:13:20Z

constexpr int64_t Days(int64_t n) { return n * kDayMs; }

// A customer whose completed orders were placed at `order_ms` (ascending),
// `spend` in total, with no interactions.
Aggregates Buyer(const std::vector<int64_t>& order_ms, int64_t spend = 5000) {
  Aggregates a;
  a.order_count = static_cast<int64_t>(order_ms.size());
  a.completed_order_count = a.order_count;
  a.total_spend_minor = spend;
  a.completed_spend_minor = spend;
  if (!order_ms.empty()) {
    a.first_order_ms = order_ms.front();
    a.last_order_ms = order_ms.back();
    a.last_activity_ms = a.last_order_ms;
  }
  const size_t keep = std::min(order_ms.size(), kRecentOrders);
  a.recent_order_ms.assign(order_ms.end() - keep, order_ms.end());
  return a;
}

// `n` orders a week apart, the last at `last_ms`.
Aggregates WeeklyBuyer(int64_t n, int64_t last_ms, int64_t spend = 5000) {
  std::vector<int64_t> times;
  for (int64_t i = n - 1; i >= 0; --i) times.push_back(last_ms - Days(7 * i));
  return Buyer(times, spend);
}

std::string SegmentName(const TierPolicy& p, const Derived& d) {
  if (d.segment < 0 || d.segment >= static_cast<int>(p.segments.size())) {
    return "<segment " + std::to_string(d.segment) + ">";
  }
  return p.segments[d.segment].name;
}

std::string ToString(const Derived& d) {
  std::ostringstream out;
  out << "{tier=" << ValueTierName(d.value_tier) << " r=" << d.r << " f=" << d.f
      << " m=" << d.m << " segment=" << d.segment
      << " lifecycle=" << LifecycleStageName(d.lifecycle)
      << " churn_risk=" << d.churn_risk << " points=" << d.loyalty_points
      << " next_change_ms=" << d.next_change_ms << "}";
  return out.str();
}

std::string ToString(const Aggregates& a) {
  std::ostringstream out;
  out << "{order_count=" << a.order_count << " spend=" << a.total_spend_minor
      << " completed_spend=" << a.completed_spend_minor
      << " redeemed=" << a.loyalty_redeemed
      << " last_order_ms=" << a.last_order_ms
      << " last_activity_ms=" << a.last_activity_ms << " recent_order_ms=[";
  for (int64_t t : a.recent_order_ms) out << " " << t;
  out << " ]}";
  return out.str();
}

std::string ToString(const TierPolicy& p) {
  std::ostringstream out;
  out << "{recency_days=[";
  for (int64_t v : p.recency_days) out << " " << v;
  out << " ] frequency_orders=[";
  for (int64_t v : p.frequency_orders) out << " " << v;
  out << " ] new/active/at_risk_days=" << p.new_days << "/" << p.active_days
      << "/" << p.at_risk_days << " churn_days=" << p.churn_days
      << " segments=" << p.segments.size() << "}";
  return out.str();
}

// Equal except for next_change_ms.
bool SameAttributes(Derived a, Derived b) {
  a.next_change_ms = b.next_change_ms = 0;
  return a == b;
}

// --- value tier ------------------------------------------------------------

TEST(DeriveValueTierTest, DefaultSpendThresholdsAreInclusive) {
  const TierPolicy p = DefaultPolicy();
  struct Row {
    int64_t spend;
    ValueTier tier;
  };
  const Row rows[] = {
      {std::numeric_limits<int64_t>::min(), ValueTier::kLow},
      {-1, ValueTier::kLow},
      {0, ValueTier::kLow},
      {29999, ValueTier::kLow},
      {30000, ValueTier::kMedium},
      {199999, ValueTier::kMedium},
      {200000, ValueTier::kHigh},
      {kNever, ValueTier::kHigh},
  };
  for (const Row& row : rows) {
    const Derived d = Derive(Buyer({kT0}, row.spend), p, kT0);
    EXPECT_STREQ(ValueTierName(d.value_tier), ValueTierName(row.tier))
        << "spend " << row.spend;
  }
}

TEST(DeriveValueTierTest, MinimumOrderCountsGateEachTier) {
  TierPolicy p = DefaultPolicy();
  p.high_min_orders = 5;
  p.medium_min_orders = 2;
  struct Row {
    int64_t spend;
    int64_t orders;
    ValueTier tier;
  };
  const Row rows[] = {
      {200000, 5, ValueTier::kHigh},   {200000, 4, ValueTier::kMedium},
      {199999, 5, ValueTier::kMedium}, {200000, 1, ValueTier::kLow},
      {30000, 2, ValueTier::kMedium},  {30000, 1, ValueTier::kLow},
      {29999, 9, ValueTier::kLow},
  };
  for (const Row& row : rows) {
    const Derived d = Derive(WeeklyBuyer(row.orders, kT0, row.spend), p, kT0);
    EXPECT_STREQ(ValueTierName(d.value_tier), ValueTierName(row.tier))
        << "spend " << row.spend << ", orders " << row.orders;
  }
}

// --- R, F, M ---------------------------------------------------------------

TEST(DeriveRfmTest, RecencyBreakpointsIncludeTheirDayInTheBetterScore) {
  const TierPolicy p = DefaultPolicy();  // 30, 90, 180, 365
  struct Row {
    int64_t since_last_order_ms;
    int r;
  };
  const Row rows[] = {
      {0, 5},         {Days(31) - 1, 5},  // 30 whole days
      {Days(31), 4},  {Days(91) - 1, 4},  {Days(91), 3},  {Days(181) - 1, 3},
      {Days(181), 2}, {Days(366) - 1, 2}, {Days(366), 1}, {Days(20000), 1},
  };
  for (const Row& row : rows) {
    const Derived d = Derive(Buyer({kT0}), p, kT0 + row.since_last_order_ms);
    EXPECT_EQ(d.r, row.r) << "ms since last order " << row.since_last_order_ms;
  }
}

TEST(DeriveRfmTest, RecencyFollowsThePolicyBreakpoints) {
  TierPolicy p = DefaultPolicy();
  p.recency_days = {0, 7, 14, 28};
  struct Row {
    int64_t since_last_order_ms;
    int r;
  };
  const Row rows[] = {{Days(1) - 1, 5}, {Days(1), 4},  {Days(8) - 1, 4},
                      {Days(8), 3},     {Days(15), 2}, {Days(29) - 1, 2},
                      {Days(29), 1}};
  for (const Row& row : rows) {
    const Derived d = Derive(Buyer({kT0}), p, kT0 + row.since_last_order_ms);
    EXPECT_EQ(d.r, row.r) << "ms since last order " << row.since_last_order_ms;
  }
}

TEST(DeriveRfmTest, FrequencyCountsBreakpointsAtOrBelowOrderCount) {
  TierPolicy p = DefaultPolicy();  // 2, 3, 5, 10
  const std::pair<int64_t, int> rows[] = {{1, 1}, {2, 2}, {3, 3},  {4, 3},
                                          {5, 4}, {9, 4}, {10, 5}, {40, 5}};
  for (const auto& [orders, f] : rows) {
    EXPECT_EQ(Derive(WeeklyBuyer(orders, kT0), p, kT0).f, f)
        << "orders " << orders;
  }
  p.frequency_orders = {1, 4, 6, 8};
  EXPECT_EQ(Derive(WeeklyBuyer(1, kT0), p, kT0).f, 2);
  EXPECT_EQ(Derive(WeeklyBuyer(7, kT0), p, kT0).f, 4);
  EXPECT_EQ(Derive(WeeklyBuyer(8, kT0), p, kT0).f, 5);
}

TEST(DeriveRfmTest, MonetaryCountsBreakpointsAtOrBelowSpend) {
  const TierPolicy p = DefaultPolicy();  // 10000, 30000, 100000, 200000
  const std::pair<int64_t, int> rows[] = {
      {-5, 1},     {0, 1},      {9999, 1},   {10000, 2},
      {29999, 2},  {30000, 3},  {99999, 3},  {100000, 4},
      {199999, 4}, {200000, 5}, {kNever, 5},
  };
  for (const auto& [spend, m] : rows) {
    EXPECT_EQ(Derive(Buyer({kT0}, spend), p, kT0).m, m) << "spend " << spend;
  }
}

// --- segments --------------------------------------------------------------

TEST(DeriveSegmentTest, EveryDefaultSegmentIsReachable) {
  const TierPolicy p = DefaultPolicy();
  struct Row {
    const char* name;
    int64_t orders;
    int64_t days_since_last_order;
    int r;
    int f;
  };
  const Row rows[] = {
      {"Champions", 5, 10, 5, 4},          {"Loyal", 10, 100, 3, 5},
      {"Potential Loyalist", 2, 40, 4, 2}, {"New", 1, 0, 5, 1},
      {"Promising", 1, 60, 4, 1},          {"Need Attention", 3, 150, 3, 3},
      {"About to Sleep", 2, 120, 3, 2},    {"At Risk", 5, 200, 2, 4},
      {"Can't Lose Them", 12, 400, 1, 5},  {"Hibernating", 1, 500, 1, 1},
  };
  std::set<std::string> reached;
  for (const Row& row : rows) {
    const Derived d = Derive(WeeklyBuyer(row.orders, kT0), p,
                             kT0 + Days(row.days_since_last_order));
    EXPECT_EQ(d.r, row.r) << row.name;
    EXPECT_EQ(d.f, row.f) << row.name;
    EXPECT_EQ(SegmentName(p, d), row.name);
    reached.insert(SegmentName(p, d));
  }
  std::set<std::string> all;
  for (const SegmentRule& rule : p.segments) all.insert(rule.name);
  EXPECT_EQ(reached, all);
}

TEST(DeriveSegmentTest, FirstMatchingRuleWinsAndMonetaryCounts) {
  TierPolicy p = DefaultPolicy();
  p.segments = {{"Top", {5, 5}, {5, 5}, {5, 5}},
                {"Recent", {4, 5}, {1, 5}, {1, 5}},
                {"Rest", {1, 5}, {1, 5}, {1, 5}}};
  ASSERT_TRUE(ValidatePolicy(p).ok()) << ValidatePolicy(p).ToString();
  // r5 f5 m5 matches all three rules: the first takes it.
  EXPECT_EQ(SegmentName(p, Derive(WeeklyBuyer(10, kT0, 200000), p, kT0)),
            "Top");
  EXPECT_EQ(SegmentName(p, Derive(WeeklyBuyer(10, kT0, 199999), p, kT0)),
            "Recent");
  EXPECT_EQ(SegmentName(p, Derive(WeeklyBuyer(1, kT0), p, kT0 + Days(60))),
            "Recent");
  EXPECT_EQ(
      SegmentName(p, Derive(WeeklyBuyer(10, kT0, 200000), p, kT0 + Days(91))),
      "Rest");
}

TEST(DeriveSegmentTest, NoMatchingRuleGivesMinusOne) {
  // A table ValidatePolicy rejects (cells uncovered): Derive stays total.
  TierPolicy p = DefaultPolicy();
  p.segments = {{"Recent", {5, 5}, {1, 5}, {1, 5}}};
  EXPECT_EQ(Derive(Buyer({kT0}), p, kT0).segment, 0);
  EXPECT_EQ(Derive(Buyer({kT0}), p, kT0 + Days(31)).segment, -1);
}

// --- prospect --------------------------------------------------------------

TEST(DeriveProspectTest, NoOrderMeansProspectWithNothingToDecay) {
  const TierPolicy p = DefaultPolicy();
  Aggregates a;
  a.interaction_count = 3;
  a.last_interaction_ms = kT0;
  a.last_activity_ms = kT0;
  for (int64_t as_of : {kT0 - Days(1), kT0, kT0 + Days(1000)}) {
    const Derived d = Derive(a, p, as_of);
    EXPECT_EQ(d.r, 0);
    EXPECT_EQ(d.f, 0);
    EXPECT_EQ(d.m, 0);
    EXPECT_EQ(d.segment, -1);
    EXPECT_EQ(d.lifecycle, LifecycleStage::kProspect);
    EXPECT_FALSE(d.churn_risk);
    EXPECT_EQ(d.value_tier, ValueTier::kLow);
    EXPECT_EQ(d.loyalty_points, 0);
    EXPECT_EQ(d.next_change_ms, kNever);
  }
}

// --- lifecycle -------------------------------------------------------------

struct StageRow {
  int64_t as_of_ms;
  LifecycleStage stage;
};

void ExpectStages(const Aggregates& a, const TierPolicy& p,
                  const std::vector<StageRow>& rows) {
  for (const StageRow& row : rows) {
    EXPECT_STREQ(LifecycleStageName(Derive(a, p, row.as_of_ms).lifecycle),
                 LifecycleStageName(row.stage))
        << "as_of - last_activity_ms = " << row.as_of_ms - a.last_activity_ms;
  }
}

// Each stage's definition (policy.h) at its boundary: N - 1, N and N + 1
// whole days after the time it counts from, and 1 ms either side of the
// instant N + 1 days after it, where "within N days" stops holding.
TEST(DeriveLifecycleTest, FirstOrderIsNewUntilNewDaysThenActive) {
  ExpectStages(Buyer({kT0}), DefaultPolicy(),
               {{kT0 - Days(5), LifecycleStage::kNew},
                {kT0, LifecycleStage::kNew},
                {kT0 + Days(29), LifecycleStage::kNew},
                {kT0 + Days(30), LifecycleStage::kNew},
                {kT0 + Days(31) - 1, LifecycleStage::kNew},
                {kT0 + Days(31), LifecycleStage::kActive},
                {kT0 + Days(31) + 1, LifecycleStage::kActive},
                {kT0 + Days(89), LifecycleStage::kActive},
                {kT0 + Days(90), LifecycleStage::kActive},
                {kT0 + Days(91) - 1, LifecycleStage::kActive},
                {kT0 + Days(91), LifecycleStage::kAtRisk},
                {kT0 + Days(91) + 1, LifecycleStage::kAtRisk},
                {kT0 + Days(179), LifecycleStage::kAtRisk},
                {kT0 + Days(180), LifecycleStage::kAtRisk},
                {kT0 + Days(181) - 1, LifecycleStage::kAtRisk},
                {kT0 + Days(181), LifecycleStage::kChurned},
                {kT0 + Days(181) + 1, LifecycleStage::kChurned}});
}

TEST(DeriveLifecycleTest, NewCountsDaysFromTheFirstOrderNotLastActivity) {
  // Issue 12 item 5: the only order eight months ago and a call last week
  // is an active customer, not a new one.
  Aggregates a = Buyer({kT0});
  a.last_interaction_ms = kT0 + Days(240);
  a.last_activity_ms = a.last_interaction_ms;
  ExpectStages(a, DefaultPolicy(),
               {{kT0 + Days(247), LifecycleStage::kActive}});
  // An interaction inside new_days neither extends nor ends "new".
  Aggregates b = Buyer({kT0});
  b.last_interaction_ms = kT0 + Days(20);
  b.last_activity_ms = b.last_interaction_ms;
  ExpectStages(b, DefaultPolicy(),
               {{kT0 + Days(30), LifecycleStage::kNew},
                {kT0 + Days(31) - 1, LifecycleStage::kNew},
                {kT0 + Days(31), LifecycleStage::kActive},
                {kT0 + Days(111) - 1, LifecycleStage::kActive},
                {kT0 + Days(111), LifecycleStage::kAtRisk}});
}

TEST(DeriveLifecycleTest, RepeatOrdersInsideNewDaysStayNew) {
  // New means acquired within new_days, whatever the order count; the
  // later orders then carry active, at_risk and churned.
  ExpectStages(Buyer({kT0, kT0 + Days(10), kT0 + Days(25)}), DefaultPolicy(),
               {{kT0 + Days(25), LifecycleStage::kNew},
                {kT0 + Days(30), LifecycleStage::kNew},
                {kT0 + Days(31) - 1, LifecycleStage::kNew},
                {kT0 + Days(31), LifecycleStage::kActive},
                {kT0 + Days(25 + 91) - 1, LifecycleStage::kActive},
                {kT0 + Days(25 + 91), LifecycleStage::kAtRisk},
                {kT0 + Days(25 + 181) - 1, LifecycleStage::kAtRisk},
                {kT0 + Days(25 + 181), LifecycleStage::kChurned}});
}

TEST(DeriveLifecycleTest, RepeatCustomerActiveThenAtRiskThenChurned) {
  ExpectStages(Buyer({kT0 - Days(40), kT0}), DefaultPolicy(),
               {{kT0, LifecycleStage::kActive},
                {kT0 + Days(90), LifecycleStage::kActive},
                {kT0 + Days(91) - 1, LifecycleStage::kActive},
                {kT0 + Days(91), LifecycleStage::kAtRisk},
                {kT0 + Days(180), LifecycleStage::kAtRisk},
                {kT0 + Days(181) - 1, LifecycleStage::kAtRisk},
                {kT0 + Days(181), LifecycleStage::kChurned},
                {kT0 + Days(5000), LifecycleStage::kChurned}});
}

TEST(DeriveLifecycleTest, InteractionsKeepABuyerActiveButNotNew) {
  Aggregates a = Buyer({kT0 - Days(40), kT0});
  a.last_interaction_ms = kT0 + Days(100);
  a.last_activity_ms = a.last_interaction_ms;
  ExpectStages(a, DefaultPolicy(),
               {{kT0 + Days(100), LifecycleStage::kActive},
                {kT0 + Days(191) - 1, LifecycleStage::kActive},
                {kT0 + Days(191), LifecycleStage::kAtRisk},
                {kT0 + Days(281) - 1, LifecycleStage::kAtRisk},
                {kT0 + Days(281), LifecycleStage::kChurned}});
}

TEST(DeriveLifecycleTest, ThresholdsFollowThePolicy) {
  TierPolicy p = DefaultPolicy();
  p.new_days = 7;
  p.active_days = 7;  // new goes straight to at_risk
  p.at_risk_days = 20;
  ExpectStages(Buyer({kT0}), p,
               {{kT0 + Days(8) - 1, LifecycleStage::kNew},
                {kT0 + Days(8), LifecycleStage::kAtRisk},
                {kT0 + Days(21) - 1, LifecycleStage::kAtRisk},
                {kT0 + Days(21), LifecycleStage::kChurned}});
}

TEST(DeriveLifecycleTest, ReactivatedAfterAGapOfMoreThanAtRiskWholeDays) {
  const TierPolicy p = DefaultPolicy();  // at_risk_days 180
  const int64_t back = kT0 + Days(181);
  ExpectStages(Buyer({kT0, back}), p,
               {{back, LifecycleStage::kReactivated},
                {back + Days(91) - 1, LifecycleStage::kReactivated},
                {back + Days(91), LifecycleStage::kAtRisk},
                {back + Days(181), LifecycleStage::kChurned}});
  // 180 days and 23:59:59.999 is 180 whole days: not more than 180.
  ExpectStages(Buyer({kT0, back - 1}), p, {{back, LifecycleStage::kActive}});
  // Only the two latest orders count.
  ExpectStages(Buyer({kT0, back, back + Days(10)}), p,
               {{back + Days(10), LifecycleStage::kActive}});
}

TEST(DeriveLifecycleTest, ACancelledFirstOrderStillDatesTheAcquisition) {
  // An order cancelled later leaves its time (types.h): one order counts,
  // but the customer first ordered 200 days ago, so it is not new, and
  // its two latest order times are more than at_risk_days apart.
  const int64_t back = kT0 + Days(200);
  Aggregates a = Buyer({kT0, back});
  a.order_count = 1;
  a.completed_order_count = 1;
  ExpectStages(a, DefaultPolicy(),
               {{back, LifecycleStage::kReactivated},
                {back + Days(91) - 1, LifecycleStage::kReactivated},
                {back + Days(91), LifecycleStage::kAtRisk}});
  // Only cancelled orders: no order counts, so a prospect.
  a.order_count = 0;
  a.completed_order_count = 0;
  ExpectStages(a, DefaultPolicy(), {{back, LifecycleStage::kProspect}});
}

TEST(DeriveLifecycleTest, ARefundedOnlyOrderStillCounts) {
  // A refunded order is an order (order_count), though it earns nothing.
  Aggregates a = Buyer({kT0}, 0);
  a.completed_order_count = 0;
  a.completed_spend_minor = 0;
  ExpectStages(a, DefaultPolicy(),
               {{kT0 + Days(31) - 1, LifecycleStage::kNew},
                {kT0 + Days(31), LifecycleStage::kActive}});
}

// --- churn risk ------------------------------------------------------------

void ExpectChurnFrom(const Aggregates& a, const TierPolicy& p,
                     int64_t threshold_ms) {
  const int64_t last = a.last_activity_ms;
  EXPECT_FALSE(Derive(a, p, last + threshold_ms - 1).churn_risk)
      << "threshold " << threshold_ms;
  EXPECT_TRUE(Derive(a, p, last + threshold_ms).churn_risk)
      << "threshold " << threshold_ms;
}

TEST(DeriveChurnTest, ChurnDaysBelowThreeOrders) {
  TierPolicy p = DefaultPolicy();
  // Two orders a day apart: the median rule needs three.
  ExpectChurnFrom(Buyer({kT0 - Days(1), kT0}), p, Days(180));
  p.churn_days = 30;
  ExpectChurnFrom(Buyer({kT0 - Days(1), kT0}), p, Days(30));
  EXPECT_FALSE(Derive(Buyer({kT0}), p, kT0 - Days(100)).churn_risk);
}

TEST(DeriveChurnTest, ThreeTimesMedianGapOddNumberOfGaps) {
  // Gaps 10, 40, 20 days: the median is 20 days (not the middle one, 40).
  ExpectChurnFrom(Buyer({kT0 - Days(70), kT0 - Days(60), kT0 - Days(20), kT0}),
                  DefaultPolicy(), Days(60));
}

// Twenty orders: ten 100 days apart, then ten 2 days apart. Over all
// nineteen gaps the median is 100 days (threshold: churn_days, 180); only
// the latest kRecentOrders times are kept, whose fifteen gaps (six of 100
// days, nine of 2) have the median 2 days: the recent rhythm, 6 days.
TEST(DeriveChurnTest, MedianGapIsOverTheLatestSixteenOrders) {
  std::vector<int64_t> times;
  for (int i = 0; i < 10; ++i) times.push_back(kT0 + Days(100 * i));
  const int64_t start = times.back() + Days(100);
  for (int i = 0; i < 10; ++i) times.push_back(start + Days(2 * i));
  const Aggregates a = Buyer(times);
  ASSERT_EQ(a.order_count, 20);
  ASSERT_EQ(a.recent_order_ms.size(), kRecentOrders);
  ExpectChurnFrom(a, DefaultPolicy(), Days(6));
}

TEST(DeriveChurnTest, ThreeTimesMedianGapEvenNumberOfGapsRoundsDown) {
  // Gaps 10 days and 21 days + 1 ms: median floor((31 d + 1 ms) / 2) =
  // 15.5 days exactly, so the threshold is 46.5 days (not 46.5 d + 1.5 ms).
  const int64_t t2 = kT0 + Days(31) + 1;
  ExpectChurnFrom(Buyer({kT0, kT0 + Days(10), t2}), DefaultPolicy(),
                  Days(46) + Days(1) / 2);
  // Four gaps 1, 30, 2, 8 days: the middle two are 2 and 8, median 5.
  ExpectChurnFrom(Buyer({kT0, kT0 + Days(1), kT0 + Days(31), kT0 + Days(33),
                         kT0 + Days(41)}),
                  DefaultPolicy(), Days(15));
}

TEST(DeriveChurnTest, ChurnDaysWhenShorterThanTheMedianRule) {
  // Median 100 days: 300 > 180, so churn_days applies.
  ExpectChurnFrom(Buyer({kT0, kT0 + Days(100), kT0 + Days(200)}),
                  DefaultPolicy(), Days(180));
}

TEST(DeriveChurnTest, MeasuredFromLastActivityIncludingInteractions) {
  Aggregates a = Buyer({kT0 - Days(1), kT0});
  a.last_interaction_ms = kT0 + Days(100);
  a.last_activity_ms = a.last_interaction_ms;
  EXPECT_FALSE(Derive(a, DefaultPolicy(), kT0 + Days(200)).churn_risk);
  ExpectChurnFrom(a, DefaultPolicy(), Days(180));
}

// --- loyalty ---------------------------------------------------------------

TEST(DeriveLoyaltyTest, PointsPerUnitOfCompletedSpendLessRedemptions) {
  struct Row {
    int64_t completed_spend;
    int64_t rate;
    int64_t redeemed;
    int64_t points;
  };
  const Row rows[] = {
      {12345, 1, 0, 123},    {12399, 1, 0, 123}, {12345, 3, 0, 370},
      {12345, 3, 100, 270},  {12345, 3, 370, 0}, {12345, 3, 371, 0},
      {12345, 3, kNever, 0}, {0, 5, 0, 0},       {12345, 0, 0, 0},
      {-500, 1, 0, 0},       {-50, 1, -10, 9},  // rounds down: -0.5 -> -1
  };
  for (const Row& row : rows) {
    TierPolicy p = DefaultPolicy();
    p.loyalty_points_per_unit = row.rate;
    Aggregates a = Buyer({kT0}, 999999);  // total spend does not count
    a.completed_spend_minor = row.completed_spend;
    a.loyalty_redeemed = row.redeemed;
    EXPECT_EQ(Derive(a, p, kT0).loyalty_points, row.points)
        << row.completed_spend << " x " << row.rate << " / 100 - "
        << row.redeemed;
  }
}

TEST(DeriveLoyaltyTest, SaturatesInsteadOfOverflowing) {
  TierPolicy p = DefaultPolicy();
  Aggregates a = Buyer({kT0}, kNever);
  EXPECT_EQ(Derive(a, p, kT0).loyalty_points, kNever / 100);
  p.loyalty_points_per_unit = kNever;
  EXPECT_EQ(Derive(a, p, kT0).loyalty_points, kNever);
  a.loyalty_redeemed = kNever;
  EXPECT_EQ(Derive(a, p, kT0).loyalty_points, kNever);
}

// --- as_of -----------------------------------------------------------------

TEST(DeriveAsOfTest, BeforeLastActivityCountsZeroDays) {
  Aggregates a = Buyer({kT0 - Days(10), kT0});
  a.last_interaction_ms = kT0 + Days(5);
  a.last_activity_ms = a.last_interaction_ms;
  const Derived d = Derive(a, DefaultPolicy(), kT0 - Days(30));
  EXPECT_EQ(d.r, 5);
  // The first order is after as_of too: 0 days since it, so new.
  EXPECT_EQ(d.lifecycle, LifecycleStage::kNew);
  EXPECT_FALSE(d.churn_risk);
  // Nothing moves until 31 whole days after the first order.
  EXPECT_EQ(d.next_change_ms, kT0 + Days(21));
}

// --- next_change_ms --------------------------------------------------------

TEST(DeriveNextChangeTest, WalksEveryBreakpointOfARepeatCustomer) {
  const TierPolicy p = DefaultPolicy();
  const Aggregates a = Buyer({kT0 - Days(40), kT0});  // median rule off
  struct Row {
    int64_t as_of_ms;
    int64_t next_change_ms;
  };
  const Row rows[] = {
      {kT0 - Days(3), kT0 + Days(31)},       // r 5 -> 4
      {kT0, kT0 + Days(31)},                 //
      {kT0 + Days(31) - 1, kT0 + Days(31)},  //
      {kT0 + Days(31), kT0 + Days(91)},      // r 4 -> 3, at_risk
      {kT0 + Days(91), kT0 + Days(180)},     // churn_risk
      {kT0 + Days(180), kT0 + Days(181)},    // r 3 -> 2, churned
      {kT0 + Days(181), kT0 + Days(366)},    // r 2 -> 1
      {kT0 + Days(366), kNever},             // nothing left to change
      {kMaxTs, kNever},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(Derive(a, p, row.as_of_ms).next_change_ms, row.next_change_ms)
        << "as_of - last = " << row.as_of_ms - kT0;
  }
}

TEST(DeriveNextChangeTest, NewEndsNewDaysAfterTheFirstOrder) {
  TierPolicy p = DefaultPolicy();
  p.recency_days = {40, 90, 180, 365};
  // A repeat customer stops being new 31 days after its first order, not
  // its last: the due index must wake it then.
  const Derived repeat = Derive(Buyer({kT0 - Days(10), kT0}), p, kT0);
  EXPECT_EQ(repeat.lifecycle, LifecycleStage::kNew);
  EXPECT_EQ(repeat.next_change_ms, kT0 + Days(21));
  // An interaction does not move it.
  Aggregates called = Buyer({kT0});
  called.last_interaction_ms = kT0 + Days(20);
  called.last_activity_ms = called.last_interaction_ms;
  EXPECT_EQ(Derive(called, p, kT0 + Days(20)).next_change_ms, kT0 + Days(31));
  EXPECT_EQ(Derive(Buyer({kT0}), p, kT0).next_change_ms, kT0 + Days(31));
}

TEST(DeriveNextChangeTest, SkipsBreakpointsThatChangeNothing) {
  TierPolicy p = DefaultPolicy();
  p.recency_days = {40, 90, 180, 365};
  // Aggregates out of contract (first order after the last activity):
  // new_days is crossed at 231 days, when the customer is churned already.
  Aggregates a = Buyer({kT0});
  a.first_order_ms = kT0 + Days(200);
  EXPECT_EQ(Derive(a, p, kT0 + Days(200)).next_change_ms, kT0 + Days(366));
}

TEST(DeriveNextChangeTest, ChurnThresholdIsInMillisecondsNotDays) {
  // Orders a day apart: churn at 3 days; the median rule's 46.5 days.
  EXPECT_EQ(
      Derive(Buyer({kT0 - Days(2), kT0 - Days(1), kT0}), DefaultPolicy(), kT0)
          .next_change_ms,
      kT0 + Days(3));
  const int64_t t2 = kT0 + Days(31) + 1;
  EXPECT_EQ(
      Derive(Buyer({kT0, kT0 + Days(10), t2}), DefaultPolicy(), t2 + Days(40))
          .next_change_ms,
      t2 + Days(46) + Days(1) / 2);
}

TEST(DeriveNextChangeTest, ExtremeValuesDoNotOverflow) {
  TierPolicy p = DefaultPolicy();
  p.recency_days = {0, 1, 2, kNever};
  p.new_days = 1;
  p.active_days = 2;
  p.at_risk_days = kNever;
  p.churn_days = kNever;
  ASSERT_TRUE(ValidatePolicy(p).ok()) << ValidatePolicy(p).ToString();
  const Derived d = Derive(Buyer({0, 0}, kNever), p, kMaxTs);
  EXPECT_EQ(d.r, 2);
  EXPECT_EQ(d.lifecycle, LifecycleStage::kAtRisk);
  EXPECT_FALSE(d.churn_risk);
  EXPECT_EQ(d.next_change_ms, kNever);  // every breakpoint is past INT64_MAX
  const Derived late = Derive(Buyer({kMaxTs}), p, 0);
  EXPECT_EQ(late.r, 5);
  EXPECT_EQ(late.next_change_ms, kMaxTs + Days(1));
}

// --- operator== ------------------------------------------------------------

TEST(DeriveEqualityTest, ComparesEveryField) {
  const Derived base = Derive(WeeklyBuyer(3, kT0, 40000), DefaultPolicy(), kT0);
  EXPECT_TRUE(base == base);
  EXPECT_FALSE(base != base);
  std::vector<Derived> changed(9, base);
  changed[0].value_tier = ValueTier::kHigh;
  changed[1].r += 1;
  changed[2].f += 1;
  changed[3].m += 1;
  changed[4].segment += 1;
  changed[5].lifecycle = LifecycleStage::kChurned;
  changed[6].churn_risk = !base.churn_risk;
  changed[7].loyalty_points += 1;
  changed[8].next_change_ms += 1;
  for (size_t i = 0; i < changed.size(); ++i) {
    EXPECT_FALSE(base == changed[i]) << "field " << i;
    EXPECT_TRUE(base != changed[i]) << "field " << i;
  }
}

// --- property: next_change_ms ------------------------------------------------

int64_t Pick(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

int64_t RandomGapMs(std::mt19937_64& rng) {
  switch (Pick(rng, 0, 4)) {
    case 0:
      return 0;
    case 1:
      return Pick(rng, 1, Days(3));
    case 2:
      return Days(Pick(rng, 1, 400));  // whole days: lands on breakpoints
    default:
      return Pick(rng, 0, Days(400));
  }
}

Aggregates RandomAggregates(std::mt19937_64& rng) {
  Aggregates a;
  a.order_count = Pick(rng, 0, 9) == 0 ? 0 : Pick(rng, 1, Pick(rng, 1, 25));
  if (a.order_count > 0) {
    // Cancelled orders still leave their times.
    const int64_t times =
        std::min<int64_t>(kRecentOrders, a.order_count + Pick(rng, 0, 2));
    int64_t t = Pick(rng, 0, Days(20000));
    for (int64_t i = 0; i < times; ++i) {
      if (i > 0) t += RandomGapMs(rng);
      a.recent_order_ms.push_back(t);
    }
    a.first_order_ms = a.recent_order_ms.front();
    a.last_order_ms = a.recent_order_ms.back();
  }
  if (Pick(rng, 0, 1) == 1) {
    a.last_interaction_ms = std::max<int64_t>(
        0, a.last_order_ms + Pick(rng, -Days(300), Days(300)));
  }
  a.last_activity_ms = std::max(a.last_order_ms, a.last_interaction_ms);
  static const int64_t kSpends[] = {0,     9999,   10000,  29999, 30000,
                                    99999, 100000, 199999, 200000};
  a.total_spend_minor = Pick(rng, 0, 1) ? kSpends[Pick(rng, 0, 8)]
                                        : Pick(rng, -100000, 100000000);
  a.completed_spend_minor =
      Pick(rng, 0, std::max<int64_t>(0, a.total_spend_minor));
  a.loyalty_redeemed = Pick(rng, 0, 500000);
  return a;
}

int64_t RandomAsOf(std::mt19937_64& rng, const Aggregates& a) {
  int64_t as_of;
  switch (Pick(rng, 0, 2)) {
    case 0: {  // exactly on, or just beside, a whole-day boundary
      const int64_t from[] = {a.first_order_ms, a.last_order_ms,
                              a.last_activity_ms};
      as_of =
          from[Pick(rng, 0, 2)] + Days(Pick(rng, 0, 400)) + Pick(rng, -1, 1);
      break;
    }
    default:
      as_of = a.last_activity_ms + Pick(rng, -Days(60), Days(900));
  }
  return std::clamp<int64_t>(as_of, 0, kMaxTs);
}

// A valid policy with random thresholds and a segment table that uses all
// three scores.
TierPolicy RandomPolicy(std::mt19937_64& rng) {
  TierPolicy p = DefaultPolicy();
  p.recency_days[0] = Pick(rng, 0, 60);
  for (size_t i = 1; i < 4; ++i) {
    p.recency_days[i] = p.recency_days[i - 1] + Pick(rng, 1, 150);
  }
  p.frequency_orders[0] = Pick(rng, 1, 3);
  for (size_t i = 1; i < 4; ++i) {
    p.frequency_orders[i] = p.frequency_orders[i - 1] + Pick(rng, 1, 5);
  }
  p.new_days = Pick(rng, 1, 60);
  p.active_days = p.new_days + Pick(rng, 0, 120);
  p.at_risk_days = p.active_days + Pick(rng, 1, 200);
  p.churn_days = Pick(rng, 1, 400);
  p.segments = {
      {"VIP", {4, 5}, {4, 5}, {4, 5}},
      {"Big spender lapsing", {1, 3}, {1, 5}, {5, 5}},
      {"Regular", {3, 5}, {2, 5}, {1, 5}},
      {"Fresh", {4, 5}, {1, 1}, {1, 5}},
      {"Rest", {1, 5}, {1, 5}, {1, 5}},
  };
  return p;
}

// The first instant after as_of whose attributes differ, by bisection over
// Derive itself. Valid only because under a valid policy every attribute
// moves one way (r falls, lifecycle advances, churn_risk turns on), so
// "differs from as_of" never turns false again.
int64_t BisectNextChange(const Aggregates& a, const TierPolicy& p,
                         int64_t as_of, const Derived& at_as_of) {
  if (SameAttributes(Derive(a, p, kNever), at_as_of)) return kNever;
  int64_t same = as_of;  // invariant: Derive(same) == at_as_of
  int64_t differs = kNever;
  while (differs - same > 1) {
    const int64_t mid = same + (differs - same) / 2;
    if (SameAttributes(Derive(a, p, mid), at_as_of)) {
      same = mid;
    } else {
      differs = mid;
    }
  }
  return differs;
}

// Checks from as_of through every later change: Derive is identical
// (next_change_ms included) at sampled instants strictly before each
// next_change_ms, and differs at it.
::testing::AssertionResult HoldsUntilNextChange(const Aggregates& a,
                                                const TierPolicy& p,
                                                int64_t as_of,
                                                std::mt19937_64& rng) {
  auto fail = [&](const std::string& what) {
    return ::testing::AssertionFailure()
           << what << "\n  aggregates " << ToString(a) << "\n  policy "
           << ToString(p) << "\n  first as_of " << as_of;
  };
  Derived d = Derive(a, p, as_of);
  const int64_t bisected = BisectNextChange(a, p, as_of, d);
  if (d.next_change_ms != bisected) {
    return fail("next_change_ms " + std::to_string(d.next_change_ms) +
                ", bisection finds " + std::to_string(bisected) + ": " +
                ToString(d));
  }
  for (int step = 0;; ++step) {
    if (step > 10) return fail("more changes than breakpoints");
    const int64_t next = d.next_change_ms;
    if (next <= as_of) return fail("next_change_ms not after as_of");
    const int64_t last_probe = next == kNever ? kNever : next - 1;
    std::vector<int64_t> probes = {as_of + 1, last_probe,
                                   as_of + (last_probe - as_of) / 2};
    for (int i = 0; i < 4; ++i) probes.push_back(Pick(rng, as_of, last_probe));
    for (int64_t t : probes) {
      if (t <= as_of || t > last_probe) continue;
      const Derived at_t = Derive(a, p, t);
      if (!(at_t == d)) {
        return fail("as_of " + std::to_string(as_of) + " gives " + ToString(d) +
                    " but " + std::to_string(t) + " gives " + ToString(at_t));
      }
    }
    if (next == kNever) return ::testing::AssertionSuccess();
    const Derived at_next = Derive(a, p, next);
    if (SameAttributes(at_next, d)) {
      return fail("nothing changes at next_change_ms: " + ToString(d));
    }
    as_of = next;
    d = at_next;
  }
}

constexpr uint64_t kSeed = 0x5eedc0ffee2024ULL;
constexpr int kCases = 2000;

TEST(DerivePropertyTest, DefaultPolicyChangesExactlyAtNextChange) {
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  std::mt19937_64 rng(kSeed);
  const TierPolicy p = DefaultPolicy();
  for (int i = 0; i < kCases; ++i) {
    const Aggregates a = RandomAggregates(rng);
    const int64_t as_of = RandomAsOf(rng, a);
    ASSERT_TRUE(HoldsUntilNextChange(a, p, as_of, rng)) << "case " << i;
  }
}

TEST(DerivePropertyTest, CustomPoliciesChangeExactlyAtNextChange) {
  SCOPED_TRACE("seed " + std::to_string(kSeed + 1));
  std::mt19937_64 rng(kSeed + 1);
  TierPolicy p;
  for (int i = 0; i < kCases; ++i) {
    if (i % 20 == 0) {
      p = RandomPolicy(rng);
      ASSERT_TRUE(ValidatePolicy(p).ok()) << ValidatePolicy(p).ToString();
    }
    const Aggregates a = RandomAggregates(rng);
    const int64_t as_of = RandomAsOf(rng, a);
    ASSERT_TRUE(HoldsUntilNextChange(a, p, as_of, rng)) << "case " << i;
  }
}

}  // namespace
}  // namespace custdb
