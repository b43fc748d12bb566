// Interactions through the public API: recording, validation, resolution of
// complaints and tickets, and their effect on the aggregates (store.h,
// types.h).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "custdb/store.h"
#include "store/store_factory.h"
#include "support/reference_model.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::Fingerprint;
using test::kTestNowMs;
using test::OpenTestStore;
using test::TempDir;
using test::refmodel::CoreAggregatesMatch;
using test::refmodel::FailsNaming;
using test::refmodel::HasCode;
using test::refmodel::InteractionToString;

constexpr uint64_t kDesk = 4;
constexpr uint64_t kAnn = 100;
constexpr uint64_t kBob = 200;
constexpr int64_t kHour = 3600000;

Interaction MakeInteraction(uint64_t customer_id, int64_t ts_ms,
                            InteractionKind kind = InteractionKind::kCall) {
  return test::NewInteraction(customer_id, kDesk, ts_ms, kind);
}

class InteractionTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = OpenTestStore(factory(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    Channel desk;
    desk.id = kDesk;
    desk.name = "help desk";
    desk.type = ChannelType::kTelemarketing;
    ASSERT_TRUE(store_->PutChannel(desk).ok());
    for (uint64_t id : {kAnn, kBob}) {
      Customer c;
      c.id = id;
      ASSERT_TRUE(store_->CreateCustomer(c).ok());
    }
  }

  // Records `i` and returns its id; fails the test on error.
  uint64_t Record(const Interaction& i) {
    auto id = store_->RecordInteraction(i);
    EXPECT_TRUE(id.ok()) << id.status().ToString() << " for "
                         << InteractionToString(i);
    return id.ok() ? *id : 0;
  }

  Aggregates AggregatesOf(uint64_t customer_id) {
    auto got = store_->GetCustomer(customer_id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? got->aggregates : Aggregates{};
  }

  Interaction Get(uint64_t id) {
    return test::ValueOf(store_->GetInteraction(id));
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(InteractionTest, EngineAssignsDistinctIdsAndStoresEveryField) {
  std::set<uint64_t> ids;
  for (int n = 0; n < 30; ++n) {
    Interaction i = MakeInteraction(n % 2 ? kAnn : kBob, kTestNowMs - n * kHour,
                                    static_cast<InteractionKind>(1 + n % 9));
    uint64_t id = Record(i);
    EXPECT_NE(id, 0u);
    EXPECT_TRUE(ids.insert(id).second) << "id reused: " << id;
  }
  Interaction full =
      MakeInteraction(kAnn, kTestNowMs - 5 * kHour, InteractionKind::kTicket);
  full.satisfaction = 4;
  full.nps = 9;
  full.staff_id = "agent-17";
  full.note = "printer on fire";
  full.resolved_at_ms = kTestNowMs - 4 * kHour;
  full.id = Record(full);
  EXPECT_EQ(InteractionToString(Get(full.id)), InteractionToString(full));
  EXPECT_TRUE(HasCode(store_->GetInteraction(full.id + 1000000).status(),
                      StatusCode::kNotFound));
  auto counts = factory().Counts(*store_);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->interactions, 31);
}

TEST_P(InteractionTest, GivenIdIsHonouredAndDuplicateIsAlreadyExists) {
  Interaction i = MakeInteraction(kAnn, kTestNowMs - kHour);
  i.id = 777;
  EXPECT_EQ(Record(i), 777u);
  const std::string before = Fingerprint(factory(), *store_);
  Interaction again = MakeInteraction(kBob, kTestNowMs);
  again.id = 777;
  again.nps = 10;
  EXPECT_TRUE(HasCode(store_->RecordInteraction(again).status(),
                      StatusCode::kAlreadyExists));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  // An engine-assigned id never collides with a given one.
  for (int n = 0; n < 20; ++n) {
    EXPECT_NE(Record(MakeInteraction(kBob, kTestNowMs)), 777u);
  }
}

TEST_P(InteractionTest, InteractionsUpdateAggregates) {
  const int64_t t1 = kTestNowMs - 10 * kHour;
  const int64_t t2 = kTestNowMs - 5 * kHour;
  Interaction a = MakeInteraction(kAnn, t2);
  a.satisfaction = 4;
  a.nps = 8;
  Record(a);
  Interaction b = MakeInteraction(kAnn, t1, InteractionKind::kSurvey);
  b.satisfaction = 2;
  b.nps = 3;  // older than a: last_nps stays 8
  Record(b);
  Interaction c = MakeInteraction(kAnn, t1 + kHour, InteractionKind::kEmail);
  c.channel_id = 0;  // no channel is fine
  Record(c);
  Aggregates expected;
  expected.interaction_count = 3;
  expected.last_interaction_ms = t2;
  expected.last_activity_ms = t2;
  expected.satisfaction_sum = 6;
  expected.satisfaction_count = 2;
  expected.last_nps = 8;
  expected.last_nps_ms = t2;
  EXPECT_TRUE(CoreAggregatesMatch(expected, AggregatesOf(kAnn)));
  EXPECT_TRUE(CoreAggregatesMatch(Aggregates{}, AggregatesOf(kBob)));
}

TEST_P(InteractionTest, LastNpsTiesOnTimestampGoToTheLargerId) {
  const int64_t t = kTestNowMs - kHour;
  Interaction first = MakeInteraction(kAnn, t);
  first.nps = 2;
  Record(first);
  Interaction second = MakeInteraction(kAnn, t, InteractionKind::kSurvey);
  second.nps = 9;
  Record(second);
  Interaction without = MakeInteraction(kAnn, t + kHour);  // carries no NPS
  Record(without);
  Aggregates a = AggregatesOf(kAnn);
  EXPECT_EQ(a.last_nps, 9);
  EXPECT_EQ(a.last_nps_ms, t);
  EXPECT_EQ(a.last_interaction_ms, t + kHour);

  // Caller-chosen ids: a smaller id written later does not win the tie.
  Interaction big = MakeInteraction(kAnn, t + 2 * kHour);
  big.id = 1000100;
  big.nps = 7;
  Record(big);
  Interaction small = MakeInteraction(kAnn, t + 2 * kHour);
  small.id = 1000050;
  small.nps = 1;
  Record(small);
  a = AggregatesOf(kAnn);
  EXPECT_EQ(a.last_nps, 7);
  EXPECT_EQ(a.last_nps_id, 1000100u);
}

TEST_P(InteractionTest, ActivityIsLatestOfOrdersAndInteractions) {
  Channel shop;
  shop.id = 9;
  shop.name = "shop";
  ASSERT_TRUE(store_->PutChannel(shop).ok());
  Order o;
  o.id = 1;
  o.customer_id = kAnn;
  o.channel_id = 9;
  o.ts_ms = kTestNowMs - 2 * kHour;
  o.amount_minor = 100;
  ASSERT_TRUE(store_->RecordOrder(o).ok());
  Record(MakeInteraction(kAnn, kTestNowMs - 3 * kHour));
  Aggregates a = AggregatesOf(kAnn);
  EXPECT_EQ(a.last_order_ms, kTestNowMs - 2 * kHour);
  EXPECT_EQ(a.last_interaction_ms, kTestNowMs - 3 * kHour);
  EXPECT_EQ(a.last_activity_ms, kTestNowMs - 2 * kHour);
  Record(MakeInteraction(kAnn, kTestNowMs - kHour));
  a = AggregatesOf(kAnn);
  EXPECT_EQ(a.last_interaction_ms, kTestNowMs - kHour);
  EXPECT_EQ(a.last_activity_ms, kTestNowMs - kHour);
}

struct InteractionCase {
  const char* what;
  std::function<void(Interaction*)> mutate;
  const char* field;
};

TEST_P(InteractionTest,
       InvalidInteractionIsRejectedNamingFieldAndWritesNothing) {
  Record(MakeInteraction(kAnn, kTestNowMs - kHour));
  const std::vector<InteractionCase> cases = {
      {"kind 0",
       [](Interaction* i) { i->kind = static_cast<InteractionKind>(0); },
       "kind"},
      {"kind 10",
       [](Interaction* i) { i->kind = static_cast<InteractionKind>(10); },
       "kind"},
      {"satisfaction 0", [](Interaction* i) { i->satisfaction = 0; },
       "satisfaction"},
      {"satisfaction 6", [](Interaction* i) { i->satisfaction = 6; },
       "satisfaction"},
      {"nps -1", [](Interaction* i) { i->nps = -1; }, "nps"},
      {"nps 11", [](Interaction* i) { i->nps = 11; }, "nps"},
      {"staff id of 65 bytes",
       [](Interaction* i) { i->staff_id = std::string(65, 's'); }, "staff_id"},
      {"note of 4097 bytes",
       [](Interaction* i) { i->note = std::string(4097, 'n'); }, "note"},
      {"unknown channel", [](Interaction* i) { i->channel_id = 999; },
       "channel_id"},
      {"resolved call",
       [](Interaction* i) { i->resolved_at_ms = i->ts_ms + 1; }, "resolved_at"},
      {"complaint resolved before it was made",
       [](Interaction* i) {
         i->kind = InteractionKind::kComplaint;
         i->resolved_at_ms = i->ts_ms - 1;
       },
       "resolved_at"},
  };
  const std::string before = Fingerprint(factory(), *store_);
  for (const InteractionCase& tc : cases) {
    SCOPED_TRACE(tc.what);
    Interaction i = MakeInteraction(kAnn, kTestNowMs - 2 * kHour);
    i.id = 5555;
    tc.mutate(&i);
    EXPECT_TRUE(FailsNaming(store_->RecordInteraction(i).status(),
                            StatusCode::kInvalidArgument, tc.field));
    EXPECT_EQ(Fingerprint(factory(), *store_), before);
    EXPECT_TRUE(
        HasCode(store_->GetInteraction(5555).status(), StatusCode::kNotFound));
  }
}

TEST_P(InteractionTest, InteractionOfUnknownCustomerIsNotFound) {
  const std::string before = Fingerprint(factory(), *store_);
  EXPECT_TRUE(HasCode(
      store_->RecordInteraction(MakeInteraction(999, kTestNowMs)).status(),
      StatusCode::kNotFound));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
}

TEST_P(InteractionTest, BoundaryValuesAreAccepted) {
  Interaction low = MakeInteraction(kAnn, kTestNowMs - kHour);
  low.satisfaction = 1;
  low.nps = 0;
  low.staff_id = std::string(64, 's');
  low.note = std::string(4096, 'n');
  low.id = Record(low);
  EXPECT_EQ(InteractionToString(Get(low.id)), InteractionToString(low));
  Interaction high =
      MakeInteraction(kAnn, kTestNowMs - 2 * kHour, InteractionKind::kFeedback);
  high.satisfaction = 5;
  high.nps = 10;
  Record(high);
  Interaction same_time =
      MakeInteraction(kAnn, kTestNowMs - kHour, InteractionKind::kComplaint);
  same_time.resolved_at_ms = same_time.ts_ms;  // resolved at once
  Record(same_time);
  Aggregates a = AggregatesOf(kAnn);
  EXPECT_EQ(a.satisfaction_sum, 6);
  EXPECT_EQ(a.satisfaction_count, 2);
  EXPECT_EQ(a.last_nps, 0);  // low is the latest with an NPS
  EXPECT_EQ(a.complaint_count, 1);
  EXPECT_EQ(a.open_complaint_count, 0);
}

TEST_P(InteractionTest, ResolvingComplaintSetsResolvedAtAndClosesIt) {
  const int64_t t = kTestNowMs - 10 * kHour;
  uint64_t first =
      Record(MakeInteraction(kAnn, t, InteractionKind::kComplaint));
  uint64_t second =
      Record(MakeInteraction(kAnn, t + kHour, InteractionKind::kComplaint));
  Aggregates open = AggregatesOf(kAnn);
  EXPECT_EQ(open.complaint_count, 2);
  EXPECT_EQ(open.open_complaint_count, 2);
  EXPECT_EQ(open.interaction_count, 2);

  ASSERT_TRUE(store_->ResolveInteraction(first, t + 2 * kHour).ok());
  Interaction got = Get(first);
  ASSERT_TRUE(got.resolved_at_ms.has_value());
  EXPECT_EQ(*got.resolved_at_ms, t + 2 * kHour);
  EXPECT_FALSE(Get(second).resolved_at_ms.has_value());
  // Only open_complaint_count moves: a resolution is not an interaction.
  Aggregates expected = open;
  expected.open_complaint_count = 1;
  EXPECT_TRUE(CoreAggregatesMatch(expected, AggregatesOf(kAnn)));

  ASSERT_TRUE(store_->ResolveInteraction(second, t + kHour).ok());  // == ts
  expected.open_complaint_count = 0;
  EXPECT_TRUE(CoreAggregatesMatch(expected, AggregatesOf(kAnn)));
}

TEST_P(InteractionTest, ResolvingTicketLeavesComplaintCountsAlone) {
  const int64_t t = kTestNowMs - 10 * kHour;
  uint64_t ticket = Record(MakeInteraction(kAnn, t, InteractionKind::kTicket));
  Record(MakeInteraction(kAnn, t, InteractionKind::kComplaint));
  Aggregates before = AggregatesOf(kAnn);
  EXPECT_EQ(before.complaint_count, 1);
  EXPECT_EQ(before.open_complaint_count, 1);
  ASSERT_TRUE(store_->ResolveInteraction(ticket, t + kHour).ok());
  EXPECT_EQ(*Get(ticket).resolved_at_ms, t + kHour);
  EXPECT_TRUE(CoreAggregatesMatch(before, AggregatesOf(kAnn)));
}

TEST_P(InteractionTest, ResolvingTwiceIsFailedPrecondition) {
  const int64_t t = kTestNowMs - 10 * kHour;
  uint64_t id = Record(MakeInteraction(kAnn, t, InteractionKind::kComplaint));
  ASSERT_TRUE(store_->ResolveInteraction(id, t + kHour).ok());
  const std::string before = Fingerprint(factory(), *store_);
  EXPECT_TRUE(HasCode(store_->ResolveInteraction(id, t + 2 * kHour),
                      StatusCode::kFailedPrecondition));
  EXPECT_EQ(*Get(id).resolved_at_ms, t + kHour);
  // Also when it was recorded already resolved.
  Interaction closed = MakeInteraction(kBob, t, InteractionKind::kTicket);
  closed.resolved_at_ms = t;
  uint64_t closed_id = Record(closed);
  const std::string with_closed = Fingerprint(factory(), *store_);
  EXPECT_TRUE(HasCode(store_->ResolveInteraction(closed_id, t + kHour),
                      StatusCode::kFailedPrecondition));
  EXPECT_EQ(Fingerprint(factory(), *store_), with_closed);
  EXPECT_NE(with_closed, before);
}

TEST_P(InteractionTest, ResolvingOtherKindsIsFailedPrecondition) {
  const int64_t t = kTestNowMs - 10 * kHour;
  std::vector<uint64_t> ids;
  for (InteractionKind kind :
       {InteractionKind::kCall, InteractionKind::kEmail,
        InteractionKind::kVisit, InteractionKind::kChat,
        InteractionKind::kSocial, InteractionKind::kSurvey,
        InteractionKind::kFeedback}) {
    ids.push_back(Record(MakeInteraction(kAnn, t, kind)));
  }
  const std::string before = Fingerprint(factory(), *store_);
  for (uint64_t id : ids) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(HasCode(store_->ResolveInteraction(id, t + kHour),
                        StatusCode::kFailedPrecondition));
  }
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
}

TEST_P(InteractionTest, ResolvingBeforeItsTimestampIsInvalidArgument) {
  const int64_t t = kTestNowMs - 10 * kHour;
  uint64_t id = Record(MakeInteraction(kAnn, t, InteractionKind::kComplaint));
  const std::string before = Fingerprint(factory(), *store_);
  EXPECT_TRUE(FailsNaming(store_->ResolveInteraction(id, t - 1),
                          StatusCode::kInvalidArgument, "resolved_at"));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  EXPECT_FALSE(Get(id).resolved_at_ms.has_value());
  EXPECT_EQ(AggregatesOf(kAnn).open_complaint_count, 1);
}

TEST_P(InteractionTest, ResolvingUnknownInteractionIsNotFound) {
  EXPECT_TRUE(HasCode(store_->ResolveInteraction(424242, kTestNowMs),
                      StatusCode::kNotFound));
}

TEST_P(InteractionTest, OpenComplaintCountTracksRecordsAndResolutions) {
  const int64_t t = kTestNowMs - 100 * kHour;
  std::vector<uint64_t> complaints;
  int64_t open = 0;
  for (int n = 0; n < 6; ++n) {
    Interaction c =
        MakeInteraction(kAnn, t + n * kHour, InteractionKind::kComplaint);
    if (n == 2) c.resolved_at_ms = c.ts_ms + kHour;  // closed on arrival
    complaints.push_back(Record(c));
    if (n != 2) ++open;
    EXPECT_EQ(AggregatesOf(kAnn).open_complaint_count, open);
  }
  for (int n : {4, 0, 5}) {
    ASSERT_TRUE(store_->ResolveInteraction(complaints[n], t + 10 * kHour).ok());
    --open;
    EXPECT_EQ(AggregatesOf(kAnn).open_complaint_count, open);
  }
  Aggregates a = AggregatesOf(kAnn);
  EXPECT_EQ(a.complaint_count, 6);
  EXPECT_EQ(a.open_complaint_count, 2);
  store_.reset();
  store_ = OpenTestStore(factory(), dir_.Sub("db"));
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(CoreAggregatesMatch(a, AggregatesOf(kAnn)));
  ASSERT_TRUE(store_->ResolveInteraction(complaints[1], t + 11 * kHour).ok());
  EXPECT_EQ(AggregatesOf(kAnn).open_complaint_count, 1);
  EXPECT_TRUE(HasCode(store_->ResolveInteraction(complaints[4], t + 11 * kHour),
                      StatusCode::kFailedPrecondition));
}

INSTANTIATE_TEST_SUITE_P(Store, InteractionTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
