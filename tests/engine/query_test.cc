// FindCustomers and Explain through the public API (query.h): each filter
// and order on a small hand-built database, the owner subtree, cursors,
// the keys examined, bad input, and a randomized comparison with brute
// force over every customer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "custdb/engine.h"
#include "random_customers.h"
#include "test_util.h"

namespace custdb {
namespace {

using test::DaysAgo;
using test::Ids;
using test::kDay;
using test::kTestNowMs;
using test::TempDir;

// Channels: 1 (top) -> 2, 3; 2 -> 4; 9 at the top. Under the default
// policy (high >= 2,000.00, medium >= 300.00; new within 30 days, active
// within 90, at risk within 180):
//   id owner region  orders (days ago: amount)           tier  stage
//   1  2     north   10: 250000                          high  new
//   2  2     south   100: 50000, 95: 20000               med   at_risk
//   3  4     north   200, 190, 185: 100000 each          high  churned
//   4  3     north   5: 10000                            low   new
//   5  9     east    40: 30000, 45: 10000                med   active
//   6  -     ""      none                                low   prospect
//   7  2     north   none; a call 3 days ago             low   prospect
//   8  4     south   60: 200000                          high  active
class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = test::OpenTestEngine(dir_.Sub("db"));
    ASSERT_NE(engine_, nullptr);
    test::PutChannelTree(engine_.get(),
                         {{1, 0}, {2, 1}, {3, 1}, {4, 2}, {9, 0}});
    ASSERT_FALSE(HasFatalFailure());
    AddCustomer(1, 2, "north", {{10, 250000}});
    AddCustomer(2, 2, "south", {{100, 50000}, {95, 20000}});
    AddCustomer(3, 4, "north", {{200, 100000}, {190, 100000}, {185, 100000}});
    AddCustomer(4, 3, "north", {{5, 10000}});
    AddCustomer(5, 9, "east", {{40, 30000}, {45, 10000}});
    AddCustomer(6, 0, "", {});
    AddCustomer(7, 2, "north", {});
    ASSERT_TRUE(engine_
                    ->RecordInteraction(test::NewInteraction(
                        7, 2, DaysAgo(3), InteractionKind::kCall))
                    .ok());
    AddCustomer(8, 4, "south", {{60, 200000}});
  }

  void AddCustomer(uint64_t id, uint64_t owner, const std::string& region,
                   const std::vector<std::pair<int64_t, int64_t>>& orders) {
    Customer c;
    c.id = id;
    c.owner_channel_id = owner;
    c.region = region;
    ASSERT_TRUE(engine_->CreateCustomer(c).ok());
    for (const auto& [days_ago, amount] : orders) {
      Status s = engine_->RecordOrder(
          test::NewOrder(next_order_++, id, 1, DaysAgo(days_ago), amount));
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }

  // The ids of every page of `q`, read with limit `page_size`.
  std::vector<uint64_t> AllPages(CustomerQuery q, uint32_t page_size) {
    q.limit = page_size;
    std::vector<uint64_t> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = engine_->FindCustomers(q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_LE(page->customers.size(), page_size);
      for (uint64_t id : Ids(page->customers)) ids.push_back(id);
      if (page->next_cursor.empty()) break;
      EXPECT_EQ(page->customers.size(), page_size);
      q.cursor = page->next_cursor;
    }
    return ids;
  }

  std::vector<uint64_t> Find(const CustomerQuery& q) {
    auto page = engine_->FindCustomers(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) return {};
    EXPECT_TRUE(page->next_cursor.empty());
    return Ids(page->customers);
  }

  QueryPlan Plan(const CustomerQuery& q) {
    return test::ValueOf(engine_->Explain(q));
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  uint64_t next_order_ = 1;
};

using Ids_ = std::vector<uint64_t>;

TEST_F(QueryTest, EveryOrderWithoutFilters) {
  CustomerQuery q;
  EXPECT_EQ(Find(q), (Ids_{3, 1, 8, 2, 5, 4, 6, 7}));
  q.order = CustomerOrder::kLastActivityAsc;
  EXPECT_EQ(Find(q), (Ids_{6, 3, 2, 8, 5, 1, 4, 7}));
  q.order = CustomerOrder::kLastActivityDesc;
  EXPECT_EQ(Find(q), (Ids_{7, 4, 1, 5, 8, 2, 3, 6}));
  q.order = CustomerOrder::kId;
  EXPECT_EQ(Find(q), (Ids_{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST_F(QueryTest, OwnerAndSubtree) {
  CustomerQuery q;
  q.owner_channel_id = 2;
  EXPECT_EQ(Find(q), (Ids_{1, 2, 7}));
  q.include_subtree = true;
  EXPECT_EQ(Find(q), (Ids_{3, 1, 8, 2, 7}));
  const QueryPlan plan = Plan(q);
  EXPECT_EQ(plan.index, "owner_spend");
  EXPECT_TRUE(plan.index_order);
  q.owner_channel_id = 1;
  EXPECT_EQ(Find(q), (Ids_{3, 1, 8, 2, 4, 7}));
  q.order = CustomerOrder::kId;
  EXPECT_EQ(Find(q), (Ids_{1, 2, 3, 4, 7, 8}));
  EXPECT_FALSE(Plan(q).index_order);
}

TEST_F(QueryTest, TiersSegmentsAndStages) {
  CustomerQuery q;
  q.tiers = {ValueTier::kHigh};
  EXPECT_EQ(Find(q), (Ids_{3, 1, 8}));
  EXPECT_EQ(Plan(q).index, "spend");
  q.tiers = {ValueTier::kMedium, ValueTier::kLow};
  q.order = CustomerOrder::kId;
  EXPECT_EQ(Find(q), (Ids_{2, 4, 5, 6, 7}));
  EXPECT_EQ(Plan(q).index, "tier");

  q = CustomerQuery();
  q.stages = {LifecycleStage::kProspect};
  EXPECT_EQ(Find(q), (Ids_{6, 7}));
  q.stages = {LifecycleStage::kChurned, LifecycleStage::kAtRisk};
  EXPECT_EQ(Find(q), (Ids_{3, 2}));
  EXPECT_EQ(Plan(q).index, "lifecycle");

  // Each customer's own segment finds it, among the others of its segment.
  for (uint64_t id : {1, 2, 3, 5}) {
    auto c = engine_->GetCustomer(id);
    ASSERT_TRUE(c.ok());
    ASSERT_FALSE(c->derived.segment_name.empty());
    q = CustomerQuery();
    q.segments = {c->derived.segment_name};
    q.order = CustomerOrder::kId;
    auto page = engine_->FindCustomers(q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->plan.index, "segment");
    EXPECT_TRUE(page->plan.index_order);
    const Ids_ ids = Ids(page->customers);
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end());
    for (const auto& other : page->customers) {
      EXPECT_EQ(other.derived.segment_name, c->derived.segment_name);
    }
  }
}

TEST_F(QueryTest, RegionSpendOrdersAndActivity) {
  CustomerQuery q;
  q.region = "north";
  q.order = CustomerOrder::kId;
  EXPECT_EQ(Find(q), (Ids_{1, 3, 4, 7}));
  EXPECT_EQ(Plan(q).index, "region");
  q.region = "";
  EXPECT_EQ(Find(q), (Ids_{6}));

  q = CustomerQuery();
  q.min_spend_minor = 30000;
  q.max_spend_minor = 250000;
  EXPECT_EQ(Find(q), (Ids_{1, 8, 2, 5}));
  q.min_spend_minor = 70000;
  q.max_spend_minor = 70000;
  EXPECT_EQ(Find(q), (Ids_{2}));

  q = CustomerQuery();
  q.min_orders = 2;
  EXPECT_EQ(Find(q), (Ids_{3, 2, 5}));
  q.max_orders = 2;
  EXPECT_EQ(Find(q), (Ids_{2, 5}));

  q = CustomerQuery();
  q.active_since_ms = DaysAgo(50);
  q.order = CustomerOrder::kLastActivityDesc;
  EXPECT_EQ(Find(q), (Ids_{7, 4, 1, 5}));
  EXPECT_EQ(Plan(q).index, "last_activity");
  // Prospects never pass inactive_since, even with old activity.
  q = CustomerQuery();
  q.inactive_since_ms = DaysAgo(90);
  EXPECT_EQ(Find(q), (Ids_{3, 2}));
  q.active_since_ms = DaysAgo(150);
  EXPECT_EQ(Find(q), (Ids_{2}));
}

TEST_F(QueryTest, FiltersCombine) {
  CustomerQuery q;
  q.owner_channel_id = 1;
  q.include_subtree = true;
  q.region = "north";
  q.tiers = {ValueTier::kHigh};
  EXPECT_EQ(Find(q), (Ids_{3, 1}));
  q.stages = {LifecycleStage::kNew};
  EXPECT_EQ(Find(q), (Ids_{1}));
  q.region = "south";
  EXPECT_EQ(Find(q), (Ids_{}));
}

TEST_F(QueryTest, CursorsPageThroughEveryPlan) {
  CustomerQuery q;
  EXPECT_EQ(AllPages(q, 3), (Ids_{3, 1, 8, 2, 5, 4, 6, 7}));
  EXPECT_EQ(AllPages(q, 1), (Ids_{3, 1, 8, 2, 5, 4, 6, 7}));
  EXPECT_EQ(AllPages(q, 8), (Ids_{3, 1, 8, 2, 5, 4, 6, 7}));
  q.order = CustomerOrder::kLastActivityDesc;
  EXPECT_EQ(AllPages(q, 3), (Ids_{7, 4, 1, 5, 8, 2, 3, 6}));
  // Not in index order: sorted after the scan, and still paged.
  q = CustomerQuery();
  q.region = "north";
  EXPECT_EQ(AllPages(q, 1), (Ids_{3, 1, 4, 7}));
  q.order = CustomerOrder::kLastActivityDesc;
  EXPECT_EQ(AllPages(q, 3), (Ids_{7, 4, 1, 3}));
  q = CustomerQuery();
  q.owner_channel_id = 1;
  q.include_subtree = true;
  EXPECT_EQ(AllPages(q, 2), (Ids_{3, 1, 8, 2, 4, 7}));
}

TEST_F(QueryTest, CursorOfAnotherQueryIsRefused) {
  CustomerQuery q;
  q.limit = 2;
  auto page = engine_->FindCustomers(q);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_cursor.empty());
  CustomerQuery other = q;
  other.cursor = page->next_cursor;
  other.min_spend_minor = 1;
  auto refused = engine_->FindCustomers(other);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("query.cursor"), std::string::npos);
  other = q;
  other.cursor = page->next_cursor;
  other.order = CustomerOrder::kId;
  EXPECT_EQ(engine_->FindCustomers(other).status().code(),
            StatusCode::kInvalidArgument);
  for (const char* bad : {"zz", "0", "03", "03ff"}) {
    other = q;
    other.cursor = bad;
    EXPECT_EQ(engine_->FindCustomers(other).status().code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
  // A different limit is the same query.
  other = q;
  other.cursor = page->next_cursor;
  other.limit = 10;
  auto rest = engine_->FindCustomers(other);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(Ids(rest->customers), (Ids_{8, 2, 5, 4, 6, 7}));
}

TEST_F(QueryTest, BadInputNamesFieldAndValue) {
  struct Case {
    const char* name;
    CustomerQuery q;
    StatusCode code;
    std::string mention;
  };
  std::vector<Case> cases;
  auto add = [&cases](const char* name, auto edit, StatusCode code,
                      std::string mention) {
    CustomerQuery q;
    edit(&q);
    cases.push_back({name, q, code, mention});
  };
  add(
      "limit 0", [](CustomerQuery* q) { q->limit = 0; },
      StatusCode::kInvalidArgument, "query.limit: 0");
  add(
      "limit too large",
      [](CustomerQuery* q) { q->limit = kMaxQueryLimit + 1; },
      StatusCode::kInvalidArgument, "query.limit: 10001");
  add(
      "segment",
      [](CustomerQuery* q) {
        q->segments = {"Champions", "Whales"};
      },
      StatusCode::kInvalidArgument, "Whales");
  add(
      "spend",
      [](CustomerQuery* q) {
        q->min_spend_minor = 500;
        q->max_spend_minor = 400;
      },
      StatusCode::kInvalidArgument, "query.min_spend_minor: 500");
  add(
      "orders",
      [](CustomerQuery* q) {
        q->min_orders = 3;
        q->max_orders = 2;
      },
      StatusCode::kInvalidArgument, "query.min_orders: 3");
  add(
      "activity",
      [](CustomerQuery* q) {
        q->active_since_ms = 1000;
        q->inactive_since_ms = 1000;
      },
      StatusCode::kInvalidArgument, "query.active_since_ms: 1000");
  add(
      "tier", [](CustomerQuery* q) { q->tiers = {static_cast<ValueTier>(9)}; },
      StatusCode::kInvalidArgument, "query.tiers: 9");
  add(
      "owner", [](CustomerQuery* q) { q->owner_channel_id = 77; },
      StatusCode::kNotFound, "query.owner_channel_id: channel 77");
  for (const Case& c : cases) {
    auto page = engine_->FindCustomers(c.q);
    EXPECT_EQ(page.status().code(), c.code) << c.name;
    EXPECT_NE(page.status().message().find(c.mention), std::string::npos)
        << c.name << ": " << page.status().ToString();
    EXPECT_EQ(engine_->Explain(c.q).status().code(), c.code) << c.name;
  }
}

// An indexed query reads its results, the entries its residual filters
// reject, one more match to know a next page exists, and at most one
// positioned key per range: never the rest of the index.
TEST_F(QueryTest, ExplainShowsTheQueryDoesNotScan) {
  // 300 more customers, all of channel 9 and low tier.
  std::vector<Event> events;
  for (uint64_t id = 100; id < 400; ++id) {
    Customer c;
    c.id = id;
    c.owner_channel_id = 9;
    c.region = "west";
    events.push_back(c);
    events.push_back(test::NewOrder(1000 + id, id, 9, DaysAgo(20), 500));
  }
  std::vector<Status> statuses;
  ASSERT_TRUE(engine_->ApplyBatch(events, &statuses).ok());

  CustomerQuery q;
  q.owner_channel_id = 2;
  q.include_subtree = true;  // channels 2 and 4: two ranges
  QueryPlan plan = Plan(q);
  EXPECT_EQ(plan.results, 5u);
  EXPECT_EQ(plan.keys_rejected, 0u);
  EXPECT_EQ(plan.keys_examined, 5u);

  q.limit = 2;  // the third match proves a next page
  plan = Plan(q);
  EXPECT_EQ(plan.results, 2u);
  EXPECT_LE(plan.keys_examined, 2u + 1 + 2);

  q = CustomerQuery();
  q.tiers = {ValueTier::kHigh};
  q.limit = 1;
  plan = Plan(q);
  EXPECT_EQ(plan.index, "spend");
  EXPECT_EQ(plan.results, 1u);
  // The result, the match proving a next page, and at most one positioned
  // key in each other owner's range (the merge over every owner).
  const uint64_t every_owner = engine_->ListChannels()->size() + 1;
  EXPECT_LE(plan.keys_examined, 2u + every_owner - 1);

  // Channel 9 owns 301 customers, one of them in the east, where few
  // live: the region's range is the tighter one, and the owner is checked
  // on the records it holds.
  q = CustomerQuery();
  q.owner_channel_id = 9;
  q.region = "east";
  plan = Plan(q);
  EXPECT_EQ(plan.index, "region");
  EXPECT_EQ(plan.residual_filters, std::vector<std::string>{"owner"});
  EXPECT_EQ(plan.results, 1u);
  EXPECT_LE(plan.keys_examined, 5u);
  ASSERT_EQ(plan.candidates.size(), 2u);
  EXPECT_EQ(plan.candidates[0].index, "owner_spend");
  EXPECT_EQ(plan.candidates[1].index, "region");
  EXPECT_GT(plan.candidates[0].estimated_keys,
            plan.candidates[1].estimated_keys);
  EXPECT_NE(plan.ToString().find("weighed owner_spend ~"), std::string::npos)
      << plan.ToString();

  // In the west it is the other way round: channel 9's high spenders are
  // few, the west's customers are many.
  q.region = "west";
  q.tiers = {ValueTier::kHigh};
  plan = Plan(q);
  EXPECT_EQ(plan.index, "owner_spend");
  EXPECT_LE(plan.keys_examined, plan.results + plan.keys_rejected + 1);

  q = CustomerQuery();
  q.region = "north";
  plan = Plan(q);
  EXPECT_EQ(plan.keys_examined, 4u);
  EXPECT_FALSE(plan.index_order);
}

// --- randomized: FindCustomers against brute force ------------------------

bool Passes(const CustomerQuery& q, const std::vector<uint64_t>& owners,
            const CustomerRecord& c) {
  auto in = [](const auto& list, auto v) {
    return list.empty() || std::count(list.begin(), list.end(), v) > 0;
  };
  const Aggregates& a = c.aggregates;
  return in(q.tiers, c.derived.value_tier) &&
         in(q.segments, c.derived.segment_name) &&
         in(q.stages, c.derived.lifecycle) &&
         in(owners, c.profile.owner_channel_id) &&
         (!q.region || *q.region == c.profile.region) &&
         a.total_spend_minor >= q.min_spend_minor.value_or(INT64_MIN) &&
         a.total_spend_minor <= q.max_spend_minor.value_or(INT64_MAX) &&
         a.order_count >= q.min_orders.value_or(INT64_MIN) &&
         a.order_count <= q.max_orders.value_or(INT64_MAX) &&
         (!q.active_since_ms || (a.last_activity_ms != 0 &&
                                 a.last_activity_ms >= *q.active_since_ms)) &&
         (!q.inactive_since_ms ||
          (a.order_count >= 1 && a.last_activity_ms != 0 &&
           a.last_activity_ms < *q.inactive_since_ms));
}

TEST(QueryPropertyTest, MatchesBruteForceOverRandomQueries) {
  const uint32_t seed = 4242;
  constexpr uint64_t kCustomers = 1500;
  test::RandomCustomersDb db;
  db.Fill(seed, kCustomers);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const auto& engine = db.engine;
  const std::vector<CustomerRecord>& all = db.all;
  auto policy = engine->GetPolicy();
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();

  std::mt19937 rng(seed);
  auto pick = [&rng](int64_t n) {
    return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
  };
  // How much the queries exercised, so the test cannot pass vacuously.
  int non_empty = 0, multi_page = 0, sorted = 0;
  for (int i = 0; i < 300; ++i) {
    CustomerQuery q;
    std::vector<uint64_t> owners;
    if (pick(4) == 0) {
      q.owner_channel_id = 1 + pick(8);
      q.include_subtree = pick(2) == 0;
      owners = q.include_subtree ? test::RandomSubtree(*q.owner_channel_id)
                                 : std::vector<uint64_t>{*q.owner_channel_id};
    }
    if (pick(4) == 0) q.tiers.push_back(static_cast<ValueTier>(1 + pick(3)));
    if (pick(8) == 0) q.tiers = {ValueTier::kLow, ValueTier::kHigh};
    if (pick(5) == 0) {
      for (int n = 1 + pick(2); n > 0; --n) {
        q.segments.push_back(
            policy->segments[pick(policy->segments.size())].name);
      }
    }
    if (pick(5) == 0)
      q.stages.push_back(static_cast<LifecycleStage>(1 + pick(6)));
    if (pick(5) == 0) q.region = test::RandomRegions()[pick(4)];
    if (pick(4) == 0) q.min_spend_minor = pick(250000);
    if (pick(4) == 0) {
      q.max_spend_minor = q.min_spend_minor.value_or(0) + pick(300000);
    }
    if (pick(6) == 0) q.min_orders = pick(4);
    if (pick(8) == 0) q.max_orders = q.min_orders.value_or(0) + pick(3);
    if (pick(4) == 0) q.active_since_ms = DaysAgo(pick(400));
    if (pick(4) == 0) {
      q.inactive_since_ms = DaysAgo(pick(400));
      if (q.active_since_ms && *q.active_since_ms >= *q.inactive_since_ms) {
        q.active_since_ms.reset();
      }
    }
    q.order = static_cast<CustomerOrder>(1 + pick(4));
    const uint32_t page_size = static_cast<uint32_t>(1 + pick(60));

    std::vector<const CustomerRecord*> expected;
    for (const auto& c : all) {
      if (Passes(q, owners, c)) expected.push_back(&c);
    }
    std::sort(expected.begin(), expected.end(), [&q](auto* x, auto* y) {
      return test::ComesBefore(q.order, *x, *y);
    });
    std::vector<uint64_t> expected_ids;
    for (auto* c : expected) expected_ids.push_back(c->profile.id);

    SCOPED_TRACE("seed " + std::to_string(seed) + " query " +
                 std::to_string(i));
    std::vector<uint64_t> got;
    CustomerQuery paged = q;
    paged.limit = page_size;
    for (int pages = 0; pages <= 2000; ++pages) {
      auto page = engine->FindCustomers(paged);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      const QueryPlan& plan = page->plan;
      SCOPED_TRACE(plan.ToString());
      EXPECT_EQ(plan.results, page->customers.size());
      // Ranges that imply every filter hold only matches.
      if (plan.residual_filters.empty()) {
        EXPECT_EQ(plan.keys_rejected, 0u);
      }
      if (!plan.index_order) ++sorted;
      if (pages == 1) ++multi_page;
      if (plan.index_order) {
        // Ranges: one per owner channel (every owner, 0 included, when no
        // filter names one) and spend interval (at most two), or per listed
        // value; three when no filter names them.
        const uint64_t every_owner = test::RandomChannelTree().size() + 1;
        const uint64_t ranges =
            (owners.empty() ? every_owner : owners.size()) * 2 +
            q.segments.size() + q.stages.size() + 3;
        EXPECT_LE(plan.keys_examined,
                  plan.results + plan.keys_rejected + 1 + ranges);
      }
      for (uint64_t id : Ids(page->customers)) got.push_back(id);
      if (page->next_cursor.empty()) break;
      paged.cursor = page->next_cursor;
    }
    ASSERT_EQ(got, expected_ids);
    if (!got.empty()) ++non_empty;
  }
  EXPECT_GT(non_empty, 150);
  EXPECT_GT(multi_page, 50);
  EXPECT_GT(sorted, 50);
}

// Issue 4's end-to-end property: events, status changes, refunds, profile
// moves, merges, erasures and rescores at random later times, after each
// phase of which Verify finds nothing and every query equals brute force
// over the live customers.
TEST(TieringPropertyTest, MutationsMergesErasuresAndRescoresKeepQueriesExact) {
  const uint32_t seed = 777;
  constexpr uint64_t kCustomers = 600;
  TempDir dir;
  auto engine = test::OpenTestEngine(dir.Sub("db"));
  ASSERT_NE(engine, nullptr);
  test::FillRandomCustomers(engine.get(), seed, kCustomers);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  std::vector<uint64_t> live;
  for (uint64_t id = 1; id <= kCustomers; ++id) live.push_back(id);

  std::mt19937 rng(seed);
  auto pick = [&rng](int64_t n) {
    return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
  };
  const auto& tree = test::RandomChannelTree();
  int64_t as_of = kTestNowMs;
  uint64_t next_order = 10000000;
  std::vector<uint64_t> orders;
  int merges = 0, erasures = 0, checked = 0;
  for (int phase = 0; phase < 6; ++phase) {
    SCOPED_TRACE("phase " + std::to_string(phase));
    for (int step = 0; step < 250; ++step) {
      const uint64_t who = live[pick(static_cast<int64_t>(live.size()))];
      const int what = static_cast<int>(pick(20));
      if (what < 10) {
        Order o = test::NewOrder(
            next_order++, who, tree[pick(8)].first, as_of - pick(20) * kDay,
            100 + pick(150000),
            pick(4) == 0 ? OrderStatus::kPaid : OrderStatus::kCompleted);
        ASSERT_TRUE(engine->RecordOrder(o).ok());
        orders.push_back(o.id);
      } else if (what < 13 && !orders.empty()) {
        const uint64_t o = orders[pick(static_cast<int64_t>(orders.size()))];
        // Refused ones (erased order, wrong status) must change nothing.
        engine->RefundOrder(o, 1 + pick(500)).ok();
        engine->UpdateOrderStatus(o, OrderStatus::kCompleted).ok();
      } else if (what < 16) {
        CustomerPatch p;
        p.owner_channel_id = pick(4) == 0 ? 0 : tree[pick(8)].first;
        p.region = test::RandomRegions()[pick(4)];
        ASSERT_TRUE(engine->UpdateCustomer(who, p).ok());
      } else if (what < 18 && live.size() > 50) {
        const size_t other =
            static_cast<size_t>(pick(static_cast<int64_t>(live.size())));
        if (live[other] == who) continue;
        ASSERT_TRUE(engine->MergeCustomers(who, live[other]).ok());
        live.erase(live.begin() + static_cast<long>(other));
        ++merges;
      } else if (live.size() > 50) {
        ASSERT_TRUE(engine->EraseCustomer(who).ok());
        live.erase(std::find(live.begin(), live.end(), who));
        ++erasures;
      }
    }
    as_of += (1 + pick(60)) * kDay;
    ASSERT_TRUE(engine->Rescore(RescoreOptions{as_of, false, nullptr}).ok());
    auto report = engine->Verify(10);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->ok()) << test::Listing(*report);

    std::vector<CustomerRecord> all;
    for (uint64_t id : live) {
      auto r = engine->GetCustomer(id);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      all.push_back(*r);
    }
    auto policy = engine->GetPolicy();
    ASSERT_TRUE(policy.ok());
    // Tier summary from counters equals counting the live customers.
    auto summary = engine->GetTierSummary(TierSummaryQuery{});
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    int64_t counted = 0, spend = 0, summed = 0, summed_spend = 0;
    for (const auto& c : all) {
      ++counted;
      spend += c.aggregates.total_spend_minor;
    }
    for (const auto& row : summary->rows) {
      summed += row.customers;
      summed_spend += row.spend_minor;
    }
    EXPECT_EQ(summed, counted);
    EXPECT_EQ(summed_spend, spend);

    for (int i = 0; i < 40; ++i) {
      CustomerQuery q;
      std::vector<uint64_t> owners;
      if (pick(3) == 0) {
        q.owner_channel_id = tree[pick(8)].first;
        q.include_subtree = pick(2) == 0;
        owners = q.include_subtree ? test::RandomSubtree(*q.owner_channel_id)
                                   : std::vector<uint64_t>{*q.owner_channel_id};
      }
      if (pick(3) == 0) q.tiers.push_back(static_cast<ValueTier>(1 + pick(3)));
      if (pick(4) == 0) {
        q.segments.push_back(
            policy->segments[pick(policy->segments.size())].name);
      }
      if (pick(4) == 0)
        q.stages.push_back(static_cast<LifecycleStage>(1 + pick(6)));
      if (pick(4) == 0) q.region = test::RandomRegions()[pick(4)];
      if (pick(4) == 0) q.inactive_since_ms = as_of - pick(200) * kDay;
      q.order = static_cast<CustomerOrder>(1 + pick(4));
      q.limit = kMaxQueryLimit;
      std::vector<const CustomerRecord*> expected;
      for (const auto& c : all) {
        if (Passes(q, owners, c)) expected.push_back(&c);
      }
      std::sort(expected.begin(), expected.end(), [&q](auto* x, auto* y) {
        return test::ComesBefore(q.order, *x, *y);
      });
      std::vector<uint64_t> want;
      for (auto* c : expected) want.push_back(c->profile.id);
      auto page = engine->FindCustomers(q);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      ASSERT_EQ(Ids(page->customers), want) << "query " << i;
      if (!want.empty()) ++checked;
    }
  }
  EXPECT_GT(merges, 5);
  EXPECT_GT(erasures, 5);
  EXPECT_GT(checked, 100);
}

}  // namespace
}  // namespace custdb
