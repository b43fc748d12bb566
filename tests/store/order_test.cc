// Orders through the public API: recording, validation, status transitions,
// refunds, credit notes and their effect on the aggregates (store.h,
// types.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
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
using test::refmodel::OrderToString;

constexpr uint64_t kShop = 3;
constexpr uint64_t kAnn = 100;
constexpr uint64_t kBob = 200;
constexpr int64_t kDay = 86400000;

Order MakeOrder(uint64_t id, uint64_t customer_id, int64_t ts_ms,
                int64_t amount_minor,
                OrderStatus status = OrderStatus::kCompleted) {
  return test::NewOrder(id, customer_id, kShop, ts_ms, amount_minor, status);
}

Order CreditNote(uint64_t id, uint64_t customer_id, int64_t ts_ms,
                 int64_t amount_minor) {
  Order o = MakeOrder(id, customer_id, ts_ms, amount_minor);
  o.kind = OrderKind::kCreditNote;
  return o;
}

class OrderTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = OpenTestStore(factory(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    Channel shop;
    shop.id = kShop;
    shop.name = "shop";
    ASSERT_TRUE(store_->PutChannel(shop).ok());
    for (uint64_t id : {kAnn, kBob}) {
      Customer c;
      c.id = id;
      ASSERT_TRUE(store_->CreateCustomer(c).ok());
    }
  }

  Aggregates AggregatesOf(uint64_t customer_id) {
    auto got = store_->GetCustomer(customer_id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? got->aggregates : Aggregates{};
  }

  Order GetOrder(uint64_t id) { return test::ValueOf(store_->GetOrder(id)); }

  // Records `o`, failing the test on error.
  void Record(const Order& o) {
    Status s = store_->RecordOrder(o);
    ASSERT_TRUE(s.ok()) << s.ToString() << " for " << OrderToString(o);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// Aggregates of a customer whose only activity is orders.
Aggregates OrderAggregates(int64_t orders, int64_t completed, int64_t spend,
                           int64_t first_ms, int64_t last_ms) {
  Aggregates a;
  a.order_count = orders;
  a.completed_order_count = completed;
  a.total_spend_minor = spend;
  a.first_order_ms = first_ms;
  a.last_order_ms = last_ms;
  a.last_activity_ms = last_ms;
  return a;
}

TEST_P(OrderTest, RecordedOrdersUpdateAggregates) {
  const int64_t t1 = kTestNowMs - 30 * kDay;
  const int64_t t2 = kTestNowMs - 20 * kDay;
  const int64_t t3 = kTestNowMs - 10 * kDay;
  Record(MakeOrder(1, kAnn, t2, 1000, OrderStatus::kCompleted));
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(1, 1, 1000, t2, t2),
                                  AggregatesOf(kAnn)));
  Record(MakeOrder(2, kAnn, t3, 500, OrderStatus::kPaid));
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(2, 1, 1500, t2, t3),
                                  AggregatesOf(kAnn)));
  // Placed: an order, but not spend. Older than the others: first_order_ms.
  Record(MakeOrder(3, kAnn, t1, 300, OrderStatus::kPlaced));
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(3, 1, 1500, t1, t3),
                                  AggregatesOf(kAnn)));
  // Bob is untouched.
  EXPECT_TRUE(CoreAggregatesMatch(Aggregates{}, AggregatesOf(kBob)));
  auto counts = factory().Counts(*store_);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->orders, 3);
}

TEST_P(OrderTest, GetOrderReturnsTheRecordedOrder) {
  Order o = MakeOrder(77, kAnn, kTestNowMs - kDay, 1250, OrderStatus::kPaid);
  o.currency = "EUR";
  o.items = {{"SKU-1", 2, 500, 1000}, {"SKU-2", 1, 250, 250}};
  Record(o);
  Order got = GetOrder(77);
  EXPECT_TRUE(got.currency == "EUR" || got.currency.empty()) << got.currency;
  got.currency = o.currency;
  EXPECT_EQ(OrderToString(got), OrderToString(o));
  EXPECT_TRUE(HasCode(store_->GetOrder(78).status(), StatusCode::kNotFound));
}

TEST_P(OrderTest, EmptyCurrencyMeansBaseCurrency) {
  Order o = MakeOrder(1, kAnn, kTestNowMs - kDay, 900);
  o.currency = "";
  Record(o);
  Order got = GetOrder(1);
  EXPECT_TRUE(got.currency == "EUR" || got.currency.empty()) << got.currency;
  EXPECT_EQ(AggregatesOf(kAnn).total_spend_minor, 900);
}

TEST_P(OrderTest, RefundedAmountIsIgnoredOnRecord) {
  Order o = MakeOrder(1, kAnn, kTestNowMs - kDay, 900);
  o.refunded_minor = 400;
  Record(o);
  EXPECT_EQ(GetOrder(1).refunded_minor, 0);
  EXPECT_EQ(AggregatesOf(kAnn).total_spend_minor, 900);
}

TEST_P(OrderTest, DuplicateOrderIdIsAlreadyExistsAndChangesNothing) {
  Record(MakeOrder(5, kAnn, kTestNowMs - kDay, 1000));
  const Aggregates ann = AggregatesOf(kAnn);
  const std::string before = Fingerprint(factory(), *store_);
  // Same order again, a different amount, and a different customer.
  EXPECT_TRUE(
      HasCode(store_->RecordOrder(MakeOrder(5, kAnn, kTestNowMs - kDay, 1000)),
              StatusCode::kAlreadyExists));
  EXPECT_TRUE(
      HasCode(store_->RecordOrder(MakeOrder(5, kAnn, kTestNowMs, 99999)),
              StatusCode::kAlreadyExists));
  EXPECT_TRUE(HasCode(store_->RecordOrder(MakeOrder(5, kBob, kTestNowMs, 300)),
                      StatusCode::kAlreadyExists));
  EXPECT_TRUE(CoreAggregatesMatch(ann, AggregatesOf(kAnn)));
  EXPECT_TRUE(CoreAggregatesMatch(Aggregates{}, AggregatesOf(kBob)));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  EXPECT_EQ(GetOrder(5).amount_minor, 1000);
}

TEST_P(OrderTest, OrderOfUnknownCustomerIsNotFound) {
  const std::string before = Fingerprint(factory(), *store_);
  EXPECT_TRUE(HasCode(store_->RecordOrder(MakeOrder(1, 999, kTestNowMs, 10)),
                      StatusCode::kNotFound));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  EXPECT_TRUE(HasCode(store_->GetOrder(1).status(), StatusCode::kNotFound));
  // The id was not taken.
  Record(MakeOrder(1, kAnn, kTestNowMs, 10));
}

struct OrderCase {
  const char* what;
  std::function<void(Order*)> mutate;
  const char* field;
};

std::vector<OrderCase> InvalidOrderCases() {
  auto items = [](Order* o) {
    o->amount_minor = 1500;
    o->items = {{"A", 1, 1000, 1000}, {"B", 2, 250, 500}};
  };
  return {
      {"id 0", [](Order* o) { o->id = 0; }, "id"},
      {"negative amount", [](Order* o) { o->amount_minor = -5; },
       "amount_minor"},
      {"currency not base", [](Order* o) { o->currency = "USD"; }, "currency"},
      {"unknown channel", [](Order* o) { o->channel_id = 999; }, "channel_id"},
      {"channel 0", [](Order* o) { o->channel_id = 0; }, "channel_id"},
      {"kind 0", [](Order* o) { o->kind = static_cast<OrderKind>(0); }, "kind"},
      {"kind 3", [](Order* o) { o->kind = static_cast<OrderKind>(3); }, "kind"},
      {"initial status cancelled",
       [](Order* o) { o->status = OrderStatus::kCancelled; }, "status"},
      {"initial status refunded",
       [](Order* o) { o->status = OrderStatus::kRefunded; }, "status"},
      {"status 0", [](Order* o) { o->status = static_cast<OrderStatus>(0); },
       "status"},
      {"status 6", [](Order* o) { o->status = static_cast<OrderStatus>(6); },
       "status"},
      {"credit note placed",
       [](Order* o) {
         o->kind = OrderKind::kCreditNote;
         o->status = OrderStatus::kPlaced;
       },
       "status"},
      {"credit note paid",
       [](Order* o) {
         o->kind = OrderKind::kCreditNote;
         o->status = OrderStatus::kPaid;
       },
       "status"},
      {"items sum below amount",
       [items](Order* o) {
         items(o);
         o->amount_minor = 1501;
       },
       "amount"},
      {"items sum above amount",
       [items](Order* o) {
         items(o);
         o->amount_minor = 1499;
       },
       "amount"},
      {"quantity 0",
       [items](Order* o) {
         items(o);
         o->items[1].quantity = 0;
       },
       "quantity"},
      {"negative quantity",
       [items](Order* o) {
         items(o);
         o->items[0].quantity = -1;
       },
       "quantity"},
      {"negative unit price",
       [items](Order* o) {
         items(o);
         o->items[0].unit_price_minor = -1;
       },
       "unit_price_minor"},
      {"negative line amount",
       [](Order* o) {
         o->amount_minor = 0;
         o->items = {{"A", 1, 0, 100}, {"B", 1, 0, -100}};
       },
       "amount_minor"},
      {"empty sku",
       [items](Order* o) {
         items(o);
         o->items[1].sku = "";
       },
       "sku"},
      {"sku of 65 bytes",
       [items](Order* o) {
         items(o);
         o->items[0].sku = std::string(65, 's');
       },
       "sku"},
      {"1001 items",
       [](Order* o) {
         o->items.assign(1001, LineItem{"S", 1, 1, 1});
         o->amount_minor = 1001;
       },
       "items"},
  };
}

TEST_P(OrderTest, InvalidOrderIsRejectedNamingFieldAndWritesNothing) {
  Record(MakeOrder(1, kAnn, kTestNowMs - kDay, 700));
  const std::string before = Fingerprint(factory(), *store_);
  for (const OrderCase& tc : InvalidOrderCases()) {
    SCOPED_TRACE(tc.what);
    Order o = MakeOrder(50, kAnn, kTestNowMs - 2 * kDay, 1500);
    tc.mutate(&o);
    EXPECT_TRUE(FailsNaming(store_->RecordOrder(o),
                            StatusCode::kInvalidArgument, tc.field));
    EXPECT_EQ(Fingerprint(factory(), *store_), before);
    EXPECT_TRUE(HasCode(store_->GetOrder(50).status(), StatusCode::kNotFound));
  }
}

TEST_P(OrderTest, BoundaryValuesAreAccepted) {
  Order many = MakeOrder(1, kAnn, kTestNowMs - kDay, 1000);
  many.items.assign(1000, LineItem{std::string(64, 's'), 1, 1, 1});
  Record(many);
  EXPECT_EQ(GetOrder(1).items.size(), 1000u);
  Record(MakeOrder(2, kAnn, kTestNowMs - kDay, 0));  // a free order
  Order free_items = MakeOrder(3, kAnn, kTestNowMs - kDay, 0);
  free_items.items = {{"GIFT", 3, 0, 0}};
  Record(free_items);
  Order explicit_base = MakeOrder(4, kAnn, kTestNowMs - kDay, 5);
  explicit_base.currency = "EUR";
  Record(explicit_base);
  EXPECT_TRUE(CoreAggregatesMatch(
      OrderAggregates(4, 4, 1005, kTestNowMs - kDay, kTestNowMs - kDay),
      AggregatesOf(kAnn)));
}

// Every transition UpdateOrderStatus allows, with the aggregates after it.
TEST_P(OrderTest, AllowedStatusTransitionsUpdateAggregates) {
  const int64_t t = kTestNowMs - 5 * kDay;
  // placed -> paid -> completed
  Record(MakeOrder(1, kAnn, t, 1000, OrderStatus::kPlaced));
  EXPECT_TRUE(
      CoreAggregatesMatch(OrderAggregates(1, 0, 0, t, t), AggregatesOf(kAnn)));
  ASSERT_TRUE(store_->UpdateOrderStatus(1, OrderStatus::kPaid).ok());
  EXPECT_EQ(GetOrder(1).status, OrderStatus::kPaid);
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(1, 0, 1000, t, t),
                                  AggregatesOf(kAnn)));
  ASSERT_TRUE(store_->UpdateOrderStatus(1, OrderStatus::kCompleted).ok());
  EXPECT_EQ(GetOrder(1).status, OrderStatus::kCompleted);
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(1, 1, 1000, t, t),
                                  AggregatesOf(kAnn)));
  // completed -> refunded: refunds what is left.
  ASSERT_TRUE(store_->UpdateOrderStatus(1, OrderStatus::kRefunded).ok());
  EXPECT_EQ(GetOrder(1).status, OrderStatus::kRefunded);
  EXPECT_EQ(GetOrder(1).refunded_minor, 1000);
  EXPECT_TRUE(
      CoreAggregatesMatch(OrderAggregates(1, 0, 0, t, t), AggregatesOf(kAnn)));

  // placed -> cancelled: no longer an order, but its time stays.
  Record(MakeOrder(2, kBob, t, 400, OrderStatus::kPlaced));
  ASSERT_TRUE(store_->UpdateOrderStatus(2, OrderStatus::kCancelled).ok());
  EXPECT_EQ(GetOrder(2).status, OrderStatus::kCancelled);
  EXPECT_TRUE(
      CoreAggregatesMatch(OrderAggregates(0, 0, 0, t, t), AggregatesOf(kBob)));

  // paid -> cancelled: the spend goes.
  Record(MakeOrder(3, kBob, t + 1, 600, OrderStatus::kPaid));
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(1, 0, 600, t, t + 1),
                                  AggregatesOf(kBob)));
  ASSERT_TRUE(store_->UpdateOrderStatus(3, OrderStatus::kCancelled).ok());
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(0, 0, 0, t, t + 1),
                                  AggregatesOf(kBob)));

  // paid -> refunded: still an order, no spend.
  Record(MakeOrder(4, kBob, t + 2, 800, OrderStatus::kPaid));
  ASSERT_TRUE(store_->UpdateOrderStatus(4, OrderStatus::kRefunded).ok());
  EXPECT_EQ(GetOrder(4).status, OrderStatus::kRefunded);
  EXPECT_EQ(GetOrder(4).refunded_minor, 800);
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(1, 0, 0, t, t + 2),
                                  AggregatesOf(kBob)));
}

TEST_P(OrderTest, ForbiddenStatusTransitionsAreFailedPrecondition) {
  using S = OrderStatus;
  const int64_t t = kTestNowMs - kDay;
  // One order per status: 1 placed, 2 paid, 3 completed, 4 cancelled,
  // 5 refunded.
  Record(MakeOrder(1, kAnn, t, 100, S::kPlaced));
  Record(MakeOrder(2, kAnn, t, 200, S::kPaid));
  Record(MakeOrder(3, kAnn, t, 300, S::kCompleted));
  Record(MakeOrder(4, kAnn, t, 400, S::kPlaced));
  ASSERT_TRUE(store_->UpdateOrderStatus(4, S::kCancelled).ok());
  Record(MakeOrder(5, kAnn, t, 500, S::kCompleted));
  ASSERT_TRUE(store_->UpdateOrderStatus(5, S::kRefunded).ok());
  const std::string before = Fingerprint(factory(), *store_);
  struct Case {
    uint64_t order_id;
    S to;
  };
  // placed -> completed is left out: "placed -> paid -> completed" can be
  // read as allowing it.
  const std::vector<Case> forbidden = {
      {1, S::kPlaced},    {1, S::kRefunded},  {2, S::kPlaced},
      {2, S::kPaid},      {3, S::kPlaced},    {3, S::kPaid},
      {3, S::kCompleted}, {3, S::kCancelled}, {4, S::kPlaced},
      {4, S::kPaid},      {4, S::kCompleted}, {4, S::kCancelled},
      {4, S::kRefunded},  {5, S::kPlaced},    {5, S::kPaid},
      {5, S::kCompleted}, {5, S::kCancelled}, {5, S::kRefunded},
  };
  for (const Case& tc : forbidden) {
    SCOPED_TRACE("order " + std::to_string(tc.order_id) + " to status " +
                 std::to_string(static_cast<int>(tc.to)));
    EXPECT_TRUE(HasCode(store_->UpdateOrderStatus(tc.order_id, tc.to),
                        StatusCode::kFailedPrecondition));
  }
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
}

TEST_P(OrderTest, StatusChangeOfUnknownOrderIsNotFound) {
  EXPECT_TRUE(HasCode(store_->UpdateOrderStatus(42, OrderStatus::kPaid),
                      StatusCode::kNotFound));
}

TEST_P(OrderTest, PartialAndFullRefunds) {
  const int64_t t = kTestNowMs - kDay;
  Record(MakeOrder(1, kAnn, t, 1000, OrderStatus::kCompleted));
  ASSERT_TRUE(store_->RefundOrder(1, 300).ok());
  Order o = GetOrder(1);
  EXPECT_EQ(o.status, OrderStatus::kCompleted);  // partial keeps the status
  EXPECT_EQ(o.refunded_minor, 300);
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(1, 1, 700, t, t),
                                  AggregatesOf(kAnn)));
  ASSERT_TRUE(store_->RefundOrder(1, 699).ok());
  EXPECT_EQ(GetOrder(1).refunded_minor, 999);
  EXPECT_TRUE(
      CoreAggregatesMatch(OrderAggregates(1, 1, 1, t, t), AggregatesOf(kAnn)));
  // Reaching the full amount sets refunded.
  ASSERT_TRUE(store_->RefundOrder(1, 1).ok());
  o = GetOrder(1);
  EXPECT_EQ(o.status, OrderStatus::kRefunded);
  EXPECT_EQ(o.refunded_minor, 1000);
  EXPECT_TRUE(
      CoreAggregatesMatch(OrderAggregates(1, 0, 0, t, t), AggregatesOf(kAnn)));
}

TEST_P(OrderTest, FullRefundInOneStepOfPaidOrder) {
  const int64_t t = kTestNowMs - kDay;
  Record(MakeOrder(1, kAnn, t, 1000, OrderStatus::kPaid));
  ASSERT_TRUE(store_->RefundOrder(1, 1000).ok());
  EXPECT_EQ(GetOrder(1).status, OrderStatus::kRefunded);
  EXPECT_TRUE(
      CoreAggregatesMatch(OrderAggregates(1, 0, 0, t, t), AggregatesOf(kAnn)));
}

TEST_P(OrderTest, PartiallyRefundedOrderMovesOnWithItsRefund) {
  const int64_t t = kTestNowMs - kDay;
  Record(MakeOrder(1, kAnn, t, 1000, OrderStatus::kPaid));
  ASSERT_TRUE(store_->RefundOrder(1, 250).ok());
  ASSERT_TRUE(store_->UpdateOrderStatus(1, OrderStatus::kCompleted).ok());
  Order o = GetOrder(1);
  EXPECT_EQ(o.status, OrderStatus::kCompleted);
  EXPECT_EQ(o.refunded_minor, 250);
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(1, 1, 750, t, t),
                                  AggregatesOf(kAnn)));
  // completed -> refunded refunds what is left.
  ASSERT_TRUE(store_->UpdateOrderStatus(1, OrderStatus::kRefunded).ok());
  EXPECT_EQ(GetOrder(1).refunded_minor, 1000);
  EXPECT_TRUE(
      CoreAggregatesMatch(OrderAggregates(1, 0, 0, t, t), AggregatesOf(kAnn)));
}

TEST_P(OrderTest, CancellingPartiallyRefundedPaidOrderRemovesItsSpend) {
  // total_spend counts only paid, completed and refunded orders.
  const int64_t t = kTestNowMs - kDay;
  Record(MakeOrder(1, kAnn, t, 1000, OrderStatus::kPaid));
  Record(MakeOrder(2, kAnn, t, 50, OrderStatus::kCompleted));
  ASSERT_TRUE(store_->RefundOrder(1, 300).ok());
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(2, 1, 750, t, t),
                                  AggregatesOf(kAnn)));
  ASSERT_TRUE(store_->UpdateOrderStatus(1, OrderStatus::kCancelled).ok());
  EXPECT_TRUE(
      CoreAggregatesMatch(OrderAggregates(1, 1, 50, t, t), AggregatesOf(kAnn)));
}

TEST_P(OrderTest, InvalidRefundAmountIsInvalidArgument) {
  Record(MakeOrder(1, kAnn, kTestNowMs - kDay, 1000, OrderStatus::kCompleted));
  ASSERT_TRUE(store_->RefundOrder(1, 400).ok());
  const std::string before = Fingerprint(factory(), *store_);
  EXPECT_TRUE(FailsNaming(store_->RefundOrder(1, 601),
                          StatusCode::kInvalidArgument, "amount"));
  EXPECT_TRUE(FailsNaming(store_->RefundOrder(1, 0),
                          StatusCode::kInvalidArgument, "amount"));
  EXPECT_TRUE(FailsNaming(store_->RefundOrder(1, -5),
                          StatusCode::kInvalidArgument, "amount"));
  EXPECT_TRUE(FailsNaming(store_->RefundOrder(1, INT64_MAX),
                          StatusCode::kInvalidArgument, "amount"));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  EXPECT_TRUE(store_->RefundOrder(1, 600).ok());
}

TEST_P(OrderTest, RefundOfOrderNotPaidOrCompletedIsFailedPrecondition) {
  Record(MakeOrder(1, kAnn, kTestNowMs - kDay, 1000, OrderStatus::kPlaced));
  Record(MakeOrder(2, kAnn, kTestNowMs - kDay, 1000, OrderStatus::kPaid));
  ASSERT_TRUE(store_->UpdateOrderStatus(2, OrderStatus::kCancelled).ok());
  const std::string before = Fingerprint(factory(), *store_);
  EXPECT_TRUE(
      HasCode(store_->RefundOrder(1, 100), StatusCode::kFailedPrecondition));
  EXPECT_TRUE(
      HasCode(store_->RefundOrder(2, 100), StatusCode::kFailedPrecondition));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
}

TEST_P(OrderTest, RefundOfUnknownOrderIsNotFound) {
  EXPECT_TRUE(HasCode(store_->RefundOrder(42, 100), StatusCode::kNotFound));
}

TEST_P(OrderTest, CreditNotesReduceSpendAndAreNotOrders) {
  const int64_t t1 = kTestNowMs - 10 * kDay;
  const int64_t t2 = kTestNowMs - 5 * kDay;
  Record(MakeOrder(1, kAnn, t1, 1000, OrderStatus::kCompleted));
  Record(CreditNote(2, kAnn, t2, 300));
  // The credit note is later than the sale, but it is not an order: order
  // times and activity stay at the sale.
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(1, 1, 700, t1, t1),
                                  AggregatesOf(kAnn)));
  Order note = GetOrder(2);
  EXPECT_EQ(note.kind, OrderKind::kCreditNote);
  EXPECT_EQ(note.amount_minor, 300);

  // A customer with only a credit note: negative spend, no orders.
  Order with_items = CreditNote(3, kBob, t2, 450);
  with_items.items = {{"RETURN-1", 3, 150, 450}};
  Record(with_items);
  EXPECT_TRUE(CoreAggregatesMatch(OrderAggregates(0, 0, -450, 0, 0),
                                  AggregatesOf(kBob)));
  auto counts = factory().Counts(*store_);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->orders, 3);  // sale orders and credit notes
}

TEST_P(OrderTest, CreditNoteStatusCannotChange) {
  Record(CreditNote(1, kAnn, kTestNowMs - kDay, 300));
  const std::string before = Fingerprint(factory(), *store_);
  for (OrderStatus to :
       {OrderStatus::kPlaced, OrderStatus::kPaid, OrderStatus::kCompleted,
        OrderStatus::kCancelled, OrderStatus::kRefunded}) {
    SCOPED_TRACE(static_cast<int>(to));
    EXPECT_TRUE(HasCode(store_->UpdateOrderStatus(1, to),
                        StatusCode::kFailedPrecondition));
  }
  // A credit note is not a sale order: it cannot be refunded either.
  EXPECT_FALSE(store_->RefundOrder(1, 100).ok());
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
}

// total_spend_minor is an i64 sum; an order that would take it out of
// range cannot be recorded as the contract defines it, so it must fail and
// change nothing (rather than wrap around, which is also undefined
// behaviour and aborts under UBSan).
TEST_P(OrderTest, SpendThatWouldOverflowIsRejected) {
  const int64_t t = kTestNowMs - kDay;
  Record(MakeOrder(1, kAnn, t, INT64_MAX));
  const std::string before = Fingerprint(factory(), *store_);
  Status s = store_->RecordOrder(MakeOrder(2, kAnn, t, 1));
  EXPECT_FALSE(s.ok()) << "total_spend_minor would exceed INT64_MAX";
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  EXPECT_EQ(AggregatesOf(kAnn).total_spend_minor, INT64_MAX);

  // The same below zero, with credit notes.
  Record(CreditNote(3, kBob, t, INT64_MAX));
  const std::string with_note = Fingerprint(factory(), *store_);
  s = store_->RecordOrder(CreditNote(4, kBob, t, 2));
  EXPECT_FALSE(s.ok()) << "total_spend_minor would go below INT64_MIN";
  EXPECT_EQ(Fingerprint(factory(), *store_), with_note);
  EXPECT_EQ(AggregatesOf(kBob).total_spend_minor, -INT64_MAX);
}

TEST_P(OrderTest, OrdersAndRefundsSurviveReopen) {
  Record(MakeOrder(1, kAnn, kTestNowMs - kDay, 1000, OrderStatus::kPaid));
  ASSERT_TRUE(store_->RefundOrder(1, 100).ok());
  Record(CreditNote(2, kAnn, kTestNowMs - kDay, 50));
  const std::string before = Fingerprint(factory(), *store_);
  store_.reset();
  store_ = OpenTestStore(factory(), dir_.Sub("db"));
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  // The order id index survived too.
  EXPECT_TRUE(HasCode(store_->RecordOrder(MakeOrder(1, kBob, kTestNowMs, 1)),
                      StatusCode::kAlreadyExists));
  ASSERT_TRUE(store_->RefundOrder(1, 900).ok());
  EXPECT_EQ(GetOrder(1).status, OrderStatus::kRefunded);
  EXPECT_EQ(AggregatesOf(kAnn).total_spend_minor, -50);
}

INSTANTIATE_TEST_SUITE_P(Store, OrderTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
