// ApplyBatch (and Engine::ApplyBatchUnlogged, through the factory): per-event
// statuses, failed events write nothing, later events see earlier ones
// (store.h).
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <variant>
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
using test::refmodel::ApplyOne;
using test::refmodel::CoreAggregatesMatch;
using test::refmodel::HasCode;

constexpr uint64_t kShop = 1;
constexpr int64_t kHour = 3600000;

Customer MakeCustomer(uint64_t id, const std::string& code) {
  Customer c;
  c.id = id;
  c.code = code;
  c.created_at_ms = kTestNowMs - 1000 * kHour;
  return c;
}

Order MakeOrder(uint64_t id, uint64_t customer_id, int64_t ts_ms,
                int64_t amount_minor,
                OrderStatus status = OrderStatus::kCompleted) {
  return test::NewOrder(id, customer_id, kShop, ts_ms, amount_minor, status);
}

Interaction MakeInteraction(uint64_t id, uint64_t customer_id, int64_t ts_ms,
                            InteractionKind kind) {
  Interaction i =
      test::NewInteraction(customer_id, /*channel_id=*/0, ts_ms, kind);
  i.id = id;
  return i;
}

class BatchTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = Open(dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<Store> Open(const std::string& path) {
    std::unique_ptr<Store> store = OpenTestStore(factory(), path);
    if (store == nullptr) return nullptr;
    Channel shop;
    shop.id = kShop;
    shop.name = "shop";
    EXPECT_TRUE(store->PutChannel(shop).ok());
    return store;
  }

  Aggregates AggregatesOf(uint64_t customer_id) {
    auto got = store_->GetCustomer(customer_id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? got->aggregates : Aggregates{};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// Checks `statuses` against the expected codes, event by event.
void ExpectCodes(const std::vector<Status>& statuses,
                 const std::vector<StatusCode>& expected) {
  ASSERT_EQ(statuses.size(), expected.size());
  for (size_t n = 0; n < expected.size(); ++n) {
    EXPECT_TRUE(HasCode(statuses[n], expected[n])) << "event " << n;
  }
}

TEST_P(BatchTest, MixedBatchReportsEachEventAndAppliesOnlyGoodOnes) {
  ASSERT_TRUE(store_->CreateCustomer(MakeCustomer(1, "ONE")).ok());
  const int64_t t = kTestNowMs - 10 * kHour;
  Interaction bad_score = MakeInteraction(0, 1, t, InteractionKind::kSurvey);
  bad_score.satisfaction = 9;
  Order bad_currency = MakeOrder(13, 1, t, 100);
  bad_currency.currency = "GBP";
  std::vector<Event> events = {
      MakeCustomer(2, "TWO"),                         // 0 ok
      MakeOrder(10, 2, t, 1000, OrderStatus::kPaid),  // 1 ok: sees 0
      MakeOrder(10, 1, t, 5),                         // 2 dup order
      MakeOrder(11, 999, t, 5),                       // 3 no customer
      MakeInteraction(50, 2, t + kHour, InteractionKind::kComplaint),  // 4 ok
      InteractionResolution{50, t + 2 * kHour},        // 5 ok: sees 4
      OrderStatusChange{10, OrderStatus::kCompleted},  // 6 ok: sees 1
      OrderRefund{10, 400},                            // 7 ok
      bad_score,                                       // 8 invalid
      MakeCustomer(3, "ONE"),                          // 9 code taken
      OrderRefund{10, 601},                            // 10 over-refund
      bad_currency,                                    // 11 invalid
      OrderStatusChange{10, OrderStatus::kPlaced},     // 12 forbidden
      InteractionResolution{50, t + 3 * kHour},        // 13 twice
      MakeOrder(12, 1, t - kHour, 70),                 // 14 ok
  };
  std::vector<Status> statuses;
  ASSERT_TRUE(store_->ApplyBatch(events, &statuses).ok());
  using C = StatusCode;
  ExpectCodes(statuses,
              {C::kOk, C::kOk, C::kAlreadyExists, C::kNotFound, C::kOk, C::kOk,
               C::kOk, C::kOk, C::kInvalidArgument, C::kAlreadyExists,
               C::kInvalidArgument, C::kInvalidArgument, C::kFailedPrecondition,
               C::kFailedPrecondition, C::kOk});

  Aggregates two;
  two.order_count = 1;
  two.completed_order_count = 1;
  two.total_spend_minor = 600;
  two.first_order_ms = t;
  two.last_order_ms = t;
  two.last_interaction_ms = t + kHour;
  two.last_activity_ms = t + kHour;
  two.interaction_count = 1;
  two.complaint_count = 1;
  EXPECT_TRUE(CoreAggregatesMatch(two, AggregatesOf(2)));
  Aggregates one;
  one.order_count = 1;
  one.completed_order_count = 1;
  one.total_spend_minor = 70;
  one.first_order_ms = t - kHour;
  one.last_order_ms = t - kHour;
  one.last_activity_ms = t - kHour;
  EXPECT_TRUE(CoreAggregatesMatch(one, AggregatesOf(1)));
  EXPECT_TRUE(HasCode(store_->GetCustomer(3).status(), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->GetOrder(11).status(), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->GetOrder(13).status(), StatusCode::kNotFound));
  auto order = store_->GetOrder(10);
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->customer_id, 2u);
  EXPECT_EQ(order->status, OrderStatus::kCompleted);
  EXPECT_EQ(order->refunded_minor, 400);
  auto complaint = store_->GetInteraction(50);
  ASSERT_TRUE(complaint.ok());
  ASSERT_TRUE(complaint->resolved_at_ms.has_value());
  EXPECT_EQ(*complaint->resolved_at_ms, t + 2 * kHour);
  auto counts = factory().Counts(*store_);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->customers, 2);
  EXPECT_EQ(counts->orders, 2);
  EXPECT_EQ(counts->interactions, 1);
}

TEST_P(BatchTest, DuplicatesWithinOneBatchAreAlreadyExists) {
  const int64_t t = kTestNowMs - kHour;
  Customer with_email = MakeCustomer(2, "B");
  with_email.email = "x@example.com";
  Customer same_email = MakeCustomer(3, "C");
  same_email.email = " X@Example.com";
  std::vector<Event> events = {
      MakeCustomer(1, "A"),
      MakeOrder(7, 1, t, 100),
      MakeOrder(7, 1, t, 900),  // same order id again
      MakeCustomer(1, "Z"),     // same customer id again
      with_email,
      same_email,
      MakeInteraction(9, 1, t, InteractionKind::kCall),
      MakeInteraction(9, 1, t, InteractionKind::kChat),
  };
  std::vector<Status> statuses;
  ASSERT_TRUE(store_->ApplyBatch(events, &statuses).ok());
  using C = StatusCode;
  ExpectCodes(statuses, {C::kOk, C::kOk, C::kAlreadyExists, C::kAlreadyExists,
                         C::kOk, C::kAlreadyExists, C::kOk, C::kAlreadyExists});
  EXPECT_EQ(AggregatesOf(1).total_spend_minor, 100);
  EXPECT_EQ(AggregatesOf(1).order_count, 1);
  EXPECT_EQ(AggregatesOf(1).interaction_count, 1);
  auto one = store_->GetCustomer(1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->profile.code, "A");
  EXPECT_TRUE(HasCode(store_->GetCustomer(3).status(), StatusCode::kNotFound));
  EXPECT_TRUE(
      HasCode(store_->GetCustomerByCode("Z").status(), StatusCode::kNotFound));
  auto interaction = store_->GetInteraction(9);
  ASSERT_TRUE(interaction.ok());
  EXPECT_EQ(interaction->kind, InteractionKind::kCall);
}

TEST_P(BatchTest, AllBadBatchWritesNothing) {
  ASSERT_TRUE(store_->CreateCustomer(MakeCustomer(1, "A")).ok());
  ASSERT_TRUE(store_->RecordOrder(MakeOrder(5, 1, kTestNowMs, 10)).ok());
  const std::string before = Fingerprint(factory(), *store_);
  Customer bad_customer = MakeCustomer(2, "B");
  bad_customer.birth_year = 1066;
  Order bad_order = MakeOrder(6, 1, kTestNowMs, 10);
  bad_order.amount_minor = -1;
  std::vector<Event> events = {
      bad_customer,
      bad_order,
      MakeOrder(5, 1, kTestNowMs, 10),
      MakeInteraction(0, 42, kTestNowMs, InteractionKind::kCall),
      OrderStatusChange{99, OrderStatus::kPaid},
      OrderRefund{5, 11},
      OrderRefund{5, 0},
  };
  std::vector<Status> statuses;
  ASSERT_TRUE(store_->ApplyBatch(events, &statuses).ok());
  using C = StatusCode;
  ExpectCodes(statuses, {C::kInvalidArgument, C::kInvalidArgument,
                         C::kAlreadyExists, C::kNotFound, C::kNotFound,
                         C::kInvalidArgument, C::kInvalidArgument});
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
}

TEST_P(BatchTest, EmptyBatchIsOk) {
  const std::string before = Fingerprint(factory(), *store_);
  std::vector<Status> statuses = {Status::Internal("stale")};
  ASSERT_TRUE(store_->ApplyBatch({}, &statuses).ok());
  EXPECT_TRUE(statuses.empty());
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
}

TEST_P(BatchTest, StatusesReplaceWhateverTheVectorHeld) {
  std::vector<Status> statuses(5, Status::Internal("stale"));
  std::vector<Event> events = {MakeCustomer(1, "A"), MakeCustomer(1, "A")};
  ASSERT_TRUE(store_->ApplyBatch(events, &statuses).ok());
  ExpectCodes(statuses, {StatusCode::kOk, StatusCode::kAlreadyExists});
}

TEST_P(BatchTest, EngineAssignsIdsInBatches) {
  std::vector<Event> events;
  for (int n = 0; n < 10; ++n) {
    Customer c;
    c.code = "C" + std::to_string(n);
    events.push_back(c);
  }
  std::vector<Status> statuses;
  ASSERT_TRUE(store_->ApplyBatch(events, &statuses).ok());
  ExpectCodes(statuses, std::vector<StatusCode>(10, StatusCode::kOk));
  std::set<uint64_t> ids;
  for (int n = 0; n < 10; ++n) {
    auto got = store_->GetCustomerByCode("C" + std::to_string(n));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_NE(got->profile.id, 0u);
    EXPECT_TRUE(ids.insert(got->profile.id).second);
  }
  // And interactions with id 0 get distinct ids.
  uint64_t customer = *ids.begin();
  events.clear();
  for (int n = 0; n < 10; ++n) {
    events.push_back(MakeInteraction(0, customer, kTestNowMs - n * kHour,
                                     InteractionKind::kVisit));
  }
  ASSERT_TRUE(store_->ApplyBatch(events, &statuses).ok());
  ExpectCodes(statuses, std::vector<StatusCode>(10, StatusCode::kOk));
  HistoryQuery q;
  q.customer_id = customer;
  auto page = store_->ListInteractions(q);
  ASSERT_TRUE(page.ok());
  std::set<uint64_t> interaction_ids;
  for (const Interaction& i : page->items) interaction_ids.insert(i.id);
  EXPECT_EQ(interaction_ids.size(), 10u);
  EXPECT_EQ(interaction_ids.count(0), 0u);
}

// The same events through single calls and through one batch end in the
// same state.
TEST_P(BatchTest, BatchEqualsSingleCalls) {
  const int64_t t = kTestNowMs - 100 * kHour;
  Interaction rated =
      MakeInteraction(21, 2, t + 5 * kHour, InteractionKind::kSurvey);
  rated.satisfaction = 3;
  rated.nps = 6;
  std::vector<Event> events = {
      MakeCustomer(1, "A"),
      MakeCustomer(2, "B"),
      MakeOrder(1, 1, t, 1000, OrderStatus::kPlaced),
      MakeOrder(2, 1, t + kHour, 2000, OrderStatus::kPaid),
      MakeOrder(3, 2, t + 2 * kHour, 300),
      OrderStatusChange{1, OrderStatus::kPaid},
      OrderRefund{2, 500},
      OrderStatusChange{2, OrderStatus::kCancelled},
      MakeInteraction(20, 1, t + 3 * kHour, InteractionKind::kComplaint),
      rated,
      InteractionResolution{20, t + 4 * kHour},
      MakeOrder(3, 1, t, 1),                     // duplicate
      OrderStatusChange{3, OrderStatus::kPaid},  // forbidden
  };
  std::vector<Status> batch_statuses;
  ASSERT_TRUE(store_->ApplyBatch(events, &batch_statuses).ok());

  TempDir other_dir;
  std::unique_ptr<Store> other = Open(other_dir.Sub("db"));
  ASSERT_NE(other, nullptr);
  std::vector<Status> single_statuses;
  for (const Event& event : events) {
    std::vector<Status> one;
    ASSERT_TRUE(other->ApplyBatch({event}, &one).ok());
    ASSERT_EQ(one.size(), 1u);
    single_statuses.push_back(one[0]);
  }
  // And the dedicated calls, on a third database.
  TempDir third_dir;
  std::unique_ptr<Store> third = Open(third_dir.Sub("db"));
  ASSERT_NE(third, nullptr);
  std::vector<Status> call_statuses;
  for (const Event& event : events) {
    uint64_t assigned = 0;
    call_statuses.push_back(ApplyOne(*third, event, &assigned));
  }
  ASSERT_EQ(batch_statuses.size(), events.size());
  ASSERT_EQ(single_statuses.size(), events.size());
  for (size_t n = 0; n < events.size(); ++n) {
    SCOPED_TRACE("event " + std::to_string(n));
    EXPECT_EQ(batch_statuses[n].code(), call_statuses[n].code())
        << batch_statuses[n].ToString() << " vs "
        << call_statuses[n].ToString();
    EXPECT_EQ(single_statuses[n].code(), call_statuses[n].code());
  }
  EXPECT_TRUE(HasCode(batch_statuses[11], StatusCode::kAlreadyExists));
  EXPECT_TRUE(HasCode(batch_statuses[12], StatusCode::kFailedPrecondition));
  const std::string state = Fingerprint(factory(), *store_);
  EXPECT_EQ(Fingerprint(factory(), *other), state);
  EXPECT_EQ(Fingerprint(factory(), *third), state);
  EXPECT_EQ(AggregatesOf(1).total_spend_minor, 1000);
  EXPECT_EQ(AggregatesOf(2).last_nps, 6);
}

TEST_P(BatchTest, UnloggedBatchHasSameSemanticsAndSurvivesFlushAndReopen) {
  const int64_t t = kTestNowMs - kHour;
  std::vector<Event> events = {
      MakeCustomer(1, "A"),
      MakeOrder(1, 1, t, 100),
      MakeOrder(1, 1, t, 100),
      MakeOrder(2, 77, t, 100),
      MakeInteraction(5, 1, t, InteractionKind::kComplaint),
  };
  std::vector<Status> statuses;
  ASSERT_TRUE(
      factory().ApplyBatchUnlogged(*store_, events, &statuses, nullptr).ok());
  using C = StatusCode;
  ExpectCodes(statuses,
              {C::kOk, C::kOk, C::kAlreadyExists, C::kNotFound, C::kOk});
  ASSERT_TRUE(factory().Flush(*store_).ok());
  const std::string before = Fingerprint(factory(), *store_);
  EXPECT_EQ(AggregatesOf(1).open_complaint_count, 1);
  store_.reset();
  store_ = OpenTestStore(factory(), dir_.Sub("db"));
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  EXPECT_EQ(AggregatesOf(1).total_spend_minor, 100);
}

INSTANTIATE_TEST_SUITE_P(Store, BatchTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
