// Tier policy validation: the default is sound; the widely copied
// 11-segment R/FM table is rejected for its unreachable rules.
#include "custdb/policy.h"

#include <gtest/gtest.h>

namespace custdb {
namespace {

bool Mentions(const Status& s, const std::string& text) {
  return s.message().find(text) != std::string::npos;
}

// How many times `text` occurs in the message.
int Occurrences(const Status& s, const std::string& text) {
  int n = 0;
  for (size_t at = s.message().find(text); at != std::string::npos;
       at = s.message().find(text, at + text.size())) {
    ++n;
  }
  return n;
}

TEST(PolicyTest, DefaultIsValidAndCoversEveryGridCellExactlyOnce) {
  TierPolicy p = DefaultPolicy();
  ASSERT_TRUE(ValidatePolicy(p).ok()) << ValidatePolicy(p).ToString();
  ASSERT_EQ(p.segments.size(), 10u);
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) {
      int matches = 0;
      for (const auto& rule : p.segments) {
        matches += r >= rule.r.min && r <= rule.r.max && f >= rule.f.min &&
                   f <= rule.f.max;
      }
      EXPECT_EQ(matches, 1) << "r" << r << " f" << f;
    }
  }
  EXPECT_EQ(p.high_min_spend_minor, 200000);
  EXPECT_EQ(p.medium_min_spend_minor, 30000);
}

// The 11-segment table found in many tutorials, with FM as the average of F
// and M scored 1..5 (modelled here as F and M both in the range).
TierPolicy ElevenSegmentPolicy() {
  TierPolicy p = DefaultPolicy();
  auto rule = [](const char* name, ScoreRange r, ScoreRange fm) {
    return SegmentRule{name, r, fm, fm};
  };
  p.segments = {
      rule("Champions", {4, 5}, {4, 5}),
      rule("Loyal Customers", {2, 5}, {3, 5}),
      rule("Potential Loyalist", {3, 5}, {1, 3}),
      rule("New Customers", {4, 5}, {1, 1}),
      rule("Promising", {3, 4}, {1, 1}),
      rule("Need Attention", {2, 3}, {2, 3}),
      rule("About To Sleep", {2, 3}, {1, 2}),
      rule("At Risk", {1, 2}, {2, 5}),
      rule("Can't Lose Them", {1, 1}, {4, 5}),
      rule("Hibernating", {1, 2}, {1, 2}),
      rule("Lost", {1, 2}, {1, 2}),
  };
  return p;
}

TEST(PolicyTest, ElevenSegmentTableHasFourUnreachableRules) {
  Status s = ValidatePolicy(ElevenSegmentPolicy());
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  for (const char* name :
       {"'New Customers' can never match", "'Promising' can never match",
        "'Can't Lose Them' can never match", "'Lost' can never match"}) {
    EXPECT_TRUE(Mentions(s, name)) << name << " in " << s.message();
  }
  // Those four and no other.
  EXPECT_EQ(Occurrences(s, "can never match"), 4) << s.message();
  EXPECT_FALSE(Mentions(s, "'Champions' can never"));
  EXPECT_FALSE(Mentions(s, "'Hibernating' can never"));
  // F and M disagreeing (e.g. f5 m1) is a cell no FM rule covers.
  EXPECT_TRUE(Mentions(s, "match no rule")) << s.message();
}

TEST(PolicyTest, UncoveredCellsAreListed) {
  TierPolicy p = DefaultPolicy();
  p.segments.pop_back();  // drop Hibernating: r1-2 x f1-2 uncovered
  Status s = ValidatePolicy(p);
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(s, "20 score cells match no rule")) << s.message();
  EXPECT_TRUE(Mentions(s, "(r1,f1,m1)")) << s.message();
}

TEST(PolicyTest, UnorderedThresholdsAndBadRangesAreAllReported) {
  TierPolicy p = DefaultPolicy();
  p.high_min_spend_minor = 100;
  p.recency_days = {30, 30, 180, 365};
  p.monetary_minor = {5, 4, 3, 2};
  p.segments[0].r = {4, 2};
  p.segments[1].name = "Champions";
  p.new_days = 0;
  p.churn_days = -1;
  Status s = ValidatePolicy(p);
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(s, "policy.high_min_spend_minor: 100")) << s.message();
  EXPECT_TRUE(Mentions(s, "policy.recency_days: 30 at [1]")) << s.message();
  EXPECT_TRUE(Mentions(s, "policy.monetary_minor: 4 at [1]")) << s.message();
  EXPECT_TRUE(Mentions(s, "policy.segments[0].r: 4..2")) << s.message();
  EXPECT_TRUE(Mentions(s, "'Champions' is a duplicate")) << s.message();
  EXPECT_TRUE(Mentions(s, "new_days 0")) << s.message();
  EXPECT_TRUE(Mentions(s, "policy.churn_days: -1")) << s.message();
}

// An empty range matches no cell, but because of its own bounds, not
// because earlier rules take its cells: with no earlier rule (index 0) or
// with some (index 4), it is reported once, as a bad range.
TEST(PolicyTest, AnInvalidRangeIsNotAlsoReportedAsShadowed) {
  TierPolicy p = DefaultPolicy();
  p.segments[0].r = {4, 2};
  p.segments[4].f = {3, 1};
  Status s = ValidatePolicy(p);
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(
      s,
      "policy.segments[0].r: 4..2 of 'Champions' is not a range within 1..5"))
      << s.message();
  EXPECT_TRUE(Mentions(
      s,
      "policy.segments[4].f: 3..1 of 'Promising' is not a range within 1..5"))
      << s.message();
  EXPECT_FALSE(Mentions(s, "can never match")) << s.message();
  // The cells only those rules had are reported as uncovered (Champions:
  // r5 x f4-5; Promising: r4 x f1).
  EXPECT_TRUE(Mentions(s, "15 score cells match no rule")) << s.message();
}

TEST(PolicyTest, OrderThresholdsMustBeOrdered) {
  TierPolicy p = DefaultPolicy();
  p.medium_min_orders = 3;
  p.high_min_orders = 2;
  Status s = ValidatePolicy(p);
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(s,
                       "policy.high_min_orders: 2 and "
                       "policy.medium_min_orders: 3 must satisfy 0 <= medium "
                       "<= high"))
      << s.message();

  p.medium_min_orders = -1;
  s = ValidatePolicy(p);
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(s, "policy.medium_min_orders: -1")) << s.message();

  // Equal thresholds are allowed.
  p.medium_min_orders = 2;
  EXPECT_TRUE(ValidatePolicy(p).ok()) << ValidatePolicy(p).ToString();
}

TEST(PolicyTest, FrequencyBreakpointsMustAscend) {
  TierPolicy p = DefaultPolicy();
  p.frequency_orders = {2, 5, 5, 3};
  Status s = ValidatePolicy(p);
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(s, "policy.frequency_orders: 5 at [2] is not above 5"))
      << s.message();
  EXPECT_TRUE(Mentions(s, "policy.frequency_orders: 3 at [3] is not above 5"))
      << s.message();
  EXPECT_EQ(Occurrences(s, "policy.frequency_orders"), 2) << s.message();

  p.frequency_orders = {-1, 2, 3, 4};
  s = ValidatePolicy(p);
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(s, "policy.frequency_orders: -1 at [0] is negative"))
      << s.message();
}

TEST(PolicyTest, NamesRoundTrip) {
  for (ValueTier t : {ValueTier::kLow, ValueTier::kMedium, ValueTier::kHigh}) {
    ValueTier back;
    ASSERT_TRUE(ParseValueTier(ValueTierName(t), &back));
    EXPECT_EQ(back, t);
  }
  for (int v = 1; v <= 6; ++v) {
    auto stage = static_cast<LifecycleStage>(v);
    LifecycleStage back;
    ASSERT_TRUE(ParseLifecycleStage(LifecycleStageName(stage), &back));
    EXPECT_EQ(back, stage);
  }
  ValueTier t;
  EXPECT_FALSE(ParseValueTier("platinum", &t));
}

}  // namespace
}  // namespace custdb
