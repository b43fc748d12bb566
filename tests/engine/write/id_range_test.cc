// Ids at the edges of their range (types.h, kMaxId): every id kind accepts
// 1..kMaxId and refuses what is above with a message naming the field; the
// allocators (customers, interactions) never wrap, before or after a
// reopen, and refuse to assign once they pass kMaxId.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::DaysAgo;
using test::NewOrder;
using test::ValueOf;

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
// Above kMaxId: the first refused, one in the middle, the top of u64.
const std::vector<uint64_t> kAbove = {kMaxId + 1, kMaxId + 12345, kU64Max};

class IdRangeTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    engine_.reset();
    engine_ = test::OpenTestEngine(dir_.path());
    ASSERT_NE(engine_, nullptr);
    if (!engine_->GetChannel(1).ok())
      test::PutChannelTree(engine_.get(), {{1, 0}});
  }
  RecordCounts Counts() { return ValueOf(engine_->Counts()); }
  Result<uint64_t> Create(uint64_t id) {
    Customer c;
    c.id = id;
    return engine_->CreateCustomer(c);
  }
  Result<uint64_t> Record(uint64_t id) {
    Interaction in =
        test::NewInteraction(1, 1, DaysAgo(1), InteractionKind::kCall);
    in.id = id;
    return engine_->RecordInteraction(in);
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

void ExpectOutOfRange(const Status& s, const std::string& field, uint64_t id) {
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(
      s.message().find(field + ": " + std::to_string(id) + " is out of range"),
      std::string::npos)
      << s.ToString();
}

TEST_F(IdRangeTest, CustomerIdsAboveTheRangeAreRefusedAndMoveNothing) {
  for (uint64_t id : kAbove) {
    ExpectOutOfRange(Create(id).status(), "customer.id", id);
  }
  EXPECT_EQ(Counts().customers, 0);
  // The sequence did not move: the next assigned id is still 1.
  EXPECT_EQ(ValueOf(Create(0)), 1u);
}

TEST_F(IdRangeTest, CustomerAllocatorStopsAtTheTopAndNeverWraps) {
  ASSERT_EQ(ValueOf(Create(kMaxId - 1)), kMaxId - 1);
  EXPECT_EQ(ValueOf(Create(0)), kMaxId);  // the last id there is
  for (int attempt = 0; attempt < 2; ++attempt) {
    Status s = Create(0).status();
    EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
    EXPECT_NE(s.message().find("customer.id"), std::string::npos);
  }
  // Ids below the largest can still be given explicitly.
  EXPECT_EQ(ValueOf(Create(1)), 1u);
  EXPECT_EQ(ValueOf(Create(2)), 2u);
  EXPECT_EQ(Counts().customers, 4);
  Reopen();
  EXPECT_EQ(Create(0).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Create(2).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ValueOf(Create(3)), 3u);
  EXPECT_EQ(Counts().customers, 5);
}

TEST_F(IdRangeTest, CustomerAtTheTopIsKeptAcrossReopen) {
  ASSERT_EQ(ValueOf(Create(kMaxId)), kMaxId);
  Reopen();
  EXPECT_EQ(ValueOf(engine_->GetCustomer(kMaxId)).profile.id, kMaxId);
  EXPECT_EQ(Create(0).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Counts().customers, 1);
}

TEST_F(IdRangeTest, InteractionAllocatorStopsAtTheTopAndNeverWraps) {
  ASSERT_EQ(ValueOf(Create(1)), 1u);
  for (uint64_t id : kAbove) {
    ExpectOutOfRange(Record(id).status(), "interaction.id", id);
  }
  EXPECT_EQ(Counts().interactions, 0);
  ASSERT_EQ(ValueOf(Record(kMaxId - 1)), kMaxId - 1);
  EXPECT_EQ(ValueOf(Record(0)), kMaxId);
  EXPECT_EQ(Record(0).status().code(), StatusCode::kResourceExhausted);
  Reopen();
  EXPECT_EQ(Record(0).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ValueOf(Record(7)), 7u);
  EXPECT_EQ(Counts().interactions, 3);
  EXPECT_TRUE(ValueOf(engine_->Verify()).problems.empty());
}

TEST_F(IdRangeTest, OrderIdsAcceptTheTopAndRefuseAbove) {
  ASSERT_EQ(ValueOf(Create(1)), 1u);
  for (uint64_t id : kAbove) {
    ExpectOutOfRange(engine_->RecordOrder(NewOrder(id, 1, 1, DaysAgo(1), 10)),
                     "order.id", id);
  }
  EXPECT_EQ(Counts().orders, 0);
  ASSERT_TRUE(engine_
                  ->RecordOrder(NewOrder(kMaxId, 1, 1, DaysAgo(1), 10,
                                         OrderStatus::kPaid))
                  .ok());
  EXPECT_EQ(ValueOf(engine_->GetOrder(kMaxId)).id, kMaxId);
  {
    Status st = engine_->UpdateOrderStatus(kMaxId, OrderStatus::kCompleted);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_EQ(
      engine_->UpdateOrderStatus(kMaxId + 1, OrderStatus::kCompleted).code(),
      StatusCode::kNotFound);
  EXPECT_TRUE(ValueOf(engine_->Verify()).problems.empty());
}

TEST_F(IdRangeTest, ChannelIdsAcceptTheTopAndRefuseAbove) {
  for (uint64_t id : kAbove) {
    Channel c;
    c.id = id;
    c.name = "edge";
    c.type = ChannelType::kDirect;
    ExpectOutOfRange(engine_->PutChannel(c), "channel.id", id);
    c.id = 2;
    c.parent_id = id;
    ExpectOutOfRange(engine_->PutChannel(c), "channel.parent_id", id);
  }
  Channel top;
  top.id = kMaxId;
  top.name = "top";
  top.type = ChannelType::kDirect;
  ASSERT_TRUE(engine_->PutChannel(top).ok());
  Reopen();
  EXPECT_EQ(ValueOf(engine_->ListChannels()).size(), 2u);
  EXPECT_EQ(ValueOf(engine_->GetChannel(kMaxId)).name, "top");
}

TEST_F(IdRangeTest, ABatchRefusesOnlyTheEventOutOfRange) {
  Customer ok_customer, bad_customer;
  bad_customer.id = kU64Max;
  Order order = NewOrder(5, 1, 1, DaysAgo(1), 10);
  std::vector<Event> events = {ok_customer, bad_customer, order};
  std::vector<Status> statuses;
  std::vector<uint64_t> ids;
  ASSERT_TRUE(engine_->ApplyBatch(events, &statuses, &ids).ok());
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_TRUE(statuses[0].ok()) << statuses[0].ToString();
  ExpectOutOfRange(statuses[1], "customer.id", kU64Max);
  EXPECT_TRUE(statuses[2].ok()) << statuses[2].ToString();
  EXPECT_EQ(ids[0], 1u);
  EXPECT_EQ(Counts().customers, 1);
}

TEST_F(IdRangeTest, MergedIdsAreNotReused) {
  ASSERT_EQ(ValueOf(Create(1)), 1u);
  ASSERT_EQ(ValueOf(Create(2)), 2u);
  ASSERT_TRUE(engine_->MergeCustomers(1, 2).ok());
  Status s = Create(2).status();
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  EXPECT_NE(s.message().find("customer.id: 2 was merged into 1"),
            std::string::npos)
      << s.ToString();
  EXPECT_EQ(ValueOf(engine_->GetCustomer(2)).profile.id, 1u);
  EXPECT_EQ(Counts().customers, 1);
}

TEST_F(IdRangeTest, ReserveMovesTheCustomerSequencePastTheGivenId) {
  ASSERT_TRUE(engine_->ReserveCustomerIds(41).ok());
  EXPECT_EQ(ValueOf(Create(0)), 42u);
  ASSERT_TRUE(engine_->ReserveCustomerIds(10).ok());  // never moves back
  EXPECT_EQ(ValueOf(Create(0)), 43u);
  ExpectOutOfRange(engine_->ReserveCustomerIds(kMaxId + 1), "through",
                   kMaxId + 1);
  ASSERT_TRUE(engine_->ReserveCustomerIds(kMaxId).ok());
  EXPECT_EQ(Create(0).status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace custdb
