// The engine contract tests' reference model: per-customer Aggregates
// computed from the definitions in custdb/types.h, the outcome of each
// write predicted from custdb/store.h, and the helpers that compare the
// engine with it (header-only, so tests/CMakeLists.txt needs no change).
#ifndef CUSTDB_TESTS_SUPPORT_REFERENCE_MODEL_H_
#define CUSTDB_TESTS_SUPPORT_REFERENCE_MODEL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "custdb/engine.h"
#include "custdb/status.h"
#include "custdb/store.h"
#include "custdb/types.h"

namespace custdb {
namespace test {
namespace refmodel {

// --- assertions ------------------------------------------------------------

// Succeeds if `status` has `code`; the failure shows both.
inline ::testing::AssertionResult HasCode(const Status& status,
                                          StatusCode code) {
  if (status.code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected " << StatusCodeName(code)
                                       << ", got " << status.ToString();
}

// Succeeds if `status` has `code` and its message contains `field`.
inline ::testing::AssertionResult FailsNaming(const Status& status,
                                              StatusCode code,
                                              const std::string& field) {
  if (status.code() != code) {
    return ::testing::AssertionFailure()
           << "expected " << StatusCodeName(code) << " naming '" << field
           << "', got " << status.ToString();
  }
  if (status.message().find(field) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "message does not name '" << field << "': " << status.ToString();
  }
  return ::testing::AssertionSuccess();
}

inline std::string AggregatesToString(const Aggregates& a) {
  std::ostringstream out;
  out << "{order_count=" << a.order_count
      << " completed_order_count=" << a.completed_order_count
      << " total_spend_minor=" << a.total_spend_minor
      << " first_order_ms=" << a.first_order_ms
      << " last_order_ms=" << a.last_order_ms
      << " last_interaction_ms=" << a.last_interaction_ms
      << " last_activity_ms=" << a.last_activity_ms
      << " interaction_count=" << a.interaction_count
      << " complaint_count=" << a.complaint_count
      << " open_complaint_count=" << a.open_complaint_count
      << " satisfaction_sum=" << a.satisfaction_sum
      << " satisfaction_count=" << a.satisfaction_count
      << " last_nps=" << a.last_nps << " last_nps_ms=" << a.last_nps_ms
      << " completed_spend_minor=" << a.completed_spend_minor
      << " loyalty_redeemed=" << a.loyalty_redeemed << " recent_order_ms=[";
  for (int64_t ts : a.recent_order_ms) out << " " << ts;
  out << " ]}";
  return out.str();
}

// Field-by-field comparison (does not rely on the engine's operator==); the
// failure names every field that differs. `core_only` leaves out the fields
// that serve tiering (completed_spend_minor, loyalty_redeemed,
// recent_order_ms), for expectations written by hand about the others.
inline ::testing::AssertionResult AggregatesMatch(const Aggregates& expected,
                                                  const Aggregates& actual,
                                                  bool core_only = false) {
  std::ostringstream diff;
  auto check = [&diff](const char* name, int64_t want, int64_t got) {
    if (want != got) diff << " " << name << ": want " << want << " got " << got;
  };
  check("order_count", expected.order_count, actual.order_count);
  check("completed_order_count", expected.completed_order_count,
        actual.completed_order_count);
  check("total_spend_minor", expected.total_spend_minor,
        actual.total_spend_minor);
  check("first_order_ms", expected.first_order_ms, actual.first_order_ms);
  check("last_order_ms", expected.last_order_ms, actual.last_order_ms);
  check("last_interaction_ms", expected.last_interaction_ms,
        actual.last_interaction_ms);
  check("last_activity_ms", expected.last_activity_ms, actual.last_activity_ms);
  check("interaction_count", expected.interaction_count,
        actual.interaction_count);
  check("complaint_count", expected.complaint_count, actual.complaint_count);
  check("open_complaint_count", expected.open_complaint_count,
        actual.open_complaint_count);
  check("satisfaction_sum", expected.satisfaction_sum, actual.satisfaction_sum);
  check("satisfaction_count", expected.satisfaction_count,
        actual.satisfaction_count);
  check("last_nps", expected.last_nps, actual.last_nps);
  check("last_nps_ms", expected.last_nps_ms, actual.last_nps_ms);
  if (!core_only) {
    check("last_nps_id", static_cast<int64_t>(expected.last_nps_id),
          static_cast<int64_t>(actual.last_nps_id));
    check("completed_spend_minor", expected.completed_spend_minor,
          actual.completed_spend_minor);
    check("loyalty_redeemed", expected.loyalty_redeemed,
          actual.loyalty_redeemed);
    if (expected.recent_order_ms != actual.recent_order_ms) {
      diff << " recent_order_ms differ";
    }
  }
  if (diff.str().empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "aggregates differ:" << diff.str() << "\n  expected "
         << AggregatesToString(expected) << "\n  actual   "
         << AggregatesToString(actual);
}

// AggregatesMatch on the fields of the order/interaction contract only.
inline ::testing::AssertionResult CoreAggregatesMatch(
    const Aggregates& expected, const Aggregates& actual) {
  return AggregatesMatch(expected, actual, /*core_only=*/true);
}

// --- canonical text of records, for "nothing changed" checks ---------------

inline std::string ChannelToString(const Channel& c) {
  std::ostringstream out;
  out << "channel{" << c.id << "|" << c.name << "|" << static_cast<int>(c.type)
      << "|" << c.parent_id << "|" << c.region << "|" << c.active << "}";
  return out.str();
}

inline std::string CustomerToString(const Customer& c) {
  std::ostringstream out;
  out << "customer{" << c.id << "|code=" << c.code << "|email=" << c.email
      << "|phone=" << c.phone << "|name=" << c.name << "|region=" << c.region
      << "|gender=" << static_cast<int>(c.gender) << "|birth=" << c.birth_year
      << "|acq=" << c.acquisition_channel_id << "|owner=" << c.owner_channel_id
      << "|tags=[";
  for (const std::string& t : c.tags) out << t << ",";
  out << "]|attrs={";
  for (const auto& [k, v] : c.attributes) out << k << "=" << v << ",";
  out << "}|created=" << c.created_at_ms << "}";
  return out.str();
}

inline std::string OrderToString(const Order& o) {
  std::ostringstream out;
  out << "order{" << o.id << "|cust=" << o.customer_id
      << "|chan=" << o.channel_id << "|ts=" << o.ts_ms
      << "|amount=" << o.amount_minor << "|cur=" << o.currency
      << "|kind=" << static_cast<int>(o.kind)
      << "|status=" << static_cast<int>(o.status)
      << "|refunded=" << o.refunded_minor << "|items=[";
  for (const LineItem& i : o.items) {
    out << i.sku << "x" << i.quantity << "@" << i.unit_price_minor << "="
        << i.amount_minor << ",";
  }
  out << "]}";
  return out.str();
}

inline std::string InteractionToString(const Interaction& i) {
  std::ostringstream out;
  out << "interaction{" << i.id << "|cust=" << i.customer_id
      << "|chan=" << i.channel_id << "|ts=" << i.ts_ms
      << "|kind=" << static_cast<int>(i.kind)
      << "|sat=" << (i.satisfaction ? std::to_string(*i.satisfaction) : "-")
      << "|nps=" << (i.nps ? std::to_string(*i.nps) : "-")
      << "|staff=" << i.staff_id << "|note=" << i.note << "|resolved="
      << (i.resolved_at_ms ? std::to_string(*i.resolved_at_ms) : "-") << "}";
  return out.str();
}

// Everything a client can read back from `store`: channels, every customer
// with its aggregates and full histories, and the record counts. Two equal
// fingerprints mean no visible write happened in between.
// `for_each_customer` and `counts_of` do what Engine's ForEachCustomer and
// Counts do for `store` (Store has neither).
inline std::string Fingerprint(
    Store& store,
    const std::function<
        Status(const std::function<Status(const CustomerRecord&)>&)>&
        for_each_customer,
    const std::function<Result<RecordCounts>()>& counts_of) {
  std::ostringstream out;
  auto channels = store.ListChannels();
  out << "channels:" << channels.status().ToString() << "\n";
  if (channels.ok()) {
    for (const Channel& c : *channels) out << ChannelToString(c) << "\n";
  }
  std::vector<uint64_t> ids;
  Status each = for_each_customer([&](const CustomerRecord& r) {
    out << CustomerToString(r.profile) << " "
        << AggregatesToString(r.aggregates) << "\n";
    ids.push_back(r.profile.id);
    return Status::OK();
  });
  out << "customers:" << each.ToString() << "\n";
  for (uint64_t id : ids) {
    HistoryQuery q;
    q.customer_id = id;
    q.limit = kMaxHistoryLimit;
    auto orders = store.ListOrders(q);
    out << "orders of " << id << ":" << orders.status().ToString() << "\n";
    if (orders.ok()) {
      for (const Order& o : orders->items) out << OrderToString(o) << "\n";
    }
    auto interactions = store.ListInteractions(q);
    out << "interactions of " << id << ":" << interactions.status().ToString()
        << "\n";
    if (interactions.ok()) {
      for (const Interaction& i : interactions->items) {
        out << InteractionToString(i) << "\n";
      }
    }
  }
  auto counts = counts_of();
  out << "counts:" << counts.status().ToString();
  if (counts.ok()) {
    out << " " << counts->channels << "/" << counts->customers << "/"
        << counts->orders << "/" << counts->interactions;
  }
  out << "\n";
  return out.str();
}

// The fingerprint of an Engine.
inline std::string Fingerprint(Engine& engine) {
  return Fingerprint(
      engine,
      [&engine](const std::function<Status(const CustomerRecord&)>& fn) {
        return engine.ForEachCustomer(fn);
      },
      [&engine] { return engine.Counts(); });
}

// --- events ----------------------------------------------------------------

// One line naming `event` and its fields, for failure messages.
inline std::string Describe(const Event& event) {
  std::ostringstream out;
  if (auto* c = std::get_if<Customer>(&event)) {
    out << "CreateCustomer{id=" << c->id << " code=" << c->code << "}";
  } else if (auto* o = std::get_if<Order>(&event)) {
    out << "RecordOrder " << OrderToString(*o);
  } else if (auto* i = std::get_if<Interaction>(&event)) {
    out << "RecordInteraction " << InteractionToString(*i);
  } else if (auto* s = std::get_if<OrderStatusChange>(&event)) {
    out << "UpdateOrderStatus{" << s->order_id << " -> "
        << static_cast<int>(s->status) << "}";
  } else if (auto* r = std::get_if<OrderRefund>(&event)) {
    out << "RefundOrder{" << r->order_id << " " << r->amount_minor << "}";
  } else if (auto* res = std::get_if<InteractionResolution>(&event)) {
    out << "ResolveInteraction{" << res->interaction_id << " at "
        << res->resolved_at_ms << "}";
  }
  return out.str();
}

// Applies `event` through its dedicated Store call; `*assigned_id`
// receives an engine-assigned customer or interaction id.
inline Status ApplyOne(Store& store, const Event& event,
                       uint64_t* assigned_id) {
  *assigned_id = 0;
  if (auto* c = std::get_if<Customer>(&event)) {
    auto id = store.CreateCustomer(*c);
    if (id.ok()) *assigned_id = *id;
    return id.status();
  }
  if (auto* o = std::get_if<Order>(&event)) return store.RecordOrder(*o);
  if (auto* i = std::get_if<Interaction>(&event)) {
    auto id = store.RecordInteraction(*i);
    if (id.ok()) *assigned_id = *id;
    return id.status();
  }
  if (auto* s = std::get_if<OrderStatusChange>(&event)) {
    return store.UpdateOrderStatus(s->order_id, s->status);
  }
  if (auto* r = std::get_if<OrderRefund>(&event)) {
    return store.RefundOrder(r->order_id, r->amount_minor);
  }
  const auto& res = std::get<InteractionResolution>(event);
  return store.ResolveInteraction(res.interaction_id, res.resolved_at_ms);
}

// --- the reference model ---------------------------------------------------

struct ModelOrder {
  uint64_t id = 0;
  uint64_t customer_id = 0;
  OrderKind kind = OrderKind::kSale;
  OrderStatus status = OrderStatus::kCompleted;
  int64_t ts_ms = 0;
  int64_t amount_minor = 0;
  int64_t refunded_minor = 0;
};

struct ModelInteraction {
  uint64_t id = 0;  // 0: assigned by the engine in a batch, not known
  uint64_t customer_id = 0;
  InteractionKind kind = InteractionKind::kCall;
  int64_t ts_ms = 0;
  std::optional<int32_t> satisfaction;
  std::optional<int32_t> nps;
  std::optional<int64_t> resolved_at_ms;
};

// Predicts the status code of each write from the contract in store.h and
// types.h and, when it is ok, applies it. Validation covers the fields the
// tests vary; the generators make at most one thing wrong per event.
class ReferenceModel {
 public:
  explicit ReferenceModel(std::string base_currency)
      : base_currency_(std::move(base_currency)) {}

  void AddChannel(uint64_t id) { channels_.insert(id); }
  bool HasCustomer(uint64_t id) const { return customers_.count(id) > 0; }
  bool HasOrder(uint64_t id) const { return orders_.count(id) > 0; }
  size_t interaction_count() const { return interactions_.size(); }
  // Records the id the engine assigned to the interaction stored at
  // `index` (one recorded with id 0 in a batch), so ties on last_nps break
  // by id as in the engine.
  void SetAssignedInteractionId(size_t index, uint64_t id) {
    interactions_[index].id = id;
    interaction_index_[id] = index;
  }
  bool HasInteraction(uint64_t id) const {
    return interaction_index_.count(id) > 0;
  }
  bool CodeTaken(const std::string& code) const {
    return codes_.count(code) > 0;
  }
  const std::set<uint64_t>& customer_ids() const { return customers_; }
  const std::map<uint64_t, ModelOrder>& orders() const { return orders_; }
  const std::vector<ModelInteraction>& interactions() const {
    return interactions_;
  }
  const ModelOrder& order(uint64_t id) const { return orders_.at(id); }
  const ModelInteraction& interaction(uint64_t id) const {
    return interactions_[interaction_index_.at(id)];
  }
  // CreateCustomer, for the fields the property test varies (id, code);
  // predicts only. ApplyCreateCustomer records the customer once the
  // engine has said which id it got.
  StatusCode CreateCustomer(const Customer& c) {
    if (c.id != 0 && customers_.count(c.id)) return StatusCode::kAlreadyExists;
    if (!c.code.empty() && codes_.count(c.code)) {
      return StatusCode::kAlreadyExists;
    }
    return StatusCode::kOk;
  }
  void ApplyCreateCustomer(uint64_t id, const std::string& code) {
    customers_.insert(id);
    if (!code.empty()) codes_.insert(code);
  }

  StatusCode RecordOrder(const Order& o) {
    StatusCode valid = ValidateOrder(o);
    if (valid != StatusCode::kOk) return valid;
    if (orders_.count(o.id)) return StatusCode::kAlreadyExists;
    if (!customers_.count(o.customer_id)) return StatusCode::kNotFound;
    ModelOrder m;
    m.id = o.id;
    m.customer_id = o.customer_id;
    m.kind = o.kind;
    m.status = o.status;
    m.ts_ms = o.ts_ms;
    m.amount_minor = o.amount_minor;
    orders_[o.id] = m;
    orders_by_customer_[o.customer_id].push_back(o.id);
    return StatusCode::kOk;
  }

  // True for the transitions UpdateOrderStatus allows on a sale order.
  static bool TransitionAllowed(OrderStatus from, OrderStatus to) {
    using S = OrderStatus;
    return (from == S::kPlaced && (to == S::kPaid || to == S::kCancelled)) ||
           (from == S::kPaid && (to == S::kCompleted || to == S::kCancelled ||
                                 to == S::kRefunded)) ||
           (from == S::kCompleted && to == S::kRefunded);
  }

  StatusCode UpdateOrderStatus(uint64_t order_id, OrderStatus to) {
    auto it = orders_.find(order_id);
    if (it == orders_.end()) return StatusCode::kNotFound;
    ModelOrder& m = it->second;
    if (m.kind != OrderKind::kSale || !TransitionAllowed(m.status, to)) {
      return StatusCode::kFailedPrecondition;
    }
    m.status = to;
    if (to == OrderStatus::kRefunded) m.refunded_minor = m.amount_minor;
    return StatusCode::kOk;
  }

  StatusCode RefundOrder(uint64_t order_id, int64_t amount) {
    auto it = orders_.find(order_id);
    if (it == orders_.end()) return StatusCode::kNotFound;
    ModelOrder& m = it->second;
    if (m.kind != OrderKind::kSale || (m.status != OrderStatus::kPaid &&
                                       m.status != OrderStatus::kCompleted)) {
      return StatusCode::kFailedPrecondition;
    }
    if (amount <= 0 || amount > m.amount_minor - m.refunded_minor) {
      return StatusCode::kInvalidArgument;
    }
    m.refunded_minor += amount;
    if (m.refunded_minor == m.amount_minor) m.status = OrderStatus::kRefunded;
    return StatusCode::kOk;
  }

  // Predicts only; ApplyRecordInteraction records it under the id the
  // engine used (0 if unknown: engine-assigned inside a batch).
  StatusCode RecordInteraction(const Interaction& i) {
    StatusCode valid = ValidateInteraction(i);
    if (valid != StatusCode::kOk) return valid;
    if (i.id != 0 && interaction_index_.count(i.id)) {
      return StatusCode::kAlreadyExists;
    }
    if (!customers_.count(i.customer_id)) return StatusCode::kNotFound;
    return StatusCode::kOk;
  }
  void ApplyRecordInteraction(const Interaction& i, uint64_t id) {
    ModelInteraction m;
    m.id = id;
    m.customer_id = i.customer_id;
    m.kind = i.kind;
    m.ts_ms = i.ts_ms;
    m.satisfaction = i.satisfaction;
    m.nps = i.nps;
    m.resolved_at_ms = i.resolved_at_ms;
    if (id != 0) interaction_index_[id] = interactions_.size();
    interactions_by_customer_[i.customer_id].push_back(interactions_.size());
    interactions_.push_back(m);
  }

  StatusCode ResolveInteraction(uint64_t id, int64_t at) {
    auto it = interaction_index_.find(id);
    if (it == interaction_index_.end()) return StatusCode::kNotFound;
    ModelInteraction& m = interactions_[it->second];
    if (!Resolvable(m.kind) || m.resolved_at_ms.has_value()) {
      return StatusCode::kFailedPrecondition;
    }
    if (at < m.ts_ms) return StatusCode::kInvalidArgument;
    m.resolved_at_ms = at;
    return StatusCode::kOk;
  }

  // Predicts the outcome of any batch event and, if it is ok, applies it;
  // `assigned_id` is the id the engine gave a customer or interaction
  // created with id 0 (0 if unknown).
  StatusCode Apply(const Event& event, uint64_t assigned_id) {
    if (auto* c = std::get_if<Customer>(&event)) {
      StatusCode code = CreateCustomer(*c);
      uint64_t id = c->id != 0 ? c->id : assigned_id;
      if (code == StatusCode::kOk && id != 0) ApplyCreateCustomer(id, c->code);
      return code;
    }
    if (auto* o = std::get_if<Order>(&event)) return RecordOrder(*o);
    if (auto* i = std::get_if<Interaction>(&event)) {
      StatusCode code = RecordInteraction(*i);
      if (code == StatusCode::kOk) {
        ApplyRecordInteraction(*i, i->id != 0 ? i->id : assigned_id);
      }
      return code;
    }
    if (auto* s = std::get_if<OrderStatusChange>(&event)) {
      return UpdateOrderStatus(s->order_id, s->status);
    }
    if (auto* r = std::get_if<OrderRefund>(&event)) {
      return RefundOrder(r->order_id, r->amount_minor);
    }
    const auto& res = std::get<InteractionResolution>(event);
    return ResolveInteraction(res.interaction_id, res.resolved_at_ms);
  }

  static bool Resolvable(InteractionKind k) {
    return k == InteractionKind::kComplaint || k == InteractionKind::kTicket;
  }

  // The customer's Aggregates by the definitions in types.h, from scratch.
  Aggregates AggregatesOf(uint64_t customer_id) const {
    Aggregates a;
    static const std::vector<uint64_t> kNoOrders;
    static const std::vector<size_t> kNoInteractions;
    auto orders_it = orders_by_customer_.find(customer_id);
    auto interactions_it = interactions_by_customer_.find(customer_id);
    const std::vector<uint64_t>& order_ids =
        orders_it == orders_by_customer_.end() ? kNoOrders : orders_it->second;
    const std::vector<size_t>& interaction_indexes =
        interactions_it == interactions_by_customer_.end()
            ? kNoInteractions
            : interactions_it->second;
    for (uint64_t order_id : order_ids) {
      const ModelOrder& o = orders_.at(order_id);
      if (o.kind == OrderKind::kCreditNote) {
        a.total_spend_minor -= o.amount_minor;
        continue;
      }
      if (o.status != OrderStatus::kCancelled) ++a.order_count;
      if (o.status == OrderStatus::kCompleted) {
        ++a.completed_order_count;
        a.completed_spend_minor += o.amount_minor - o.refunded_minor;
      }
      const bool first_sale = a.recent_order_ms.empty();
      a.recent_order_ms.push_back(o.ts_ms);
      if (o.status == OrderStatus::kPaid ||
          o.status == OrderStatus::kCompleted ||
          o.status == OrderStatus::kRefunded) {
        a.total_spend_minor += o.amount_minor - o.refunded_minor;
      }
      if (first_sale || o.ts_ms < a.first_order_ms) {
        a.first_order_ms = o.ts_ms;
      }
      if (a.last_order_ms == 0 || o.ts_ms > a.last_order_ms) {
        a.last_order_ms = o.ts_ms;
      }
    }
    bool any_interaction = false;
    bool any_nps = false;
    for (size_t index : interaction_indexes) {  // in write order
      const ModelInteraction& i = interactions_[index];
      ++a.interaction_count;
      if (!any_interaction || i.ts_ms > a.last_interaction_ms) {
        a.last_interaction_ms = i.ts_ms;
      }
      any_interaction = true;
      if (i.kind == InteractionKind::kComplaint) {
        ++a.complaint_count;
        if (!i.resolved_at_ms) ++a.open_complaint_count;
      }
      if (i.satisfaction) {
        a.satisfaction_sum += *i.satisfaction;
        ++a.satisfaction_count;
      }
      if (i.nps &&
          (!any_nps || std::make_pair(i.ts_ms, i.id) >
                           std::make_pair(a.last_nps_ms, a.last_nps_id))) {
        a.last_nps = *i.nps;
        a.last_nps_ms = i.ts_ms;
        a.last_nps_id = i.id;
        any_nps = true;
      }
    }
    a.last_activity_ms = std::max(a.last_order_ms, a.last_interaction_ms);
    // The latest kRecentOrders sale-order timestamps, ascending.
    std::sort(a.recent_order_ms.begin(), a.recent_order_ms.end());
    if (a.recent_order_ms.size() > kRecentOrders) {
      a.recent_order_ms.erase(
          a.recent_order_ms.begin(),
          a.recent_order_ms.end() - static_cast<long>(kRecentOrders));
    }
    return a;
  }

  int64_t order_count_of(uint64_t customer_id) const {
    auto it = orders_by_customer_.find(customer_id);
    return it == orders_by_customer_.end()
               ? 0
               : static_cast<int64_t>(it->second.size());
  }
  int64_t interaction_count_of(uint64_t customer_id) const {
    auto it = interactions_by_customer_.find(customer_id);
    return it == interactions_by_customer_.end()
               ? 0
               : static_cast<int64_t>(it->second.size());
  }
  int64_t order_record_count() const {
    return static_cast<int64_t>(orders_.size());
  }
  int64_t interaction_record_count() const {
    return static_cast<int64_t>(interactions_.size());
  }

 private:
  StatusCode ValidateOrder(const Order& o) const {
    if (o.id == 0 || o.amount_minor < 0) return StatusCode::kInvalidArgument;
    if (!o.currency.empty() && o.currency != base_currency_) {
      return StatusCode::kInvalidArgument;
    }
    if (o.kind != OrderKind::kSale && o.kind != OrderKind::kCreditNote) {
      return StatusCode::kInvalidArgument;
    }
    bool status_ok = o.kind == OrderKind::kCreditNote
                         ? o.status == OrderStatus::kCompleted
                         : (o.status == OrderStatus::kPlaced ||
                            o.status == OrderStatus::kPaid ||
                            o.status == OrderStatus::kCompleted);
    if (!status_ok) return StatusCode::kInvalidArgument;
    if (!channels_.count(o.channel_id)) return StatusCode::kInvalidArgument;
    if (o.items.size() > 1000) return StatusCode::kInvalidArgument;
    int64_t sum = 0;
    for (const LineItem& item : o.items) {
      if (item.sku.empty() || item.sku.size() > 64 || item.quantity <= 0 ||
          item.unit_price_minor < 0 || item.amount_minor < 0) {
        return StatusCode::kInvalidArgument;
      }
      sum += item.amount_minor;
    }
    if (!o.items.empty() && sum != o.amount_minor) {
      return StatusCode::kInvalidArgument;
    }
    return StatusCode::kOk;
  }

  StatusCode ValidateInteraction(const Interaction& i) const {
    int kind = static_cast<int>(i.kind);
    if (kind < 1 || kind > 9) return StatusCode::kInvalidArgument;
    if (i.channel_id != 0 && !channels_.count(i.channel_id)) {
      return StatusCode::kInvalidArgument;
    }
    if (i.satisfaction && (*i.satisfaction < 1 || *i.satisfaction > 5)) {
      return StatusCode::kInvalidArgument;
    }
    if (i.nps && (*i.nps < 0 || *i.nps > 10)) {
      return StatusCode::kInvalidArgument;
    }
    if (i.staff_id.size() > 64 || i.note.size() > 4096) {
      return StatusCode::kInvalidArgument;
    }
    if (i.resolved_at_ms &&
        (!Resolvable(i.kind) || *i.resolved_at_ms < i.ts_ms)) {
      return StatusCode::kInvalidArgument;
    }
    return StatusCode::kOk;
  }

  std::string base_currency_;
  std::set<uint64_t> channels_;
  std::set<uint64_t> customers_;
  std::set<std::string> codes_;
  std::map<uint64_t, ModelOrder> orders_;
  std::vector<ModelInteraction> interactions_;  // in write order
  std::map<uint64_t, size_t> interaction_index_;
  std::map<uint64_t, std::vector<uint64_t>> orders_by_customer_;
  std::map<uint64_t, std::vector<size_t>> interactions_by_customer_;
};

}  // namespace refmodel
}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_SUPPORT_REFERENCE_MODEL_H_
