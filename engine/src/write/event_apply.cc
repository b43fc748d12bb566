// Write operations: checks first, staging last.
#include "write/event_apply.h"

#include <algorithm>
#include <set>
#include <vector>

#include "api/messages.h"
#include "reports/channel_counters.h"
#include "storage/identity_fields.h"
#include "tiering/aggregate_rules.h"
#include "tiering/derive.h"
#include "write/validate.h"

namespace custdb {
namespace {

// kAlreadyExists naming the first identity of `customer` that belongs to a
// customer other than `self`.
Status CheckIdentitiesFree(const Customer& customer, uint64_t self,
                           WriteTxn* txn) {
  for (const IdentityField& identity : kIdentityFields) {
    const std::string& value = customer.*identity.field;
    if (value.empty()) continue;
    uint64_t holder = 0;
    Status s = txn->GetIdentityHolder(identity.tag, value, &holder);
    if (!s.ok()) return s;
    if (holder != 0 && holder != self) {
      return Status::AlreadyExists(std::string(identity.field_path) + ": " +
                                   QuoteValue(value) + " is held by customer " +
                                   std::to_string(holder));
    }
  }
  return Status::OK();
}

// Stages the identity index moves from `before` (null: a new customer) to
// `after`.
void MoveIdentities(const Customer* before, const Customer& after,
                    uint64_t self, WriteTxn* txn) {
  static const std::string kNone;
  for (const IdentityField& identity : kIdentityFields) {
    const std::string& old_value =
        before != nullptr ? before->*identity.field : kNone;
    const std::string& new_value = after.*identity.field;
    if (old_value == new_value) continue;
    if (!old_value.empty()) txn->PutIdentity(identity.tag, old_value, 0);
    if (!new_value.empty()) txn->PutIdentity(identity.tag, new_value, self);
  }
}

Status CustomerChannels(const ApplyContext& ctx, const Customer& c) {
  Status s = ctx.channels->CheckExists("customer.acquisition_channel_id",
                                       c.acquisition_channel_id,
                                       ChannelRegistry::ZeroId::kAllowed);
  if (!s.ok()) return s;
  return ctx.channels->CheckExists("customer.owner_channel_id",
                                   c.owner_channel_id,
                                   ChannelRegistry::ZeroId::kAllowed);
}

// Loads the aggregates of the customer an event names; kNotFound if the
// customer does not exist.
Status LoadAggregates(const char* field, uint64_t customer_id, WriteTxn* txn,
                      Aggregates* out) {
  const Aggregates* agg = nullptr;
  Status s = txn->GetAggregates(customer_id, &agg);
  if (!s.ok()) return s;
  if (agg == nullptr) {
    return Status::NotFound(DoesNotExist(field, "customer", customer_id));
  }
  *out = *agg;
  return Status::OK();
}

Status LoadOrder(const char* field, uint64_t order_id, WriteTxn* txn,
                 Order* out) {
  std::optional<Order> order;
  Status s = txn->GetOrder(order_id, &order);
  if (!s.ok()) return s;
  if (!order) {
    return Status::NotFound(DoesNotExist(field, "order", order_id));
  }
  *out = std::move(*order);
  return Status::OK();
}

// The channel-day counters of a new order of a customer whose aggregates
// were `before` (channel_counters.h has the rules). Reads only: the caller
// stages the results.
Status NewOrderCounters(const Order& order, const Aggregates& before,
                        WriteTxn* txn, ChannelDayDeltas* deltas) {
  AddOrderState(order, +1, deltas);
  if (order.kind != OrderKind::kSale) return Status::OK();
  const uint64_t customer_id = order.customer_id;
  const int64_t day = DayOf(order.ts_ms);
  // A customer has sale orders iff recent_order_ms is not empty.
  const bool had_orders = !before.recent_order_ms.empty();
  const int64_t old_first_day = had_orders ? DayOf(before.first_order_ms) : day;
  const int64_t first_day = std::min(old_first_day, day);
  // Is (channel, day) already a buyer-day of this customer? Only if the
  // day lies between its first and last sale orders; orders mostly arrive
  // in time order and rarely twice a day, so the history is seldom read,
  // and no marker has to be written for the day (keys.h kRetiredBuyerDay).
  bool bought_that_day = false;
  Status s;
  if (had_orders && day >= old_first_day &&
      day <= DayOf(before.last_order_ms)) {
    std::vector<Order> same_day;
    s = txn->GetOrdersOf(customer_id, day, day + kDayMs, &same_day);
    if (!s.ok()) return s;
    for (const Order& o : same_day) {
      bought_that_day |=
          o.kind == OrderKind::kSale && o.channel_id == order.channel_id;
    }
  }
  if (!bought_that_day) {
    AddBuyerDay(order.channel_id, day, first_day, +1, deltas);
  }
  if (day < old_first_day) {
    // An earlier first day arrived late: the buyer-days of the old first
    // day were new customers and are now repeat ones.
    std::vector<Order> orders;
    s = txn->GetOrdersOf(customer_id, old_first_day, old_first_day + kDayMs,
                         &orders);
    if (!s.ok()) return s;
    std::set<uint64_t> channels;
    for (const Order& o : orders) {
      if (o.kind == OrderKind::kSale) channels.insert(o.channel_id);
    }
    for (uint64_t channel : channels) {
      AddBuyerDay(channel, old_first_day, old_first_day, -1, deltas);
      AddBuyerDay(channel, old_first_day, first_day, +1, deltas);
    }
  }
  uint64_t owner = 0;
  s = txn->GetOwnerChannel(customer_id, &owner);
  if (!s.ok()) return s;
  AddCrossChannel(order.channel_id, day, owner, +1, deltas);
  return Status::OK();
}

// Moves the cross-channel counts of every sale order of a customer from
// its old owner to its new one. Reads only: the caller stages the result.
Status OwnerChangeCounters(uint64_t customer_id, uint64_t old_owner,
                           uint64_t new_owner, WriteTxn* txn,
                           ChannelDayDeltas* deltas) {
  if (old_owner == new_owner) return Status::OK();
  std::vector<Order> orders;
  Status s = txn->GetOrdersOf(customer_id, INT64_MIN, INT64_MAX, &orders);
  if (!s.ok()) return s;
  for (const Order& o : orders) {
    if (o.kind != OrderKind::kSale) continue;
    const int64_t day = DayOf(o.ts_ms);
    AddCrossChannel(o.channel_id, day, old_owner, -1, deltas);
    AddCrossChannel(o.channel_id, day, new_owner, +1, deltas);
  }
  return Status::OK();
}

// Stages a changed order together with its customer's aggregates and the
// change of its channel-day counters.
Status StageOrderChange(const Order& before, Order after, WriteTxn* txn) {
  Aggregates agg;
  Status s = LoadAggregates("order.customer_id", after.customer_id, txn, &agg);
  if (!s.ok()) return s;
  s = ChangeOrder(before, after, &agg);
  if (!s.ok()) return s;
  ChannelDayDeltas deltas;
  AddOrderState(before, -1, &deltas);
  AddOrderState(after, +1, &deltas);
  txn->AddChannelDays(std::move(deltas));
  const uint64_t customer_id = after.customer_id;
  txn->PutOrder(std::move(after));
  txn->PutAggregates(customer_id, std::move(agg));
  return Status::OK();
}

bool TransitionAllowed(OrderStatus from, OrderStatus to) {
  switch (from) {
    case OrderStatus::kPlaced:
      return to == OrderStatus::kPaid || to == OrderStatus::kCompleted ||
             to == OrderStatus::kCancelled;
    case OrderStatus::kPaid:
      return to == OrderStatus::kCompleted || to == OrderStatus::kCancelled ||
             to == OrderStatus::kRefunded;
    case OrderStatus::kCompleted:
      return to == OrderStatus::kRefunded;
    default:
      return false;
  }
}

}  // namespace

Status ApplyCreateCustomer(const ApplyContext& ctx, const Customer& input,
                           WriteTxn* txn) {
  std::optional<Customer> existing;
  Status s = txn->GetCustomer(input.id, &existing);
  if (!s.ok()) return s;
  if (existing) {
    return Status::AlreadyExists("customer.id: " + std::to_string(input.id) +
                                 " already exists");
  }
  // A merged id keeps resolving to its survivor (GetCustomer, imports):
  // a new customer under it would take its place silently.
  uint64_t survivor = 0;
  s = txn->GetMergedInto(input.id, &survivor);
  if (!s.ok()) return s;
  if (survivor != 0) {
    return Status::AlreadyExists(
        "customer.id: " + std::to_string(input.id) + " was merged into " +
        std::to_string(survivor) + "; merged ids are not reused");
  }
  s = CustomerChannels(ctx, input);
  if (s.ok()) s = CheckIdentitiesFree(input, input.id, txn);
  if (!s.ok()) return s;

  Customer customer = input;
  if (customer.created_at_ms == 0) customer.created_at_ms = ctx.now_ms();
  txn->PutCustomer(customer);
  txn->PutAggregates(customer.id, Aggregates());
  MoveIdentities(nullptr, customer, customer.id, txn);
  txn->AddCount(keys::RecordKind::kCustomer, 1);
  return Status::OK();
}

Status ApplyUpdateCustomer(const ApplyContext& ctx, uint64_t customer_id,
                           const CustomerPatch& patch, WriteTxn* txn) {
  std::optional<Customer> current;
  Status s = txn->GetCustomer(customer_id, &current);
  if (!s.ok()) return s;
  if (!current) {
    return Status::NotFound(DoesNotExist("customer.id", customer_id));
  }
  Customer next = *current;
  for (const IdentityField& identity : kIdentityFields) {
    const std::optional<std::string>& value = patch.*identity.patch_field;
    if (value) next.*identity.field = *value;
  }
  if (patch.name) next.name = *patch.name;
  if (patch.region) next.region = *patch.region;
  if (patch.gender) next.gender = *patch.gender;
  if (patch.birth_year) next.birth_year = *patch.birth_year;
  if (patch.acquisition_channel_id) {
    next.acquisition_channel_id = *patch.acquisition_channel_id;
  }
  if (patch.owner_channel_id) next.owner_channel_id = *patch.owner_channel_id;
  if (patch.tags) next.tags = *patch.tags;
  if (patch.attributes) next.attributes = *patch.attributes;

  s = CustomerChannels(ctx, next);
  if (s.ok()) s = CheckIdentitiesFree(next, customer_id, txn);
  if (!s.ok()) return s;
  ChannelDayDeltas deltas;
  s = OwnerChangeCounters(customer_id, current->owner_channel_id,
                          next.owner_channel_id, txn, &deltas);
  if (!s.ok()) return s;

  txn->AddChannelDays(std::move(deltas));
  MoveIdentities(&*current, next, customer_id, txn);
  txn->PutCustomer(next);
  return Status::OK();
}

Status ApplyRecordOrder(const ApplyContext& ctx, const Order& input,
                        WriteTxn* txn) {
  Status s = ValidateOrder(input, *ctx.base_currency);
  if (!s.ok()) return s;
  s = ctx.channels->CheckExists("order.channel_id", input.channel_id,
                                ChannelRegistry::ZeroId::kRejected);
  if (!s.ok()) return s;
  bool exists = false;
  s = txn->OrderExists(input.id, &exists);
  if (!s.ok()) return s;
  if (exists) {
    return Status::AlreadyExists("order.id: " + std::to_string(input.id) +
                                 " already exists");
  }
  Aggregates agg;
  s = LoadAggregates("order.customer_id", input.customer_id, txn, &agg);
  if (!s.ok()) return s;

  Order order = input;
  order.currency = *ctx.base_currency;
  order.refunded_minor = 0;
  ChannelDayDeltas deltas;
  s = NewOrderCounters(order, agg, txn, &deltas);
  if (!s.ok()) return s;
  s = AddOrder(order, &agg);
  if (!s.ok()) return s;
  txn->AddChannelDays(std::move(deltas));
  const uint64_t customer_id = order.customer_id;
  txn->PutOrder(std::move(order));
  txn->PutAggregates(customer_id, std::move(agg));
  return Status::OK();
}

Status ApplyOrderStatus(const ApplyContext&, const OrderStatusChange& change,
                        WriteTxn* txn) {
  Order before;
  Status s = LoadOrder("order_id", change.order_id, txn, &before);
  if (!s.ok()) return s;
  if (before.kind != OrderKind::kSale ||
      !TransitionAllowed(before.status, change.status)) {
    return Status::FailedPrecondition(
        "order " + std::to_string(change.order_id) + ": cannot go from " +
        OrderStatusName(before.status) + " to " +
        OrderStatusName(change.status) +
        (before.kind != OrderKind::kSale ? " (a credit note)" : ""));
  }
  Order after = before;
  after.status = change.status;
  if (change.status == OrderStatus::kRefunded) {
    after.refunded_minor = after.amount_minor;
  }
  return StageOrderChange(before, std::move(after), txn);
}

Status ApplyRefund(const ApplyContext&, const OrderRefund& refund,
                   WriteTxn* txn) {
  Order before;
  Status s = LoadOrder("order_id", refund.order_id, txn, &before);
  if (!s.ok()) return s;
  if (before.kind != OrderKind::kSale ||
      (before.status != OrderStatus::kPaid &&
       before.status != OrderStatus::kCompleted)) {
    return Status::FailedPrecondition(
        "order " + std::to_string(refund.order_id) + ": a " +
        OrderStatusName(before.status) + " " + OrderKindName(before.kind) +
        " cannot be refunded");
  }
  const int64_t left = before.amount_minor - before.refunded_minor;
  if (refund.amount_minor <= 0 || refund.amount_minor > left) {
    return Status::InvalidArgument(
        IsOutside("refund.amount_minor", std::to_string(refund.amount_minor),
                  "1.." + std::to_string(left) + " (left to refund)"));
  }
  Order after = before;
  after.refunded_minor += refund.amount_minor;
  if (after.refunded_minor == after.amount_minor) {
    after.status = OrderStatus::kRefunded;
  }
  return StageOrderChange(before, std::move(after), txn);
}

Status ApplyRecordInteraction(const ApplyContext& ctx,
                              const Interaction& interaction, WriteTxn* txn) {
  Status s = ValidateInteraction(interaction);
  if (!s.ok()) return s;
  s = ctx.channels->CheckExists("interaction.channel_id",
                                interaction.channel_id,
                                ChannelRegistry::ZeroId::kAllowed);
  if (!s.ok()) return s;
  bool exists = false;
  s = txn->InteractionExists(interaction.id, &exists);
  if (!s.ok()) return s;
  if (exists) {
    return Status::AlreadyExists(
        "interaction.id: " + std::to_string(interaction.id) +
        " already exists");
  }
  Aggregates agg;
  s = LoadAggregates("interaction.customer_id", interaction.customer_id, txn,
                     &agg);
  if (!s.ok()) return s;
  AddInteraction(interaction, &agg);
  ChannelDayDeltas deltas;
  AddInteractionState(interaction, +1, &deltas);
  txn->AddChannelDays(std::move(deltas));
  if (auto entry = ResolveTimeEntry(interaction)) {
    txn->PutResolveTimeEntry(std::move(*entry));
  }
  txn->PutInteraction(interaction);
  txn->PutAggregates(interaction.customer_id, agg);
  return Status::OK();
}

Status ApplyResolution(const ApplyContext&,
                       const InteractionResolution& resolution, WriteTxn* txn) {
  std::optional<Interaction> found;
  Status s = txn->GetInteraction(resolution.interaction_id, &found);
  if (!s.ok()) return s;
  if (!found) {
    return Status::NotFound(
        DoesNotExist("interaction_id", resolution.interaction_id));
  }
  const Interaction& before = *found;
  if (before.kind != InteractionKind::kComplaint &&
      before.kind != InteractionKind::kTicket) {
    return Status::FailedPrecondition(
        "interaction " + std::to_string(before.id) + ": a " +
        InteractionKindName(before.kind) + " cannot be resolved");
  }
  if (before.resolved_at_ms) {
    return Status::FailedPrecondition(
        "interaction " + std::to_string(before.id) + ": already resolved at " +
        std::to_string(*before.resolved_at_ms));
  }
  s = ValidateTimestamp("resolved_at_ms", resolution.resolved_at_ms);
  if (!s.ok()) return s;
  if (resolution.resolved_at_ms < before.ts_ms) {
    return Status::InvalidArgument(
        IsBefore("resolved_at_ms", std::to_string(resolution.resolved_at_ms),
                 "the interaction's ts_ms " + std::to_string(before.ts_ms)));
  }
  Interaction after = before;
  after.resolved_at_ms = resolution.resolved_at_ms;
  Aggregates agg;
  s = LoadAggregates("interaction.customer_id", after.customer_id, txn, &agg);
  if (!s.ok()) return s;
  ChangeInteraction(before, after, &agg);
  ChannelDayDeltas deltas;
  AddInteractionState(before, -1, &deltas);
  AddInteractionState(after, +1, &deltas);
  txn->AddChannelDays(std::move(deltas));
  if (auto entry = ResolveTimeEntry(after)) {
    txn->PutResolveTimeEntry(std::move(*entry));
  }
  const uint64_t customer_id = after.customer_id;
  txn->PutInteraction(std::move(after));
  txn->PutAggregates(customer_id, std::move(agg));
  return Status::OK();
}

Status ApplyRedemption(const ApplyContext&, const LoyaltyRedemption& r,
                       WriteTxn* txn) {
  if (r.points <= 0) {
    return Status::InvalidArgument("points: " + std::to_string(r.points) +
                                   " is not positive");
  }
  Aggregates agg;
  Status s = LoadAggregates("customer_id", r.customer_id, txn, &agg);
  if (!s.ok()) return s;
  const int64_t balance =
      Derive(agg, *txn->tier().policy, txn->tier().as_of_ms).loyalty_points;
  if (r.points > balance) {
    return Status::FailedPrecondition(
        "points: " + std::to_string(r.points) + " exceeds the balance " +
        std::to_string(balance) + " of customer " +
        std::to_string(r.customer_id));
  }
  agg.loyalty_redeemed += r.points;
  txn->PutAggregates(r.customer_id, std::move(agg));
  return Status::OK();
}

}  // namespace custdb
