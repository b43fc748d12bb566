// QuintileBreakpoints / RecencyQuintileBreakpoints: the tie rule in
// quantiles.h against a brute-force reference, on heavily tied and on
// distinct distributions, scored through Derive as the engine scores them.
#include "tiering/quantiles.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "tiering/derive.h"

namespace custdb {
namespace {

constexpr int64_t kAsOf = 1700000000000;

// The reference: per distinct value (ascending) target t_i, and score s_i =
// min over j <= i of t_j + (i - j), the closed form of "climb one score at
// a time towards the target". Returns value -> score.
std::map<int64_t, int> ReferenceScores(const std::vector<int64_t>& values) {
  std::map<int64_t, int64_t> count;
  for (int64_t v : values) ++count[v];
  const int64_t n = static_cast<int64_t>(values.size());
  const int64_t k = static_cast<int64_t>(count.size());
  const int64_t m = std::min<int64_t>(k, 5);
  std::vector<int64_t> targets;
  int64_t below = 0;
  int64_t i = 0;
  for (const auto& [value, c] : count) {
    ++i;
    targets.push_back(std::max(1 + 5 * below / n, m - (k - i)));
    below += c;
  }
  std::map<int64_t, int> scores;
  i = 0;
  for (const auto& entry : count) {
    int64_t best = 5;
    for (int64_t j = 0; j <= i; ++j) best = std::min(best, targets[j] + i - j);
    scores[entry.first] = static_cast<int>(best);
    ++i;
  }
  return scores;
}

Aggregates Buyer(int64_t orders, int64_t spend, int64_t days) {
  Aggregates a;
  a.order_count = orders;
  a.total_spend_minor = spend;
  a.last_order_ms = kAsOf - days * kDayMs;
  a.first_order_ms = a.last_order_ms;
  a.last_activity_ms = a.last_order_ms;
  a.recent_order_ms = {a.last_order_ms};
  return a;
}

// Checks F (values as order counts), M (as spends) and R (as days, where
// fewer is better) through Derive against the reference, and that every
// score 1..min(k, 5) is used.
void ExpectScoresMatchReference(const std::vector<int64_t>& values) {
  ASSERT_FALSE(values.empty());
  TierPolicy p = DefaultPolicy();
  p.frequency_orders = QuintileBreakpoints(values);
  p.monetary_minor = QuintileBreakpoints(values);
  std::vector<int64_t> days, negated;
  const int64_t top = *std::max_element(values.begin(), values.end());
  for (int64_t v : values) {
    // The best value is the fewest days; 4 days at least, so that unused
    // scores have room below (quantiles.h).
    days.push_back(top - v + 4);
    negated.push_back(-(top - v + 4));
  }
  p.recency_days = RecencyQuintileBreakpoints(days);
  ASSERT_TRUE(ValidatePolicy(p).ok()) << ValidatePolicy(p).ToString();
  const std::map<int64_t, int> want = ReferenceScores(values);
  const std::map<int64_t, int> want_r = ReferenceScores(negated);
  std::set<int> used_f, used_r;
  for (int64_t v : values) {
    const Derived d =
        Derive(Buyer(std::max<int64_t>(v, 1), v, top - v + 4), p, kAsOf);
    if (v >= 1) {
      EXPECT_EQ(d.f, want.at(v)) << "order count " << v;
      used_f.insert(d.f);
    }
    EXPECT_EQ(d.m, want.at(v)) << "spend " << v;
    EXPECT_EQ(d.r, want_r.at(-(top - v + 4))) << "days " << top - v + 4;
    used_r.insert(d.r);
  }
  const int k = static_cast<int>(want.size());
  std::set<int> all;
  for (int s = 1; s <= std::min(k, 5); ++s) all.insert(s);
  EXPECT_EQ(used_r, all);
  if (*std::min_element(values.begin(), values.end()) >= 1) {
    EXPECT_EQ(used_f, all);
  }
}

std::map<int, int> ScoreCounts(const std::vector<int64_t>& values) {
  const std::array<int64_t, 4> b = QuintileBreakpoints(values);
  std::map<int, int> counts;
  for (int64_t v : values) {
    int s = 1;
    for (int64_t x : b) s += x <= v ? 1 : 0;
    ++counts[s];
  }
  return counts;
}

TEST(QuantilesTest, EveryoneEqualScoresOne) {
  const std::vector<int64_t> ones(100, 1);
  EXPECT_EQ(QuintileBreakpoints(ones), (std::array<int64_t, 4>{2, 3, 4, 5}));
  EXPECT_EQ(ScoreCounts(ones), (std::map<int, int>{{1, 100}}));
  // Recency: everyone bought 10 days ago, the most days: all score 1.
  EXPECT_EQ(RecencyQuintileBreakpoints(std::vector<int64_t>(100, 10)),
            (std::array<int64_t, 4>{6, 7, 8, 9}));
  // Bought today: no room below 0 days, so the breakpoints are lifted to
  // 0..3 and everyone scores 5 (quantiles.h).
  EXPECT_EQ(RecencyQuintileBreakpoints(std::vector<int64_t>(100, 0)),
            (std::array<int64_t, 4>{0, 1, 2, 3}));
  ExpectScoresMatchReference(ones);
}

TEST(QuantilesTest, NinetyPercentEqual) {
  std::vector<int64_t> v(90, 1);
  v.insert(v.end(), 10, 2);
  EXPECT_EQ(ScoreCounts(v), (std::map<int, int>{{1, 90}, {2, 10}}));
  ExpectScoresMatchReference(v);
  // With ten distinct values above the tie, all five scores are used.
  std::vector<int64_t> w(90, 1);
  for (int64_t x = 2; x <= 11; ++x) w.push_back(x);
  EXPECT_EQ(ScoreCounts(w),
            (std::map<int, int>{{1, 90}, {2, 1}, {3, 1}, {4, 1}, {5, 7}}));
  ExpectScoresMatchReference(w);
}

TEST(QuantilesTest, TwoValues) {
  std::vector<int64_t> v(50, 3);
  v.insert(v.end(), 50, 7);
  EXPECT_EQ(QuintileBreakpoints(v), (std::array<int64_t, 4>{7, 8, 9, 10}));
  ExpectScoresMatchReference(v);
}

TEST(QuantilesTest, RetailOneOrderBuyersAllScoreOne) {
  // 20.7% of buyers with one order (issue 12, item 6): before, the first
  // breakpoint became 1 and F = 1 never occurred.
  std::vector<int64_t> v(207, 1);
  const int64_t rest[][2] = {{2, 180}, {3, 150}, {4, 120}, {5, 90}, {6, 70},
                             {8, 60},  {12, 60}, {20, 40}, {40, 23}};
  for (const auto& [orders, buyers] : rest) v.insert(v.end(), buyers, orders);
  ASSERT_EQ(v.size(), 1000u);
  const std::map<int, int> counts = ScoreCounts(v);
  EXPECT_EQ(counts.at(1), 207);
  EXPECT_EQ(counts.size(), 5u);
  ExpectScoresMatchReference(v);
}

TEST(QuantilesTest, DistinctValuesGetExactQuintiles) {
  std::mt19937_64 rng(7);
  for (int n = 1; n <= 60; ++n) {
    std::vector<int64_t> v;
    for (int i = 0; i < n; ++i) v.push_back(1000 + 17 * i);
    std::shuffle(v.begin(), v.end(), rng);
    const std::array<int64_t, 4> b = QuintileBreakpoints(v);
    for (int rank = 0; rank < n; ++rank) {
      int s = 1;
      for (int64_t x : b) s += x <= 1000 + 17 * rank ? 1 : 0;
      EXPECT_EQ(s, n >= 5 ? 1 + 5 * rank / n : rank + 1)
          << "n " << n << ", rank " << rank;
    }
    ExpectScoresMatchReference(v);
  }
}

TEST(QuantilesTest, RecencyFewestDaysScoreFive) {
  std::vector<int64_t> days;
  for (int64_t d = 0; d < 10; ++d) days.push_back(d * 10);
  // Ranks by days descending: 90, 80 -> 1, …, 10, 0 -> 5.
  EXPECT_EQ(RecencyQuintileBreakpoints(days),
            (std::array<int64_t, 4>{10, 30, 50, 70}));
  // 30% bought 9 days ago, the rest long ago: they score 2, not 5 (no
  // skip).
  std::vector<int64_t> tied(30, 9);
  tied.insert(tied.end(), 70, 400);
  EXPECT_EQ(RecencyQuintileBreakpoints(tied),
            (std::array<int64_t, 4>{6, 7, 8, 9}));
}

TEST(QuantilesTest, RandomTiedDistributionsMatchTheReference) {
  std::mt19937_64 rng(0x71e5);
  for (int round = 0; round < 300; ++round) {
    const int n = 1 + static_cast<int>(rng() % 200);
    const int spread = 1 + static_cast<int>(rng() % 12);
    std::vector<int64_t> v;
    for (int i = 0; i < n; ++i) {
      // Skewed: small values far more often, as order counts are.
      const int64_t a = static_cast<int64_t>(rng() % spread);
      const int64_t b = static_cast<int64_t>(rng() % spread);
      v.push_back(1 + std::min(a, b));
    }
    SCOPED_TRACE("round " + std::to_string(round));
    ExpectScoresMatchReference(v);
  }
}

TEST(QuantilesTest, ValuesNearTheLimitsStayStrictlyAscending) {
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::array<int64_t, 4> b =
      QuintileBreakpoints({kMax - 1, kMax - 1, kMax});
  EXPECT_TRUE(b[0] < b[1] && b[1] < b[2] && b[2] < b[3]);
  EXPECT_EQ(b[3], kMax);
  const std::array<int64_t, 4> neg = QuintileBreakpoints({-500, -500, 0});
  EXPECT_EQ(neg, (std::array<int64_t, 4>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace custdb
