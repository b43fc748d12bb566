// The database time (custdb/rescore.h, "Database time"): what writes,
// rescores (incremental and full), policy changes and reopening derive at,
// and the rescores it refuses.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "custdb/time_format.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::kDay;
using test::kTestNowMs;

// 2011-12-10, the day after the Online Retail file ends: a historical date
// well before the tests' clock.
constexpr int64_t kHistoricalMs = 1323475200000;

class DatabaseTimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Reopen();
    test::PutChannelTree(engine_.get(), {{1, 0}});
    for (int i = 0; i < 3; ++i) AddCustomer(kHistoricalMs - (i + 1) * kDay);
  }

  // Closes the engine (if open) and opens it again on the test's clock.
  void Reopen() {
    engine_.reset();
    Options options = test::TestOptions(dir_.path());
    options.clock_ms = [this] { return now_; };
    engine_ = Engine::Open(options).value();
  }

  // A customer with one completed order at `order_ms`.
  uint64_t AddCustomer(int64_t order_ms) {
    Customer c;
    c.code = "c" + std::to_string(ids_.size() + 1);
    const uint64_t id = test::ValueOf(engine_->CreateCustomer(c));
    ids_.push_back(id);
    AddOrder(id, order_ms);
    return id;
  }

  void AddOrder(uint64_t customer_id, int64_t order_ms) {
    ASSERT_TRUE(engine_
                    ->RecordOrder(test::NewOrder(next_order_++, customer_id, 1,
                                                 order_ms, 1000))
                    .ok());
  }

  int64_t DerivedAt(uint64_t id) {
    return test::ValueOf(engine_->GetCustomer(id)).derived_as_of_ms;
  }

  void ExpectAllDerivedAt(int64_t as_of) {
    for (uint64_t id : ids_) {
      EXPECT_EQ(DerivedAt(id), as_of) << "customer " << id;
    }
  }

  static RescoreOptions At(int64_t as_of, bool full, bool force = false) {
    RescoreOptions options;
    options.as_of_ms = as_of;
    options.full = full;
    options.force = force;
    return options;
  }

  static std::string AheadRefusal(int64_t as_of, int64_t now) {
    return "rescore.as_of: " + FormatIso8601(as_of) + " is " +
           std::to_string((as_of - now) / kDay) + " days ahead of the clock (" +
           FormatIso8601(now) + "); pass --force if you mean it";
  }

  static std::string BeforeRefusal(int64_t as_of, int64_t database_time) {
    return "rescore.as_of: " + FormatIso8601(as_of) +
           " is before the database time " + FormatIso8601(database_time) +
           "; run a full rescore (--full) to set the database time back";
  }

  test::TempDir dir_;
  int64_t now_ = kTestNowMs;
  std::unique_ptr<Engine> engine_;
  std::vector<uint64_t> ids_;
  uint64_t next_order_ = 1;
};

// A mistyped year (2204 for 2024) is refused, either kind, before anything
// is written; up to a day ahead is an ordinary scheduled rescore.
TEST_F(DatabaseTimeTest, RescoreFarAheadOfTheClockIsRefusedWithoutForce) {
  const int64_t typo = kTestNowMs + 180 * 365 * kDay;
  for (bool full : {false, true}) {
    auto r = engine_->Rescore(At(typo, full));
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), AheadRefusal(typo, now_)) << full;
  }
  // Nothing moved: an incremental rescore at the clock is still allowed.
  ExpectAllDerivedAt(now_);
  EXPECT_TRUE(engine_->Rescore(At(now_, false)).ok());

  auto day_ahead = engine_->Rescore(At(now_ + kDay, false));
  ASSERT_TRUE(day_ahead.ok()) << day_ahead.status().ToString();
  auto past_a_day = engine_->Rescore(At(now_ + kDay + 1000, false));
  EXPECT_EQ(past_a_day.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(DatabaseTimeTest, ForcedFutureRescoreIsTheTimeWritesDeriveAt) {
  const int64_t future = kTestNowMs + 400 * kDay;
  auto r = engine_->Rescore(At(future, false, /*force=*/true));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->as_of_ms, future);
  const uint64_t added = AddCustomer(kTestNowMs - kDay);
  EXPECT_EQ(DerivedAt(added), future);
  // The default as_of is the database time, not the clock behind it.
  auto again = engine_->Rescore(RescoreOptions{});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->as_of_ms, future);
}

// The trap of the old code: customers derived at the clock, an incremental
// rescore at a historical date reported success having examined nobody.
TEST_F(DatabaseTimeTest, IncrementalRescoreBeforeTheDatabaseTimeIsRefused) {
  auto r = engine_->Rescore(At(kHistoricalMs, false));
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), BeforeRefusal(kHistoricalMs, now_));
  ExpectAllDerivedAt(now_);

  ASSERT_TRUE(engine_->Rescore(At(now_ + kDay, false)).ok());
  auto back = engine_->Rescore(At(now_, false));
  EXPECT_EQ(back.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(back.status().message(), BeforeRefusal(now_, now_ + kDay));
}

// A full rescore sets the database time back, even from a forced future
// one, and the database then stays at it: writes derive at it, and
// incremental rescores go on from it.
TEST_F(DatabaseTimeTest, FullRescoreSetsTheDatabaseTimeBack) {
  ASSERT_TRUE(
      engine_->Rescore(At(kTestNowMs + 400 * kDay, false, /*force=*/true))
          .ok());
  auto full = engine_->Rescore(At(kHistoricalMs, true));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->as_of_ms, kHistoricalMs);
  EXPECT_EQ(full->examined, ids_.size());
  ExpectAllDerivedAt(kHistoricalMs);

  const uint64_t added = AddCustomer(kHistoricalMs - 10 * kDay);
  EXPECT_EQ(DerivedAt(added), kHistoricalMs);
  AddOrder(ids_[0], kHistoricalMs - kDay);
  EXPECT_EQ(DerivedAt(ids_[0]), kHistoricalMs);

  auto next_day = engine_->Rescore(At(kHistoricalMs + kDay, false));
  ASSERT_TRUE(next_day.ok()) << next_day.status().ToString();
  for (uint64_t id : ids_) {
    auto c = test::ValueOf(engine_->GetCustomer(id));
    EXPECT_GE(c.derived_as_of_ms, kHistoricalMs) << id;
    EXPECT_LE(c.derived_as_of_ms, kHistoricalMs + kDay) << id;
  }
  auto verify = engine_->Verify(20);
  ASSERT_TRUE(verify.ok()) << verify.status().ToString();
  EXPECT_TRUE(verify->ok()) << test::Listing(*verify);
}

// As the contract says: at the last rescore's time, not at the clock.
TEST_F(DatabaseTimeTest, PolicyChangeDerivesAtTheDatabaseTime) {
  TierPolicy policy = test::ValueOf(engine_->GetPolicy());
  policy.churn_days += 1;
  auto on_clock = engine_->SetPolicy(policy, nullptr);
  ASSERT_TRUE(on_clock.ok()) << on_clock.status().ToString();
  EXPECT_EQ(on_clock->as_of_ms, now_);

  ASSERT_TRUE(engine_->Rescore(At(kHistoricalMs, true)).ok());
  now_ += 3 * kDay;
  policy.churn_days += 1;
  auto historical = engine_->SetPolicy(policy, nullptr);
  ASSERT_TRUE(historical.ok()) << historical.status().ToString();
  EXPECT_EQ(historical->as_of_ms, kHistoricalMs);
  ExpectAllDerivedAt(kHistoricalMs);
}

TEST_F(DatabaseTimeTest, ReopenKeepsTheDatabaseTime) {
  ASSERT_TRUE(engine_->Rescore(At(kHistoricalMs, true)).ok());
  now_ += kDay;
  Reopen();
  const uint64_t added = AddCustomer(kHistoricalMs - kDay);
  EXPECT_EQ(DerivedAt(added), kHistoricalMs);
  auto back = engine_->Rescore(At(kHistoricalMs - 1000, false));
  EXPECT_EQ(back.status().message(),
            BeforeRefusal(kHistoricalMs - 1000, kHistoricalMs));

  const int64_t future = now_ + 30 * kDay;
  ASSERT_TRUE(engine_->Rescore(At(future, false, /*force=*/true)).ok());
  Reopen();
  EXPECT_EQ(DerivedAt(AddCustomer(now_ - kDay)), future);
}

// A rescore at the clock (the default) leaves the historical time: writes
// follow the clock again.
TEST_F(DatabaseTimeTest, RescoreAtTheClockFollowsTheClockAgain) {
  ASSERT_TRUE(engine_->Rescore(At(kHistoricalMs, true)).ok());
  auto now = engine_->Rescore(RescoreOptions{});
  ASSERT_TRUE(now.ok()) << now.status().ToString();
  EXPECT_EQ(now->as_of_ms, now_);
  now_ += 2 * kDay;
  EXPECT_EQ(DerivedAt(AddCustomer(now_ - kDay)), now_);
}

}  // namespace
}  // namespace custdb
