// The tier write path: every write re-derives its customer and moves its
// tier_index entries and tier-summary counters in the same batch (Verify
// recomputes all three from the records); Rescore and SetPolicy.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "custdb/engine.h"
#include "custdb/time_format.h"
#include "support/test_util.h"
#include "tiering/derive.h"
#include "tiering/quantiles.h"

namespace custdb {
namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kT0 = test::kTestNowMs - 400 * kDay;

using test::Listing;

class TieringWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Reopen();
    for (uint64_t id = 1; id <= 4; ++id) {
      Channel c;
      c.id = id;
      c.name = "channel " + std::to_string(id);
      ASSERT_TRUE(engine_->PutChannel(c).ok());
    }
  }

  // Closes the engine (if open) and opens it again on the test's clock.
  void Reopen() {
    engine_.reset();
    Options options = test::TestOptions(dir_.path());
    options.clock_ms = [this] { return now_; };
    engine_ = Engine::Open(options).value();
  }

  void ExpectClean() {
    auto report = engine_->Verify(20);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok()) << Listing(*report);
    EXPECT_GT(report->tier_entries_checked, 0);
  }

  // Applies a random workload (fixed seed) of customers, orders, status
  // changes, refunds, interactions and owner/region changes.
  void RandomWorkload(int customers, int events, uint32_t seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % n); };
    const char* regions[] = {"UK", "FR", "DE", ""};
    for (int i = 0; i < customers; ++i) {
      Customer c;
      c.code = "c" + std::to_string(next_customer_);
      c.region = regions[pick(4)];
      c.owner_channel_id = static_cast<uint64_t>(pick(5));
      auto id = engine_->CreateCustomer(c);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      ids_.push_back(*id);
      ++next_customer_;
    }
    for (int e = 0; e < events; ++e) {
      const uint64_t who = ids_[pick(static_cast<int>(ids_.size()))];
      now_ += pick(3) * kDay / 4;
      const int kind = pick(10);
      if (kind < 6) {
        Order o = test::NewOrder(
            next_order_++, who, 1 + pick(4), now_ - pick(30) * kDay,
            1000 + pick(90000),
            pick(3) == 0 ? OrderStatus::kPaid : OrderStatus::kCompleted);
        ASSERT_TRUE(engine_->RecordOrder(o).ok());
        orders_.push_back(o.id);
      } else if (kind == 6 && !orders_.empty()) {
        // Either may be refused (status), which must change nothing.
        const uint64_t order = orders_[pick(static_cast<int>(orders_.size()))];
        engine_->RefundOrder(order, 500).ok();
        engine_->UpdateOrderStatus(order, OrderStatus::kCompleted).ok();
      } else if (kind == 7) {
        ASSERT_TRUE(engine_
                        ->RecordInteraction(test::NewInteraction(
                            who, 1, now_, InteractionKind::kCall))
                        .ok());
      } else if (kind == 8) {
        CustomerPatch p;
        p.owner_channel_id = static_cast<uint64_t>(pick(5));
        p.region = std::string(regions[pick(4)]);
        ASSERT_TRUE(engine_->UpdateCustomer(who, p).ok());
      }
    }
  }

  test::TempDir dir_;
  int64_t now_ = kT0;
  std::unique_ptr<Engine> engine_;
  std::vector<uint64_t> ids_, orders_;
  uint64_t next_customer_ = 1, next_order_ = 1;
};

TEST_F(TieringWriteTest, EveryWriteKeepsDerivedIndexesAndCountersExact) {
  RandomWorkload(200, 3000, 7);
  ExpectClean();
  auto policy = engine_->GetPolicy();
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->version, 1);
  for (uint64_t id : ids_) {
    auto r = engine_->GetCustomer(id);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->policy_version, 1);
    EXPECT_EQ(r->derived, Derive(r->aggregates, *policy, r->derived_as_of_ms))
        << "customer " << id;
  }
}

TEST_F(TieringWriteTest, ReopenKeepsPolicyAndDerivedState) {
  RandomWorkload(50, 500, 3);
  engine_.reset();
  Options options = test::TestOptions(dir_.path());
  options.clock_ms = [this] { return now_; };
  engine_ = Engine::Open(options).value();
  ExpectClean();
  EXPECT_EQ(engine_->GetPolicy()->version, 1);
}

TEST_F(TieringWriteTest, IncrementalRescoreVisitsExactlyTheDueCustomers) {
  RandomWorkload(300, 2000, 11);
  auto policy = *engine_->GetPolicy();
  const int64_t start = now_;
  for (int day = 1; day <= 40; day += 13) {
    const int64_t as_of = start + day * kDay;
    now_ = as_of;  // a rescore more than a day ahead needs force
    // The test's own count: customers whose attributes can change by as_of.
    uint64_t due = 0, changing = 0;
    for (uint64_t id : ids_) {
      auto r = *engine_->GetCustomer(id);
      if (r.derived.next_change_ms <= as_of) ++due;
      if (Derive(r.aggregates, policy, as_of) != r.derived) ++changing;
    }
    auto report = engine_->Rescore(RescoreOptions{as_of, false, nullptr});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->examined, due) << "day " << day;
    EXPECT_EQ(report->changed, changing) << "day " << day;
    for (uint64_t id : ids_) {
      auto r = *engine_->GetCustomer(id);
      EXPECT_EQ(r.derived, Derive(r.aggregates, policy, as_of));
    }
    // A full re-derive at the same time finds nothing left to change.
    auto full = engine_->Rescore(RescoreOptions{as_of, true, nullptr});
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(full->examined, ids_.size());
    EXPECT_EQ(full->changed, 0u);
    ExpectClean();
  }
}

// A re-derive that changes nothing writes nothing: a full rescore would
// otherwise rewrite every customer. The attributes are still reported as of
// the rescore, which they hold at, also after a reopen.
TEST_F(TieringWriteTest, RescoreThatChangesNothingWritesNothing) {
  RandomWorkload(300, 2000, 13);
  const int64_t as_of = now_ + 20 * kDay;
  now_ = as_of;  // a rescore more than a day ahead needs force
  ASSERT_TRUE(engine_->Rescore(RescoreOptions{as_of, false, nullptr}).ok());
  engine_.reset();
  const uint64_t before = test::LatestSequenceNumber(dir_.path());
  Reopen();
  auto full = engine_->Rescore(RescoreOptions{as_of, true, nullptr});
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->examined, ids_.size());
  EXPECT_EQ(full->changed, 0u);
  engine_.reset();
  // The two rescore times in meta, and nothing of the customers.
  EXPECT_LE(test::LatestSequenceNumber(dir_.path()) - before, 2u);
  Reopen();
  ExpectClean();

  auto expect_reported_at_as_of = [&] {
    const TierPolicy policy = *engine_->GetPolicy();
    for (uint64_t id : ids_) {
      auto r = *engine_->GetCustomer(id);
      EXPECT_EQ(r.derived_as_of_ms, as_of) << "customer " << id;
      EXPECT_EQ(r.derived, Derive(r.aggregates, policy, as_of));
    }
  };
  expect_reported_at_as_of();
  Reopen();
  expect_reported_at_as_of();
  ExpectClean();
}

// An incremental rescore before the database time (rescore.h) is refused
// before anything is written: no customer, and not the rescore time, which
// would otherwise move later rescores' lower bound. (A full one may go
// back: database_time_test.cc.)
TEST_F(TieringWriteTest, IncrementalRescoreBeforeTheLastOneIsRefused) {
  RandomWorkload(10, 50, 5);
  const int64_t last = now_ + kDay;
  ASSERT_TRUE(engine_->Rescore(RescoreOptions{last, false, nullptr}).ok());
  std::vector<CustomerRecord> before;
  for (uint64_t id : ids_) before.push_back(*engine_->GetCustomer(id));
  engine_.reset();
  const uint64_t sequence = test::LatestSequenceNumber(dir_.path());
  Reopen();

  const std::string refusal = "rescore.as_of: " + FormatIso8601(now_) +
                              " is before the database time " +
                              FormatIso8601(last) +
                              "; run a full rescore (--full) to set the "
                              "database time back";
  auto s = engine_->Rescore(RescoreOptions{now_, false, nullptr});
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.status().message(), refusal);
  for (const CustomerRecord& was : before) {
    auto r = *engine_->GetCustomer(was.profile.id);
    EXPECT_EQ(r.derived, was.derived) << "customer " << was.profile.id;
    EXPECT_EQ(r.derived_as_of_ms, was.derived_as_of_ms);
    EXPECT_EQ(r.policy_version, was.policy_version);
  }
  engine_.reset();
  EXPECT_EQ(test::LatestSequenceNumber(dir_.path()), sequence);
  Reopen();

  // The stored rescore time is still `last`: the earlier time is refused
  // the same way, `last` itself is accepted.
  auto again = engine_->Rescore(RescoreOptions{now_, false, nullptr});
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), refusal);
  auto at_last = engine_->Rescore(RescoreOptions{last, false, nullptr});
  ASSERT_TRUE(at_last.ok()) << at_last.status().ToString();
  EXPECT_EQ(at_last->as_of_ms, last);
  ExpectClean();
}

TEST_F(TieringWriteTest, SetPolicyValidatesThenRederivesEveryone) {
  RandomWorkload(100, 800, 9);
  TierPolicy bad = DefaultPolicy();
  bad.medium_min_spend_minor = bad.high_min_spend_minor + 1;
  auto refused = engine_->SetPolicy(bad, nullptr);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->GetPolicy()->version, 1);

  TierPolicy next = DefaultPolicy();
  next.high_min_spend_minor = 50000;
  next.medium_min_spend_minor = 10000;
  uint64_t last_done = 0;
  auto report = engine_->SetPolicy(next, [&](uint64_t done, uint64_t total) {
    EXPECT_LE(done, total);
    last_done = done;
  });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->policy_version, 2);
  EXPECT_EQ(report->examined, ids_.size());
  EXPECT_EQ(last_done, ids_.size());
  auto stored = *engine_->GetPolicy();
  EXPECT_EQ(stored.version, 2);
  EXPECT_EQ(stored.high_min_spend_minor, 50000);
  for (uint64_t id : ids_) {
    auto r = *engine_->GetCustomer(id);
    EXPECT_EQ(r.policy_version, 2);
    EXPECT_EQ(r.derived, Derive(r.aggregates, stored, r.derived_as_of_ms));
  }
  ExpectClean();
}

// Enough customers for Rederive's two lanes: progress still comes one
// call at a time, rising to the total, and the result is what one lane
// would have written.
TEST_F(TieringWriteTest, SetPolicyOnTwoLanesReportsProgressInOrder) {
  RandomWorkload(1500, 3000, 21);
  TierPolicy next = DefaultPolicy();
  next.high_min_spend_minor = 40000;
  next.medium_min_spend_minor = 8000;
  std::atomic<int> inside{0};
  std::vector<uint64_t> seen;
  auto report = engine_->SetPolicy(next, [&](uint64_t done, uint64_t total) {
    EXPECT_EQ(inside.fetch_add(1), 0) << "progress called concurrently";
    EXPECT_EQ(total, ids_.size());
    seen.push_back(done);
    inside.fetch_sub(1);
  });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->examined, ids_.size());
  ASSERT_GE(seen.size(), 2u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.back(), ids_.size());
  const TierPolicy stored = *engine_->GetPolicy();
  for (uint64_t id : ids_) {
    auto r = *engine_->GetCustomer(id);
    EXPECT_EQ(r.policy_version, stored.version);
    EXPECT_EQ(r.derived, Derive(r.aggregates, stored, r.derived_as_of_ms));
  }
  ExpectClean();
}

TEST_F(TieringWriteTest, QuantileFullRescoreRecomputesBreakpoints) {
  RandomWorkload(200, 2000, 13);
  TierPolicy q = DefaultPolicy();
  q.rfm_mode = RfmMode::kQuantile;
  ASSERT_TRUE(engine_->SetPolicy(q, nullptr).ok());
  auto stored = *engine_->GetPolicy();
  EXPECT_TRUE(ValidatePolicy(stored).ok());
  // Quintiles of the order counts: about a fifth of the buyers below the
  // first breakpoint.
  int64_t buyers = 0, below = 0;
  for (uint64_t id : ids_) {
    auto r = *engine_->GetCustomer(id);
    if (r.aggregates.order_count <= 0) continue;
    ++buyers;
    if (r.aggregates.order_count < stored.frequency_orders[0]) ++below;
  }
  EXPECT_GT(buyers, 0);
  EXPECT_LE(below, buyers * 2 / 5);
  ExpectClean();
}

// A quantile full rescore that moves the breakpoints stores a new policy
// version; customers another thread creates meanwhile, whichever policy
// their write read, all end up derived under the stored one.
TEST_F(TieringWriteTest, CustomersCreatedDuringAQuantileRescoreEndOnItsPolicy) {
  RandomWorkload(400, 1500, 17);
  TierPolicy q = DefaultPolicy();
  q.rfm_mode = RfmMode::kQuantile;
  ASSERT_TRUE(engine_->SetPolicy(q, nullptr).ok());
  // Shift the order counts so that the next full rescore moves the
  // frequency breakpoints.
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(engine_
                    ->RecordOrder(test::NewOrder(next_order_++, ids_[i % 40], 1,
                                                 now_, 1000))
                    .ok());
  }
  const int64_t version_before = engine_->GetPolicy()->version;
  std::atomic<bool> done{false};
  std::vector<uint64_t> created;
  std::thread writer([&] {
    for (int i = 0; !done.load() || i < 50; ++i) {
      Customer c;
      c.code = "late" + std::to_string(i);
      auto id = engine_->CreateCustomer(c);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      ASSERT_TRUE(
          engine_->RecordOrder(test::NewOrder(1000000 + i, *id, 1, now_, 5000))
              .ok());
      created.push_back(*id);
    }
  });
  auto report = engine_->Rescore(RescoreOptions{now_, true, nullptr});
  done = true;
  writer.join();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const TierPolicy stored = *engine_->GetPolicy();
  ASSERT_GT(stored.version, version_before) << "breakpoints did not move";
  for (uint64_t id : created) {
    auto r = *engine_->GetCustomer(id);
    EXPECT_EQ(r.policy_version, stored.version) << "customer " << id;
  }
  ExpectClean();
}

// Issue 12 item 6: a policy change is one version, and quantile
// breakpoints given while there is no buyer are kept, not replaced by
// {1, 2, 3, 4}, until a full rescore finds buyers.
TEST_F(TieringWriteTest, QuantilePolicyOnAnEmptyDatabaseIsStoredOnceAsGiven) {
  TierPolicy q = DefaultPolicy();
  q.rfm_mode = RfmMode::kQuantile;
  q.frequency_orders = {2, 4, 6, 8};
  q.recency_days = {10, 20, 40, 80};
  ASSERT_TRUE(engine_->SetPolicy(q, nullptr).ok());
  TierPolicy stored = *engine_->GetPolicy();
  EXPECT_EQ(stored.version, 2);
  EXPECT_EQ(stored.frequency_orders, q.frequency_orders);
  EXPECT_EQ(stored.recency_days, q.recency_days);
  EXPECT_EQ(stored.monetary_minor, q.monetary_minor);
  // A full rescore with no buyer has nothing to take quintiles of.
  ASSERT_TRUE(engine_->Rescore(RescoreOptions{now_, true, nullptr}).ok());
  stored = *engine_->GetPolicy();
  EXPECT_EQ(stored.version, 2);
  EXPECT_EQ(stored.frequency_orders, q.frequency_orders);
  // Prospects are not buyers either.
  Customer c;
  c.code = "prospect";
  ASSERT_TRUE(engine_->CreateCustomer(c).ok());
  ASSERT_TRUE(engine_->Rescore(RescoreOptions{now_, true, nullptr}).ok());
  EXPECT_EQ(engine_->GetPolicy()->version, 2);
  ExpectClean();
}

TEST_F(TieringWriteTest, QuantilePolicyChangeIsOneVersionWithItsQuintiles) {
  RandomWorkload(100, 600, 29);
  const int64_t before = engine_->GetPolicy()->version;
  TierPolicy q = DefaultPolicy();
  q.rfm_mode = RfmMode::kQuantile;
  auto report = engine_->SetPolicy(q, nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const TierPolicy stored = *engine_->GetPolicy();
  EXPECT_EQ(stored.version, before + 1);
  EXPECT_EQ(report->policy_version, stored.version);
  std::vector<int64_t> orders, spend;
  for (uint64_t id : ids_) {
    auto r = *engine_->GetCustomer(id);
    if (r.aggregates.order_count <= 0) continue;
    orders.push_back(r.aggregates.order_count);
    spend.push_back(r.aggregates.total_spend_minor);
    EXPECT_EQ(r.policy_version, stored.version);
  }
  ASSERT_FALSE(orders.empty());
  EXPECT_EQ(stored.frequency_orders, QuintileBreakpoints(orders));
  EXPECT_EQ(stored.monetary_minor, QuintileBreakpoints(spend));
  // Nothing moved since: a full rescore at the same time stores nothing.
  ASSERT_TRUE(
      engine_->Rescore(RescoreOptions{report->as_of_ms, true, nullptr}).ok());
  EXPECT_EQ(engine_->GetPolicy()->version, stored.version);
  ExpectClean();
}

// Issue 12 item 5: "new" ends new_days after the first order whatever came
// since, and the incremental rescore must find the customer then.
TEST_F(TieringWriteTest, IncrementalRescoreWakesACustomerWhenItStopsBeingNew) {
  Customer c;
  c.code = "repeat";
  const uint64_t id = *engine_->CreateCustomer(c);
  const int64_t first = now_;
  ASSERT_TRUE(engine_->RecordOrder(test::NewOrder(1, id, 1, first, 5000)).ok());
  ASSERT_TRUE(
      engine_->RecordOrder(test::NewOrder(2, id, 1, first + 10 * kDay, 5000))
          .ok());
  ASSERT_TRUE(engine_
                  ->RecordInteraction(test::NewInteraction(
                      id, 1, first + 20 * kDay, InteractionKind::kCall))
                  .ok());
  // The fixture's clock stands still while the rescores walk ahead of it.
  auto at = [&](int64_t as_of) {
    RescoreOptions options;
    options.as_of_ms = as_of;
    options.force = true;
    auto report = engine_->Rescore(options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return engine_->GetCustomer(id)->derived.lifecycle;
  };
  EXPECT_EQ(at(first + 31 * kDay - 1), LifecycleStage::kNew);
  EXPECT_EQ(at(first + 31 * kDay), LifecycleStage::kActive);
  EXPECT_EQ(at(first + 111 * kDay), LifecycleStage::kAtRisk);
  ExpectClean();
}

}  // namespace
}  // namespace custdb

namespace custdb {
namespace {

// DESIGN §5 at scale: advancing as_of by one day over 100,000 customers
// visits exactly the customers whose attributes change that day, found
// through the next-change index, and ends where a full re-derive ends.
TEST(RescoreAtScaleTest, OneDayOver100kCustomersVisitsOnlyTheChangingOnes) {
  test::TempDir dir;
  const int64_t now = test::kTestNowMs;
  Options options = test::TestOptions(dir.path());
  options.clock_ms = [now] { return now; };
  std::unique_ptr<Engine> engine = Engine::Open(options).value();
  Channel web;
  web.id = 1;
  web.name = "web";
  ASSERT_TRUE(engine->PutChannel(web).ok());

  constexpr int kCustomers = 100000;
  std::mt19937_64 rng(42);
  std::vector<Event> batch;
  std::vector<Status> statuses;
  uint64_t order_id = 1;
  for (int start = 0; start < kCustomers; start += 1000) {
    batch.clear();
    for (int i = start; i < start + 1000; ++i) {
      Customer c;
      c.id = static_cast<uint64_t>(i + 1);
      batch.emplace_back(c);
    }
    ASSERT_TRUE(engine->ApplyBatchUnlogged(batch, &statuses, nullptr).ok());
    batch.clear();
    for (int i = start; i < start + 1000; ++i) {
      const int orders = static_cast<int>(rng() % 4);  // 0..3
      for (int k = 0; k < orders; ++k) {
        const int64_t ts = now - static_cast<int64_t>(rng() % (500 * kDay)) - 1;
        batch.emplace_back(
            test::NewOrder(order_id++, i + 1, 1, ts,
                           1000 + static_cast<int64_t>(rng() % 300000)));
      }
    }
    ASSERT_TRUE(engine->ApplyBatchUnlogged(batch, &statuses, nullptr).ok());
    for (const Status& s : statuses) ASSERT_TRUE(s.ok()) << s.ToString();
  }
  ASSERT_TRUE(engine->Rescore(RescoreOptions{now, true, nullptr}).ok());

  const TierPolicy policy = *engine->GetPolicy();
  const int64_t next_day = now + kDay;
  uint64_t changing = 0, recency_crossers = 0;
  for (uint64_t id = 1; id <= kCustomers; ++id) {
    CustomerRecord r = *engine->GetCustomer(id);
    if (Derive(r.aggregates, policy, next_day) != r.derived) ++changing;
    if (r.aggregates.order_count == 0) continue;
    // Independently of Derive: whole days since the last order cross one
    // of the recency breakpoints (r = 5 while days <= 30, …).
    const int64_t d0 = (now - r.aggregates.last_order_ms) / kDay;
    const int64_t d1 = (next_day - r.aggregates.last_order_ms) / kDay;
    for (int64_t b : policy.recency_days) {
      if (d0 <= b && d1 > b) ++recency_crossers;
    }
  }
  auto report = engine->Rescore(RescoreOptions{next_day, false, nullptr});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GT(recency_crossers, 0u);
  EXPECT_GE(changing, recency_crossers);
  EXPECT_EQ(report->examined, changing);
  EXPECT_EQ(report->changed, changing);
  EXPECT_LT(report->examined, static_cast<uint64_t>(kCustomers) / 20);

  auto full = engine->Rescore(RescoreOptions{next_day, true, nullptr});
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->examined, static_cast<uint64_t>(kCustomers));
  EXPECT_EQ(full->changed, 0u);
}

}  // namespace
}  // namespace custdb
