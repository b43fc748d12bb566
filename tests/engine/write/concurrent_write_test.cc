// The write pipeline under concurrency: several threads write the same
// customers with every event kind, and changes to orders and interactions
// race the writes that record them (an "order paid" webhook racing "order
// placed"). Whatever was acknowledged must be exactly what a serial replay
// of it gives, and the database must verify clean.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "custdb/engine.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::DaysAgo;
using test::NewOrder;
using test::ValueOf;

constexpr int kThreads = 6;
constexpr int kSlots = 1000;
constexpr uint64_t kCustomers = 3;
constexpr uint64_t kFirstRecordId = 100;  // orders and interactions
// A follow-up that finds its record not yet written tries again this often,
// so that many land just as the record commits.
constexpr int kFollowUpAttempts = 40;

// The deterministic plan: slot k of thread t records order and interaction
// RecordId(t, k); thread t + 1 changes them in its slot k.
uint64_t RecordId(int thread, int slot) {
  return kFirstRecordId + static_cast<uint64_t>(slot) * kThreads + thread;
}

uint64_t CustomerOf(uint64_t record_id) {
  return 1 + (record_id * 2654435761u) % kCustomers;
}

Order PlannedOrder(uint64_t id) {
  std::mt19937_64 rng(id);
  return NewOrder(id, CustomerOf(id), 1 + rng() % 2,
                  DaysAgo(static_cast<int64_t>(rng() % 300)),
                  100 + static_cast<int64_t>(rng() % 10000),
                  rng() % 3 == 0 ? OrderStatus::kPlaced : OrderStatus::kPaid);
}

Interaction PlannedInteraction(uint64_t id) {
  std::mt19937_64 rng(id ^ 0x5a5a5a5a);
  static const InteractionKind kKinds[] = {
      InteractionKind::kComplaint, InteractionKind::kTicket,
      InteractionKind::kCall, InteractionKind::kSurvey};
  Interaction i = test::NewInteraction(
      CustomerOf(id + 1), 1 + rng() % 2,
      DaysAgo(static_cast<int64_t>(rng() % 300)), kKinds[rng() % 4]);
  i.id = id;
  if (i.kind == InteractionKind::kSurvey) {
    i.satisfaction = 1 + static_cast<int32_t>(rng() % 5);
    i.nps = static_cast<int32_t>(rng() % 11);
  }
  return i;
}

// The change thread t + 1 makes to order `id` (every kind of order change).
Event PlannedOrderChange(const Order& order) {
  switch (order.id % 4) {
    case 0:
      return OrderStatusChange{order.id, OrderStatus::kCompleted};
    case 1:
      return OrderStatusChange{order.id, OrderStatus::kCancelled};
    case 2:
      if (order.status == OrderStatus::kPaid) {
        return OrderStatusChange{order.id, OrderStatus::kRefunded};
      }
      return OrderStatusChange{order.id, OrderStatus::kPaid};
    default:
      if (order.status == OrderStatus::kPaid) {
        return OrderRefund{order.id, order.amount_minor / 3 + 1};
      }
      return OrderStatusChange{order.id, OrderStatus::kCompleted};
  }
}

Status Apply(Engine* engine, const Event& e) {
  if (auto* o = std::get_if<Order>(&e)) return engine->RecordOrder(*o);
  if (auto* c = std::get_if<OrderStatusChange>(&e)) {
    return engine->UpdateOrderStatus(c->order_id, c->status);
  }
  if (auto* r = std::get_if<OrderRefund>(&e)) {
    return engine->RefundOrder(r->order_id, r->amount_minor);
  }
  if (auto* i = std::get_if<Interaction>(&e)) {
    return engine->RecordInteraction(*i).status();
  }
  if (auto* r = std::get_if<InteractionResolution>(&e)) {
    return engine->ResolveInteraction(r->interaction_id, r->resolved_at_ms);
  }
  if (auto* c = std::get_if<Customer>(&e))
    return engine->CreateCustomer(*c).status();
  if (auto* l = std::get_if<LoyaltyRedemption>(&e)) {
    return engine->RedeemLoyaltyPoints(l->customer_id, l->points);
  }
  ADD_FAILURE() << "the plan has no such event";
  return Status::OK();
}

// The customers, each with a completed order whose loyalty points cover
// every redemption the threads make, so redemptions succeed in any order.
void Seed(Engine* engine) {
  test::PutChannelTree(engine, {{1, 0}, {2, 1}});
  for (uint64_t c = 1; c <= kCustomers; ++c) {
    Customer customer;
    customer.id = c;
    customer.name = "customer " + std::to_string(c);
    customer.owner_channel_id = 1 + c % 2;
    ASSERT_EQ(ValueOf(engine->CreateCustomer(customer)), c);
    ASSERT_TRUE(
        engine->RecordOrder(NewOrder(c, c, 1, DaysAgo(500), 100000000)).ok());
  }
}

// What one thread saw acknowledged, in its own order.
struct Acknowledged {
  std::vector<Event> records;  // customers, orders and interactions
  std::vector<Event> changes;  // of orders and interactions
  std::vector<Event> redemptions;
};

void RunThread(Engine* engine, int t, Acknowledged* acked) {
  std::mt19937_64 rng(7000 + t);
  const int previous = (t + kThreads - 1) % kThreads;
  for (int k = 0; k < kSlots; ++k) {
    const uint64_t own = RecordId(t, k);
    const uint64_t theirs = RecordId(previous, k);
    const Order order = PlannedOrder(own);
    const Interaction interaction = PlannedInteraction(own);
    std::vector<Event> changes = {PlannedOrderChange(PlannedOrder(theirs))};
    const Interaction their_interaction = PlannedInteraction(theirs);
    if (k % 8 != 0 && (their_interaction.kind == InteractionKind::kComplaint ||
                       their_interaction.kind == InteractionKind::kTicket)) {
      changes.push_back(InteractionResolution{
          theirs,
          their_interaction.ts_ms + static_cast<int64_t>(rng() % 1000)});
    }

    if (k % 8 == 0) {
      // Every eighth slot each thread writes a batch that changes its own
      // records after creating them; no other thread touches them.
      std::vector<Event> batch = {order, interaction,
                                  PlannedOrderChange(order)};
      if (interaction.kind == InteractionKind::kComplaint ||
          interaction.kind == InteractionKind::kTicket) {
        batch.push_back(InteractionResolution{own, interaction.ts_ms + 1});
      }
      std::vector<Status> statuses;
      ASSERT_TRUE(engine->ApplyBatch(batch, &statuses).ok());
      for (size_t i = 0; i < batch.size(); ++i) {
        ASSERT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].ToString();
        (i < 2 ? acked->records : acked->changes).push_back(batch[i]);
      }
      continue;
    }

    ASSERT_TRUE(engine->RecordOrder(order).ok());
    acked->records.push_back(order);
    for (const Event& c : changes) {
      Status s;
      for (int attempt = 0; attempt < kFollowUpAttempts; ++attempt) {
        s = Apply(engine, c);
        if (s.code() != StatusCode::kNotFound) break;
        std::this_thread::yield();
      }
      if (s.ok()) {
        acked->changes.push_back(c);
      } else {
        ASSERT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
      }
    }
    ASSERT_TRUE(engine->RecordInteraction(interaction).ok());
    acked->records.push_back(interaction);
    if (k % 50 == 1) {
      // New customers race each other for ids; the replay creates them
      // with the ids they were given.
      Customer created;
      created.name = "new " + std::to_string(own);
      Result<uint64_t> id = engine->CreateCustomer(created);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      created.id = *id;
      acked->records.push_back(created);
    }
    if (rng() % 4 == 0) {
      // A profile change of a customer the others are writing: every
      // thread sets the same tags, so the order of the changes is moot.
      CustomerPatch patch;
      patch.tags = std::vector<std::string>{"racing"};
      Status s = engine->UpdateCustomer(1 + rng() % kCustomers, patch);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    if (rng() % 4 == 0) {
      LoyaltyRedemption r{1 + rng() % kCustomers, 1};
      Status s = Apply(engine, r);
      ASSERT_TRUE(s.ok()) << s.ToString();
      acked->redemptions.push_back(r);
    }
  }
}

TEST(ConcurrentWriteTest,
     RacingChangesEqualASerialReplayOfWhatWasAcknowledged) {
  test::TempDir dir;
  auto engine = test::OpenTestEngine(dir.path() + "/racing");
  ASSERT_NE(engine, nullptr);
  Seed(engine.get());

  std::vector<Acknowledged> acked(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(RunThread, engine.get(), t, &acked[t]);
  }
  for (auto& th : threads) th.join();
  if (HasFatalFailure()) return;

  VerifyReport report = ValueOf(engine->Verify());
  EXPECT_TRUE(report.problems.empty()) << test::Listing(report);

  // The replay: records, then their changes (each record has at most one,
  // and a change acknowledged concurrently came after its record), then
  // the redemptions, whose points the seed orders cover in any order.
  auto replay = test::OpenTestEngine(dir.path() + "/replay");
  ASSERT_NE(replay, nullptr);
  Seed(replay.get());
  size_t changes = 0;
  for (auto part : {&Acknowledged::records, &Acknowledged::changes,
                    &Acknowledged::redemptions}) {
    for (const Acknowledged& a : acked) {
      for (const Event& e : a.*part) {
        Status s = Apply(replay.get(), e);
        ASSERT_TRUE(s.ok()) << s.ToString();
      }
      if (part == &Acknowledged::changes) changes += a.changes.size();
    }
  }
  // The race must have happened for the test to mean anything: most
  // changes found their record, some did not.
  EXPECT_GT(changes, static_cast<size_t>(kThreads * kSlots / 2));

  for (uint64_t c = 1; c <= kCustomers; ++c) {
    CustomerRecord got = ValueOf(engine->GetCustomer(c));
    CustomerRecord want = ValueOf(replay->GetCustomer(c));
    EXPECT_EQ(got.aggregates.total_spend_minor,
              want.aggregates.total_spend_minor)
        << "customer " << c;
    EXPECT_EQ(got.aggregates.order_count, want.aggregates.order_count)
        << "customer " << c;
    EXPECT_EQ(got.aggregates.interaction_count,
              want.aggregates.interaction_count)
        << "customer " << c;
    EXPECT_TRUE(got.aggregates == want.aggregates) << "customer " << c;
    EXPECT_EQ(got.derived, want.derived) << "customer " << c;
  }
  for (int t = 0; t < kThreads; ++t) {
    for (int k = 0; k < kSlots; ++k) {
      const uint64_t id = RecordId(t, k);
      Order got = ValueOf(engine->GetOrder(id));
      Order want = ValueOf(replay->GetOrder(id));
      ASSERT_EQ(got.status, want.status) << "order " << id;
      ASSERT_EQ(got.refunded_minor, want.refunded_minor) << "order " << id;
    }
  }
  RecordCounts got = ValueOf(engine->Counts());
  RecordCounts want = ValueOf(replay->Counts());
  EXPECT_EQ(got.customers, want.customers);
  EXPECT_EQ(got.orders, want.orders);
  EXPECT_EQ(got.interactions, want.interactions);
}

// A merge moves the duplicate's orders to the survivor: a change of one of
// them that read the old owner before locking must lock the new one, or it
// races the survivor's other writes.
TEST(ConcurrentWriteTest, ChangesRacingAMergeLockTheNewOwner) {
  constexpr uint64_t kPairs = 60;
  constexpr uint64_t kOrdersEach = 12;
  test::TempDir dir;
  auto engine = test::OpenTestEngine(dir.path());
  ASSERT_NE(engine, nullptr);
  test::PutChannelTree(engine.get(), {{1, 0}});
  uint64_t next_order = 1;
  for (uint64_t c = 1; c <= 2 * kPairs; ++c) {
    Customer customer;
    customer.id = c;
    ASSERT_TRUE(engine->CreateCustomer(customer).ok());
    if (c % 2 == 1) continue;  // survivors start with no orders
    for (uint64_t k = 0; k < kOrdersEach; ++k) {
      ASSERT_TRUE(engine
                      ->RecordOrder(NewOrder(next_order++, c, 1, DaysAgo(10),
                                             1000, OrderStatus::kPaid))
                      .ok());
    }
  }
  const uint64_t dup_orders = next_order - 1;
  // Pair p is merged while its duplicate's orders are being changed and
  // its survivor is being written.
  std::atomic<uint64_t> pair{0}, changed_in_pair{0}, merged{0};
  std::atomic<bool> done{false};
  std::thread merger([&] {
    for (uint64_t p = 0; p < kPairs; ++p) {
      while (pair.load() != p || changed_in_pair.load() < 2) {
        std::this_thread::yield();
      }
      Status s = engine->MergeCustomers(2 * p + 1, 2 * p + 2);
      EXPECT_TRUE(s.ok()) << s.ToString();
      merged = p + 1;
    }
  });
  std::thread changer([&] {
    for (uint64_t id = 1; id <= dup_orders; ++id) {
      const uint64_t p = (id - 1) / kOrdersEach;
      if (p != pair.load()) {
        while (merged.load() < p) std::this_thread::yield();
        changed_in_pair = 0;
        pair = p;
      }
      Status s = engine->UpdateOrderStatus(id, OrderStatus::kCompleted);
      EXPECT_TRUE(s.ok()) << s.ToString();
      ++changed_in_pair;
    }
    done = true;
  });
  std::atomic<uint64_t> written{0};
  std::thread writer([&] {
    // A few writes per pair are enough to race the merge; an unbounded
    // stream only makes each merge replay a longer history.
    uint64_t id = 1000000, last_pair = ~uint64_t{0}, in_pair = 0;
    while (!done) {
      const uint64_t p = pair.load();
      if (p != last_pair) last_pair = p, in_pair = 0;
      if (in_pair >= 40) {
        std::this_thread::yield();
        continue;
      }
      Status s =
          engine->RecordOrder(NewOrder(id++, 2 * p + 1, 1, DaysAgo(5), 500));
      EXPECT_TRUE(s.ok()) << s.ToString();
      ++written, ++in_pair;
    }
  });
  merger.join();
  changer.join();
  writer.join();

  VerifyReport report = ValueOf(engine->Verify());
  EXPECT_TRUE(report.problems.empty()) << test::Listing(report);
  int64_t spend = 0;
  for (uint64_t p = 0; p < kPairs; ++p) {
    spend +=
        ValueOf(engine->GetCustomer(2 * p + 1)).aggregates.total_spend_minor;
  }
  EXPECT_EQ(spend, static_cast<int64_t>(dup_orders * 1000 + written * 500));
}

}  // namespace
}  // namespace custdb
