// ScopedStore: the role and channel-scope checks (scoped_store.h has every
// rule; docs/PROTOCOL.md "Authentication and channel scope" the wire view).
#include "server/scoped_store.h"

#include <set>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace custdb {
namespace server {
namespace {

// Longer than any parent chain the engine lets form (it refuses cycles);
// only a corrupt registry could reach it.
constexpr int kMaxChannelDepth = 1 << 20;

// As the engine quotes values in its messages: at most 48 bytes shown.
std::string QuoteValue(const std::string& value) {
  constexpr size_t kShown = 48;
  if (value.size() <= kShown) return "'" + value + "'";
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0) == 0x80) {
    --cut;
  }
  return "'" + value.substr(0, cut) + "…'";
}

bool Scoped(const Principal& p) { return p.channel_id.has_value(); }

Status NeedRole(const Principal& p, Role need, const char* op) {
  if (static_cast<uint8_t>(p.role) >= static_cast<uint8_t>(need)) {
    return Status::OK();
  }
  return Status::PermissionDenied(std::string(op) + " needs the " +
                                  RoleName(need) + " role; this token is " +
                                  RoleName(p.role));
}

// The one message for "out of scope" and "does not exist", so that a scoped
// token cannot tell them apart.
Status OutOfScope(const Principal& p, std::string_view field,
                  const std::string& value) {
  return Status::PermissionDenied(std::string(field) + ": " + value +
                                  " is not in this token's scope (channel " +
                                  std::to_string(*p.channel_id) +
                                  " and its subtree)");
}

// Whether `channel_id` is the scope's channel or below it, walking the
// parent chain as it is now (re-parenting takes effect at once). An
// unknown channel, and 0, are not in scope.
Result<bool> ChannelInScope(Store* base, const Principal& p,
                            uint64_t channel_id) {
  uint64_t id = channel_id;
  for (int depth = 0; id != 0 && depth < kMaxChannelDepth; ++depth) {
    Result<Channel> channel = base->GetChannel(id);
    if (!channel.ok()) {
      if (channel.status().IsNotFound()) return false;
      return channel.status();
    }
    if (id == *p.channel_id) return true;
    id = channel->parent_id;
  }
  return false;
}

// OK if `channel_id` is in scope; else OutOfScope naming `field`.
Status CheckChannel(Store* base, const Principal& p, std::string_view field,
                    uint64_t channel_id) {
  Result<bool> in = ChannelInScope(base, p, channel_id);
  if (!in.ok()) return in.status();
  if (!*in) return OutOfScope(p, field, std::to_string(channel_id));
  return Status::OK();
}

// As CheckChannel, but 0 ("no channel") passes.
Status CheckOptionalChannel(Store* base, const Principal& p,
                            std::string_view field, uint64_t channel_id) {
  if (channel_id == 0) return Status::OK();
  return CheckChannel(base, p, field, channel_id);
}

// OK if `record` was found and its owner is in scope; a missing customer
// is OutOfScope too. Other errors pass through.
Status CheckRecord(Store* base, const Principal& p,
                   const Result<CustomerRecord>& record, std::string_view field,
                   const std::string& value) {
  if (!record.ok()) {
    if (record.status().IsNotFound()) return OutOfScope(p, field, value);
    return record.status();
  }
  Result<bool> in = ChannelInScope(base, p, record->profile.owner_channel_id);
  if (!in.ok()) return in.status();
  if (!*in) return OutOfScope(p, field, value);
  return Status::OK();
}

// The customer `customer_id`, named in a refusal as `field`: `value`.
Status CheckCustomerAs(Store* base, const Principal& p, std::string_view field,
                       const std::string& value, uint64_t customer_id) {
  return CheckRecord(base, p, base->GetCustomer(customer_id), field, value);
}

Status CheckCustomer(Store* base, const Principal& p, std::string_view field,
                     uint64_t customer_id) {
  return CheckCustomerAs(base, p, field, std::to_string(customer_id),
                         customer_id);
}

// The order's customer; an unknown order is OutOfScope.
Status CheckOrder(Store* base, const Principal& p, std::string_view field,
                  uint64_t order_id) {
  Result<Order> order = base->GetOrder(order_id);
  if (!order.ok()) {
    if (order.status().IsNotFound()) {
      return OutOfScope(p, field, std::to_string(order_id));
    }
    return order.status();
  }
  return CheckCustomerAs(base, p, field, std::to_string(order_id),
                         order->customer_id);
}

Status CheckInteraction(Store* base, const Principal& p, std::string_view field,
                        uint64_t interaction_id) {
  Result<Interaction> interaction = base->GetInteraction(interaction_id);
  if (!interaction.ok()) {
    if (interaction.status().IsNotFound()) {
      return OutOfScope(p, field, std::to_string(interaction_id));
    }
    return interaction.status();
  }
  return CheckCustomerAs(base, p, field, std::to_string(interaction_id),
                         interaction->customer_id);
}

// An already_exists names the customer holding an identity ("… is held by
// customer 17", "… was merged into 17"). Uniqueness is global, so that
// the value is taken stays visible; who holds it, when out of scope, is
// replaced by "a customer outside this token's scope".
Status Redact(Store* base, const Principal& p, Status s) {
  if (!Scoped(p) || !s.IsAlreadyExists()) return s;
  std::string message = s.message();
  for (std::string_view marker : {"held by customer ", "merged into "}) {
    const size_t at = message.find(marker);
    if (at == std::string::npos) continue;
    const size_t start = at + marker.size();
    size_t end = start;
    uint64_t id = 0;
    while (end < message.size() && message[end] >= '0' && message[end] <= '9' &&
           end - start < 20) {
      id = id * 10 + static_cast<uint64_t>(message[end] - '0');
      ++end;
    }
    if (end == start) continue;
    Status in = CheckCustomer(base, p, "holder", id);
    if (in.ok()) continue;
    // "held by customer N" loses "customer N"; "merged into N" loses "N".
    const size_t from = marker[0] == 'h' ? at + 8 : start;
    message.replace(from, end - from, "a customer outside this token's scope");
    return Status(s.code(), std::move(message));
  }
  return s;
}

// The subtree as a set, from one ListChannels: for the calls that list
// channels rather than test one.
Result<std::set<uint64_t>> Subtree(Store* base, const Principal& p,
                                   std::vector<Channel>* all) {
  Result<std::vector<Channel>> list = base->ListChannels();
  if (!list.ok()) return list.status();
  std::set<uint64_t> in;
  bool root_exists = false;
  for (const Channel& c : *list) root_exists |= c.id == *p.channel_id;
  if (root_exists) in.insert(*p.channel_id);
  // Parents may have larger ids than children: sweep until nothing joins.
  for (bool grew = root_exists; grew;) {
    grew = false;
    for (const Channel& c : *list) {
      if (c.parent_id != 0 && in.count(c.parent_id) && !in.count(c.id)) {
        in.insert(c.id);
        grew = true;
      }
    }
  }
  if (all != nullptr) *all = std::move(*list);
  return in;
}

// A customer query narrowed to the scope: no owner filter becomes the
// scope's channel with its subtree; one in scope stands.
Status ScopeOwnerFilter(Store* base, const Principal& p, std::string_view field,
                        std::optional<uint64_t>* owner, bool* include_subtree) {
  if (!owner->has_value()) {
    *owner = *p.channel_id;
    *include_subtree = true;
    return Status::OK();
  }
  return CheckChannel(base, p, field, **owner);
}

}  // namespace

ScopedStore::ScopedStore(Store* base, Principal principal)
    : base_(base), principal_(std::move(principal)) {}

// --- Channels ---------------------------------------------------------------

Status ScopedStore::PutChannel(const Channel& channel) {
  Status s = NeedRole(principal_, Role::kWriter, "PutChannel");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    if (channel.id == *principal_.channel_id) {
      return Status::PermissionDenied(
          "channel.id: " + std::to_string(channel.id) +
          " is this token's scope channel; a scoped token changes only the "
          "channels below it");
    }
    s = CheckChannel(base_, principal_, "channel.parent_id", channel.parent_id);
    if (!s.ok()) return s;
    // Only a new id, or a channel already below the scope: an outside
    // channel cannot be pulled in (with its customers) by re-parenting.
    Result<Channel> existing = base_->GetChannel(channel.id);
    if (existing.ok()) {
      s = CheckChannel(base_, principal_, "channel.id", channel.id);
      if (!s.ok()) return s;
    } else if (!existing.status().IsNotFound()) {
      return existing.status();
    }
  }
  return base_->PutChannel(channel);
}

Result<Channel> ScopedStore::GetChannel(uint64_t channel_id) {
  Status s = NeedRole(principal_, Role::kReader, "GetChannel");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckChannel(base_, principal_, "channel_id", channel_id);
    if (!s.ok()) return s;
  }
  return base_->GetChannel(channel_id);
}

Result<std::vector<Channel>> ScopedStore::ListChannels() {
  Status s = NeedRole(principal_, Role::kReader, "ListChannels");
  if (!s.ok()) return s;
  if (!Scoped(principal_)) return base_->ListChannels();
  std::vector<Channel> all;
  Result<std::set<uint64_t>> in = Subtree(base_, principal_, &all);
  if (!in.ok()) return in.status();
  std::vector<Channel> out;
  for (Channel& c : all) {
    if (in->count(c.id)) out.push_back(std::move(c));
  }
  return out;
}

// --- Customers --------------------------------------------------------------

Result<uint64_t> ScopedStore::CreateCustomer(const Customer& customer) {
  Status s = NeedRole(principal_, Role::kWriter, "CreateCustomer");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckChannel(base_, principal_, "customer.owner_channel_id",
                     customer.owner_channel_id);
    if (!s.ok()) return s;
    s = CheckOptionalChannel(base_, principal_,
                             "customer.acquisition_channel_id",
                             customer.acquisition_channel_id);
    if (!s.ok()) return s;
  }
  Result<uint64_t> id = base_->CreateCustomer(customer);
  if (!id.ok()) return Redact(base_, principal_, id.status());
  return id;
}

Status ScopedStore::UpdateCustomer(uint64_t customer_id,
                                   const CustomerPatch& patch) {
  Status s = NeedRole(principal_, Role::kWriter, "UpdateCustomer");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckCustomer(base_, principal_, "customer_id", customer_id);
    if (!s.ok()) return s;
    if (patch.owner_channel_id) {
      s = CheckChannel(base_, principal_, "patch.owner_channel_id",
                       *patch.owner_channel_id);
      if (!s.ok()) return s;
    }
    if (patch.acquisition_channel_id) {
      s = CheckOptionalChannel(base_, principal_,
                               "patch.acquisition_channel_id",
                               *patch.acquisition_channel_id);
      if (!s.ok()) return s;
    }
  }
  return Redact(base_, principal_, base_->UpdateCustomer(customer_id, patch));
}

// Lookups read first and check the record they got, so a customer is
// checked as it was read, and a missing one answers as an outside one.
Result<CustomerRecord> ScopedStore::GetCustomer(uint64_t customer_id) {
  Status s = NeedRole(principal_, Role::kReader, "GetCustomer");
  if (!s.ok()) return s;
  Result<CustomerRecord> r = base_->GetCustomer(customer_id);
  if (!Scoped(principal_)) return r;
  s = CheckRecord(base_, principal_, r, "customer_id",
                  std::to_string(customer_id));
  if (!s.ok()) return s;
  return r;
}

Result<CustomerRecord> ScopedStore::GetCustomerByCode(const std::string& code) {
  Status s = NeedRole(principal_, Role::kReader, "GetCustomerByCode");
  if (!s.ok()) return s;
  Result<CustomerRecord> r = base_->GetCustomerByCode(code);
  if (!Scoped(principal_)) return r;
  s = CheckRecord(base_, principal_, r, "code", QuoteValue(code));
  if (!s.ok()) return s;
  return r;
}

Result<CustomerRecord> ScopedStore::GetCustomerByEmail(
    const std::string& email) {
  Status s = NeedRole(principal_, Role::kReader, "GetCustomerByEmail");
  if (!s.ok()) return s;
  Result<CustomerRecord> r = base_->GetCustomerByEmail(email);
  if (!Scoped(principal_)) return r;
  s = CheckRecord(base_, principal_, r, "email", QuoteValue(email));
  if (!s.ok()) return s;
  return r;
}

Result<CustomerRecord> ScopedStore::GetCustomerByPhone(
    const std::string& phone) {
  Status s = NeedRole(principal_, Role::kReader, "GetCustomerByPhone");
  if (!s.ok()) return s;
  Result<CustomerRecord> r = base_->GetCustomerByPhone(phone);
  if (!Scoped(principal_)) return r;
  s = CheckRecord(base_, principal_, r, "phone", QuoteValue(phone));
  if (!s.ok()) return s;
  return r;
}

// --- Orders -----------------------------------------------------------------

Status ScopedStore::RecordOrder(const Order& order) {
  Status s = NeedRole(principal_, Role::kWriter, "RecordOrder");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckCustomer(base_, principal_, "order.customer_id",
                      order.customer_id);
    if (!s.ok()) return s;
    s = CheckChannel(base_, principal_, "order.channel_id", order.channel_id);
    if (!s.ok()) return s;
  }
  return base_->RecordOrder(order);
}

Status ScopedStore::UpdateOrderStatus(uint64_t order_id, OrderStatus status) {
  Status s = NeedRole(principal_, Role::kWriter, "UpdateOrderStatus");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckOrder(base_, principal_, "order_id", order_id);
    if (!s.ok()) return s;
  }
  return base_->UpdateOrderStatus(order_id, status);
}

Status ScopedStore::RefundOrder(uint64_t order_id, int64_t amount_minor) {
  Status s = NeedRole(principal_, Role::kWriter, "RefundOrder");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckOrder(base_, principal_, "order_id", order_id);
    if (!s.ok()) return s;
  }
  return base_->RefundOrder(order_id, amount_minor);
}

Result<Order> ScopedStore::GetOrder(uint64_t order_id) {
  Status s = NeedRole(principal_, Role::kReader, "GetOrder");
  if (!s.ok()) return s;
  Result<Order> order = base_->GetOrder(order_id);
  if (!Scoped(principal_)) return order;
  if (!order.ok()) {
    if (order.status().IsNotFound()) {
      return OutOfScope(principal_, "order_id", std::to_string(order_id));
    }
    return order;
  }
  s = CheckCustomerAs(base_, principal_, "order_id", std::to_string(order_id),
                      order->customer_id);
  if (!s.ok()) return s;
  return order;
}

Result<Page<Order>> ScopedStore::ListOrders(const HistoryQuery& query) {
  Status s = NeedRole(principal_, Role::kReader, "ListOrders");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckCustomer(base_, principal_, "query.customer_id",
                      query.customer_id);
    if (!s.ok()) return s;
  }
  return base_->ListOrders(query);
}

// --- Interactions -----------------------------------------------------------

Result<uint64_t> ScopedStore::RecordInteraction(
    const Interaction& interaction) {
  Status s = NeedRole(principal_, Role::kWriter, "RecordInteraction");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckCustomer(base_, principal_, "interaction.customer_id",
                      interaction.customer_id);
    if (!s.ok()) return s;
    s = CheckOptionalChannel(base_, principal_, "interaction.channel_id",
                             interaction.channel_id);
    if (!s.ok()) return s;
  }
  return base_->RecordInteraction(interaction);
}

Status ScopedStore::ResolveInteraction(uint64_t interaction_id,
                                       int64_t resolved_at_ms) {
  Status s = NeedRole(principal_, Role::kWriter, "ResolveInteraction");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckInteraction(base_, principal_, "interaction_id", interaction_id);
    if (!s.ok()) return s;
  }
  return base_->ResolveInteraction(interaction_id, resolved_at_ms);
}

Result<Interaction> ScopedStore::GetInteraction(uint64_t interaction_id) {
  Status s = NeedRole(principal_, Role::kReader, "GetInteraction");
  if (!s.ok()) return s;
  Result<Interaction> interaction = base_->GetInteraction(interaction_id);
  if (!Scoped(principal_)) return interaction;
  if (!interaction.ok()) {
    if (interaction.status().IsNotFound()) {
      return OutOfScope(principal_, "interaction_id",
                        std::to_string(interaction_id));
    }
    return interaction;
  }
  s = CheckCustomerAs(base_, principal_, "interaction_id",
                      std::to_string(interaction_id), interaction->customer_id);
  if (!s.ok()) return s;
  return interaction;
}

Result<Page<Interaction>> ScopedStore::ListInteractions(
    const HistoryQuery& query) {
  Status s = NeedRole(principal_, Role::kReader, "ListInteractions");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckCustomer(base_, principal_, "query.customer_id",
                      query.customer_id);
    if (!s.ok()) return s;
  }
  return base_->ListInteractions(query);
}

// --- Loyalty ----------------------------------------------------------------

Status ScopedStore::RedeemLoyaltyPoints(uint64_t customer_id, int64_t points) {
  Status s = NeedRole(principal_, Role::kWriter, "RedeemLoyaltyPoints");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckCustomer(base_, principal_, "customer_id", customer_id);
    if (!s.ok()) return s;
  }
  return base_->RedeemLoyaltyPoints(customer_id, points);
}

// --- Batch ingest -----------------------------------------------------------

// Each event is checked as its single call would be, against the store
// and against the events before it in the batch: a customer, order or
// interaction the batch creates (in scope, under an id the store does not
// hold yet) may be referred to by a later event. Refused events get their
// permission_denied and never reach the base; the rest go to it as one
// batch, so they commit in one atomic write as before.
Status ScopedStore::ApplyBatch(const std::vector<Event>& events,
                               std::vector<Status>* statuses,
                               std::vector<uint64_t>* ids) {
  Status s = NeedRole(principal_, Role::kWriter, "ApplyBatch");
  if (!s.ok()) return s;
  if (!Scoped(principal_)) return base_->ApplyBatch(events, statuses, ids);

  std::set<uint64_t> new_customers, new_orders, new_interactions;
  auto customer = [&](std::string_view field, uint64_t id) {
    if (new_customers.count(id)) return Status::OK();
    return CheckCustomer(base_, principal_, field, id);
  };
  auto absent = [](const auto& r, bool* out) {
    *out = !r.ok() && r.status().IsNotFound();
    return r.ok() || r.status().IsNotFound() ? Status::OK() : r.status();
  };

  std::vector<Status> own(events.size());
  std::vector<Event> forwarded;
  std::vector<size_t> origin;  // forwarded[k] is events[origin[k]]
  for (size_t i = 0; i < events.size(); ++i) {
    Status check = std::visit(
        [&](const auto& e) -> Status {
          using T = std::decay_t<decltype(e)>;
          Status c;
          bool is_new = false;
          if constexpr (std::is_same_v<T, Customer>) {
            c = CheckChannel(base_, principal_, "customer.owner_channel_id",
                             e.owner_channel_id);
            if (c.ok()) {
              c = CheckOptionalChannel(base_, principal_,
                                       "customer.acquisition_channel_id",
                                       e.acquisition_channel_id);
            }
            if (c.ok() && e.id != 0) {
              c = absent(base_->GetCustomer(e.id), &is_new);
              if (is_new) new_customers.insert(e.id);
            }
          } else if constexpr (std::is_same_v<T, Order>) {
            c = customer("order.customer_id", e.customer_id);
            if (c.ok()) {
              c = CheckChannel(base_, principal_, "order.channel_id",
                               e.channel_id);
            }
            if (c.ok()) {
              c = absent(base_->GetOrder(e.id), &is_new);
              if (is_new) new_orders.insert(e.id);
            }
          } else if constexpr (std::is_same_v<T, Interaction>) {
            c = customer("interaction.customer_id", e.customer_id);
            if (c.ok()) {
              c = CheckOptionalChannel(base_, principal_,
                                       "interaction.channel_id", e.channel_id);
            }
            if (c.ok() && e.id != 0) {
              c = absent(base_->GetInteraction(e.id), &is_new);
              if (is_new) new_interactions.insert(e.id);
            }
          } else if constexpr (std::is_same_v<T, OrderStatusChange> ||
                               std::is_same_v<T, OrderRefund>) {
            if (!new_orders.count(e.order_id)) {
              c = CheckOrder(base_, principal_, "order_id", e.order_id);
            }
          } else if constexpr (std::is_same_v<T, InteractionResolution>) {
            if (!new_interactions.count(e.interaction_id)) {
              c = CheckInteraction(base_, principal_, "interaction_id",
                                   e.interaction_id);
            }
          } else if constexpr (std::is_same_v<T, LoyaltyRedemption>) {
            c = customer("customer_id", e.customer_id);
          }
          return c;
        },
        events[i]);
    if (check.ok()) {
      forwarded.push_back(events[i]);
      origin.push_back(i);
    } else {
      own[i] = std::move(check);
    }
  }

  std::vector<Status> base_statuses;
  std::vector<uint64_t> base_ids;
  Status commit = Status::OK();
  if (!forwarded.empty()) {
    commit = base_->ApplyBatch(forwarded, &base_statuses, &base_ids);
  }
  for (size_t k = 0; k < origin.size(); ++k) {
    own[origin[k]] = k < base_statuses.size()
                         ? Redact(base_, principal_, base_statuses[k])
                         : commit;
  }
  if (ids != nullptr) {
    ids->assign(events.size(), 0);
    for (size_t k = 0; k < origin.size() && k < base_ids.size(); ++k) {
      (*ids)[origin[k]] = base_ids[k];
    }
  }
  if (statuses != nullptr) *statuses = std::move(own);
  return commit;
}

// --- Tier policy and time ---------------------------------------------------

Result<TierPolicy> ScopedStore::GetPolicy() {
  Status s = NeedRole(principal_, Role::kReader, "GetPolicy");
  if (!s.ok()) return s;
  return base_->GetPolicy();
}

// Both re-derive every customer: no scoped token may start them, whatever
// its role.
Result<RescoreReport> ScopedStore::SetPolicy(const TierPolicy& policy,
                                             const ProgressFn& progress) {
  Status s = NeedRole(principal_, Role::kAdmin, "SetPolicy");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    return Status::PermissionDenied(
        "SetPolicy changes every customer; this token is scoped to channel " +
        std::to_string(*principal_.channel_id));
  }
  return base_->SetPolicy(policy, progress);
}

Result<RescoreReport> ScopedStore::Rescore(const RescoreOptions& options) {
  Status s = NeedRole(principal_, Role::kAdmin, "Rescore");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    return Status::PermissionDenied(
        "Rescore changes every customer; this token is scoped to channel " +
        std::to_string(*principal_.channel_id));
  }
  return base_->Rescore(options);
}

// --- Queries and reports ----------------------------------------------------
// Narrowed through the queries' own owner filters, so the engine's plans,
// counts, limits and cursors see only the scope: nothing is filtered after
// the fact.

Result<CustomerPage> ScopedStore::FindCustomers(const CustomerQuery& query) {
  Status s = NeedRole(principal_, Role::kReader, "FindCustomers");
  if (!s.ok()) return s;
  if (!Scoped(principal_)) return base_->FindCustomers(query);
  CustomerQuery scoped = query;
  s = ScopeOwnerFilter(base_, principal_, "query.owner_channel_id",
                       &scoped.owner_channel_id, &scoped.include_subtree);
  if (!s.ok()) return s;
  return base_->FindCustomers(scoped);
}

Result<QueryPlan> ScopedStore::Explain(const CustomerQuery& query) {
  Status s = NeedRole(principal_, Role::kReader, "Explain");
  if (!s.ok()) return s;
  if (!Scoped(principal_)) return base_->Explain(query);
  CustomerQuery scoped = query;
  s = ScopeOwnerFilter(base_, principal_, "query.owner_channel_id",
                       &scoped.owner_channel_id, &scoped.include_subtree);
  if (!s.ok()) return s;
  return base_->Explain(scoped);
}

Result<ChurnWatch> ScopedStore::GetChurnWatch(const ChurnWatchQuery& query) {
  Status s = NeedRole(principal_, Role::kReader, "GetChurnWatch");
  if (!s.ok()) return s;
  if (!Scoped(principal_)) return base_->GetChurnWatch(query);
  ChurnWatchQuery scoped = query;
  bool subtree = true;  // a churn watch always takes the subtree
  s = ScopeOwnerFilter(base_, principal_, "query.channel_id",
                       &scoped.channel_id, &subtree);
  if (!s.ok()) return s;
  return base_->GetChurnWatch(scoped);
}

Result<TierSummary> ScopedStore::GetTierSummary(const TierSummaryQuery& query) {
  Status s = NeedRole(principal_, Role::kReader, "GetTierSummary");
  if (!s.ok()) return s;
  if (!Scoped(principal_)) return base_->GetTierSummary(query);
  TierSummaryQuery scoped = query;
  s = ScopeOwnerFilter(base_, principal_, "query.owner_channel_id",
                       &scoped.owner_channel_id, &scoped.include_subtree);
  if (!s.ok()) return s;
  return base_->GetTierSummary(scoped);
}

// Channel 0 ("every channel, one row each") keeps the rows of the scope's
// channels: rows are per channel, so dropping the others changes no row.
Result<ChannelReport> ScopedStore::GetChannelReport(
    const ChannelReportQuery& query) {
  Status s = NeedRole(principal_, Role::kReader, "GetChannelReport");
  if (!s.ok()) return s;
  if (!Scoped(principal_)) return base_->GetChannelReport(query);
  if (query.channel_id != 0) {
    s = CheckChannel(base_, principal_, "query.channel_id", query.channel_id);
    if (!s.ok()) return s;
    return base_->GetChannelReport(query);
  }
  Result<std::set<uint64_t>> in = Subtree(base_, principal_, nullptr);
  if (!in.ok()) return in.status();
  Result<ChannelReport> report = base_->GetChannelReport(query);
  if (!report.ok()) return report;
  ChannelReport out;
  for (ChannelReportRow& row : report->rows) {
    if (in->count(row.channel_id)) out.rows.push_back(std::move(row));
  }
  return out;
}

Result<CustomerView> ScopedStore::ViewCustomer(uint64_t customer_id) {
  Status s = NeedRole(principal_, Role::kReader, "ViewCustomer");
  if (!s.ok()) return s;
  Result<CustomerView> view = base_->ViewCustomer(customer_id);
  if (!Scoped(principal_)) return view;
  const std::string value = std::to_string(customer_id);
  if (!view.ok()) {
    if (view.status().IsNotFound()) {
      return OutOfScope(principal_, "customer_id", value);
    }
    return view;
  }
  Result<bool> in = ChannelInScope(base_, principal_,
                                   view->customer.profile.owner_channel_id);
  if (!in.ok()) return in.status();
  if (!*in) return OutOfScope(principal_, "customer_id", value);
  return view;
}

// --- Merge and erasure ------------------------------------------------------

Status ScopedStore::MergeCustomers(uint64_t survivor_id,
                                   uint64_t duplicate_id) {
  Status s = NeedRole(principal_, Role::kWriter, "MergeCustomers");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckCustomer(base_, principal_, "survivor_id", survivor_id);
    if (!s.ok()) return s;
    s = CheckCustomer(base_, principal_, "duplicate_id", duplicate_id);
    if (!s.ok()) return s;
  }
  return base_->MergeCustomers(survivor_id, duplicate_id);
}

Status ScopedStore::EraseCustomer(uint64_t customer_id) {
  Status s = NeedRole(principal_, Role::kWriter, "EraseCustomer");
  if (!s.ok()) return s;
  if (Scoped(principal_)) {
    s = CheckCustomer(base_, principal_, "customer_id", customer_id);
    if (!s.ok()) return s;
  }
  return base_->EraseCustomer(customer_id);
}

}  // namespace server
}  // namespace custdb
