// GetChurnWatch through the public API (reports.h): who counts as gone
// quiet, the policy's default window, tiers, the channel subtree, the
// limit, bad input, and a randomized comparison with brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
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

namespace custdb {
namespace {

using test::DaysAgo;
using test::Ids;
using test::kDay;
using test::kTestNowMs;
using test::TempDir;
using Ids_ = std::vector<uint64_t>;

// Channels 1 -> 2, and 3. Customers (owner; last order; spend):
//   1 (2; 200 days ago; 300000, high)   2 (1; 100 days ago; 50000, medium)
//   3 (3; 10 days ago; 40000)           4 (1; no orders)
//   5 (3; 400 days ago, but a call 5 days ago)
//   6 (2; no orders, a call 300 days ago)
//   7 (3; 120 days ago; 60000, medium)
class ChurnWatchTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = test::OpenTestStore(factory(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    test::PutChannelTree(store_.get(), {{1, 0}, {2, 1}, {3, 0}});
    ASSERT_FALSE(HasFatalFailure());
    Add(1, 2, 200, 300000);
    Add(2, 1, 100, 50000);
    Add(3, 3, 10, 40000);
    Add(4, 1, -1, 0);
    Add(5, 3, 400, 1000);
    Call(5, 5);
    Add(6, 2, -1, 0);
    Call(6, 300);
    Add(7, 3, 120, 60000);
  }

  // A customer with one order `days_ago` (none when negative).
  void Add(uint64_t id, uint64_t owner, int64_t days_ago, int64_t amount) {
    Customer c;
    c.id = id;
    c.owner_channel_id = owner;
    ASSERT_TRUE(store_->CreateCustomer(c).ok());
    if (days_ago >= 0) {
      ASSERT_TRUE(store_
                      ->RecordOrder(
                          test::NewOrder(id, id, 1, DaysAgo(days_ago), amount))
                      .ok());
    }
  }
  void Call(uint64_t id, int64_t days_ago) {
    ASSERT_TRUE(store_
                    ->RecordInteraction(test::NewInteraction(
                        id, 1, DaysAgo(days_ago), InteractionKind::kCall))
                    .ok());
  }

  ChurnWatch Watch(const ChurnWatchQuery& q) {
    return test::ValueOf(store_->GetChurnWatch(q));
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(ChurnWatchTest, BuyersQuietForTheWindowBySpend) {
  ChurnWatchQuery q;
  q.as_of_ms = kTestNowMs;
  q.inactive_days = 90;
  ChurnWatch w = Watch(q);
  EXPECT_EQ(w.count, 3);
  EXPECT_EQ(Ids(w.top), (Ids_{1, 7, 2}));
  q.limit = 2;
  w = Watch(q);
  EXPECT_EQ(w.count, 3);
  EXPECT_EQ(Ids(w.top), (Ids_{1, 7}));
}

TEST_P(ChurnWatchTest, DefaultWindowIsThePolicyChurnDays) {
  auto policy = store_->GetPolicy();
  ASSERT_TRUE(policy.ok());
  ASSERT_EQ(policy->churn_days, 180);
  ChurnWatchQuery q;
  q.as_of_ms = kTestNowMs;
  ChurnWatch w = Watch(q);
  EXPECT_EQ(w.count, 1);
  EXPECT_EQ(Ids(w.top), (Ids_{1}));
  // Earlier as_of: the window moves with it.
  q.as_of_ms = DaysAgo(50);
  q.inactive_days = 60;  // last activity before 110 days ago
  w = Watch(q);
  EXPECT_EQ(Ids(w.top), (Ids_{1, 7}));
}

TEST_P(ChurnWatchTest, TiersAndChannelSubtree) {
  ChurnWatchQuery q;
  q.as_of_ms = kTestNowMs;
  q.inactive_days = 90;
  q.tiers = {ValueTier::kMedium};
  EXPECT_EQ(Ids(Watch(q).top), (Ids_{7, 2}));
  q.tiers.clear();
  q.channel_id = 1;  // with its child 2
  ChurnWatch w = Watch(q);
  EXPECT_EQ(w.count, 2);
  EXPECT_EQ(Ids(w.top), (Ids_{1, 2}));
  q.channel_id = 2;
  EXPECT_EQ(Ids(Watch(q).top), (Ids_{1}));
  q.channel_id = 3;
  q.tiers = {ValueTier::kHigh};
  w = Watch(q);
  EXPECT_EQ(w.count, 0);
  EXPECT_TRUE(w.top.empty());
}

TEST_P(ChurnWatchTest, BadInput) {
  ChurnWatchQuery q;
  auto got = store_->GetChurnWatch(q);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("query.as_of_ms: 0"),
            std::string::npos);
  q.as_of_ms = kTestNowMs;
  q.limit = 0;
  got = store_->GetChurnWatch(q);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("query.limit: 0"), std::string::npos);
  q.limit = kMaxQueryLimit + 1;
  got = store_->GetChurnWatch(q);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("query.limit: " +
                                        std::to_string(kMaxQueryLimit + 1)),
            std::string::npos)
      << got.status().message();
  q.limit = 10;
  q.inactive_days = -3;
  got = store_->GetChurnWatch(q);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("query.inactive_days: -3"),
            std::string::npos)
      << got.status().message();
  q.inactive_days = 0;
  q.channel_id = 99;
  got = store_->GetChurnWatch(q);
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_NE(got.status().message().find("99"), std::string::npos);
}

class ChurnWatchPropertyTest : public test::StoreTest {};

TEST_P(ChurnWatchPropertyTest, MatchesBruteForce) {
  const uint32_t seed = 777;
  constexpr uint64_t kCustomers = 1200;
  test::RandomCustomersDb db;
  db.Fill(test::OpenTestStore(factory(), db.dir.Sub("db")), seed, kCustomers);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const auto& store = db.store;
  const std::vector<CustomerRecord>& all = db.all;
  std::mt19937 rng(seed);
  auto pick = [&rng](int64_t n) {
    return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
  };
  int non_empty = 0;  // so the test cannot pass vacuously
  for (int i = 0; i < 150; ++i) {
    ChurnWatchQuery q;
    q.as_of_ms = DaysAgo(pick(100));
    q.inactive_days = pick(3) == 0 ? 0 : 1 + pick(300);
    if (pick(3) == 0) q.tiers.push_back(static_cast<ValueTier>(1 + pick(3)));
    if (pick(6) == 0) q.tiers = {ValueTier::kLow, ValueTier::kHigh};
    std::vector<uint64_t> owners;
    if (pick(2) == 0) {
      q.channel_id = 1 + pick(8);
      owners = test::RandomSubtree(*q.channel_id);
    }
    q.limit = static_cast<uint32_t>(1 + pick(40));
    const ChurnWatch expected = test::BruteChurnWatch(
        all, q, owners, q.inactive_days == 0 ? 180 : q.inactive_days);
    SCOPED_TRACE("seed " + std::to_string(seed) + " query " +
                 std::to_string(i));
    auto got = store->GetChurnWatch(q);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->count, expected.count);
    EXPECT_EQ(Ids(got->top), Ids(expected.top));
    if (expected.count > 0) ++non_empty;
  }
  EXPECT_GT(non_empty, 75);
}

INSTANTIATE_TEST_SUITE_P(Store, ChurnWatchTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

INSTANTIATE_TEST_SUITE_P(Store, ChurnWatchPropertyTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
