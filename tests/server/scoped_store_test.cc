// ScopedStore over a real Engine: every Store operation checks the role,
// and a token scoped to a channel sees and changes only the customers of
// its subtree. A refused write leaves the database as it was (same
// fingerprint, Verify clean); a missing record is refused exactly as an
// outside one, so a scoped token learns nothing of what lies outside.
//
// Channels:   1            5          scope: channel 2 -> {2, 3}
//            / \   (4 is outside)
//           2   4
//           |
//           3
// Customers: 10 (owner 2), 11 (owner 3) in scope; 20 (owner 4), 21 (owner
// 5), 22 (no owner) outside.
#include "server/scoped_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_util.h"

namespace custdb {
namespace server {
namespace {

using test::DaysAgo;
using test::NewInteraction;
using test::NewOrder;

constexpr uint64_t kScope = 2;
const char kScopeSuffix[] =
    " is not in this token's scope (channel 2 and its subtree)";

Principal Token(Role role, std::optional<uint64_t> channel = kScope) {
  Principal p;
  p.name = "t";
  p.role = role;
  p.channel_id = channel;
  return p;
}

std::string Denial(const std::string& field_value) {
  return field_value + kScopeSuffix;
}

#define EXPECT_DENIED(expr, want)                       \
  do {                                                  \
    const Status _s = (expr);                           \
    EXPECT_EQ(_s.code(), StatusCode::kPermissionDenied) \
        << #expr << ": " << _s.ToString();              \
    EXPECT_EQ(_s.message(), (want)) << #expr;           \
  } while (0)

template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.ok() ? Status::OK() : r.status();
}

class ScopedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = test::OpenTestEngine(dir_.Sub("db"));
    ASSERT_NE(engine_, nullptr);
    test::PutChannelTree(engine_.get(),
                         {{1, 0}, {2, 1}, {3, 2}, {4, 1}, {5, 0}});
    AddCustomer(10, 2, "IN-10", "in10@example.com", "+447000010");
    AddCustomer(11, 3, "IN-11", "in11@example.com", "+447000011");
    AddCustomer(20, 4, "OUT-20", "out20@example.com", "+447000020");
    AddCustomer(21, 5, "OUT-21", "out21@example.com", "+447000021");
    AddCustomer(22, 0, "OUT-22", "out22@example.com", "+447000022");
    // Paid (refundable, movable) and completed (loyalty) orders on each
    // side; 201 is an outside customer's order through an inside channel:
    // orders follow their customer, not their channel.
    Record(NewOrder(100, 10, 2, DaysAgo(40), 5000, OrderStatus::kPaid));
    Record(NewOrder(101, 10, 2, DaysAgo(30), 9000));
    Record(NewOrder(110, 11, 3, DaysAgo(3), 2000));
    Record(NewOrder(200, 20, 4, DaysAgo(40), 7000, OrderStatus::kPaid));
    Record(NewOrder(201, 20, 2, DaysAgo(30), 8000));
    Record(NewOrder(210, 21, 5, DaysAgo(2), 1000));
    in_complaint_ = Interact(10, 2);
    out_complaint_ = Interact(20, 4);
    Interaction call =
        NewInteraction(11, 3, DaysAgo(1), InteractionKind::kCall);
    ASSERT_TRUE(engine_->RecordInteraction(call).ok());
    before_ = Fingerprint();
  }

  void AddCustomer(uint64_t id, uint64_t owner, const std::string& code,
                   const std::string& email, const std::string& phone) {
    Customer c;
    c.id = id;
    c.owner_channel_id = owner;
    c.code = code;
    c.email = email;
    c.phone = phone;
    c.name = "customer " + std::to_string(id);
    Result<uint64_t> r = engine_->CreateCustomer(c);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void Record(const Order& o) {
    Status s = engine_->RecordOrder(o);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  uint64_t Interact(uint64_t customer, uint64_t channel) {
    Result<uint64_t> r = engine_->RecordInteraction(NewInteraction(
        customer, channel, DaysAgo(5), InteractionKind::kComplaint));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : 0;
  }

  ScopedStore Scoped(Role role = Role::kWriter) {
    return ScopedStore(engine_.get(), Token(role));
  }

  // Everything a refused write could have changed, read unscoped.
  std::string Fingerprint() {
    std::ostringstream out;
    Result<EngineStats> stats = engine_->Stats();
    EXPECT_TRUE(stats.ok());
    if (stats.ok()) {
      out << "counts " << stats->counts.channels << " "
          << stats->counts.customers << " " << stats->counts.orders << " "
          << stats->counts.interactions << "\n";
    }
    for (const Channel& c : test::ValueOf(engine_->ListChannels())) {
      out << "channel " << c.id << " parent " << c.parent_id << " " << c.name
          << "\n";
    }
    CustomerQuery all;
    all.order = CustomerOrder::kId;
    all.limit = kMaxQueryLimit;
    for (const CustomerRecord& r :
         test::ValueOf(engine_->FindCustomers(all)).customers) {
      const Aggregates& a = r.aggregates;
      out << "customer " << r.profile.id << " owner "
          << r.profile.owner_channel_id << " acq "
          << r.profile.acquisition_channel_id << " " << r.profile.code << " "
          << r.profile.email << " " << r.profile.phone << " " << r.profile.name
          << " orders " << a.order_count << " spend " << a.total_spend_minor
          << " interactions " << a.interaction_count << " open "
          << a.open_complaint_count << " redeemed " << a.loyalty_redeemed
          << " policy " << r.policy_version << "\n";
      HistoryQuery h;
      h.customer_id = r.profile.id;
      for (const Order& o : test::ValueOf(engine_->ListOrders(h)).items) {
        out << "  order " << o.id << " " << OrderStatusName(o.status) << " "
            << o.refunded_minor << "\n";
      }
      for (const Interaction& i :
           test::ValueOf(engine_->ListInteractions(h)).items) {
        out << "  interaction " << i.id << " resolved "
            << i.resolved_at_ms.value_or(-1) << "\n";
      }
    }
    out << "policy " << test::ValueOf(engine_->GetPolicy()).version << "\n";
    return out.str();
  }

  // The database is as SetUp left it, and consistent.
  void ExpectUnchanged() {
    EXPECT_EQ(Fingerprint(), before_);
    Result<VerifyReport> v = engine_->Verify();
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_TRUE(v->ok()) << test::Listing(*v);
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  uint64_t in_complaint_ = 0;
  uint64_t out_complaint_ = 0;
  std::string before_;
};

// --- Roles
// --------------------------------------------------------------------

struct RoleCase {
  const char* op;
  Role needs;
  std::function<Status(Store&)> call;
};

// One row per Store method: the role it needs and a call that, with the
// role, would pass the check (and change the database, for writes).
std::vector<RoleCase> EveryOperation() {
  auto channel = [] {
    Channel c;
    c.id = 9;
    c.name = "new";
    c.parent_id = 2;
    return c;
  };
  auto customer = [] {
    Customer c;
    c.code = "NEW";
    c.owner_channel_id = 3;
    return c;
  };
  HistoryQuery history;
  history.customer_id = 10;
  return {
      {"PutChannel", Role::kWriter,
       [=](Store& s) { return s.PutChannel(channel()); }},
      {"GetChannel", Role::kReader,
       [](Store& s) { return StatusOf(s.GetChannel(3)); }},
      {"ListChannels", Role::kReader,
       [](Store& s) { return StatusOf(s.ListChannels()); }},
      {"CreateCustomer", Role::kWriter,
       [=](Store& s) { return StatusOf(s.CreateCustomer(customer())); }},
      {"UpdateCustomer", Role::kWriter,
       [](Store& s) {
         CustomerPatch p;
         p.name = "renamed";
         return s.UpdateCustomer(10, p);
       }},
      {"GetCustomer", Role::kReader,
       [](Store& s) { return StatusOf(s.GetCustomer(10)); }},
      {"GetCustomerByCode", Role::kReader,
       [](Store& s) { return StatusOf(s.GetCustomerByCode("IN-10")); }},
      {"GetCustomerByEmail", Role::kReader,
       [](Store& s) {
         return StatusOf(s.GetCustomerByEmail("in10@example.com"));
       }},
      {"GetCustomerByPhone", Role::kReader,
       [](Store& s) { return StatusOf(s.GetCustomerByPhone("+447000010")); }},
      {"RecordOrder", Role::kWriter,
       [](Store& s) {
         return s.RecordOrder(NewOrder(102, 10, 3, DaysAgo(1), 100));
       }},
      {"UpdateOrderStatus", Role::kWriter,
       [](Store& s) {
         return s.UpdateOrderStatus(100, OrderStatus::kCompleted);
       }},
      {"RefundOrder", Role::kWriter,
       [](Store& s) { return s.RefundOrder(100, 10); }},
      {"GetOrder", Role::kReader,
       [](Store& s) { return StatusOf(s.GetOrder(100)); }},
      {"ListOrders", Role::kReader,
       [=](Store& s) { return StatusOf(s.ListOrders(history)); }},
      {"RecordInteraction", Role::kWriter,
       [](Store& s) {
         return StatusOf(s.RecordInteraction(
             NewInteraction(10, 2, DaysAgo(1), InteractionKind::kCall)));
       }},
      {"ResolveInteraction", Role::kWriter,
       [](Store& s) {
         // The first interaction recorded: customer 10's complaint.
         return s.ResolveInteraction(1, DaysAgo(1));
       }},
      {"GetInteraction", Role::kReader,
       [](Store& s) { return StatusOf(s.GetInteraction(1)); }},
      {"ListInteractions", Role::kReader,
       [=](Store& s) { return StatusOf(s.ListInteractions(history)); }},
      {"RedeemLoyaltyPoints", Role::kWriter,
       [](Store& s) { return s.RedeemLoyaltyPoints(10, 5); }},
      {"ApplyBatch", Role::kWriter,
       [](Store& s) {
         std::vector<Status> statuses;
         return s.ApplyBatch({Event(NewOrder(103, 10, 2, DaysAgo(1), 100))},
                             &statuses);
       }},
      {"GetPolicy", Role::kReader,
       [](Store& s) { return StatusOf(s.GetPolicy()); }},
      {"SetPolicy", Role::kAdmin,
       [](Store& s) {
         return StatusOf(s.SetPolicy(DefaultPolicy(), nullptr));
       }},
      {"Rescore", Role::kAdmin,
       [](Store& s) {
         RescoreOptions o;
         o.full = true;
         return StatusOf(s.Rescore(o));
       }},
      {"FindCustomers", Role::kReader,
       [](Store& s) { return StatusOf(s.FindCustomers(CustomerQuery())); }},
      {"Explain", Role::kReader,
       [](Store& s) { return StatusOf(s.Explain(CustomerQuery())); }},
      {"GetChurnWatch", Role::kReader,
       [](Store& s) {
         ChurnWatchQuery q;
         q.as_of_ms = test::kTestNowMs;
         return StatusOf(s.GetChurnWatch(q));
       }},
      {"GetTierSummary", Role::kReader,
       [](Store& s) { return StatusOf(s.GetTierSummary(TierSummaryQuery())); }},
      {"GetChannelReport", Role::kReader,
       [](Store& s) {
         return StatusOf(s.GetChannelReport(ChannelReportQuery()));
       }},
      {"ViewCustomer", Role::kReader,
       [](Store& s) { return StatusOf(s.ViewCustomer(10)); }},
      {"MergeCustomers", Role::kWriter,
       [](Store& s) { return s.MergeCustomers(10, 11); }},
      {"EraseCustomer", Role::kWriter,
       // After the merge above: erase the survivor, 10.
       [](Store& s) { return s.EraseCustomer(10); }},
  };
}

TEST_F(ScopedStoreTest, EveryOperationIsListed) {
  // store.h has 31 pure virtual methods; a new one needs a row above.
  EXPECT_EQ(EveryOperation().size(), 31u);
}

TEST_F(ScopedStoreTest, RoleBelowTheOperationsIsRefusedAndWritesNothing) {
  for (Role role : {Role::kReader, Role::kWriter}) {
    for (const RoleCase& c : EveryOperation()) {
      if (static_cast<int>(c.needs) <= static_cast<int>(role)) continue;
      for (std::optional<uint64_t> scope :
           {std::optional<uint64_t>(), std::optional<uint64_t>(kScope)}) {
        ScopedStore store(engine_.get(), Token(role, scope));
        EXPECT_DENIED(c.call(store),
                      std::string(c.op) + " needs the " + RoleName(c.needs) +
                          " role; this token is " + RoleName(role));
      }
    }
  }
  ExpectUnchanged();
}

TEST_F(ScopedStoreTest, RoleAtOrAboveTheOperationsPassesUnscoped) {
  // Each on a fresh database state would be cleaner; here each row's call
  // is independent enough of the others that one pass in order works.
  for (const RoleCase& c : EveryOperation()) {
    for (Role role : {Role::kReader, Role::kWriter, Role::kAdmin}) {
      if (static_cast<int>(c.needs) > static_cast<int>(role)) continue;
      ScopedStore store(engine_.get(), Token(role, std::nullopt));
      const Status s = c.call(store);
      EXPECT_NE(s.code(), StatusCode::kPermissionDenied)
          << c.op << " as " << RoleName(role) << ": " << s.ToString();
      // Writes run once: the rest of the roles would only repeat them.
      if (c.needs != Role::kReader) break;
    }
  }
}

TEST_F(ScopedStoreTest, ScopedWriterPassesEveryInScopeCall) {
  for (const RoleCase& c : EveryOperation()) {
    if (c.needs == Role::kAdmin) continue;  // scoped admins: below
    ScopedStore store = Scoped(Role::kWriter);
    const Status s = c.call(store);
    EXPECT_TRUE(s.ok()) << c.op << ": " << s.ToString();
  }
}

// --- Channels
// -----------------------------------------------------------------

TEST_F(ScopedStoreTest, GetChannel) {
  ScopedStore store = Scoped(Role::kReader);
  EXPECT_EQ(test::ValueOf(store.GetChannel(2)).id, 2u);
  EXPECT_EQ(test::ValueOf(store.GetChannel(3)).parent_id, 2u);
  for (uint64_t outside : {1, 4, 5}) {
    EXPECT_DENIED(StatusOf(store.GetChannel(outside)),
                  Denial("channel_id: " + std::to_string(outside)));
  }
  // Absent: the same answer as outside.
  EXPECT_DENIED(StatusOf(store.GetChannel(77)), Denial("channel_id: 77"));
  // Unscoped, absent is not_found.
  ScopedStore all(engine_.get(), Token(Role::kReader, std::nullopt));
  EXPECT_EQ(all.GetChannel(77).status().code(), StatusCode::kNotFound);
}

TEST_F(ScopedStoreTest, ListChannels) {
  std::vector<uint64_t> ids;
  for (const Channel& c : test::ValueOf(Scoped(Role::kReader).ListChannels())) {
    ids.push_back(c.id);
  }
  EXPECT_EQ(ids, (std::vector<uint64_t>{2, 3}));
  // A channel added below the scope (by anyone) is seen at once.
  test::PutChannelTree(engine_.get(), {{6, 3}, {7, 4}});
  ids.clear();
  for (const Channel& c : test::ValueOf(Scoped(Role::kReader).ListChannels())) {
    ids.push_back(c.id);
  }
  EXPECT_EQ(ids, (std::vector<uint64_t>{2, 3, 6}));
  EXPECT_EQ(ScopedStore(engine_.get(), Token(Role::kReader, std::nullopt))
                .ListChannels()
                ->size(),
            7u);
}

TEST_F(ScopedStoreTest, PutChannel) {
  ScopedStore store = Scoped();
  Channel c;
  c.name = "x";
  // The scope's own channel, a top-level one, a parent outside, an
  // existing outside channel pulled in: all refused.
  c.id = 2;
  c.parent_id = 1;
  EXPECT_DENIED(store.PutChannel(c),
                "channel.id: 2 is this token's scope channel; a scoped token "
                "changes only the channels below it");
  c.id = 8;
  c.parent_id = 0;
  EXPECT_DENIED(store.PutChannel(c), Denial("channel.parent_id: 0"));
  c.parent_id = 4;
  EXPECT_DENIED(store.PutChannel(c), Denial("channel.parent_id: 4"));
  c.parent_id = 99;
  EXPECT_DENIED(store.PutChannel(c), Denial("channel.parent_id: 99"));
  c.id = 4;
  c.parent_id = 3;
  EXPECT_DENIED(store.PutChannel(c), Denial("channel.id: 4"));
  c.id = 1;
  c.parent_id = 2;
  EXPECT_DENIED(store.PutChannel(c), Denial("channel.id: 1"));
  ExpectUnchanged();

  // Inside: create below, rename, re-parent within the subtree.
  c.id = 8;
  c.parent_id = 2;
  ASSERT_TRUE(store.PutChannel(c).ok());
  c.id = 3;
  c.parent_id = 8;
  c.name = "moved";
  ASSERT_TRUE(store.PutChannel(c).ok());
  EXPECT_EQ(test::ValueOf(engine_->GetChannel(3)).parent_id, 8u);
  // Customer 11 (owner 3) is still in scope through 8.
  EXPECT_TRUE(store.GetCustomer(11).ok());
}

// --- Customers
// ----------------------------------------------------------------

TEST_F(ScopedStoreTest, CreateCustomer) {
  ScopedStore store = Scoped();
  Customer c;
  c.code = "NEW-1";
  c.owner_channel_id = 0;
  EXPECT_DENIED(StatusOf(store.CreateCustomer(c)),
                Denial("customer.owner_channel_id: 0"));
  c.owner_channel_id = 4;
  EXPECT_DENIED(StatusOf(store.CreateCustomer(c)),
                Denial("customer.owner_channel_id: 4"));
  c.owner_channel_id = 3;
  c.acquisition_channel_id = 5;
  EXPECT_DENIED(StatusOf(store.CreateCustomer(c)),
                Denial("customer.acquisition_channel_id: 5"));
  ExpectUnchanged();

  // A taken identity is visible (uniqueness is global), its holder only
  // when in scope.
  c.acquisition_channel_id = 0;
  c.code = "OUT-20";
  Status s = StatusOf(store.CreateCustomer(c));
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  EXPECT_EQ(s.message().find("customer 20"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("a customer outside this token's scope"),
            std::string::npos)
      << s.message();
  c.code = "IN-10";
  s = StatusOf(store.CreateCustomer(c));
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(s.message().find("customer 10"), std::string::npos) << s.message();
  ExpectUnchanged();

  c.code = "NEW-1";
  c.acquisition_channel_id = 2;
  Result<uint64_t> id = store.CreateCustomer(c);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_TRUE(store.GetCustomer(*id).ok());
}

TEST_F(ScopedStoreTest, UpdateCustomer) {
  ScopedStore store = Scoped();
  CustomerPatch rename;
  rename.name = "taken over";
  EXPECT_DENIED(store.UpdateCustomer(20, rename), Denial("customer_id: 20"));
  EXPECT_DENIED(store.UpdateCustomer(22, rename), Denial("customer_id: 22"));
  EXPECT_DENIED(store.UpdateCustomer(999, rename), Denial("customer_id: 999"));
  // Moving an inside customer out (or to no owner) is refused.
  CustomerPatch move;
  move.owner_channel_id = 4;
  EXPECT_DENIED(store.UpdateCustomer(10, move),
                Denial("patch.owner_channel_id: 4"));
  move.owner_channel_id = 0;
  EXPECT_DENIED(store.UpdateCustomer(10, move),
                Denial("patch.owner_channel_id: 0"));
  CustomerPatch acquire;
  acquire.acquisition_channel_id = 1;
  EXPECT_DENIED(store.UpdateCustomer(10, acquire),
                Denial("patch.acquisition_channel_id: 1"));
  ExpectUnchanged();

  CustomerPatch steal;
  steal.email = "out20@example.com";
  Status s = store.UpdateCustomer(10, steal);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(s.message().find("a customer outside this token's scope"),
            std::string::npos)
      << s.message();
  ExpectUnchanged();

  move.owner_channel_id = 3;
  ASSERT_TRUE(store.UpdateCustomer(10, move).ok());
  EXPECT_EQ(test::ValueOf(engine_->GetCustomer(10)).profile.owner_channel_id,
            3u);
}

TEST_F(ScopedStoreTest, GetCustomer) {
  ScopedStore store = Scoped(Role::kReader);
  EXPECT_EQ(test::ValueOf(store.GetCustomer(10)).profile.code, "IN-10");
  EXPECT_EQ(test::ValueOf(store.GetCustomer(11)).profile.code, "IN-11");
  // Outside, ownerless and absent: one answer.
  for (uint64_t id : {20, 21, 22, 999}) {
    EXPECT_DENIED(StatusOf(store.GetCustomer(id)),
                  Denial("customer_id: " + std::to_string(id)));
  }
}

TEST_F(ScopedStoreTest, GetCustomerByCode) {
  ScopedStore store = Scoped(Role::kReader);
  EXPECT_EQ(test::ValueOf(store.GetCustomerByCode("IN-11")).profile.id, 11u);
  EXPECT_DENIED(StatusOf(store.GetCustomerByCode("OUT-20")),
                Denial("code: 'OUT-20'"));
  EXPECT_DENIED(StatusOf(store.GetCustomerByCode("NOPE")),
                Denial("code: 'NOPE'"));
}

TEST_F(ScopedStoreTest, GetCustomerByEmail) {
  ScopedStore store = Scoped(Role::kReader);
  EXPECT_EQ(
      test::ValueOf(store.GetCustomerByEmail("in10@example.com")).profile.id,
      10u);
  EXPECT_DENIED(StatusOf(store.GetCustomerByEmail("out21@example.com")),
                Denial("email: 'out21@example.com'"));
  EXPECT_DENIED(StatusOf(store.GetCustomerByEmail("none@example.com")),
                Denial("email: 'none@example.com'"));
}

TEST_F(ScopedStoreTest, GetCustomerByPhone) {
  ScopedStore store = Scoped(Role::kReader);
  EXPECT_EQ(test::ValueOf(store.GetCustomerByPhone("+447000011")).profile.id,
            11u);
  EXPECT_DENIED(StatusOf(store.GetCustomerByPhone("+447000022")),
                Denial("phone: '+447000022'"));
  EXPECT_DENIED(StatusOf(store.GetCustomerByPhone("+447000099")),
                Denial("phone: '+447000099'"));
  // A malformed phone is the engine's invalid_argument: it says nothing of
  // any customer.
  EXPECT_EQ(store.GetCustomerByPhone("+4499").status().code(),
            StatusCode::kInvalidArgument);
}

// --- Orders
// -------------------------------------------------------------------

TEST_F(ScopedStoreTest, RecordOrder) {
  ScopedStore store = Scoped();
  EXPECT_DENIED(store.RecordOrder(NewOrder(300, 20, 2, DaysAgo(1), 100)),
                Denial("order.customer_id: 20"));
  EXPECT_DENIED(store.RecordOrder(NewOrder(300, 999, 2, DaysAgo(1), 100)),
                Denial("order.customer_id: 999"));
  // An inside customer through an outside channel.
  EXPECT_DENIED(store.RecordOrder(NewOrder(300, 10, 4, DaysAgo(1), 100)),
                Denial("order.channel_id: 4"));
  ExpectUnchanged();
  ASSERT_TRUE(store.RecordOrder(NewOrder(300, 11, 2, DaysAgo(1), 100)).ok());
  EXPECT_EQ(test::ValueOf(engine_->GetCustomer(11)).aggregates.order_count, 2);
}

TEST_F(ScopedStoreTest, UpdateOrderStatus) {
  ScopedStore store = Scoped();
  EXPECT_DENIED(store.UpdateOrderStatus(200, OrderStatus::kCancelled),
                Denial("order_id: 200"));
  EXPECT_DENIED(store.UpdateOrderStatus(201, OrderStatus::kRefunded),
                Denial("order_id: 201"));
  EXPECT_DENIED(store.UpdateOrderStatus(999, OrderStatus::kCancelled),
                Denial("order_id: 999"));
  ExpectUnchanged();
  ASSERT_TRUE(store.UpdateOrderStatus(100, OrderStatus::kCancelled).ok());
  EXPECT_EQ(test::ValueOf(engine_->GetOrder(100)).status,
            OrderStatus::kCancelled);
}

TEST_F(ScopedStoreTest, RefundOrder) {
  ScopedStore store = Scoped();
  EXPECT_DENIED(store.RefundOrder(200, 100), Denial("order_id: 200"));
  EXPECT_DENIED(store.RefundOrder(201, 100), Denial("order_id: 201"));
  EXPECT_DENIED(store.RefundOrder(999, 100), Denial("order_id: 999"));
  ExpectUnchanged();
  ASSERT_TRUE(store.RefundOrder(101, 100).ok());
  EXPECT_EQ(test::ValueOf(engine_->GetOrder(101)).refunded_minor, 100);
}

TEST_F(ScopedStoreTest, GetOrder) {
  ScopedStore store = Scoped(Role::kReader);
  EXPECT_EQ(test::ValueOf(store.GetOrder(110)).customer_id, 11u);
  for (uint64_t id : {200, 201, 210, 999}) {
    EXPECT_DENIED(StatusOf(store.GetOrder(id)),
                  Denial("order_id: " + std::to_string(id)));
  }
}

TEST_F(ScopedStoreTest, ListOrders) {
  ScopedStore store = Scoped(Role::kReader);
  HistoryQuery q;
  q.customer_id = 10;
  q.limit = 1;
  Page<Order> first = test::ValueOf(store.ListOrders(q));
  ASSERT_EQ(first.items.size(), 1u);
  EXPECT_EQ(first.items[0].id, 101u);
  q.cursor = first.next_cursor;
  Page<Order> second = test::ValueOf(store.ListOrders(q));
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].id, 100u);
  for (uint64_t id : {20, 22, 999}) {
    HistoryQuery out;
    out.customer_id = id;
    EXPECT_DENIED(StatusOf(store.ListOrders(out)),
                  Denial("query.customer_id: " + std::to_string(id)));
  }
}

// --- Interactions
// -------------------------------------------------------------

TEST_F(ScopedStoreTest, RecordInteraction) {
  ScopedStore store = Scoped();
  EXPECT_DENIED(StatusOf(store.RecordInteraction(
                    NewInteraction(21, 2, DaysAgo(1), InteractionKind::kCall))),
                Denial("interaction.customer_id: 21"));
  EXPECT_DENIED(StatusOf(store.RecordInteraction(
                    NewInteraction(10, 5, DaysAgo(1), InteractionKind::kCall))),
                Denial("interaction.channel_id: 5"));
  EXPECT_DENIED(StatusOf(store.RecordInteraction(NewInteraction(
                    998, 2, DaysAgo(1), InteractionKind::kCall))),
                Denial("interaction.customer_id: 998"));
  ExpectUnchanged();
  // Channel 0 ("none") is allowed for an interaction.
  Result<uint64_t> id = store.RecordInteraction(
      NewInteraction(10, 0, DaysAgo(1), InteractionKind::kEmail));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_TRUE(store.GetInteraction(*id).ok());
}

TEST_F(ScopedStoreTest, ResolveInteraction) {
  ScopedStore store = Scoped();
  EXPECT_DENIED(store.ResolveInteraction(out_complaint_, DaysAgo(1)),
                Denial("interaction_id: " + std::to_string(out_complaint_)));
  EXPECT_DENIED(store.ResolveInteraction(9999, DaysAgo(1)),
                Denial("interaction_id: 9999"));
  ExpectUnchanged();
  ASSERT_TRUE(store.ResolveInteraction(in_complaint_, DaysAgo(1)).ok());
  EXPECT_EQ(
      test::ValueOf(engine_->GetCustomer(10)).aggregates.open_complaint_count,
      0);
}

TEST_F(ScopedStoreTest, GetInteraction) {
  ScopedStore store = Scoped(Role::kReader);
  EXPECT_EQ(test::ValueOf(store.GetInteraction(in_complaint_)).customer_id,
            10u);
  EXPECT_DENIED(StatusOf(store.GetInteraction(out_complaint_)),
                Denial("interaction_id: " + std::to_string(out_complaint_)));
  EXPECT_DENIED(StatusOf(store.GetInteraction(9999)),
                Denial("interaction_id: 9999"));
}

TEST_F(ScopedStoreTest, ListInteractions) {
  ScopedStore store = Scoped(Role::kReader);
  HistoryQuery q;
  q.customer_id = 11;
  EXPECT_EQ(test::ValueOf(store.ListInteractions(q)).items.size(), 1u);
  q.customer_id = 20;
  EXPECT_DENIED(StatusOf(store.ListInteractions(q)),
                Denial("query.customer_id: 20"));
  q.customer_id = 999;
  EXPECT_DENIED(StatusOf(store.ListInteractions(q)),
                Denial("query.customer_id: 999"));
}

// --- Loyalty
// ------------------------------------------------------------------

TEST_F(ScopedStoreTest, RedeemLoyaltyPoints) {
  ScopedStore store = Scoped();
  EXPECT_DENIED(store.RedeemLoyaltyPoints(20, 1), Denial("customer_id: 20"));
  EXPECT_DENIED(store.RedeemLoyaltyPoints(999, 1), Denial("customer_id: 999"));
  ExpectUnchanged();
  ASSERT_TRUE(store.RedeemLoyaltyPoints(10, 5).ok());
  EXPECT_EQ(test::ValueOf(engine_->GetCustomer(10)).aggregates.loyalty_redeemed,
            5);
}

// --- Batch ingest
// -------------------------------------------------------------

TEST_F(ScopedStoreTest, ApplyBatchRefusesOutsideEventsOneByOne) {
  ScopedStore store = Scoped();
  Customer outside;
  outside.id = 40;
  outside.owner_channel_id = 4;
  std::vector<Event> events = {
      Event(outside),
      Event(NewOrder(300, 20, 2, DaysAgo(1), 100)),
      Event(OrderStatusChange{200, OrderStatus::kCancelled}),
      Event(OrderRefund{201, 10}),
      Event(InteractionResolution{out_complaint_, DaysAgo(1)}),
      Event(LoyaltyRedemption{20, 1}),
      Event(NewInteraction(21, 2, DaysAgo(1), InteractionKind::kCall)),
      // Refers to customer 40, which the refused first event would create.
      Event(NewOrder(301, 40, 2, DaysAgo(1), 100)),
  };
  std::vector<Status> statuses;
  std::vector<uint64_t> ids;
  ASSERT_TRUE(store.ApplyBatch(events, &statuses, &ids).ok());
  ASSERT_EQ(statuses.size(), events.size());
  ASSERT_EQ(ids.size(), events.size());
  const std::vector<std::string> expected = {
      Denial("customer.owner_channel_id: 4"),
      Denial("order.customer_id: 20"),
      Denial("order_id: 200"),
      Denial("order_id: 201"),
      Denial("interaction_id: " + std::to_string(out_complaint_)),
      Denial("customer_id: 20"),
      Denial("interaction.customer_id: 21"),
      Denial("order.customer_id: 40"),
  };
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(statuses[i].code(), StatusCode::kPermissionDenied) << i;
    EXPECT_EQ(statuses[i].message(), expected[i]) << i;
    EXPECT_EQ(ids[i], 0u) << i;
  }
  ExpectUnchanged();
}

TEST_F(ScopedStoreTest, ApplyBatchAppliesTheInsideEventsAtomically) {
  ScopedStore store = Scoped();
  Customer inside;
  inside.id = 41;
  inside.code = "IN-41";
  inside.owner_channel_id = 3;
  Interaction complaint =
      NewInteraction(41, 3, DaysAgo(2), InteractionKind::kComplaint);
  complaint.id = 5000;
  std::vector<Event> events = {
      Event(inside),
      // Later events may refer to what earlier ones create.
      Event(NewOrder(302, 41, 2, DaysAgo(2), 500, OrderStatus::kPaid)),
      Event(OrderStatusChange{302, OrderStatus::kCompleted}),
      Event(complaint),
      Event(InteractionResolution{5000, DaysAgo(1)}),
      Event(NewOrder(303, 21, 2, DaysAgo(1), 100)),  // outside: refused
      Event(LoyaltyRedemption{10, 1}),
  };
  std::vector<Status> statuses;
  std::vector<uint64_t> ids;
  ASSERT_TRUE(store.ApplyBatch(events, &statuses, &ids).ok());
  ASSERT_EQ(statuses.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    if (i == 5) {
      EXPECT_EQ(statuses[i].message(), Denial("order.customer_id: 21"));
    } else {
      EXPECT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].ToString();
    }
  }
  EXPECT_EQ(ids[0], 41u);
  EXPECT_EQ(ids[3], 5000u);
  CustomerRecord r = test::ValueOf(engine_->GetCustomer(41));
  EXPECT_EQ(r.aggregates.completed_order_count, 1);
  EXPECT_EQ(r.aggregates.open_complaint_count, 0);
  EXPECT_FALSE(engine_->GetOrder(303).ok());
  Result<VerifyReport> v = engine_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << test::Listing(*v);
}

TEST_F(ScopedStoreTest, ApplyBatchDoesNotTrustACreateOfAnExistingId) {
  // Customer 20 exists outside; "creating" it in scope fails in the
  // engine, so the order after it must not reach customer 20.
  ScopedStore store = Scoped();
  Customer impostor;
  impostor.id = 20;
  impostor.owner_channel_id = 2;
  std::vector<Event> events = {Event(impostor),
                               Event(NewOrder(304, 20, 2, DaysAgo(1), 100)),
                               Event(OrderRefund{200, 1})};
  std::vector<Status> statuses;
  ASSERT_TRUE(store.ApplyBatch(events, &statuses).ok());
  EXPECT_EQ(statuses[0].code(), StatusCode::kAlreadyExists)
      << statuses[0].ToString();
  EXPECT_EQ(statuses[1].message(), Denial("order.customer_id: 20"));
  EXPECT_EQ(statuses[2].message(), Denial("order_id: 200"));
  ExpectUnchanged();
}

// --- Policy and time
// ----------------------------------------------------------

TEST_F(ScopedStoreTest, GetPolicy) {
  EXPECT_EQ(test::ValueOf(Scoped(Role::kReader).GetPolicy()).version,
            test::ValueOf(engine_->GetPolicy()).version);
}

TEST_F(ScopedStoreTest, SetPolicy) {
  ScopedStore store = Scoped(Role::kAdmin);
  EXPECT_DENIED(StatusOf(store.SetPolicy(DefaultPolicy(), nullptr)),
                "SetPolicy changes every customer; this token is scoped to "
                "channel 2");
  ExpectUnchanged();
  ScopedStore admin(engine_.get(), Token(Role::kAdmin, std::nullopt));
  ASSERT_TRUE(admin.SetPolicy(DefaultPolicy(), nullptr).ok());
  EXPECT_EQ(test::ValueOf(engine_->GetPolicy()).version, 2);
}

TEST_F(ScopedStoreTest, Rescore) {
  ScopedStore store = Scoped(Role::kAdmin);
  RescoreOptions o;
  o.full = true;
  EXPECT_DENIED(StatusOf(store.Rescore(o)),
                "Rescore changes every customer; this token is scoped to "
                "channel 2");
  ExpectUnchanged();
  ScopedStore admin(engine_.get(), Token(Role::kAdmin, std::nullopt));
  EXPECT_TRUE(admin.Rescore(o).ok());
}

// --- Queries and reports
// ------------------------------------------------------

TEST_F(ScopedStoreTest, FindCustomers) {
  ScopedStore store = Scoped(Role::kReader);
  CustomerQuery q;
  q.order = CustomerOrder::kId;
  EXPECT_EQ(test::Ids(test::ValueOf(store.FindCustomers(q)).customers),
            (std::vector<uint64_t>{10, 11}));
  // Paging in scope: a limit of one pages through exactly the scope.
  q.limit = 1;
  std::vector<uint64_t> paged;
  for (int guard = 0; guard < 10; ++guard) {
    CustomerPage page = test::ValueOf(store.FindCustomers(q));
    for (const CustomerRecord& r : page.customers)
      paged.push_back(r.profile.id);
    if (page.next_cursor.empty()) break;
    q.cursor = page.next_cursor;
  }
  EXPECT_EQ(paged, (std::vector<uint64_t>{10, 11}));
  // An owner filter in scope stands (without its subtree: only 2's).
  q = CustomerQuery();
  q.order = CustomerOrder::kId;
  q.owner_channel_id = 2;
  EXPECT_EQ(test::Ids(test::ValueOf(store.FindCustomers(q)).customers),
            (std::vector<uint64_t>{10}));
  q.owner_channel_id = 3;
  EXPECT_EQ(test::Ids(test::ValueOf(store.FindCustomers(q)).customers),
            (std::vector<uint64_t>{11}));
  for (uint64_t outside : {1, 4, 99}) {
    q.owner_channel_id = outside;
    EXPECT_DENIED(StatusOf(store.FindCustomers(q)),
                  Denial("query.owner_channel_id: " + std::to_string(outside)));
  }
}

TEST_F(ScopedStoreTest, Explain) {
  ScopedStore store = Scoped(Role::kReader);
  CustomerQuery q;
  QueryPlan plan = test::ValueOf(store.Explain(q));
  EXPECT_EQ(plan.results, 2u);
  q.owner_channel_id = 5;
  EXPECT_DENIED(StatusOf(store.Explain(q)),
                Denial("query.owner_channel_id: 5"));
  ScopedStore all(engine_.get(), Token(Role::kReader, std::nullopt));
  EXPECT_EQ(test::ValueOf(all.Explain(CustomerQuery())).results, 5u);
}

TEST_F(ScopedStoreTest, GetChurnWatch) {
  ScopedStore store = Scoped(Role::kReader);
  ChurnWatchQuery q;
  q.as_of_ms = test::kTestNowMs;
  // Quiet for 3 days: 10 and 20 (complaints 5 days ago); 11 and 21 were
  // active since. Only 10 is in scope.
  q.inactive_days = 3;
  ScopedStore all(engine_.get(), Token(Role::kReader, std::nullopt));
  ChurnWatch scoped = test::ValueOf(store.GetChurnWatch(q));
  EXPECT_EQ(scoped.count, 1);
  EXPECT_EQ(test::Ids(scoped.top), (std::vector<uint64_t>{10}));
  EXPECT_EQ(test::ValueOf(all.GetChurnWatch(q)).count, 2);
  // A year on, every customer with orders: 10, 11 in scope of 10, 11, 20, 21.
  q.inactive_days = 30;
  q.as_of_ms = test::kTestNowMs + 365 * test::kDay;
  EXPECT_EQ(test::ValueOf(store.GetChurnWatch(q)).count, 2);
  EXPECT_EQ(test::ValueOf(all.GetChurnWatch(q)).count, 4);
  q.channel_id = 3;
  EXPECT_EQ(test::ValueOf(store.GetChurnWatch(q)).count, 1);
  q.channel_id = 4;
  EXPECT_DENIED(StatusOf(store.GetChurnWatch(q)),
                Denial("query.channel_id: 4"));
}

TEST_F(ScopedStoreTest, GetTierSummary) {
  ScopedStore store = Scoped(Role::kReader);
  auto customers = [](const TierSummary& s) {
    int64_t n = 0;
    for (const TierSummaryRow& r : s.rows) n += r.customers;
    return n;
  };
  TierSummaryQuery q;
  q.include_subtree = false;  // no owner: the scope, with its subtree
  EXPECT_EQ(customers(test::ValueOf(store.GetTierSummary(q))), 2);
  q.split_by = SummarySplit::kOwnerChannel;
  for (const TierSummaryRow& r : test::ValueOf(store.GetTierSummary(q)).rows) {
    ASSERT_TRUE(r.owner_channel_id.has_value());
    EXPECT_TRUE(*r.owner_channel_id == 2 || *r.owner_channel_id == 3)
        << *r.owner_channel_id;
  }
  q.split_by = SummarySplit::kNone;
  q.owner_channel_id = 3;
  EXPECT_EQ(customers(test::ValueOf(store.GetTierSummary(q))), 1);
  q.owner_channel_id = 1;
  EXPECT_DENIED(StatusOf(store.GetTierSummary(q)),
                Denial("query.owner_channel_id: 1"));
  // The same as an unscoped session asking for the scope's subtree, and
  // less than the whole database.
  ScopedStore all(engine_.get(), Token(Role::kReader, std::nullopt));
  TierSummaryQuery subtree;
  subtree.owner_channel_id = kScope;
  EXPECT_EQ(customers(test::ValueOf(all.GetTierSummary(subtree))), 2);
  EXPECT_GT(customers(test::ValueOf(all.GetTierSummary(TierSummaryQuery()))),
            2);
}

TEST_F(ScopedStoreTest, GetChannelReport) {
  ScopedStore store = Scoped(Role::kReader);
  ChannelReport report = test::ValueOf(store.GetChannelReport({}));
  std::vector<uint64_t> channels;
  for (const ChannelReportRow& r : report.rows)
    channels.push_back(r.channel_id);
  EXPECT_EQ(channels, (std::vector<uint64_t>{2, 3}));
  ChannelReportQuery q;
  q.channel_id = 3;
  ASSERT_EQ(test::ValueOf(store.GetChannelReport(q)).rows.size(), 1u);
  q.channel_id = 4;
  EXPECT_DENIED(StatusOf(store.GetChannelReport(q)),
                Denial("query.channel_id: 4"));
  q.channel_id = 1;  // an ancestor's subtree would include outside channels
  EXPECT_DENIED(StatusOf(store.GetChannelReport(q)),
                Denial("query.channel_id: 1"));
  ScopedStore all(engine_.get(), Token(Role::kReader, std::nullopt));
  EXPECT_EQ(test::ValueOf(all.GetChannelReport({})).rows.size(), 5u);
}

TEST_F(ScopedStoreTest, ViewCustomer) {
  ScopedStore store = Scoped(Role::kReader);
  CustomerView view = test::ValueOf(store.ViewCustomer(10));
  EXPECT_EQ(view.recent_orders.size(), 2u);
  for (uint64_t id : {20, 22, 999}) {
    EXPECT_DENIED(StatusOf(store.ViewCustomer(id)),
                  Denial("customer_id: " + std::to_string(id)));
  }
}

// --- Merge and erasure
// --------------------------------------------------------

TEST_F(ScopedStoreTest, MergeCustomers) {
  ScopedStore store = Scoped();
  EXPECT_DENIED(store.MergeCustomers(10, 20), Denial("duplicate_id: 20"));
  EXPECT_DENIED(store.MergeCustomers(20, 10), Denial("survivor_id: 20"));
  EXPECT_DENIED(store.MergeCustomers(10, 999), Denial("duplicate_id: 999"));
  ExpectUnchanged();
  ASSERT_TRUE(store.MergeCustomers(10, 11).ok());
  EXPECT_EQ(test::ValueOf(engine_->GetCustomer(10)).aggregates.order_count, 3);
}

TEST_F(ScopedStoreTest, EraseCustomer) {
  ScopedStore store = Scoped();
  EXPECT_DENIED(store.EraseCustomer(21), Denial("customer_id: 21"));
  EXPECT_DENIED(store.EraseCustomer(22), Denial("customer_id: 22"));
  EXPECT_DENIED(store.EraseCustomer(999), Denial("customer_id: 999"));
  ExpectUnchanged();
  ASSERT_TRUE(store.EraseCustomer(11).ok());
  EXPECT_EQ(engine_->GetCustomer(11).status().code(), StatusCode::kNotFound);
  // Erased: the scoped token gets the outside answer for it now.
  EXPECT_DENIED(StatusOf(store.GetCustomer(11)), Denial("customer_id: 11"));
}

// --- Scope follows the channel tree
// -------------------------------------------

TEST_F(ScopedStoreTest, ReparentingMovesCustomersInAndOutAtOnce) {
  ScopedStore store = Scoped(Role::kReader);
  ASSERT_FALSE(store.GetCustomer(20).ok());
  Channel four = test::ValueOf(engine_->GetChannel(4));
  four.parent_id = 3;  // 4 joins the subtree (by an unscoped admin)
  ASSERT_TRUE(engine_->PutChannel(four).ok());
  EXPECT_TRUE(store.GetCustomer(20).ok());
  CustomerQuery q;
  q.order = CustomerOrder::kId;
  EXPECT_EQ(test::Ids(test::ValueOf(store.FindCustomers(q)).customers),
            (std::vector<uint64_t>{10, 11, 20}));
  Channel three = test::ValueOf(engine_->GetChannel(3));
  three.parent_id = 1;  // 3 (and 4 below it) leave
  ASSERT_TRUE(engine_->PutChannel(three).ok());
  EXPECT_FALSE(store.GetCustomer(11).ok());
  EXPECT_FALSE(store.GetCustomer(20).ok());
  EXPECT_EQ(test::Ids(test::ValueOf(store.FindCustomers(q)).customers),
            (std::vector<uint64_t>{10}));
}

TEST_F(ScopedStoreTest, UnscopedSessionsSeeEverythingAsTheEngine) {
  ScopedStore all(engine_.get(), Token(Role::kReader, std::nullopt));
  EXPECT_TRUE(all.GetCustomer(20).ok());
  EXPECT_TRUE(all.GetCustomer(22).ok());
  EXPECT_EQ(all.GetCustomer(999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(all.GetOrder(999).status().code(), StatusCode::kNotFound);
  CustomerQuery q;
  EXPECT_EQ(test::ValueOf(all.FindCustomers(q)).customers.size(), 5u);
}

}  // namespace
}  // namespace server
}  // namespace custdb
