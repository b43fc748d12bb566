// GetChannelReport and ViewCustomer (reports.h, store.h): every metric of a
// hand-built scenario, subtrees, days, refunds, cross-channel orders, the
// median, bad input, and a randomized run against a brute-force report
// computed from the stored records.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "custdb/store.h"
#include "store/store_factory.h"
#include "support/reference_model.h"
#include "support/report_brute_force.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::kTestNowMs;
using test::NewInteraction;
using test::NewOrder;
using test::OpenTestStore;
using test::TempDir;
using test::refmodel::FailsNaming;

constexpr int64_t kHour = 3600000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kD0 = kTestNowMs - 100 * kDay;  // a midnight

// The channel tree: 1 (distributor) > 2 (dealer) > 4 (agent); 1 > 3
// (dealer); 5 (web) stands alone.
constexpr uint64_t kRoot = 1;
constexpr uint64_t kDealerA = 2;
constexpr uint64_t kDealerB = 3;
constexpr uint64_t kAgent = 4;
constexpr uint64_t kWeb = 5;

constexpr uint64_t kAnn = 100;  // owned by kDealerA
constexpr uint64_t kBob = 200;  // no owner
constexpr uint64_t kCat = 300;  // owned by kWeb

using test::Listing;

class ChannelReportTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = OpenTestStore(factory(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    test::PutChannelTree(store_.get(), {{kRoot, 0},
                                        {kDealerA, kRoot},
                                        {kDealerB, kRoot},
                                        {kAgent, kDealerA},
                                        {kWeb, 0}});
    ASSERT_FALSE(HasFatalFailure());
    for (auto [id, owner] : std::vector<std::pair<uint64_t, uint64_t>>{
             {kAnn, kDealerA}, {kBob, 0}, {kCat, kWeb}}) {
      Customer c;
      c.id = id;
      c.owner_channel_id = owner;
      ASSERT_TRUE(store_->CreateCustomer(c).ok());
    }
  }

  void Ok(const Status& s) { ASSERT_TRUE(s.ok()) << s.ToString(); }

  void Buy(uint64_t id, uint64_t customer, uint64_t channel, int64_t ts,
           int64_t amount, OrderStatus status = OrderStatus::kCompleted) {
    Ok(store_->RecordOrder(
        NewOrder(id, customer, channel, ts, amount, status)));
  }

  uint64_t Interact(uint64_t customer, uint64_t channel, int64_t ts,
                    InteractionKind kind, std::optional<int32_t> satisfaction,
                    std::optional<int32_t> nps) {
    Interaction i = NewInteraction(customer, channel, ts, kind);
    i.satisfaction = satisfaction;
    i.nps = nps;
    auto id = store_->RecordInteraction(i);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  std::vector<ChannelReportRow> Report(uint64_t channel, int64_t from,
                                       int64_t to, bool by_day = false,
                                       bool subtree = true) {
    ChannelReportQuery q;
    q.channel_id = channel;
    q.from_ms = from;
    q.to_ms = to;
    q.by_day = by_day;
    q.include_subtree = subtree;
    auto report = store_->GetChannelReport(q);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? report->rows : std::vector<ChannelReportRow>{};
  }

  ChannelReportRow Only(uint64_t channel, int64_t from, int64_t to,
                        bool subtree = true) {
    auto rows = Report(channel, from, to, false, subtree);
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? ChannelReportRow{} : rows[0];
  }

  void ExpectVerifyClean() {
    auto report = factory().Verify(*store_, 100);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok()) << Listing(*report);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(ChannelReportTest, EveryMetricOfOneChannelDay) {
  // Bob bought before, 5 days earlier: a repeat customer on kD0.
  Buy(1, kBob, kWeb, kD0 - 5 * kDay, 100);
  // Ann's first orders ever; owned by kDealerA, so both are cross-channel.
  Buy(2, kAnn, kWeb, kD0 + 1 * kHour, 1000);
  Buy(3, kAnn, kWeb, kD0 + 2 * kHour, 500, OrderStatus::kPlaced);  // unpaid
  Buy(4, kBob, kWeb, kD0 + 3 * kHour, 1500, OrderStatus::kPaid);
  // Cat is owned by kWeb: not cross-channel.
  Buy(5, kCat, kWeb, kD0 + 4 * kHour, 250);

  Interact(kAnn, kWeb, kD0 + 1 * kHour, InteractionKind::kCall, 4, 10);
  uint64_t quick =
      Interact(kAnn, kWeb, kD0 + 2 * kHour, InteractionKind::kComplaint, 2, 3);
  Interact(kBob, kWeb, kD0 + 3 * kHour, InteractionKind::kSurvey, {}, 8);
  uint64_t slow = Interact(kBob, kWeb, kD0 + 4 * kHour,
                           InteractionKind::kComplaint, {}, {});
  uint64_t ticket =
      Interact(kCat, kWeb, kD0 + 5 * kHour, InteractionKind::kTicket, 5, {});
  Interact(kCat, 0, kD0 + 6 * kHour, InteractionKind::kCall, 1, 0);  // nowhere
  Ok(store_->ResolveInteraction(quick, kD0 + 4 * kHour));    // 2 h, day 0
  Ok(store_->ResolveInteraction(slow, kD0 + kDay + kHour));  // day 1
  Ok(store_->ResolveInteraction(ticket, kD0 + 6 * kHour));   // not counted

  ChannelReportRow want;
  want.channel_id = kWeb;
  want.revenue_minor = 1000 + 1500 + 250;
  want.orders = 4;
  want.buying_customers = 3;
  want.new_customers = 2;  // Ann and Cat
  want.repeat_customers = 1;
  want.repeat_customer_rate = 1.0 / 3;
  want.interactions = 5;
  want.complaints_opened = 2;
  want.complaints_resolved = 1;
  want.median_resolve_ms = 2 * kHour;
  want.avg_satisfaction = (4 + 2 + 5) / 3.0;
  want.nps = 100.0 * (1 - 1) / 3;
  want.cross_channel_in = 2;  // Ann's two orders
  EXPECT_TRUE(test::ChannelRowsEqual({want}, {Only(kWeb, kD0, kD0 + kDay)}));

  // The next day holds only the slow resolution.
  ChannelReportRow next;
  next.channel_id = kWeb;
  next.complaints_resolved = 1;
  next.median_resolve_ms = kDay - 3 * kHour;
  EXPECT_TRUE(
      test::ChannelRowsEqual({next}, {Only(kWeb, kD0 + kDay, kD0 + 2 * kDay)}));

  // Ann's owner sees the same orders going out.
  ChannelReportRow owner;
  owner.channel_id = kDealerA;
  owner.cross_channel_out = 2;
  EXPECT_TRUE(test::ChannelRowsEqual({owner},
                                     {Only(kDealerA, kD0, kD0 + kDay, false)}));
  ExpectVerifyClean();
}

TEST_P(ChannelReportTest, RefundsCancellationsAndCreditNotesAdjustRevenue) {
  Buy(10, kBob, kWeb, kD0 + kHour, 1000, OrderStatus::kPaid);
  Ok(store_->RefundOrder(10, 300));  // partial: 700 stays
  Buy(11, kBob, kWeb, kD0 + kHour, 400, OrderStatus::kPlaced);
  Ok(store_->UpdateOrderStatus(11, OrderStatus::kCancelled));  // never paid
  Buy(12, kBob, kWeb, kD0 + kHour, 600, OrderStatus::kPaid);
  Ok(store_->RefundOrder(12, 100));
  Ok(store_->UpdateOrderStatus(12, OrderStatus::kCancelled));  // 500 leaves
  Buy(13, kBob, kWeb, kD0 + kHour, 800);
  Ok(store_->UpdateOrderStatus(13, OrderStatus::kRefunded));  // all leaves
  Buy(14, kBob, kWeb, kD0 + kHour, 900, OrderStatus::kPlaced);
  Ok(store_->UpdateOrderStatus(14, OrderStatus::kPaid));  // counts now
  Order credit = NewOrder(15, kBob, kWeb, kD0 + kDay + kHour, 200);
  credit.kind = OrderKind::kCreditNote;
  Ok(store_->RecordOrder(credit));

  // Changes count on the order's own day, not the day they happen.
  ChannelReportRow day0 = Only(kWeb, kD0, kD0 + kDay);
  EXPECT_EQ(day0.revenue_minor, 700 + 900);
  EXPECT_EQ(day0.orders, 5);  // placed, whatever became of them
  EXPECT_EQ(day0.buying_customers, 1);
  ChannelReportRow day1 = Only(kWeb, kD0 + kDay, kD0 + 2 * kDay);
  EXPECT_EQ(day1.revenue_minor, -200);
  EXPECT_EQ(day1.orders, 0);  // a credit note is not an order
  EXPECT_EQ(day1.buying_customers, 0);

  // Revenue over everything is the customers' spend.
  int64_t spend = 0;
  for (uint64_t id : {kAnn, kBob, kCat}) {
    spend += store_->GetCustomer(id)->aggregates.total_spend_minor;
  }
  EXPECT_EQ(Only(kRoot, INT64_MIN, INT64_MAX).revenue_minor +
                Only(kWeb, INT64_MIN, INT64_MAX).revenue_minor,
            spend);
  ExpectVerifyClean();
}

TEST_P(ChannelReportTest, SubtreeRowsSumTheirChannels) {
  Buy(20, kBob, kRoot, kD0, 1);
  Buy(21, kBob, kDealerA, kD0, 10);
  Buy(22, kCat, kAgent, kD0, 100);
  Buy(23, kCat, kDealerB, kD0, 1000);
  Buy(24, kCat, kWeb, kD0, 10000);
  auto revenue = [this](uint64_t channel, bool subtree) {
    return Only(channel, kD0, kD0 + kDay, subtree).revenue_minor;
  };
  EXPECT_EQ(revenue(kDealerA, true), 110);
  EXPECT_EQ(revenue(kDealerA, false), 10);
  EXPECT_EQ(revenue(kRoot, true), 1111);
  EXPECT_EQ(revenue(kRoot, false), 1);
  EXPECT_EQ(revenue(kAgent, true), 100);
  // Buying customers are summed over channels: Cat buys in two of kRoot's.
  EXPECT_EQ(Only(kRoot, kD0, kD0 + kDay).buying_customers, 4);
  EXPECT_EQ(Only(kRoot, kD0, kD0 + kDay).channel_id, kRoot);

  // Channel 0: one total row per channel, each alone, zero rows included.
  auto all = Report(0, kD0, kD0 + kDay);
  ASSERT_EQ(all.size(), 5u);
  const int64_t want[] = {1, 10, 1000, 100, 10000};
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].channel_id, i + 1);
    EXPECT_EQ(all[i].day_ms, 0);
    EXPECT_EQ(all[i].revenue_minor, want[i]);
  }
  EXPECT_EQ(Report(0, kD0 + kDay, kD0 + 2 * kDay).size(), 5u);
  EXPECT_EQ(Only(kRoot, kD0 + kDay, kD0 + 2 * kDay).orders, 0);
}

TEST_P(ChannelReportTest, ByDayRowsAndWholeDayRanges) {
  Buy(30, kBob, kWeb, kD0 + 23 * kHour, 1);
  Buy(31, kBob, kWeb, kD0 + 2 * kDay, 10);
  Buy(32, kCat, kWeb, kD0 + 2 * kDay + kHour, 100);
  Buy(33, kCat, kWeb, kD0 + 5 * kDay, 1000);

  auto days = Report(kWeb, kD0, kD0 + 10 * kDay, true);
  ASSERT_EQ(days.size(), 3u);  // only days with data
  EXPECT_EQ(days[0].day_ms, kD0);
  EXPECT_EQ(days[0].revenue_minor, 1);
  EXPECT_EQ(days[1].day_ms, kD0 + 2 * kDay);
  EXPECT_EQ(days[1].revenue_minor, 110);
  EXPECT_EQ(days[1].buying_customers, 2);
  EXPECT_EQ(days[1].new_customers, 1);     // Cat
  EXPECT_EQ(days[1].repeat_customers, 1);  // Bob bought on kD0
  EXPECT_DOUBLE_EQ(days[1].repeat_customer_rate, 0.5);
  EXPECT_EQ(days[2].day_ms, kD0 + 5 * kDay);

  ChannelReportRow total = Only(kWeb, kD0, kD0 + 10 * kDay);
  EXPECT_EQ(total.day_ms, 0);
  EXPECT_EQ(total.revenue_minor, 1111);
  EXPECT_EQ(total.orders, 4);
  EXPECT_EQ(total.buying_customers, 4);  // customer-days
  EXPECT_EQ(total.new_customers, 2);
  EXPECT_EQ(total.repeat_customers, 2);

  // A day counts when its midnight is in [from, to): starting mid-day
  // leaves the day out, ending mid-day takes the whole day.
  EXPECT_EQ(Only(kWeb, kD0 + kHour, kD0 + 10 * kDay).revenue_minor, 1110);
  EXPECT_EQ(Only(kWeb, kD0, kD0 + 2 * kDay + kHour).revenue_minor, 111);
  EXPECT_EQ(Only(kWeb, kD0, kD0 + 2 * kDay).revenue_minor, 1);
  EXPECT_TRUE(Report(kWeb, kD0 + kDay, kD0 + 2 * kDay, true).empty());
}

TEST_P(ChannelReportTest, AnEarlierFirstOrderArrivingLateMakesRepeats) {
  // Ann's first recorded orders are on day 5, through two channels: new
  // to both.
  Buy(40, kAnn, kWeb, kD0 + 5 * kDay, 10);
  Buy(41, kAnn, kDealerB, kD0 + 5 * kDay + kHour, 10);
  EXPECT_EQ(Only(kWeb, kD0, kD0 + 9 * kDay).new_customers, 1);
  EXPECT_EQ(Only(kDealerB, kD0, kD0 + 9 * kDay).new_customers, 1);
  // Then an order of day 2 arrives: day 5's buyer-days become repeats.
  Buy(42, kAnn, kAgent, kD0 + 2 * kDay, 10);
  for (uint64_t channel : {kWeb, kDealerB}) {
    ChannelReportRow row = Only(channel, kD0, kD0 + 9 * kDay);
    EXPECT_EQ(row.buying_customers, 1) << channel;
    EXPECT_EQ(row.new_customers, 0) << channel;
    EXPECT_EQ(row.repeat_customers, 1) << channel;
  }
  EXPECT_EQ(Only(kAgent, kD0, kD0 + 9 * kDay).new_customers, 1);
  // Within one batch too, the late order seeing the batch's own orders.
  std::vector<Event> batch = {
      NewOrder(43, kCat, kWeb, kD0 + 7 * kDay, 1),
      NewOrder(44, kCat, kWeb, kD0 + 7 * kDay + kHour, 1),
      NewOrder(45, kCat, kDealerB, kD0 + 6 * kDay, 1)};
  std::vector<Status> statuses;
  Ok(store_->ApplyBatch(batch, &statuses));
  for (const Status& s : statuses) Ok(s);
  auto day7 = Report(kWeb, kD0 + 7 * kDay, kD0 + 8 * kDay, true);
  ASSERT_EQ(day7.size(), 1u);
  EXPECT_EQ(day7[0].buying_customers, 1);
  EXPECT_EQ(day7[0].orders, 2);
  EXPECT_EQ(day7[0].new_customers, 0);
  EXPECT_EQ(day7[0].repeat_customers, 1);
  ExpectVerifyClean();
}

TEST_P(ChannelReportTest, CrossChannelFollowsTheCurrentOwner) {
  Buy(50, kAnn, kWeb, kD0, 10);
  Buy(51, kAnn, kDealerA, kD0, 10);  // its owner: not cross-channel
  Buy(52, kAnn, kAgent, kD0 + kDay, 10);
  auto in = [this](uint64_t ch) {
    return Only(ch, kD0, kD0 + 2 * kDay, false).cross_channel_in;
  };
  auto out = [this](uint64_t ch) {
    return Only(ch, kD0, kD0 + 2 * kDay, false).cross_channel_out;
  };
  EXPECT_EQ(in(kWeb), 1);
  EXPECT_EQ(in(kAgent), 1);  // a child of the owner is another channel
  EXPECT_EQ(out(kDealerA), 2);
  // The subtree of the owner holds the agent's in and the owner's out.
  ChannelReportRow tree = Only(kDealerA, kD0, kD0 + 2 * kDay);
  EXPECT_EQ(tree.cross_channel_in, 1);
  EXPECT_EQ(tree.cross_channel_out, 2);

  CustomerPatch patch;
  patch.owner_channel_id = kWeb;
  Ok(store_->UpdateCustomer(kAnn, patch));
  EXPECT_EQ(in(kWeb), 0);
  EXPECT_EQ(in(kDealerA), 1);
  EXPECT_EQ(in(kAgent), 1);
  EXPECT_EQ(out(kDealerA), 0);
  EXPECT_EQ(out(kWeb), 2);
  patch.owner_channel_id = 0;
  Ok(store_->UpdateCustomer(kAnn, patch));
  EXPECT_EQ(out(kWeb), 0);
  EXPECT_EQ(in(kDealerA), 0);
  ExpectVerifyClean();
}

TEST_P(ChannelReportTest, MedianResolveTimeIsTheLowerMiddle) {
  std::vector<int64_t> hours = {5, 1, 9, 3};
  for (size_t i = 0; i < hours.size(); ++i) {
    // Alternate channels of kDealerA's subtree.
    uint64_t channel = i % 2 ? kAgent : kDealerA;
    uint64_t id =
        Interact(kBob, channel, kD0, InteractionKind::kComplaint, {}, {});
    Ok(store_->ResolveInteraction(id, kD0 + hours[i] * kHour));
  }
  EXPECT_EQ(Only(kDealerA, kD0, kD0 + kDay).median_resolve_ms,
            3 * kHour);  // of 1, 3, 5, 9
  EXPECT_EQ(Only(kDealerA, kD0, kD0 + kDay, false).median_resolve_ms,
            5 * kHour);                                               // of 5, 9
  EXPECT_EQ(Only(kAgent, kD0, kD0 + kDay).median_resolve_ms, kHour);  // 1, 3
  EXPECT_EQ(Only(kWeb, kD0, kD0 + kDay).median_resolve_ms, std::nullopt);
  ExpectVerifyClean();
}

TEST_P(ChannelReportTest, ComplaintRecordedAlreadyResolvedCountsAsResolved) {
  Interaction closed =
      NewInteraction(kBob, kWeb, kD0 + kHour, InteractionKind::kComplaint);
  closed.resolved_at_ms = kD0 + 2 * kDay;
  ASSERT_TRUE(store_->RecordInteraction(closed).ok());
  EXPECT_EQ(Only(kWeb, kD0, kD0 + kDay).complaints_opened, 1);
  EXPECT_EQ(Only(kWeb, kD0, kD0 + kDay).complaints_resolved, 0);
  ChannelReportRow resolved = Only(kWeb, kD0 + 2 * kDay, kD0 + 3 * kDay);
  EXPECT_EQ(resolved.complaints_resolved, 1);
  EXPECT_EQ(resolved.median_resolve_ms, 2 * kDay - kHour);
  ExpectVerifyClean();
}

TEST_P(ChannelReportTest, BadQueriesAreRejectedNamingTheField) {
  ChannelReportQuery q;
  q.from_ms = kD0;
  q.to_ms = kD0;
  EXPECT_TRUE(FailsNaming(store_->GetChannelReport(q).status(),
                          StatusCode::kInvalidArgument,
                          "query.from_ms: " + std::to_string(kD0)));
  q.to_ms = kD0 - 1;
  EXPECT_TRUE(FailsNaming(store_->GetChannelReport(q).status(),
                          StatusCode::kInvalidArgument, "query.from_ms"));
  q.to_ms = kD0 + kDay;
  q.channel_id = 77;
  EXPECT_TRUE(FailsNaming(store_->GetChannelReport(q).status(),
                          StatusCode::kNotFound, "query.channel_id: 77"));
}

TEST_P(ChannelReportTest, ViewCustomerShowsTheNewestTwentyOfEach) {
  for (uint64_t k = 0; k < 25; ++k) {
    Buy(1000 + k, kAnn, kWeb, kD0 + static_cast<int64_t>(k) * kHour, 10);
  }
  for (int64_t k = 0; k < 22; ++k) {
    Interact(kAnn, kWeb, kD0 + k * kHour, InteractionKind::kCall, {}, {});
  }
  auto view = store_->ViewCustomer(kAnn);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->customer.profile.id, kAnn);
  EXPECT_EQ(view->customer.profile.owner_channel_id, kDealerA);
  EXPECT_EQ(view->customer.aggregates.order_count, 25);
  ASSERT_EQ(view->recent_orders.size(), 20u);
  EXPECT_EQ(view->recent_orders.front().id, 1024u);  // newest first
  EXPECT_EQ(view->recent_orders.back().id, 1005u);
  ASSERT_EQ(view->recent_interactions.size(), 20u);
  EXPECT_EQ(view->recent_interactions.front().ts_ms, kD0 + 21 * kHour);
  EXPECT_EQ(view->recent_interactions.back().ts_ms, kD0 + 2 * kHour);

  auto quiet = store_->ViewCustomer(kBob);
  ASSERT_TRUE(quiet.ok()) << quiet.status().ToString();
  EXPECT_TRUE(quiet->recent_orders.empty());
  EXPECT_TRUE(quiet->recent_interactions.empty());
  EXPECT_TRUE(FailsNaming(store_->ViewCustomer(999).status(),
                          StatusCode::kNotFound, "999"));
}

TEST_P(ChannelReportTest, RandomWorkloadMatchesBruteForce) {
  constexpr uint32_t kSeed = 20261123;
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  std::mt19937_64 rng(kSeed);
  auto pick = [&rng](int64_t lo, int64_t hi) {  // [lo, hi]
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  constexpr uint64_t kChannels[] = {kRoot, kDealerA, kDealerB, kAgent, kWeb};
  auto channel = [&] { return kChannels[pick(0, 4)]; };
  std::vector<uint64_t> customers = {kAnn, kBob, kCat};
  for (uint64_t id = 1000; id < 1040; ++id) {
    Customer c;
    c.id = id;
    c.owner_channel_id = pick(0, 2) == 0 ? 0 : channel();
    ASSERT_TRUE(store_->CreateCustomer(c).ok());
    customers.push_back(id);
  }
  auto customer = [&] { return customers[pick(0, customers.size() - 1)]; };
  auto ts = [&] { return kD0 + pick(0, 30 * kDay - 1); };

  std::vector<uint64_t> order_ids;
  std::vector<uint64_t> interaction_ids;
  uint64_t next_order = 1;
  int applied = 0;
  for (int round = 0; round < 30; ++round) {
    std::vector<Event> events;
    for (int k = 0; k < 100; ++k) {
      const int64_t what = pick(0, 99);
      if (what < 35) {
        Order o = NewOrder(next_order++, customer(), channel(), ts(),
                           pick(0, 5000), static_cast<OrderStatus>(pick(1, 3)));
        if (pick(0, 9) == 0) o.kind = OrderKind::kCreditNote;
        if (o.kind == OrderKind::kCreditNote)
          o.status = OrderStatus::kCompleted;
        order_ids.push_back(o.id);
        events.push_back(o);
      } else if (what < 45 && !order_ids.empty()) {
        OrderStatusChange change;
        change.order_id = order_ids[pick(0, order_ids.size() - 1)];
        change.status = static_cast<OrderStatus>(pick(2, 5));
        events.emplace_back(std::in_place_type<OrderStatusChange>, change);
      } else if (what < 55 && !order_ids.empty()) {
        OrderRefund refund;
        refund.order_id = order_ids[pick(0, order_ids.size() - 1)];
        refund.amount_minor = pick(1, 2000);
        events.emplace_back(std::in_place_type<OrderRefund>, refund);
      } else if (what < 85) {
        Interaction i =
            NewInteraction(customer(), pick(0, 5) == 0 ? 0 : channel(), ts(),
                           static_cast<InteractionKind>(pick(1, 9)));
        if (pick(0, 1)) i.satisfaction = static_cast<int32_t>(pick(1, 5));
        if (pick(0, 1)) i.nps = static_cast<int32_t>(pick(0, 10));
        i.id = 100000 + interaction_ids.size();
        interaction_ids.push_back(i.id);
        events.push_back(i);
      } else if (what < 97 && !interaction_ids.empty()) {
        // Resolved up to three days after (or, failing, before) its ts.
        auto got = store_->GetInteraction(
            interaction_ids[pick(0, interaction_ids.size() - 1)]);
        if (!got.ok()) continue;  // recorded later in this batch
        events.push_back(InteractionResolution{
            got->id, got->ts_ms + pick(-kHour, 3 * kDay)});
      } else {
        CustomerPatch patch;
        patch.owner_channel_id = pick(0, 2) == 0 ? 0 : channel();
        ASSERT_TRUE(store_->UpdateCustomer(customer(), patch).ok());
      }
    }
    std::vector<Status> statuses;
    // Half the rounds one batch, half one event at a time.
    if (round % 2 == 0) {
      ASSERT_TRUE(store_->ApplyBatch(events, &statuses).ok());
    } else {
      for (const Event& e : events) {
        std::vector<Status> one;
        ASSERT_TRUE(store_->ApplyBatch({e}, &one).ok());
        statuses.push_back(one[0]);
      }
    }
    for (const Status& s : statuses) applied += s.ok();
  }
  EXPECT_GT(applied, 1500);

  test::ChannelReportBruteForce brute(*store_, customers);
  struct Range {
    int64_t from, to;
  };
  const Range ranges[] = {{INT64_MIN, INT64_MAX},
                          {kD0, kD0 + 7 * kDay},
                          {kD0 + 3 * kDay + kHour, kD0 + 17 * kDay - kHour},
                          {kD0 + 29 * kDay, kD0 + 40 * kDay},
                          {kD0 + 5 * kDay, kD0 + 6 * kDay}};
  for (const Range& range : ranges) {
    for (uint64_t ch : {uint64_t{0}, kRoot, kDealerA, kAgent, kWeb}) {
      for (bool by_day : {false, true}) {
        for (bool subtree : {true, false}) {
          ChannelReportQuery q;
          q.channel_id = ch;
          q.from_ms = range.from;
          q.to_ms = range.to;
          q.by_day = by_day;
          q.include_subtree = subtree;
          auto got = store_->GetChannelReport(q);
          ASSERT_TRUE(got.ok()) << got.status().ToString();
          EXPECT_TRUE(test::ChannelRowsEqual(brute.Report(q), got->rows))
              << "channel " << ch << " [" << range.from << ", " << range.to
              << ") by_day " << by_day << " subtree " << subtree;
        }
      }
    }
  }
  ExpectVerifyClean();
  // And the same after reopening from tables (merges folded by flushes).
  ASSERT_TRUE(factory().Flush(*store_).ok());
  store_.reset();
  store_ = OpenTestStore(factory(), dir_.Sub("db"));
  ASSERT_NE(store_, nullptr);
  ChannelReportQuery all;
  all.channel_id = kRoot;
  auto reopened = store_->GetChannelReport(all);
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE(test::ChannelRowsEqual(brute.Report(all), reopened->rows));
  ExpectVerifyClean();
}

INSTANTIATE_TEST_SUITE_P(Store, ChannelReportTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
