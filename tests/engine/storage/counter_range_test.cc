// Counters at the edge of i64 (counter_guard.h): a write that would move
// a tier-summary or channel-report counter out of the range is refused,
// naming the counter, and writes nothing; what fits still lands, also
// after a reopen; report totals that would overflow are an error, never a
// wrapped number.
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

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

class CounterRangeTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    engine_.reset();
    engine_ = test::OpenTestEngine(dir_.path());
    ASSERT_NE(engine_, nullptr);
    if (!engine_->GetChannel(1).ok()) {
      test::PutChannelTree(engine_.get(), {{1, 0}, {2, 0}, {3, 0}});
    }
  }
  void Create(uint64_t id, uint64_t owner) {
    Customer c;
    c.id = id;
    c.owner_channel_id = owner;
    ASSERT_TRUE(engine_->CreateCustomer(c).ok());
  }
  int64_t Spend(uint64_t id) {
    return ValueOf(engine_->GetCustomer(id)).aggregates.total_spend_minor;
  }
  void ExpectRefused(const Status& s, const std::string& counter) {
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    EXPECT_NE(s.message().find(counter), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find("would leave the 64-bit range"),
              std::string::npos)
        << s.ToString();
  }
  void ExpectClean() {
    VerifyReport report = ValueOf(engine_->Verify());
    EXPECT_TRUE(report.problems.empty()) << test::Listing(report);
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

// Every customer below has one order on nearby days, so that all share
// their lifecycle-stage slot of the owner's tier-summary counter.
TEST_F(CounterRangeTest, TierSummarySpendIsNeverWrapped) {
  Create(1, 1);
  Create(2, 1);  // the same owner: one tier-summary counter for both
  Create(3, 1);
  ASSERT_TRUE(
      engine_->RecordOrder(NewOrder(10, 1, 1, DaysAgo(3), kMax - 10)).ok());
  // Another channel and day, so only the summary counter is at stake.
  ExpectRefused(engine_->RecordOrder(NewOrder(11, 2, 2, DaysAgo(2), 11)),
                "tier summary spend");
  EXPECT_EQ(engine_->GetOrder(11).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Spend(2), 0);
  // What still fits lands, exactly up to the top.
  ASSERT_TRUE(engine_->RecordOrder(NewOrder(12, 2, 2, DaysAgo(2), 10)).ok());
  ExpectRefused(engine_->RecordOrder(NewOrder(13, 3, 3, DaysAgo(2), 1)),
                "tier summary spend");
  ExpectClean();
  // The bound is rebuilt from what is stored on open.
  Reopen();
  ExpectRefused(engine_->RecordOrder(NewOrder(13, 3, 3, DaysAgo(2), 1)),
                "tier summary spend");
  EXPECT_EQ(Spend(3), 0);
  // Going down is fine again, and then up as far as it fits.
  ASSERT_TRUE(engine_->RefundOrder(12, 10).ok());
  ASSERT_TRUE(engine_->RecordOrder(NewOrder(13, 3, 3, DaysAgo(2), 5)).ok());
  EXPECT_EQ(Spend(3), 5);
  ExpectClean();
}

TEST_F(CounterRangeTest, ChannelDayRevenueIsNeverWrapped) {
  Create(1, 1);
  Create(2, 2);  // another owner: another summary counter
  ASSERT_TRUE(
      engine_->RecordOrder(NewOrder(10, 1, 3, DaysAgo(3), kMax - 5)).ok());
  ExpectRefused(engine_->RecordOrder(NewOrder(11, 2, 3, DaysAgo(3), 6)),
                "channel report counter revenue_minor of channel 3");
  EXPECT_EQ(Spend(2), 0);
  EXPECT_EQ(ValueOf(engine_->Counts()).orders, 1);
  // Another day of the same channel is another counter.
  ASSERT_TRUE(engine_->RecordOrder(NewOrder(11, 2, 3, DaysAgo(1), 6)).ok());
  ExpectClean();
  // A report summing both days cannot show the total: an error, not a
  // wrapped figure.
  ChannelReportQuery q;
  q.from_ms = DaysAgo(10);
  q.to_ms = DaysAgo(0);
  Result<ChannelReport> report = engine_->GetChannelReport(q);
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument)
      << report.status().ToString();
  EXPECT_NE(report.status().message().find("64-bit range"), std::string::npos);
  // The tier summary over both owners cannot either.
  Result<TierSummary> summary = engine_->GetTierSummary(TierSummaryQuery());
  EXPECT_EQ(summary.status().code(), StatusCode::kInvalidArgument)
      << summary.status().ToString();
  // Each owner on its own can.
  TierSummaryQuery one;
  one.owner_channel_id = 2;
  EXPECT_TRUE(engine_->GetTierSummary(one).ok());
}

TEST_F(CounterRangeTest, ABatchThatWouldOverflowWritesNothing) {
  Create(1, 1);
  Create(2, 1);
  ASSERT_TRUE(
      engine_->RecordOrder(NewOrder(10, 1, 1, DaysAgo(3), kMax - 1)).ok());
  Customer fresh;
  fresh.id = 3;
  fresh.owner_channel_id = 1;
  std::vector<Event> events = {fresh, NewOrder(20, 2, 2, DaysAgo(2), 1),
                               NewOrder(21, 3, 3, DaysAgo(2), 2)};
  std::vector<Status> statuses;
  Status s = engine_->ApplyBatch(events, &statuses);
  ExpectRefused(s, "tier summary spend");
  EXPECT_EQ(engine_->GetCustomer(3).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(engine_->GetOrder(20).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Spend(2), 0);
  ExpectClean();
}

TEST_F(CounterRangeTest, CreditNotesCannotWrapBelowTheBottom) {
  Create(1, 1);
  Create(2, 1);
  Order credit = NewOrder(10, 1, 1, DaysAgo(3), kMax);
  credit.kind = OrderKind::kCreditNote;
  ASSERT_TRUE(engine_->RecordOrder(credit).ok());
  ASSERT_EQ(Spend(1), -kMax);
  Order more = NewOrder(11, 2, 2, DaysAgo(2), 2);
  more.kind = OrderKind::kCreditNote;
  ExpectRefused(engine_->RecordOrder(more), "tier summary spend");
  more.amount_minor = 1;  // -kMax - 1 is still an i64
  ASSERT_TRUE(engine_->RecordOrder(more).ok());
  ExpectClean();
}

}  // namespace
}  // namespace custdb
