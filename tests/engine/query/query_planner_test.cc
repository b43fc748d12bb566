// The query planner (query_planner.h) without a database: which index each
// filter picks, how tiers become spend ranges, and a property test that a
// plan's ranges, read from an in-memory copy of the tier index, hold
// exactly the matching customers (in the query's order when the plan says
// index order), also when resumed after a cursor.
#include "query/query_planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "query/customer_filter.h"
#include "storage/keys.h"
#include "support/random_customers.h"

namespace custdb {
namespace {

const TierSpend kSpendTiers = TierSpendOf(DefaultPolicy());
// The owners of the customers below: none (0) and channels 1..4.
const std::vector<uint64_t> kEveryOwner = {0, 1, 2, 3, 4};

bool InRanges(const ScanPlan& plan, const std::string& key) {
  for (const IndexRange& r : plan.ranges) {
    if (key >= r.lower && key < r.upper) return true;
  }
  return false;
}

TEST(QueryPlannerTest, EachFilterPicksItsIndex) {
  struct Case {
    const char* name;
    CustomerFilter filter;
    CustomerOrder order;
    const char* index;
    bool index_order;
  };
  CustomerFilter owner, region, segment, stage, tier, active, spend, none;
  owner.owners = {5};
  owner.region = "north";  // by rule the owner comes before the region
  region.region = "north";
  region.segments = {1};  // and the region before the segment
  segment.segments = {0, 2};
  stage.stages = {LifecycleStage::kAtRisk};
  tier.tiers = {ValueTier::kHigh};
  active.active_since = 1000;
  spend.min_spend = 100;
  const Case cases[] = {
      {"owner", owner, CustomerOrder::kSpendDesc, "owner_spend", true},
      {"owner by id", owner, CustomerOrder::kId, "owner_spend", false},
      {"region", region, CustomerOrder::kId, "region", true},
      {"region by spend", region, CustomerOrder::kSpendDesc, "region", false},
      {"segment", segment, CustomerOrder::kId, "segment", true},
      {"stage", stage, CustomerOrder::kLastActivityAsc, "lifecycle", false},
      {"tier by spend", tier, CustomerOrder::kSpendDesc, "spend", true},
      {"tier by id", tier, CustomerOrder::kId, "tier", true},
      {"active", active, CustomerOrder::kLastActivityDesc, "last_activity",
       true},
      {"active by spend", active, CustomerOrder::kSpendDesc, "last_activity",
       false},
      {"spend", spend, CustomerOrder::kSpendDesc, "spend", true},
      {"spend by id", spend, CustomerOrder::kId, "spend", false},
      {"none by spend", none, CustomerOrder::kSpendDesc, "spend", true},
      {"none by activity", none, CustomerOrder::kLastActivityAsc,
       "last_activity", true},
      {"none by id", none, CustomerOrder::kId, "tier", true},
  };
  for (const Case& c : cases) {
    const ScanPlan plan =
        PlanQuery(c.filter, c.order, kSpendTiers, kEveryOwner);
    EXPECT_EQ(plan.index, c.index) << c.name;
    EXPECT_EQ(plan.index_order, c.index_order) << c.name;
  }
}

std::vector<std::string> IndexesOf(const std::vector<ScanPlan>& plans) {
  std::vector<std::string> out;
  for (const ScanPlan& p : plans) out.push_back(p.index);
  return out;
}

TEST(QueryPlannerTest, CandidatesAreEveryRuleThatApplies) {
  using Names = std::vector<std::string>;
  CustomerFilter f;
  f.owners = {5};
  f.region = "north";
  f.segments = {1};
  f.active_since = 1000;
  EXPECT_EQ(IndexesOf(CandidatePlans(f, CustomerOrder::kSpendDesc, kSpendTiers,
                                     kEveryOwner)),
            (Names{"owner_spend", "region", "segment", "last_activity"}));

  // Owner_spend is tighter than spend over every owner, which is not
  // offered beside it.
  f = CustomerFilter();
  f.owners = {5};
  f.tiers = {ValueTier::kHigh};
  f.min_spend = 10;
  EXPECT_EQ(IndexesOf(CandidatePlans(f, CustomerOrder::kSpendDesc, kSpendTiers,
                                     kEveryOwner)),
            Names{"owner_spend"});

  f = CustomerFilter();
  f.tiers = {ValueTier::kHigh};
  f.stages = {LifecycleStage::kActive};
  EXPECT_EQ(IndexesOf(CandidatePlans(f, CustomerOrder::kSpendDesc, kSpendTiers,
                                     kEveryOwner)),
            (Names{"lifecycle", "spend"}));
  EXPECT_EQ(IndexesOf(CandidatePlans(f, CustomerOrder::kId, kSpendTiers,
                                     kEveryOwner)),
            (Names{"lifecycle", "tier"}));
  EXPECT_EQ(
      IndexesOf(CandidatePlans(CustomerFilter(), CustomerOrder::kSpendDesc,
                               kSpendTiers, kEveryOwner)),
      Names{"spend"});
}

// A fake estimate: so many keys per range of each index tag.
struct CountingEstimate {
  std::map<char, uint64_t> per_range;
  int calls = 0;
  KeyEstimate Fn() {
    return [this](const IndexRange& r) {
      ++calls;
      return per_range.at(r.lower.at(0));
    };
  }
};

constexpr char kOwnerSpendTag = static_cast<char>(keys::TierTag::kOwnerSpend);
constexpr char kRegionTag = static_cast<char>(keys::TierTag::kRegion);
constexpr char kLifecycleTag = static_cast<char>(keys::TierTag::kLifecycle);
constexpr char kActivityTag = static_cast<char>(keys::TierTag::kLastActivity);
constexpr char kTierTag = static_cast<char>(keys::TierTag::kTier);

TEST(QueryPlannerTest, ChoosesTheFewestEstimatedKeys) {
  CustomerFilter f;
  f.owners = {5};
  f.region = "north";
  std::vector<ScanPlan> plans =
      CandidatePlans(f, CustomerOrder::kSpendDesc, kSpendTiers, kEveryOwner);
  CountingEstimate est{{{kOwnerSpendTag, 300}, {kRegionTag, 4}}};
  EXPECT_EQ(plans[ChoosePlan(&plans, 100, est.Fn())].index, "region");
  EXPECT_EQ(plans[0].estimated_keys, 300);
  EXPECT_EQ(plans[1].estimated_keys, 4);

  est.per_range = {{kOwnerSpendTag, 4}, {kRegionTag, 300}};
  plans =
      CandidatePlans(f, CustomerOrder::kSpendDesc, kSpendTiers, kEveryOwner);
  EXPECT_EQ(plans[ChoosePlan(&plans, 100, est.Fn())].index, "owner_spend");

  // A tie goes to the earlier rule.
  est.per_range = {{kOwnerSpendTag, 7}, {kRegionTag, 7}};
  plans =
      CandidatePlans(f, CustomerOrder::kSpendDesc, kSpendTiers, kEveryOwner);
  EXPECT_EQ(ChoosePlan(&plans, 100, est.Fn()), 0u);
}

// A plan in the query's order with no filter left stops at limit + 1
// matches, however large its ranges.
TEST(QueryPlannerTest, AnExactOrderedPlanCostsAtMostTheLimit) {
  CustomerFilter f;
  f.tiers = {ValueTier::kHigh};
  f.active_since = 1000;
  std::vector<ScanPlan> plans = CandidatePlans(
      f, CustomerOrder::kLastActivityDesc, kSpendTiers, kEveryOwner);
  ASSERT_EQ(IndexesOf(plans),
            (std::vector<std::string>{"tier", "last_activity"}));
  ASSERT_TRUE(plans[1].residual_filters.empty());
  CountingEstimate est{{{kTierTag, 50}, {kActivityTag, 100000}}};
  EXPECT_EQ(plans[ChoosePlan(&plans, 10, est.Fn())].index, "last_activity");
  EXPECT_EQ(plans[1].estimated_keys, 11);
  plans = CandidatePlans(f, CustomerOrder::kLastActivityDesc, kSpendTiers,
                         kEveryOwner);
  EXPECT_EQ(plans[ChoosePlan(&plans, 1000, est.Fn())].index, "tier");
}

TEST(QueryPlannerTest, NothingIsEstimatedWhenTheRulesDecide) {
  CustomerFilter f;
  f.owners = {5};
  f.tiers = {ValueTier::kHigh};  // top 100 of a tier in one channel
  std::vector<ScanPlan> plans =
      CandidatePlans(f, CustomerOrder::kSpendDesc, kSpendTiers, kEveryOwner);
  CountingEstimate est{{{kOwnerSpendTag, 1}}};
  EXPECT_EQ(ChoosePlan(&plans, 100, est.Fn()), 0u);
  EXPECT_EQ(est.calls, 0);
  EXPECT_EQ(plans[0].estimated_keys, -1);
}

// Spend over every owner has a range per owner; once its partial sum
// passes the best plan's cost it is estimated no further.
TEST(QueryPlannerTest, ALosingPlanOfManyRangesIsCutShort) {
  CustomerFilter f;
  f.tiers = {ValueTier::kHigh};
  f.stages = {LifecycleStage::kActive};
  std::vector<ScanPlan> plans =
      CandidatePlans(f, CustomerOrder::kSpendDesc, kSpendTiers, kEveryOwner);
  ASSERT_EQ(plans[1].ranges.size(), kEveryOwner.size());
  CountingEstimate est{{{kLifecycleTag, 5}, {kOwnerSpendTag, 10}}};
  EXPECT_EQ(plans[ChoosePlan(&plans, 100, est.Fn())].index, "lifecycle");
  EXPECT_EQ(est.calls, 2);  // the lifecycle range, one owner's range
  EXPECT_EQ(plans[1].estimated_keys, -1);
}

TEST(QueryPlannerTest, OwnerSubtreeIsOneRangePerChannel) {
  CustomerFilter f;
  f.owners = {4, 7, 9};
  f.min_spend = 500;
  const ScanPlan plan =
      PlanQuery(f, CustomerOrder::kSpendDesc, kSpendTiers, kEveryOwner);
  ASSERT_EQ(plan.ranges.size(), 3u);
  EXPECT_TRUE(plan.residual_filters.empty());
  EXPECT_TRUE(InRanges(plan, keys::OwnerSpendKey(7, 500, 1)));
  EXPECT_FALSE(InRanges(plan, keys::OwnerSpendKey(7, 499, 1)));
  EXPECT_FALSE(InRanges(plan, keys::OwnerSpendKey(8, 900, 1)));
}

TEST(QueryPlannerTest, TiersAreSpendRangesOnlyWhenSpendAloneDecides) {
  CustomerFilter f;
  f.tiers = {ValueTier::kLow, ValueTier::kHigh};  // not contiguous
  f.max_spend = 250000;
  ScanPlan plan =
      PlanQuery(f, CustomerOrder::kSpendDesc, kSpendTiers, kEveryOwner);
  EXPECT_EQ(plan.index, "spend");
  // Two spend intervals in the owner_spend range of every owner.
  ASSERT_EQ(plan.ranges.size(), 2 * kEveryOwner.size());
  EXPECT_TRUE(plan.residual_filters.empty());
  for (uint64_t owner : kEveryOwner) {
    auto key = [owner](int64_t spend) {
      return keys::OwnerSpendKey(owner, spend, 1);
    };
    EXPECT_TRUE(InRanges(plan, key(200000)));   // high
    EXPECT_TRUE(InRanges(plan, key(250000)));   // high, max
    EXPECT_FALSE(InRanges(plan, key(250001)));  // above max
    EXPECT_FALSE(InRanges(plan, key(199999)));  // medium
    EXPECT_FALSE(InRanges(plan, key(30000)));   // medium
    EXPECT_TRUE(InRanges(plan, key(29999)));    // low
    EXPECT_TRUE(InRanges(plan, key(-5)));       // low
  }
  EXPECT_FALSE(InRanges(plan, keys::OwnerSpendKey(5, 200000, 1)));  // unlisted

  TierPolicy counting = DefaultPolicy();
  counting.high_min_orders = 3;
  plan = PlanQuery(f, CustomerOrder::kSpendDesc, TierSpendOf(counting),
                   kEveryOwner);
  EXPECT_EQ(plan.index, "tier");
  EXPECT_FALSE(plan.index_order);
}

TEST(QueryPlannerTest, EmptyIntervalsReadNothing) {
  CustomerFilter f;
  f.owners = {3};
  f.tiers = {ValueTier::kHigh};
  f.max_spend = 100;  // no high-tier customer spends so little
  EXPECT_TRUE(PlanQuery(f, CustomerOrder::kSpendDesc, kSpendTiers, kEveryOwner)
                  .ranges.empty());
  CustomerFilter g;
  g.active_since = 5000;
  g.inactive_since = 5000;
  EXPECT_TRUE(LastActivityPlan(g, false).ranges.empty());
}

// --- property: plans against an in-memory tier index --------------------

std::vector<std::string> IndexKeys(const CustomerRecord& c) {
  const uint64_t id = c.profile.id;
  const int64_t spend = c.aggregates.total_spend_minor;
  return {keys::OwnerSpendKey(c.profile.owner_channel_id, spend, id),
          keys::RegionKey(c.profile.region, id),
          keys::SegmentKey(c.derived.segment, id),
          keys::LifecycleKey(static_cast<uint8_t>(c.derived.lifecycle), id),
          keys::TierKey(static_cast<uint8_t>(c.derived.value_tier), id),
          keys::LastActivityKey(static_cast<uint8_t>(c.derived.value_tier),
                                c.aggregates.last_activity_ms, id)};
}

// The reference predicate, written from query.h rather than shared with
// the engine.
bool RefMatches(const CustomerFilter& f, const CustomerRecord& c) {
  auto in = [](const auto& list, auto v) {
    return list.empty() || std::count(list.begin(), list.end(), v) > 0;
  };
  const Aggregates& a = c.aggregates;
  return in(f.tiers, c.derived.value_tier) &&
         in(f.segments, c.derived.segment) &&
         in(f.stages, c.derived.lifecycle) &&
         in(f.owners, c.profile.owner_channel_id) &&
         (!f.region || *f.region == c.profile.region) &&
         a.total_spend_minor >= f.min_spend &&
         a.total_spend_minor <= f.max_spend && a.order_count >= f.min_orders &&
         a.order_count <= f.max_orders &&
         (!f.active_since ||
          (a.last_activity_ms != 0 && a.last_activity_ms >= *f.active_since)) &&
         (!f.inactive_since || (a.order_count >= 1 && a.last_activity_ms != 0 &&
                                a.last_activity_ms < *f.inactive_since));
}

// The ids a plan yields from `index`, merged by tail as IndexScan does.
std::vector<uint64_t> ReadPlan(const ScanPlan& plan,
                               const std::set<std::string>& index) {
  std::vector<std::pair<std::string, uint64_t>> hits;  // tail, id
  for (const IndexRange& r : plan.ranges) {
    for (auto it = index.lower_bound(r.lower);
         it != index.end() && *it < r.upper; ++it) {
      uint64_t id = 0;
      EXPECT_TRUE(keys::TierKeyCustomerId(*it, &id));
      hits.emplace_back(it->substr(r.prefix_length), id);
    }
  }
  std::sort(hits.begin(), hits.end());
  if (plan.reverse) std::reverse(hits.begin(), hits.end());
  std::vector<uint64_t> ids;
  for (const auto& h : hits) ids.push_back(h.second);
  return ids;
}

TEST(QueryPlannerTest, PlansHoldExactlyTheMatchesInOrder) {
  const uint32_t seed = 20240601;
  std::mt19937 rng(seed);
  auto pick = [&rng](int n) {
    return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng));
  };
  const char* regions[] = {"", "north", "south", "east"};
  std::vector<CustomerRecord> customers;
  std::set<std::string> index;
  for (uint64_t id = 1; id <= 400; ++id) {
    CustomerRecord c;
    c.profile.id = id;
    c.profile.owner_channel_id = static_cast<uint64_t>(pick(5));  // 0: none
    c.profile.region = regions[pick(4)];
    Aggregates& a = c.aggregates;
    a.order_count = pick(4) == 0 ? 0 : 1 + pick(12);
    a.total_spend_minor = a.order_count == 0 ? 0 : pick(300000) - 2000;
    a.last_activity_ms = pick(5) == 0 ? 0 : 1 + pick(1000) * 1000;
    c.derived.value_tier =
        a.total_spend_minor >= kSpendTiers.high_min     ? ValueTier::kHigh
        : a.total_spend_minor >= kSpendTiers.medium_min ? ValueTier::kMedium
                                                        : ValueTier::kLow;
    c.derived.segment = a.order_count == 0 ? -1 : pick(10);
    c.derived.lifecycle = static_cast<LifecycleStage>(1 + pick(6));
    for (auto& k : IndexKeys(c)) index.insert(k);
    customers.push_back(c);
  }
  for (int q = 0; q < 2000; ++q) {
    CustomerFilter f;
    if (pick(4) == 0) f.tiers = {static_cast<ValueTier>(1 + pick(3))};
    if (pick(6) == 0) f.tiers = {ValueTier::kLow, ValueTier::kHigh};
    if (pick(5) == 0) f.segments = {pick(10), 3};
    if (pick(5) == 0) f.stages = {static_cast<LifecycleStage>(1 + pick(6))};
    if (pick(4) == 0) f.owners = {static_cast<uint64_t>(pick(5))};
    if (pick(6) == 0) f.owners = {1, 3, 4};
    if (pick(5) == 0) f.region = regions[pick(4)];
    if (pick(3) == 0) f.min_spend = pick(250000) - 1000;
    if (pick(3) == 0)
      f.max_spend = std::max(f.min_spend, int64_t{pick(300000)});
    if (pick(5) == 0) f.min_orders = pick(5);
    if (pick(4) == 0) f.active_since = pick(1000) * 1000;
    if (pick(4) == 0) f.inactive_since = 1 + pick(1100) * 1000;
    if (f.active_since && f.inactive_since &&
        *f.active_since >= *f.inactive_since) {
      f.inactive_since.reset();
    }
    for (auto* list : {&f.segments}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    const auto order = static_cast<CustomerOrder>(1 + pick(4));

    std::vector<const CustomerRecord*> expected;
    for (const auto& c : customers) {
      if (RefMatches(f, c)) expected.push_back(&c);
    }
    std::sort(expected.begin(), expected.end(), [order](auto* x, auto* y) {
      return test::ComesBefore(order, *x, *y);
    });
    std::vector<uint64_t> expected_ids;
    for (auto* c : expected) expected_ids.push_back(c->profile.id);

    ScanPlan plan = PlanQuery(f, order, kSpendTiers, kEveryOwner);
    std::vector<uint64_t> got;
    for (uint64_t id : ReadPlan(plan, index)) {
      if (RefMatches(f, customers[id - 1])) got.push_back(id);
    }
    SCOPED_TRACE("seed " + std::to_string(seed) + " query " +
                 std::to_string(q) + " plan " + plan.index + " " + plan.bounds);
    if (plan.index_order) {
      ASSERT_EQ(got, expected_ids);
      if (expected.size() < 2) continue;
      // A cursor at a random position resumes right after it.
      const size_t cut = static_cast<size_t>(pick(expected.size() - 1));
      ScanPlan resumed = plan;
      ResumeAfter(OrderKey(order, *expected[cut]), &resumed);
      std::vector<uint64_t> rest;
      for (uint64_t id : ReadPlan(resumed, index)) {
        if (RefMatches(f, customers[id - 1])) rest.push_back(id);
      }
      ASSERT_EQ(rest, std::vector<uint64_t>(expected_ids.begin() + cut + 1,
                                            expected_ids.end()));
    } else {
      std::sort(got.begin(), got.end());
      std::sort(expected_ids.begin(), expected_ids.end());
      ASSERT_EQ(got, expected_ids);
    }
  }
}

}  // namespace
}  // namespace custdb
