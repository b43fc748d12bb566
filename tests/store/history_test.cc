// Order and interaction histories: newest first, [from, to) ranges, limits
// and cursor paging (store.h HistoryQuery, Page).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "custdb/store.h"
#include "store/store_factory.h"
#include "support/reference_model.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::kTestNowMs;
using test::OpenTestStore;
using test::TempDir;
using test::refmodel::FailsNaming;
using test::refmodel::HasCode;

constexpr uint64_t kShop = 1;
constexpr uint64_t kAnn = 100;
constexpr uint64_t kBob = 200;
constexpr uint64_t kCid = 300;  // no history at all
constexpr int64_t kMinute = 60000;

class HistoryTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = OpenTestStore(factory(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    Channel shop;
    shop.id = kShop;
    shop.name = "shop";
    ASSERT_TRUE(store_->PutChannel(shop).ok());
    for (uint64_t id : {kAnn, kBob, kCid}) {
      Customer c;
      c.id = id;
      ASSERT_TRUE(store_->CreateCustomer(c).ok());
    }
  }

  // Records an order and an interaction for `customer_id` at `ts_ms` and
  // remembers their ids by timestamp.
  void AddEvents(uint64_t customer_id, int64_t ts_ms) {
    Order o;
    o.id = next_order_id_++;
    o.customer_id = customer_id;
    o.channel_id = kShop;
    o.ts_ms = ts_ms;
    o.amount_minor = 100;
    ASSERT_TRUE(store_->RecordOrder(o).ok());
    Interaction i;
    i.customer_id = customer_id;
    i.ts_ms = ts_ms;
    auto id = store_->RecordInteraction(i);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    if (customer_id == kAnn) {
      ann_orders_.insert({ts_ms, o.id});
      ann_interactions_.insert({ts_ms, *id});
    }
  }

  // 60 events for Ann over 40 distinct timestamps (so pages split ties),
  // inserted in shuffled order; a few for Bob interleaved.
  void AddAnnHistory() {
    std::vector<int64_t> stamps;
    for (int n = 0; n < 60; ++n) {
      stamps.push_back(kTestNowMs - (n % 40) * kMinute);
    }
    std::mt19937 rng(7);
    std::shuffle(stamps.begin(), stamps.end(), rng);
    for (size_t n = 0; n < stamps.size(); ++n) {
      AddEvents(kAnn, stamps[n]);
      if (n % 10 == 0) AddEvents(kBob, stamps[n]);
    }
  }

  // Ids of Ann's orders / interactions with from <= ts < to, newest first
  // (ties in any order: compared as sets per timestamp by the callers).
  static std::multimap<int64_t, uint64_t, std::greater<int64_t>> InRange(
      const std::multimap<int64_t, uint64_t>& all, int64_t from, int64_t to) {
    std::multimap<int64_t, uint64_t, std::greater<int64_t>> out;
    for (const auto& [ts, id] : all) {
      if (ts >= from && ts < to) out.insert({ts, id});
    }
    return out;
  }

  // Pages through every order of `q` and returns (ts, id) in page order;
  // checks every page's size.
  std::vector<std::pair<int64_t, uint64_t>> AllOrderPages(HistoryQuery q) {
    std::vector<std::pair<int64_t, uint64_t>> seen;
    for (int page = 0; page < 1000; ++page) {
      auto got = store_->ListOrders(q);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (!got.ok()) break;
      EXPECT_LE(got->items.size(), q.limit);
      if (!got->next_cursor.empty()) {
        EXPECT_EQ(got->items.size(), q.limit);
      }
      for (const Order& o : got->items) {
        EXPECT_EQ(o.customer_id, q.customer_id);
        seen.push_back({o.ts_ms, o.id});
      }
      if (got->next_cursor.empty()) break;
      q.cursor = got->next_cursor;
    }
    return seen;
  }

  std::vector<std::pair<int64_t, uint64_t>> AllInteractionPages(
      HistoryQuery q) {
    std::vector<std::pair<int64_t, uint64_t>> seen;
    for (int page = 0; page < 1000; ++page) {
      auto got = store_->ListInteractions(q);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (!got.ok()) break;
      EXPECT_LE(got->items.size(), q.limit);
      if (!got->next_cursor.empty()) {
        EXPECT_EQ(got->items.size(), q.limit);
      }
      for (const Interaction& i : got->items) {
        EXPECT_EQ(i.customer_id, q.customer_id);
        seen.push_back({i.ts_ms, i.id});
      }
      if (got->next_cursor.empty()) break;
      q.cursor = got->next_cursor;
    }
    return seen;
  }

  // Checks that `seen` is newest first and holds exactly `expected`.
  static void ExpectSameHistory(
      const std::vector<std::pair<int64_t, uint64_t>>& seen,
      const std::multimap<int64_t, uint64_t, std::greater<int64_t>>& expected) {
    for (size_t n = 1; n < seen.size(); ++n) {
      EXPECT_GE(seen[n - 1].first, seen[n].first)
          << "not newest first at " << n;
    }
    std::multiset<std::pair<int64_t, uint64_t>> got(seen.begin(), seen.end());
    std::multiset<std::pair<int64_t, uint64_t>> want(expected.begin(),
                                                     expected.end());
    EXPECT_EQ(got, want);
    EXPECT_EQ(seen.size(), expected.size());  // nothing twice
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  uint64_t next_order_id_ = 1;
  std::multimap<int64_t, uint64_t> ann_orders_;
  std::multimap<int64_t, uint64_t> ann_interactions_;
};

TEST_P(HistoryTest, OneFullPageIsNewestFirstAndOnlyTheCustomersOwn) {
  AddAnnHistory();
  HistoryQuery q;
  q.customer_id = kAnn;
  q.limit = kMaxHistoryLimit;
  auto orders = store_->ListOrders(q);
  ASSERT_TRUE(orders.ok()) << orders.status().ToString();
  EXPECT_TRUE(orders->next_cursor.empty());
  std::vector<std::pair<int64_t, uint64_t>> seen;
  for (const Order& o : orders->items) seen.push_back({o.ts_ms, o.id});
  ExpectSameHistory(seen, InRange(ann_orders_, INT64_MIN, INT64_MAX));

  auto interactions = store_->ListInteractions(q);
  ASSERT_TRUE(interactions.ok()) << interactions.status().ToString();
  EXPECT_TRUE(interactions->next_cursor.empty());
  seen.clear();
  for (const Interaction& i : interactions->items) {
    seen.push_back({i.ts_ms, i.id});
  }
  ExpectSameHistory(seen, InRange(ann_interactions_, INT64_MIN, INT64_MAX));
}

TEST_P(HistoryTest, DefaultQueryReturnsEverythingUpToDefaultLimit) {
  AddAnnHistory();
  HistoryQuery q;  // limit 100, full range
  q.customer_id = kAnn;
  auto orders = store_->ListOrders(q);
  ASSERT_TRUE(orders.ok()) << orders.status().ToString();
  EXPECT_EQ(orders->items.size(), 60u);
  EXPECT_TRUE(orders->next_cursor.empty());
}

TEST_P(HistoryTest, RangeIsFromInclusiveToExclusive) {
  AddAnnHistory();
  // Boundaries fall on timestamps that exist.
  const int64_t from = kTestNowMs - 30 * kMinute;
  const int64_t to = kTestNowMs - 10 * kMinute;
  HistoryQuery q;
  q.customer_id = kAnn;
  q.from_ms = from;
  q.to_ms = to;
  q.limit = kMaxHistoryLimit;
  auto orders = store_->ListOrders(q);
  ASSERT_TRUE(orders.ok()) << orders.status().ToString();
  std::vector<std::pair<int64_t, uint64_t>> seen;
  for (const Order& o : orders->items) seen.push_back({o.ts_ms, o.id});
  ExpectSameHistory(seen, InRange(ann_orders_, from, to));
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().first, to - kMinute);
  EXPECT_EQ(seen.back().first, from);

  auto interactions = store_->ListInteractions(q);
  ASSERT_TRUE(interactions.ok()) << interactions.status().ToString();
  seen.clear();
  for (const Interaction& i : interactions->items) {
    seen.push_back({i.ts_ms, i.id});
  }
  ExpectSameHistory(seen, InRange(ann_interactions_, from, to));

  // An empty range and a range with nothing in it.
  q.from_ms = q.to_ms = from;
  auto none = store_->ListOrders(q);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->items.empty());
  EXPECT_TRUE(none->next_cursor.empty());
  q.from_ms = kTestNowMs + 1;
  q.to_ms = INT64_MAX;
  none = store_->ListOrders(q);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->items.empty());
}

TEST_P(HistoryTest, CursorPagingCoversEveryItemExactlyOnce) {
  AddAnnHistory();
  for (uint32_t limit : {1u, 7u, 10u, 59u, 60u, 61u}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    HistoryQuery q;
    q.customer_id = kAnn;
    q.limit = limit;
    ExpectSameHistory(AllOrderPages(q),
                      InRange(ann_orders_, INT64_MIN, INT64_MAX));
    ExpectSameHistory(AllInteractionPages(q),
                      InRange(ann_interactions_, INT64_MIN, INT64_MAX));
  }
}

TEST_P(HistoryTest, CursorPagingWithinRange) {
  AddAnnHistory();
  HistoryQuery q;
  q.customer_id = kAnn;
  q.from_ms = kTestNowMs - 25 * kMinute;
  q.to_ms = kTestNowMs - 5 * kMinute + 1;
  q.limit = 4;
  ExpectSameHistory(AllOrderPages(q), InRange(ann_orders_, q.from_ms, q.to_ms));
  ExpectSameHistory(AllInteractionPages(q),
                    InRange(ann_interactions_, q.from_ms, q.to_ms));
}

TEST_P(HistoryTest, NoCursorAfterThePageThatExhaustsTheHistory) {
  for (int n = 0; n < 20; ++n) AddEvents(kAnn, kTestNowMs - n * kMinute);
  HistoryQuery q;
  q.customer_id = kAnn;
  q.limit = 10;
  auto first = store_->ListOrders(q);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 10u);
  ASSERT_FALSE(first->next_cursor.empty());
  q.cursor = first->next_cursor;
  auto second = store_->ListOrders(q);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->items.size(), 10u);
  EXPECT_TRUE(second->next_cursor.empty()) << "nothing more, yet a cursor";
}

TEST_P(HistoryTest, CustomerWithoutHistoryGetsEmptyPage) {
  AddAnnHistory();
  HistoryQuery q;
  q.customer_id = kCid;
  auto orders = store_->ListOrders(q);
  ASSERT_TRUE(orders.ok()) << orders.status().ToString();
  EXPECT_TRUE(orders->items.empty());
  EXPECT_TRUE(orders->next_cursor.empty());
  auto interactions = store_->ListInteractions(q);
  ASSERT_TRUE(interactions.ok()) << interactions.status().ToString();
  EXPECT_TRUE(interactions->items.empty());
}

TEST_P(HistoryTest, UnknownCustomerIsNotFound) {
  HistoryQuery q;
  q.customer_id = 999;
  EXPECT_TRUE(HasCode(store_->ListOrders(q).status(), StatusCode::kNotFound));
  EXPECT_TRUE(
      HasCode(store_->ListInteractions(q).status(), StatusCode::kNotFound));
}

TEST_P(HistoryTest, LimitOutOfRangeIsInvalidArgument) {
  AddEvents(kAnn, kTestNowMs);
  HistoryQuery q;
  q.customer_id = kAnn;
  for (uint32_t limit : {0u, kMaxHistoryLimit + 1, 4000000000u}) {
    SCOPED_TRACE(limit);
    q.limit = limit;
    EXPECT_TRUE(FailsNaming(store_->ListOrders(q).status(),
                            StatusCode::kInvalidArgument, "limit"));
    EXPECT_TRUE(FailsNaming(store_->ListInteractions(q).status(),
                            StatusCode::kInvalidArgument, "limit"));
  }
  q.limit = kMaxHistoryLimit;
  EXPECT_TRUE(store_->ListOrders(q).ok());
  q.limit = 1;
  EXPECT_TRUE(store_->ListInteractions(q).ok());
}

TEST_P(HistoryTest, CursorOfAnotherCustomersQueryIsInvalidArgument) {
  AddAnnHistory();
  for (int n = 0; n < 5; ++n) AddEvents(kBob, kTestNowMs - n * kMinute);
  HistoryQuery bob;
  bob.customer_id = kBob;
  bob.limit = 2;
  auto bob_orders = store_->ListOrders(bob);
  auto bob_interactions = store_->ListInteractions(bob);
  ASSERT_TRUE(bob_orders.ok() && bob_interactions.ok());
  ASSERT_FALSE(bob_orders->next_cursor.empty());
  ASSERT_FALSE(bob_interactions->next_cursor.empty());

  HistoryQuery ann;
  ann.customer_id = kAnn;
  ann.limit = 2;
  ann.cursor = bob_orders->next_cursor;
  EXPECT_TRUE(
      HasCode(store_->ListOrders(ann).status(), StatusCode::kInvalidArgument));
  ann.cursor = bob_interactions->next_cursor;
  EXPECT_TRUE(HasCode(store_->ListInteractions(ann).status(),
                      StatusCode::kInvalidArgument));
}

TEST_P(HistoryTest, CursorOfAnotherRangeIsInvalidArgument) {
  AddAnnHistory();
  HistoryQuery q;
  q.customer_id = kAnn;
  q.limit = 3;
  auto first = store_->ListOrders(q);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_cursor.empty());
  q.cursor = first->next_cursor;
  q.from_ms = kTestNowMs - 20 * kMinute;
  EXPECT_TRUE(
      HasCode(store_->ListOrders(q).status(), StatusCode::kInvalidArgument));
  q.from_ms = INT64_MIN;
  q.to_ms = kTestNowMs - 5 * kMinute;
  EXPECT_TRUE(
      HasCode(store_->ListOrders(q).status(), StatusCode::kInvalidArgument));
}

TEST_P(HistoryTest, GarbageCursorIsInvalidArgument) {
  AddAnnHistory();
  HistoryQuery q;
  q.customer_id = kAnn;
  q.limit = 5;
  for (const std::string& garbage :
       {std::string("not a cursor"), std::string("\xff\xff\xff", 3),
        std::string(1, '\0'), std::string(200, 'A')}) {
    SCOPED_TRACE(garbage);
    q.cursor = garbage;
    EXPECT_TRUE(
        HasCode(store_->ListOrders(q).status(), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->ListInteractions(q).status(),
                        StatusCode::kInvalidArgument));
  }
}

INSTANTIATE_TEST_SUITE_P(Store, HistoryTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
