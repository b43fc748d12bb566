// A deterministic random database for the query and report tests: a
// channel tree, customers spread over owners and regions, and orders and
// interactions at fixed times before test::kTestNowMs. The tests compare
// the store's answers with brute force over GetCustomer of every customer.
#ifndef CUSTDB_TESTS_SUPPORT_RANDOM_CUSTOMERS_H_
#define CUSTDB_TESTS_SUPPORT_RANDOM_CUSTOMERS_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "custdb/store.h"
#include "support/test_util.h"

namespace custdb {
namespace test {

inline constexpr int64_t kDayMsForTests = 86400000;

// Channels: 1 (top) -> 2, 3; 2 -> 4, 5; 4 -> 6; and 7, 8 at the top.
inline const std::vector<std::pair<uint64_t, uint64_t>>& RandomChannelTree() {
  static const std::vector<std::pair<uint64_t, uint64_t>> tree = {
      {1, 0}, {2, 1}, {3, 1}, {4, 2}, {5, 2}, {6, 4}, {7, 0}, {8, 0}};
  return tree;
}

inline const std::vector<std::string>& RandomRegions() {
  static const std::vector<std::string> regions = {"", "north", "south",
                                                   "east"};
  return regions;
}

// Fills `store` with `customers` customers (ids 1..customers) and about
// 2.5 orders and 0.7 interactions each, from `seed`. Owners are 0 or a
// channel of RandomChannelTree().
inline void FillRandomCustomers(Store* store, uint32_t seed,
                                uint64_t customers) {
  std::mt19937 rng(seed);
  auto pick = [&rng](int64_t n) {
    return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
  };
  PutChannelTree(store, RandomChannelTree());
  if (::testing::Test::HasFatalFailure()) return;
  const auto& tree = RandomChannelTree();
  std::vector<Event> events;
  uint64_t order_id = 1;
  for (uint64_t id = 1; id <= customers; ++id) {
    Customer c;
    c.id = id;
    c.region = RandomRegions()[pick(RandomRegions().size())];
    c.owner_channel_id =
        pick(6) == 0 ? 0 : tree[pick(static_cast<int64_t>(tree.size()))].first;
    events.push_back(c);
    // A fifth have no orders; the rest up to 6, over the last 400 days.
    const int64_t orders = pick(5) == 0 ? 0 : 1 + pick(6);
    for (int64_t i = 0; i < orders; ++i) {
      const int64_t ts =
          kTestNowMs - pick(400) * kDayMsForTests - pick(kDayMsForTests);
      const int64_t amount = pick(4) == 0 ? 100 + pick(200000) : pick(40000);
      // Placed orders count as orders but not (yet) as spend.
      static const OrderStatus kStatuses[] = {
          OrderStatus::kCompleted, OrderStatus::kCompleted, OrderStatus::kPaid,
          OrderStatus::kPlaced};
      events.push_back(NewOrder(order_id++, id, 1 + pick(8), ts, amount,
                                kStatuses[pick(4)]));
    }
    if (pick(10) < 7) {
      events.push_back(NewInteraction(id, 1 + pick(8),
                                      kTestNowMs - pick(500) * kDayMsForTests,
                                      InteractionKind::kCall));
    }
    if (events.size() >= 500 || id == customers) {
      std::vector<Status> statuses;
      ASSERT_TRUE(store->ApplyBatch(events, &statuses).ok());
      for (const Status& s : statuses) ASSERT_TRUE(s.ok()) << s.ToString();
      events.clear();
    }
  }
  // Later changes move customers between owners, regions and tiers, so the
  // indexes and counters are checked after moves, not only inserts.
  for (uint64_t id = 1; id <= customers; id += 1 + pick(12)) {
    CustomerPatch patch;
    if (pick(2) == 0) {
      patch.owner_channel_id =
          tree[pick(static_cast<int64_t>(tree.size()))].first;
    } else {
      patch.region = RandomRegions()[pick(RandomRegions().size())];
    }
    ASSERT_TRUE(store->UpdateCustomer(id, patch).ok());
  }
  for (uint64_t id = 1; id < order_id; id += 1 + pick(8)) {
    auto order = store->GetOrder(id);
    ASSERT_TRUE(order.ok()) << order.status().ToString();
    if (order->status == OrderStatus::kPlaced) {
      ASSERT_TRUE(store->UpdateOrderStatus(id, OrderStatus::kPaid).ok());
    } else if (order->amount_minor > 1) {
      ASSERT_TRUE(store->RefundOrder(id, order->amount_minor / 2).ok());
    }
  }
}

// Every customer 1..customers as GetCustomer returns it.
inline std::vector<CustomerRecord> AllCustomers(Store* store,
                                                uint64_t customers) {
  std::vector<CustomerRecord> all;
  for (uint64_t id = 1; id <= customers; ++id) {
    auto got = store->GetCustomer(id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (got.ok()) all.push_back(*got);
  }
  return all;
}

// The setup of the property tests: a fresh store (opened by the caller on
// dir.Sub("db")) filled by FillRandomCustomers, and every customer as
// GetCustomer then returns it. Check ::testing::Test::HasFatalFailure()
// after Fill.
struct RandomCustomersDb {
  void Fill(std::unique_ptr<Store> opened, uint32_t seed, uint64_t customers) {
    store = std::move(opened);
    ASSERT_NE(store, nullptr);
    FillRandomCustomers(store.get(), seed, customers);
    if (::testing::Test::HasFatalFailure()) return;
    all = AllCustomers(store.get(), customers);
  }
  TempDir dir;
  std::unique_ptr<Store> store;
  std::vector<CustomerRecord> all;
};

// `root` and every channel below it in RandomChannelTree().
inline std::vector<uint64_t> RandomSubtree(uint64_t root) {
  std::vector<uint64_t> out = {root};
  for (size_t i = 0; i < out.size(); ++i) {
    for (const auto& [id, parent] : RandomChannelTree()) {
      if (parent == out[i]) out.push_back(id);
    }
  }
  return out;
}

// The order FindCustomers promises (query.h CustomerOrder), written out
// for brute-force comparisons.
inline bool ComesBefore(CustomerOrder order, const CustomerRecord& x,
                        const CustomerRecord& y) {
  const auto& a = x.aggregates;
  const auto& b = y.aggregates;
  switch (order) {
    case CustomerOrder::kSpendDesc:
      return std::make_tuple(-a.total_spend_minor, x.profile.id) <
             std::make_tuple(-b.total_spend_minor, y.profile.id);
    case CustomerOrder::kLastActivityAsc:
      return std::make_tuple(a.last_activity_ms, x.profile.id) <
             std::make_tuple(b.last_activity_ms, y.profile.id);
    case CustomerOrder::kLastActivityDesc:
      return std::make_tuple(a.last_activity_ms, x.profile.id) >
             std::make_tuple(b.last_activity_ms, y.profile.id);
    case CustomerOrder::kId:
      break;
  }
  return x.profile.id < y.profile.id;
}

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_SUPPORT_RANDOM_CUSTOMERS_H_
