// MergeCustomers and EraseCustomer: one batch each, lookups follow merges,
// an erased customer is gone, and Verify stays clean. That nothing of it
// remains on disk but its audit entry is tests/engine/write/
// merge_erase_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "custdb/store.h"
#include "store/store_factory.h"
#include "support/test_util.h"

namespace custdb {
namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kT0 = test::kTestNowMs - 100 * kDay;

using test::Listing;

class MergeEraseTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = test::OpenTestStore(factory(), dir_.path());
    for (uint64_t id : {1, 2}) {
      Channel c;
      c.id = id;
      c.name = "ch" + std::to_string(id);
      ASSERT_TRUE(store_->PutChannel(c).ok());
    }
  }

  uint64_t NewCustomer(const std::string& code, const std::string& email,
                       const std::string& phone, uint64_t owner = 1) {
    Customer c;
    c.code = code;
    c.email = email;
    c.phone = phone;
    c.owner_channel_id = owner;
    c.region = "UK";
    auto id = store_->CreateCustomer(c);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  void Order(uint64_t id, uint64_t customer, int64_t ts, int64_t amount) {
    ASSERT_TRUE(
        store_->RecordOrder(test::NewOrder(id, customer, 1, ts, amount)).ok());
  }

  // The ids of the customer's orders, ascending.
  std::vector<uint64_t> OrderIds(uint64_t customer) {
    HistoryQuery q;
    q.customer_id = customer;
    q.limit = kMaxHistoryLimit;
    auto page = store_->ListOrders(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<uint64_t> ids;
    if (!page.ok()) return ids;
    EXPECT_TRUE(page->next_cursor.empty());
    for (const custdb::Order& o : page->items) ids.push_back(o.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  void ExpectClean() {
    auto report = factory().Verify(*store_, 20);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok()) << Listing(*report);
  }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(MergeEraseTest, MergeMovesHistoriesAndRecomputesAggregates) {
  const uint64_t ann = NewCustomer("ann", "ann@x.org", "");
  const uint64_t dup = NewCustomer("ann-2", "ann2@x.org", "+441100");
  Order(1, ann, kT0, 1000);
  Order(2, dup, kT0 + kDay, 2500);
  Order(3, ann, kT0 + 2 * kDay, 500);
  ASSERT_TRUE(store_
                  ->RecordInteraction(test::NewInteraction(
                      dup, 1, kT0 + 3 * kDay, InteractionKind::kCall))
                  .ok());
  ASSERT_TRUE(store_->MergeCustomers(ann, dup).ok());

  auto merged = store_->GetCustomer(ann);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->aggregates.order_count, 3);
  EXPECT_EQ(merged->aggregates.total_spend_minor, 4000);
  EXPECT_EQ(merged->aggregates.first_order_ms, kT0);
  EXPECT_EQ(merged->aggregates.last_order_ms, kT0 + 2 * kDay);
  EXPECT_EQ(merged->aggregates.interaction_count, 1);
  // The survivor had no phone: it takes the duplicate's.
  EXPECT_EQ(merged->profile.phone, "+441100");
  EXPECT_EQ(merged->profile.email, "ann@x.org");

  // Lookups of the duplicate resolve to the survivor.
  EXPECT_EQ(store_->GetCustomer(dup)->profile.id, ann);
  EXPECT_EQ(store_->GetCustomerByCode("ann-2")->profile.id, ann);
  EXPECT_EQ(store_->GetCustomerByEmail("ann2@x.org")->profile.id, ann);
  EXPECT_EQ(store_->GetCustomerByPhone("+441100")->profile.id, ann);
  EXPECT_EQ(store_->GetOrder(2)->customer_id, ann);
  HistoryQuery q;
  q.customer_id = ann;
  EXPECT_EQ(store_->ListOrders(q)->items.size(), 3u);
  q.customer_id = dup;
  EXPECT_EQ(store_->ListOrders(q).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(factory().Counts(*store_)->customers, 1);
  // A status change of a moved order lands on the survivor.
  ASSERT_TRUE(store_->RefundOrder(2, 500).ok());
  EXPECT_EQ(store_->GetCustomer(ann)->aggregates.total_spend_minor, 3500);
  ExpectClean();
}

// ViewCustomer resolves ids as GetCustomer does, so a merged id shows the
// survivor with the histories it took over.
TEST_P(MergeEraseTest, ViewOfAMergedIdShowsTheSurvivor) {
  const uint64_t ann = NewCustomer("ann", "ann@x.org", "");
  const uint64_t dup = NewCustomer("ann-2", "ann2@x.org", "");
  Order(1, ann, kT0, 1000);
  Order(2, dup, kT0 + kDay, 2500);
  ASSERT_TRUE(store_
                  ->RecordInteraction(test::NewInteraction(
                      dup, 1, kT0 + 2 * kDay, InteractionKind::kCall))
                  .ok());
  ASSERT_TRUE(store_->MergeCustomers(ann, dup).ok());

  for (uint64_t id : {ann, dup}) {
    SCOPED_TRACE("ViewCustomer(" + std::to_string(id) + ")");
    auto view = store_->ViewCustomer(id);
    ASSERT_TRUE(view.ok()) << view.status().ToString();
    const CustomerRecord got = *store_->GetCustomer(id);
    EXPECT_EQ(view->customer.profile.id, ann);
    EXPECT_EQ(view->customer.profile.code, got.profile.code);
    EXPECT_EQ(view->customer.aggregates, got.aggregates);
    EXPECT_EQ(view->customer.derived, got.derived);
    EXPECT_EQ(view->customer.derived_as_of_ms, got.derived_as_of_ms);
    EXPECT_EQ(view->customer.policy_version, got.policy_version);
    EXPECT_EQ(view->customer.aggregates.order_count, 2);
    ASSERT_EQ(view->recent_orders.size(), 2u);
    EXPECT_EQ(view->recent_orders[0].id, 2u);  // the duplicate's, newest
    EXPECT_EQ(view->recent_orders[0].customer_id, ann);
    EXPECT_EQ(view->recent_orders[1].id, 1u);
    ASSERT_EQ(view->recent_interactions.size(), 1u);
    EXPECT_EQ(view->recent_interactions[0].customer_id, ann);
    EXPECT_EQ(view->recent_interactions[0].ts_ms, kT0 + 2 * kDay);
  }
  EXPECT_EQ(store_->ViewCustomer(999).status().code(), StatusCode::kNotFound);
}

TEST_P(MergeEraseTest, MergeChainsAndBadArguments) {
  const uint64_t a = NewCustomer("a", "", "");
  const uint64_t b = NewCustomer("b", "", "");
  const uint64_t c = NewCustomer("c", "", "");
  EXPECT_EQ(store_->MergeCustomers(a, a).code(), StatusCode::kInvalidArgument);
  auto missing = store_->MergeCustomers(a, 999);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("duplicate_id"), std::string::npos);
  ASSERT_TRUE(store_->MergeCustomers(b, c).ok());
  ASSERT_TRUE(store_->MergeCustomers(a, b).ok());
  // c was merged into b, b into a: both resolve to a.
  EXPECT_EQ(store_->GetCustomer(c)->profile.id, a);
  EXPECT_EQ(store_->GetCustomerByCode("c")->profile.id, a);
  EXPECT_EQ(store_->GetCustomerByCode("b")->profile.id, a);
  ExpectClean();
}

TEST_P(MergeEraseTest, RandomMergesAndErasuresKeepVerifyClean) {
  std::mt19937_64 rng(21);
  std::vector<uint64_t> live;
  for (int i = 0; i < 120; ++i) {
    live.push_back(NewCustomer("k" + std::to_string(i),
                               i % 3 ? "e" + std::to_string(i) + "@x.org" : "",
                               i % 4 ? "+44" + std::to_string(1000 + i) : "",
                               1 + i % 2));
  }
  uint64_t next_order = 1;
  for (int step = 0; step < 600; ++step) {
    const size_t pick = rng() % live.size();
    const int what = static_cast<int>(rng() % 20);
    if (what < 14) {
      Order(next_order++, live[pick],
            kT0 + static_cast<int64_t>(rng() % 90) * kDay,
            100 + static_cast<int64_t>(rng() % 50000));
    } else if (what < 16) {
      ASSERT_TRUE(
          store_
              ->RecordInteraction(test::NewInteraction(
                  live[pick], 1, kT0 + static_cast<int64_t>(rng() % 90) * kDay,
                  InteractionKind::kCall))
              .ok());
    } else if (what < 18 && live.size() > 10) {
      size_t other = rng() % live.size();
      if (other == pick) continue;
      const uint64_t survivor = live[pick], duplicate = live[other];
      const Aggregates survivor_was =
          test::ValueOf(store_->GetCustomer(survivor)).aggregates;
      const Aggregates duplicate_was =
          test::ValueOf(store_->GetCustomer(duplicate)).aggregates;
      std::vector<uint64_t> orders = OrderIds(survivor);
      const std::vector<uint64_t> moved = OrderIds(duplicate);
      ASSERT_TRUE(store_->MergeCustomers(survivor, duplicate).ok());
      // Both histories now belong to the survivor.
      const Aggregates merged =
          test::ValueOf(store_->GetCustomer(survivor)).aggregates;
      EXPECT_EQ(merged.order_count,
                survivor_was.order_count + duplicate_was.order_count)
          << "step " << step;
      EXPECT_EQ(merged.interaction_count, survivor_was.interaction_count +
                                              duplicate_was.interaction_count)
          << "step " << step;
      orders.insert(orders.end(), moved.begin(), moved.end());
      std::sort(orders.begin(), orders.end());
      EXPECT_EQ(OrderIds(survivor), orders) << "step " << step;
      live.erase(live.begin() + static_cast<long>(other));
    } else if (live.size() > 10) {
      ASSERT_TRUE(store_->EraseCustomer(live[pick]).ok());
      live.erase(live.begin() + static_cast<long>(pick));
    }
  }
  EXPECT_EQ(factory().Counts(*store_)->customers,
            static_cast<int64_t>(live.size()));
  ExpectClean();
}

INSTANTIATE_TEST_SUITE_P(Store, MergeEraseTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
