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

#include "custdb/store.h"
#include "store/store_factory.h"
#include "support/random_customers.h"
#include "support/report_brute_force.h"
#include "support/test_util.h"
#include "tiering/derive.h"

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
class QueryTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = test::OpenTestStore(factory(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    test::PutChannelTree(store_.get(),
                         {{1, 0}, {2, 1}, {3, 1}, {4, 2}, {9, 0}});
    ASSERT_FALSE(HasFatalFailure());
    AddCustomer(1, 2, "north", {{10, 250000}});
    AddCustomer(2, 2, "south", {{100, 50000}, {95, 20000}});
    AddCustomer(3, 4, "north", {{200, 100000}, {190, 100000}, {185, 100000}});
    AddCustomer(4, 3, "north", {{5, 10000}});
    AddCustomer(5, 9, "east", {{40, 30000}, {45, 10000}});
    AddCustomer(6, 0, "", {});
    AddCustomer(7, 2, "north", {});
    ASSERT_TRUE(store_
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
    ASSERT_TRUE(store_->CreateCustomer(c).ok());
    for (const auto& [days_ago, amount] : orders) {
      Status s = store_->RecordOrder(
          test::NewOrder(next_order_++, id, 1, DaysAgo(days_ago), amount));
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }

  // The ids of every page of `q`, read with limit `page_size`.
  std::vector<uint64_t> AllPages(CustomerQuery q, uint32_t page_size) {
    q.limit = page_size;
    std::vector<uint64_t> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = store_->FindCustomers(q);
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
    auto page = store_->FindCustomers(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) return {};
    EXPECT_TRUE(page->next_cursor.empty());
    return Ids(page->customers);
  }

  QueryPlan Plan(const CustomerQuery& q) {
    return test::ValueOf(store_->Explain(q));
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  uint64_t next_order_ = 1;
};

using Ids_ = std::vector<uint64_t>;

TEST_P(QueryTest, EveryOrderWithoutFilters) {
  CustomerQuery q;
  EXPECT_EQ(Find(q), (Ids_{3, 1, 8, 2, 5, 4, 6, 7}));
  q.order = CustomerOrder::kLastActivityAsc;
  EXPECT_EQ(Find(q), (Ids_{6, 3, 2, 8, 5, 1, 4, 7}));
  q.order = CustomerOrder::kLastActivityDesc;
  EXPECT_EQ(Find(q), (Ids_{7, 4, 1, 5, 8, 2, 3, 6}));
  q.order = CustomerOrder::kId;
  EXPECT_EQ(Find(q), (Ids_{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST_P(QueryTest, OwnerAndSubtree) {
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

TEST_P(QueryTest, TiersSegmentsAndStages) {
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
    auto c = store_->GetCustomer(id);
    ASSERT_TRUE(c.ok());
    ASSERT_FALSE(c->derived.segment_name.empty());
    q = CustomerQuery();
    q.segments = {c->derived.segment_name};
    q.order = CustomerOrder::kId;
    auto page = store_->FindCustomers(q);
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

TEST_P(QueryTest, RegionSpendOrdersAndActivity) {
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

TEST_P(QueryTest, FiltersCombine) {
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

TEST_P(QueryTest, CursorsPageThroughEveryPlan) {
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

TEST_P(QueryTest, CursorOfAnotherQueryIsRefused) {
  CustomerQuery q;
  q.limit = 2;
  auto page = store_->FindCustomers(q);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_cursor.empty());
  CustomerQuery other = q;
  other.cursor = page->next_cursor;
  other.min_spend_minor = 1;
  auto refused = store_->FindCustomers(other);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("query.cursor"), std::string::npos);
  other = q;
  other.cursor = page->next_cursor;
  other.order = CustomerOrder::kId;
  EXPECT_EQ(store_->FindCustomers(other).status().code(),
            StatusCode::kInvalidArgument);
  for (const char* bad : {"zz", "0", "03", "03ff"}) {
    other = q;
    other.cursor = bad;
    EXPECT_EQ(store_->FindCustomers(other).status().code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
  // A different limit is the same query.
  other = q;
  other.cursor = page->next_cursor;
  other.limit = 10;
  auto rest = store_->FindCustomers(other);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(Ids(rest->customers), (Ids_{8, 2, 5, 4, 6, 7}));
}

TEST_P(QueryTest, BadInputNamesFieldAndValue) {
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
    auto page = store_->FindCustomers(c.q);
    EXPECT_EQ(page.status().code(), c.code) << c.name;
    EXPECT_NE(page.status().message().find(c.mention), std::string::npos)
        << c.name << ": " << page.status().ToString();
    EXPECT_EQ(store_->Explain(c.q).status().code(), c.code) << c.name;
  }
}

// An indexed query reads its results, the entries its residual filters
// reject, one more match to know a next page exists, and at most one
// positioned key per range: never the rest of the index.
TEST_P(QueryTest, ExplainShowsTheQueryDoesNotScan) {
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
  ASSERT_TRUE(store_->ApplyBatch(events, &statuses).ok());

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
  const uint64_t every_owner = store_->ListChannels()->size() + 1;
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

// A random query over a test::RandomCustomersDb-like world (channels and
// regions of random_customers.h) whose times lie before now_ms; *owners
// receives the owner set its channel filter means (empty: any owner).
CustomerQuery RandomQuery(std::mt19937& rng, const TierPolicy& policy,
                          int64_t now_ms, std::vector<uint64_t>* owners) {
  auto pick = [&rng](int64_t n) {
    return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
  };
  CustomerQuery q;
  owners->clear();
  if (pick(4) == 0) {
    q.owner_channel_id = 1 + pick(8);
    q.include_subtree = pick(2) == 0;
    *owners = q.include_subtree ? test::RandomSubtree(*q.owner_channel_id)
                                : std::vector<uint64_t>{*q.owner_channel_id};
  }
  if (pick(4) == 0) q.tiers.push_back(static_cast<ValueTier>(1 + pick(3)));
  if (pick(8) == 0) q.tiers = {ValueTier::kLow, ValueTier::kHigh};
  if (pick(5) == 0) {
    for (int n = 1 + pick(2); n > 0; --n) {
      q.segments.push_back(policy.segments[pick(policy.segments.size())].name);
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
  if (pick(4) == 0) q.active_since_ms = now_ms - pick(400) * kDay;
  if (pick(4) == 0) {
    q.inactive_since_ms = now_ms - pick(400) * kDay;
    if (q.active_since_ms && *q.active_since_ms >= *q.inactive_since_ms) {
      q.active_since_ms.reset();
    }
  }
  q.order = static_cast<CustomerOrder>(1 + pick(4));
  return q;
}

// The ids of the customers of `all` that `q` (with its owner set) matches,
// in its order.
std::vector<uint64_t> BruteForceIds(const CustomerQuery& q,
                                    const std::vector<uint64_t>& owners,
                                    const std::vector<CustomerRecord>& all) {
  std::vector<const CustomerRecord*> matched;
  for (const auto& c : all) {
    if (Passes(q, owners, c)) matched.push_back(&c);
  }
  std::sort(matched.begin(), matched.end(), [&q](auto* x, auto* y) {
    return test::ComesBefore(q.order, *x, *y);
  });
  std::vector<uint64_t> ids;
  for (auto* c : matched) ids.push_back(c->profile.id);
  return ids;
}

class QueryPropertyTest : public test::StoreTest {};

TEST_P(QueryPropertyTest, MatchesBruteForceOverRandomQueries) {
  const uint32_t seed = 4242;
  constexpr uint64_t kCustomers = 1500;
  test::RandomCustomersDb db;
  db.Fill(test::OpenTestStore(factory(), db.dir.Sub("db")), seed, kCustomers);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const auto& store = db.store;
  const std::vector<CustomerRecord>& all = db.all;
  auto policy = store->GetPolicy();
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();

  std::mt19937 rng(seed);
  auto pick = [&rng](int64_t n) {
    return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
  };
  // How much the queries exercised, so the test cannot pass vacuously.
  int non_empty = 0, multi_page = 0, sorted = 0;
  for (int i = 0; i < 300; ++i) {
    std::vector<uint64_t> owners;
    const CustomerQuery q = RandomQuery(rng, *policy, kTestNowMs, &owners);
    const uint32_t page_size = static_cast<uint32_t>(1 + pick(60));
    const std::vector<uint64_t> expected_ids = BruteForceIds(q, owners, all);

    SCOPED_TRACE("seed " + std::to_string(seed) + " query " +
                 std::to_string(i));
    std::vector<uint64_t> got;
    CustomerQuery paged = q;
    paged.limit = page_size;
    for (int pages = 0; pages <= 2000; ++pages) {
      auto page = store->FindCustomers(paged);
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

// Issue 4's end-to-end property: orders, status changes (cancellations
// too), refunds, interactions and their resolutions, redemptions, profile
// moves, merges, erasures, a policy change and rescores at random later
// times. After each phase Verify finds nothing, every customer's derived
// attributes equal Derive as of the rescore, and FindCustomers (paged, every
// filter), ChurnWatch, TierSummary (every group, split and filter) and
// ChannelReport equal brute force over the live customers and their records.
class TieringProperty {
 public:
  static constexpr uint32_t kSeed = 777;
  static constexpr uint64_t kCustomers = 600;

  explicit TieringProperty(const test::StoreFactory& factory)
      : factory_(factory), rng_(kSeed) {}

  void Open() {
    store_ = test::OpenTestStore(factory_, dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    test::FillRandomCustomers(store_.get(), kSeed, kCustomers);
    for (uint64_t id = 1; id <= kCustomers; ++id) live_.push_back(id);
  }

  // One random mutation; refused ones (an erased order, a wrong status, a
  // resolved complaint, too many points) must change nothing, which Verify
  // and the brute force then check.
  void Step() {
    const auto& tree = test::RandomChannelTree();
    const uint64_t who = live_[Pick(live_.size())];
    const int what = static_cast<int>(Pick(30));
    if (what < 10) {
      const OrderStatus status = Pick(5) == 0   ? OrderStatus::kPlaced
                                 : Pick(4) == 0 ? OrderStatus::kPaid
                                                : OrderStatus::kCompleted;
      Order o =
          test::NewOrder(next_order_++, who, tree[Pick(8)].first,
                         as_of_ - Pick(20) * kDay, 100 + Pick(150000), status);
      ASSERT_TRUE(store_->RecordOrder(o).ok());
      orders_.push_back(o.id);
    } else if (what < 13 && !orders_.empty()) {
      const uint64_t o = orders_[Pick(orders_.size())];
      store_->RefundOrder(o, 1 + Pick(500)).ok();
      store_
          ->UpdateOrderStatus(o, Pick(3) == 0 ? OrderStatus::kCancelled
                                              : OrderStatus::kCompleted)
          .ok();
    } else if (what < 18) {
      Interaction i = test::NewInteraction(
          who, Pick(5) == 0 ? 0 : tree[Pick(8)].first, as_of_ - Pick(20) * kDay,
          static_cast<InteractionKind>(1 + Pick(9)));
      if (Pick(2)) i.satisfaction = static_cast<int32_t>(1 + Pick(5));
      if (Pick(2)) i.nps = static_cast<int32_t>(Pick(11));
      auto id = store_->RecordInteraction(i);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      interactions_.push_back(*id);
    } else if (what < 20 && !interactions_.empty()) {
      auto got =
          store_->GetInteraction(interactions_[Pick(interactions_.size())]);
      if (got.ok()) {
        store_->ResolveInteraction(got->id, got->ts_ms + Pick(5 * kDay)).ok();
      }
    } else if (what < 21) {
      store_->RedeemLoyaltyPoints(who, 1 + Pick(300)).ok();
    } else if (what < 25) {
      CustomerPatch p;
      p.owner_channel_id = Pick(4) == 0 ? 0 : tree[Pick(8)].first;
      p.region = test::RandomRegions()[Pick(4)];
      ASSERT_TRUE(store_->UpdateCustomer(who, p).ok());
    } else if (what < 28 && live_.size() > 50) {
      const size_t other = Pick(live_.size());
      if (live_[other] == who) return;
      ASSERT_TRUE(store_->MergeCustomers(who, live_[other]).ok());
      live_.erase(live_.begin() + static_cast<long>(other));
      ++merges_;
    } else if (live_.size() > 50) {
      ASSERT_TRUE(store_->EraseCustomer(who).ok());
      live_.erase(std::find(live_.begin(), live_.end(), who));
      ++erasures_;
    }
  }

  // A cheaper policy for value tiers: every customer re-derives.
  void ChangePolicy() {
    auto policy = store_->GetPolicy();
    ASSERT_TRUE(policy.ok());
    TierPolicy next = *policy;
    next.high_min_spend_minor = 150000;
    next.medium_min_spend_minor = 20000;
    auto report = store_->SetPolicy(next, nullptr);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
  }

  void Rescore() {
    as_of_ += (1 + Pick(60)) * kDay;
    // The test clock stands still, so the database time walks ahead of it.
    RescoreOptions options;
    options.as_of_ms = as_of_;
    options.force = true;
    auto report = store_->Rescore(options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
  }

  void CheckEverything() {
    auto report = factory_.Verify(*store_, 10);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->ok()) << test::Listing(*report);
    auto policy = store_->GetPolicy();
    ASSERT_TRUE(policy.ok());
    policy_ = *policy;
    all_.clear();
    for (uint64_t id : live_) {
      auto r = store_->GetCustomer(id);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      // Incremental rescores leave no customer behind: each one reads as
      // Derive computes it as of the last rescore, under the current policy.
      EXPECT_EQ(r->derived, Derive(r->aggregates, policy_, as_of_)) << id;
      EXPECT_EQ(r->derived_as_of_ms, as_of_) << id;
      EXPECT_EQ(r->policy_version, policy_.version) << id;
      all_.push_back(*r);
    }
    CheckFindCustomers();
    CheckChurnWatch();
    CheckTierSummary();
    CheckChannelReport();
  }

  void ExpectCoverage() const {
    EXPECT_GT(merges_, 5);
    EXPECT_GT(erasures_, 5);
    EXPECT_GT(non_empty_queries_, 100);
    EXPECT_GT(multi_page_, 20);
    EXPECT_GT(churn_non_empty_, 20);
  }

 private:
  // Uniform in [0, n).
  template <typename N>
  int64_t Pick(N n) {
    return std::uniform_int_distribution<int64_t>(
        0, static_cast<int64_t>(n) - 1)(rng_);
  }

  std::vector<uint64_t> RandomScope(std::optional<uint64_t>* channel,
                                    bool* include_subtree) {
    const auto& tree = test::RandomChannelTree();
    *channel = tree[Pick(8)].first;
    *include_subtree = Pick(2) == 0;
    return *include_subtree ? test::RandomSubtree(**channel)
                            : std::vector<uint64_t>{**channel};
  }

  void CheckFindCustomers() {
    for (int i = 0; i < 40; ++i) {
      std::vector<uint64_t> owners;
      CustomerQuery q = RandomQuery(rng_, policy_, as_of_, &owners);
      const std::vector<uint64_t> want = BruteForceIds(q, owners, all_);

      // Paged: small pages, so cursors are exercised on every plan.
      q.limit = static_cast<uint32_t>(1 + Pick(Pick(2) == 0 ? 8 : 200));
      std::vector<uint64_t> got;
      for (int pages = 0; pages <= 1000; ++pages) {
        auto page = store_->FindCustomers(q);
        ASSERT_TRUE(page.ok()) << page.status().ToString();
        if (page->plan.residual_filters.empty()) {
          EXPECT_EQ(page->plan.keys_rejected, 0u) << page->plan.ToString();
        }
        for (uint64_t id : Ids(page->customers)) got.push_back(id);
        if (page->next_cursor.empty()) break;
        if (pages == 0) ++multi_page_;
        q.cursor = page->next_cursor;
      }
      ASSERT_EQ(got, want) << "query " << i;
      if (!want.empty()) ++non_empty_queries_;
    }
  }

  void CheckChurnWatch() {
    for (int i = 0; i < 20; ++i) {
      ChurnWatchQuery q;
      q.as_of_ms = as_of_ - Pick(30) * kDay;
      q.inactive_days = Pick(3) == 0 ? 0 : 1 + Pick(200);
      if (Pick(3) == 0) q.tiers.push_back(static_cast<ValueTier>(1 + Pick(3)));
      std::vector<uint64_t> owners;
      if (Pick(2) == 0) {  // an owner channel with its subtree
        q.channel_id = test::RandomChannelTree()[Pick(8)].first;
        owners = test::RandomSubtree(*q.channel_id);
      }
      q.limit = static_cast<uint32_t>(1 + Pick(40));
      const int64_t days =
          q.inactive_days == 0 ? policy_.churn_days : q.inactive_days;
      const ChurnWatch want = test::BruteChurnWatch(all_, q, owners, days);
      auto got = store_->GetChurnWatch(q);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(got->count, want.count) << "churn query " << i;
      EXPECT_EQ(Ids(got->top), Ids(want.top)) << "churn query " << i;
      if (want.count > 0) ++churn_non_empty_;
    }
  }

  void CheckTierSummary() {
    for (int i = 0; i < 20; ++i) {
      TierSummaryQuery q;
      q.by = static_cast<SummaryGroup>(1 + Pick(3));
      q.split_by = static_cast<SummarySplit>(Pick(3));
      std::vector<uint64_t> owners;
      if (Pick(3) == 0)
        owners = RandomScope(&q.owner_channel_id, &q.include_subtree);
      if (Pick(4) == 0) q.region = test::RandomRegions()[Pick(4)];
      const TierSummary want = test::BruteTierSummary(all_, policy_, q, owners);
      auto got = store_->GetTierSummary(q);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_EQ(got->rows.size(), want.rows.size()) << "summary query " << i;
      for (size_t k = 0; k < want.rows.size(); ++k) {
        const TierSummaryRow &w = want.rows[k], &g = got->rows[k];
        EXPECT_EQ(std::tie(g.group, g.customers, g.spend_minor,
                           g.owner_channel_id, g.region),
                  std::tie(w.group, w.customers, w.spend_minor,
                           w.owner_channel_id, w.region))
            << "summary query " << i << " row " << k;
      }
    }
  }

  void CheckChannelReport() {
    test::ChannelReportBruteForce brute(*store_, live_);
    for (int i = 0; i < 6; ++i) {
      ChannelReportQuery q;
      if (Pick(2) == 0) {
        q.channel_id = test::RandomChannelTree()[Pick(8)].first;
        q.include_subtree = Pick(2) == 0;
      }
      const int64_t from = as_of_ - Pick(120) * kDay - Pick(kDay);
      q.from_ms = Pick(4) == 0 ? INT64_MIN : from;
      q.to_ms = Pick(4) == 0 ? INT64_MAX : from + (1 + Pick(60)) * kDay;
      q.by_day = Pick(3) == 0;
      auto got = store_->GetChannelReport(q);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_TRUE(test::ChannelRowsEqual(brute.Report(q), got->rows))
          << "report " << i << ": channel " << q.channel_id << " [" << q.from_ms
          << ", " << q.to_ms << ") by_day " << q.by_day;
    }
  }

  const test::StoreFactory& factory_;
  test::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::mt19937 rng_;
  std::vector<uint64_t> live_;
  std::vector<uint64_t> orders_;
  std::vector<uint64_t> interactions_;
  uint64_t next_order_ = 10000000;
  int64_t as_of_ = kTestNowMs;
  TierPolicy policy_;
  std::vector<CustomerRecord> all_;
  int merges_ = 0, erasures_ = 0, non_empty_queries_ = 0, multi_page_ = 0,
      churn_non_empty_ = 0;
};

class TieringPropertyTest : public test::StoreTest {};

TEST_P(TieringPropertyTest,
       MutationsMergesErasuresAndRescoresKeepQueriesExact) {
  SCOPED_TRACE("seed " + std::to_string(TieringProperty::kSeed));
  TieringProperty p(factory());
  p.Open();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  for (int phase = 0; phase < 6; ++phase) {
    SCOPED_TRACE("phase " + std::to_string(phase));
    for (int step = 0; step < 250; ++step) {
      p.Step();
      ASSERT_FALSE(::testing::Test::HasFatalFailure());
    }
    if (phase == 3) p.ChangePolicy();
    p.Rescore();
    p.CheckEverything();
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
  }
  p.ExpectCoverage();
}

INSTANTIATE_TEST_SUITE_P(Store, QueryTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

INSTANTIATE_TEST_SUITE_P(Store, QueryPropertyTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

INSTANTIATE_TEST_SUITE_P(Store, TieringPropertyTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
