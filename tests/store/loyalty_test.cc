// RedeemLoyaltyPoints and the LoyaltyRedemption batch event (store.h): the
// balance is Derived::loyalty_points, earned on completed spend at the
// policy's rate less what was redeemed; a refused redemption writes
// nothing, alone or in a batch; Verify stays clean.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "custdb/store.h"
#include "store/store_factory.h"
#include "support/reference_model.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::DaysAgo;
using test::Fingerprint;
using test::refmodel::FailsNaming;
using test::refmodel::HasCode;

constexpr uint64_t kShop = 1;

class LoyaltyTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = test::OpenTestStore(factory(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    test::PutChannelTree(store_.get(), {{kShop, 0}});
  }

  uint64_t NewCustomer(const std::string& code) {
    Customer c;
    c.code = code;
    auto id = store_->CreateCustomer(c);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  void Buy(uint64_t order_id, uint64_t customer_id, int64_t days_ago,
           int64_t amount_minor, OrderStatus status = OrderStatus::kCompleted) {
    Status s = store_->RecordOrder(test::NewOrder(
        order_id, customer_id, kShop, DaysAgo(days_ago), amount_minor, status));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Points earned on `completed_spend_minor` under the stored policy:
  // loyalty_points_per_unit per 1.00 (100 minor units), rounded down.
  int64_t Earned(int64_t completed_spend_minor) {
    const TierPolicy policy = test::ValueOf(store_->GetPolicy());
    return completed_spend_minor * policy.loyalty_points_per_unit / 100;
  }

  CustomerRecord Record(uint64_t id) {
    return test::ValueOf(store_->GetCustomer(id));
  }

  int64_t Balance(uint64_t id) { return Record(id).derived.loyalty_points; }

  // The customer's aggregates, derived attributes and their as_of are as
  // in `before`.
  void ExpectUnchanged(const CustomerRecord& before) {
    const CustomerRecord now = Record(before.profile.id);
    EXPECT_EQ(now.aggregates, before.aggregates);
    EXPECT_EQ(now.aggregates.loyalty_redeemed,
              before.aggregates.loyalty_redeemed);
    EXPECT_EQ(now.derived, before.derived);
    EXPECT_EQ(now.derived.loyalty_points, before.derived.loyalty_points);
    EXPECT_EQ(now.derived_as_of_ms, before.derived_as_of_ms);
  }

  void ExpectClean() {
    auto report = factory().Verify(*store_, 20);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok()) << test::Listing(*report);
  }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
};

// Only completed spend earns, net of refunds: a paid order does not.
TEST_P(LoyaltyTest, RedemptionLowersTheBalanceByExactlyThePoints) {
  const uint64_t ann = NewCustomer("ann");
  Buy(1, ann, 30, 12345);
  Buy(2, ann, 20, 5000, OrderStatus::kPaid);
  Buy(3, ann, 10, 2000);
  ASSERT_TRUE(store_->RefundOrder(3, 550).ok());
  const int64_t completed = 12345 + 2000 - 550;
  const CustomerRecord before = Record(ann);
  ASSERT_EQ(before.aggregates.completed_spend_minor, completed);
  const int64_t earned = Earned(completed);
  ASSERT_GT(earned, 40);
  ASSERT_EQ(before.derived.loyalty_points, earned);
  ASSERT_EQ(before.aggregates.loyalty_redeemed, 0);

  ASSERT_TRUE(store_->RedeemLoyaltyPoints(ann, 40).ok());
  const CustomerRecord after = Record(ann);
  EXPECT_EQ(after.derived.loyalty_points, earned - 40);
  EXPECT_EQ(after.aggregates.loyalty_redeemed, 40);
  // Nothing else of the aggregates moves.
  Aggregates expected = before.aggregates;
  expected.loyalty_redeemed = 40;
  EXPECT_EQ(after.aggregates, expected);

  // The whole rest of the balance can be spent, down to 0.
  ASSERT_TRUE(store_->RedeemLoyaltyPoints(ann, earned - 40).ok());
  EXPECT_EQ(Balance(ann), 0);
  EXPECT_EQ(Record(ann).aggregates.loyalty_redeemed, earned);
  // New completed spend earns on top of what was redeemed.
  Buy(4, ann, 5, 900);
  EXPECT_EQ(Balance(ann), Earned(completed + 900) - earned);
  ExpectClean();

  // The redeemed points are stored, not only cached.
  const CustomerRecord last = Record(ann);
  store_.reset();
  store_ = test::OpenTestStore(factory(), dir_.Sub("db"));
  ASSERT_NE(store_, nullptr);
  ExpectUnchanged(last);
  ExpectClean();
}

// The balance is derived under the current policy: a new earn rate re-rates
// the whole completed spend, less what was already redeemed, never below 0.
TEST_P(LoyaltyTest, BalanceFollowsThePolicysEarnRate) {
  const uint64_t ann = NewCustomer("ann");
  Buy(1, ann, 30, 13795);
  ASSERT_TRUE(store_->RedeemLoyaltyPoints(ann, 40).ok());
  TierPolicy policy = test::ValueOf(store_->GetPolicy());
  policy.loyalty_points_per_unit = 3;
  ASSERT_TRUE(store_->SetPolicy(policy, nullptr).ok());
  EXPECT_EQ(Earned(13795), 13795 * 3 / 100);
  EXPECT_EQ(Balance(ann), Earned(13795) - 40);

  policy.loyalty_points_per_unit = 0;
  ASSERT_TRUE(store_->SetPolicy(policy, nullptr).ok());
  EXPECT_EQ(Balance(ann), 0);
  auto refused = store_->RedeemLoyaltyPoints(ann, 1);
  EXPECT_TRUE(FailsNaming(refused, StatusCode::kFailedPrecondition,
                          "points: 1 exceeds the balance 0"));
  ExpectClean();
}

TEST_P(LoyaltyTest, MoreThanTheBalanceIsRefusedAndChangesNothing) {
  const uint64_t ann = NewCustomer("ann");
  Buy(1, ann, 30, 10000);
  ASSERT_TRUE(store_->RedeemLoyaltyPoints(ann, 10).ok());
  const int64_t balance = Earned(10000) - 10;
  const CustomerRecord before = Record(ann);
  ASSERT_EQ(before.derived.loyalty_points, balance);
  const std::string everything = Fingerprint(factory(), *store_);

  Status s = store_->RedeemLoyaltyPoints(ann, balance + 1);
  EXPECT_TRUE(FailsNaming(s, StatusCode::kFailedPrecondition,
                          "points: " + std::to_string(balance + 1) +
                              " exceeds the balance " +
                              std::to_string(balance)));
  ExpectUnchanged(before);
  EXPECT_EQ(Fingerprint(factory(), *store_), everything);

  // A customer without orders has nothing to spend.
  const uint64_t bob = NewCustomer("bob");
  const CustomerRecord bob_before = Record(bob);
  EXPECT_TRUE(FailsNaming(store_->RedeemLoyaltyPoints(bob, 1),
                          StatusCode::kFailedPrecondition,
                          "points: 1 exceeds the balance 0"));
  ExpectUnchanged(bob_before);

  // The refusal consumed nothing: the exact balance is still there.
  ASSERT_TRUE(store_->RedeemLoyaltyPoints(ann, balance).ok());
  EXPECT_EQ(Balance(ann), 0);
  ExpectClean();
}

TEST_P(LoyaltyTest, PointsMustBePositive) {
  const uint64_t ann = NewCustomer("ann");
  Buy(1, ann, 30, 10000);
  const CustomerRecord before = Record(ann);
  const std::string everything = Fingerprint(factory(), *store_);
  EXPECT_TRUE(FailsNaming(store_->RedeemLoyaltyPoints(ann, 0),
                          StatusCode::kInvalidArgument,
                          "points: 0 is not positive"));
  EXPECT_TRUE(FailsNaming(store_->RedeemLoyaltyPoints(ann, -5),
                          StatusCode::kInvalidArgument,
                          "points: -5 is not positive"));
  ExpectUnchanged(before);
  EXPECT_EQ(Fingerprint(factory(), *store_), everything);
}

TEST_P(LoyaltyTest, UnknownCustomerIsNotFound) {
  const uint64_t ann = NewCustomer("ann");
  Buy(1, ann, 30, 10000);
  const std::string everything = Fingerprint(factory(), *store_);
  Status s = store_->RedeemLoyaltyPoints(999, 5);
  EXPECT_TRUE(FailsNaming(s, StatusCode::kNotFound, "customer_id"));
  EXPECT_TRUE(FailsNaming(s, StatusCode::kNotFound, "999"));
  EXPECT_EQ(Fingerprint(factory(), *store_), everything);
  EXPECT_TRUE(
      HasCode(store_->GetCustomer(999).status(), StatusCode::kNotFound));
}

// Each event is checked against the balance the earlier events of the
// batch left, and only the accepted ones are committed.
TEST_P(LoyaltyTest, BatchRedemptionsSeeEarlierEventsAndFailedOnesWriteNothing) {
  const uint64_t ann = NewCustomer("ann");
  const uint64_t bob = NewCustomer("bob");
  Buy(1, ann, 30, 5000);
  Buy(2, bob, 30, 3000);
  const CustomerRecord bob_before = Record(bob);
  const int64_t start = Earned(5000);
  const int64_t with_order = Earned(5000 + 10000);
  ASSERT_EQ(Balance(ann), start);

  std::vector<Event> events = {
      test::NewOrder(10, ann, kShop, DaysAgo(1), 10000),  // 0 ok
      LoyaltyRedemption{ann, with_order + 1},             // 1 over
      LoyaltyRedemption{ann, 60},                         // 2 ok
      LoyaltyRedemption{ann, with_order - 60 + 1},        // 3 over: sees 2
      LoyaltyRedemption{ann, 0},                          // 4 invalid
      LoyaltyRedemption{999, 5},                          // 5 no customer
      LoyaltyRedemption{bob, Earned(3000) + 1},           // 6 over
      LoyaltyRedemption{ann, -1},                         // 7 invalid
      LoyaltyRedemption{ann, with_order - 60},            // 8 ok: all left
  };
  std::vector<Status> statuses;
  std::vector<uint64_t> ids;
  ASSERT_TRUE(store_->ApplyBatch(events, &statuses, &ids).ok());
  ASSERT_EQ(statuses.size(), events.size());
  EXPECT_TRUE(HasCode(statuses[0], StatusCode::kOk));
  EXPECT_TRUE(FailsNaming(statuses[1], StatusCode::kFailedPrecondition,
                          "points: " + std::to_string(with_order + 1) +
                              " exceeds the balance " +
                              std::to_string(with_order)));
  EXPECT_TRUE(HasCode(statuses[2], StatusCode::kOk));
  EXPECT_TRUE(FailsNaming(statuses[3], StatusCode::kFailedPrecondition,
                          "points: " + std::to_string(with_order - 60 + 1) +
                              " exceeds the balance " +
                              std::to_string(with_order - 60)));
  EXPECT_TRUE(FailsNaming(statuses[4], StatusCode::kInvalidArgument,
                          "points: 0 is not positive"));
  EXPECT_TRUE(FailsNaming(statuses[5], StatusCode::kNotFound, "999"));
  EXPECT_TRUE(
      FailsNaming(statuses[6], StatusCode::kFailedPrecondition,
                  "exceeds the balance " + std::to_string(Earned(3000))));
  EXPECT_TRUE(FailsNaming(statuses[7], StatusCode::kInvalidArgument,
                          "points: -1 is not positive"));
  EXPECT_TRUE(HasCode(statuses[8], StatusCode::kOk));
  EXPECT_EQ(ids, std::vector<uint64_t>(events.size(), 0));

  // Only events 2 and 8 were redeemed.
  const CustomerRecord now = Record(ann);
  EXPECT_EQ(now.aggregates.loyalty_redeemed, with_order);
  EXPECT_EQ(now.derived.loyalty_points, 0);
  EXPECT_EQ(now.aggregates.completed_spend_minor, 15000);
  ExpectUnchanged(bob_before);

  // A batch of refused redemptions writes nothing at all.
  Buy(11, ann, 1, 2000);
  const CustomerRecord ann_before = Record(ann);
  const std::string everything = Fingerprint(factory(), *store_);
  std::vector<Event> refused = {
      LoyaltyRedemption{ann, Earned(15000 + 2000) - with_order + 1},
      LoyaltyRedemption{bob, 0},
      LoyaltyRedemption{12345, 1},
  };
  ASSERT_TRUE(store_->ApplyBatch(refused, &statuses).ok());
  EXPECT_TRUE(HasCode(statuses[0], StatusCode::kFailedPrecondition));
  EXPECT_TRUE(HasCode(statuses[1], StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(statuses[2], StatusCode::kNotFound));
  ExpectUnchanged(ann_before);
  ExpectUnchanged(bob_before);
  EXPECT_EQ(Fingerprint(factory(), *store_), everything);
  ExpectClean();
}

INSTANTIATE_TEST_SUITE_P(Store, LoyaltyTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
