// Event -> aggregate rules. Each order or interaction contributes a set of
// additive counts that depend only on its current state; a change removes
// the old contribution and adds the new one, so any sequence of changes
// lands on the same aggregates as recording the final state directly.
#include "tiering/aggregate_rules.h"

#include <algorithm>
#include <utility>

namespace custdb {
namespace {

struct OrderContribution {
  int64_t orders = 0;
  int64_t completed = 0;
  int64_t spend = 0;
  int64_t completed_spend = 0;
};

OrderContribution ContributionOf(const Order& o) {
  OrderContribution c;
  if (o.kind == OrderKind::kCreditNote) {
    c.spend = -o.amount_minor;
    return c;
  }
  c.orders = o.status == OrderStatus::kCancelled ? 0 : 1;
  c.completed = o.status == OrderStatus::kCompleted ? 1 : 0;
  bool paid = o.status == OrderStatus::kPaid ||
              o.status == OrderStatus::kCompleted ||
              o.status == OrderStatus::kRefunded;
  c.spend = paid ? o.amount_minor - o.refunded_minor : 0;
  c.completed_spend = c.completed ? c.spend : 0;
  return c;
}

// Spend is the one sum a caller can drive to overflow (amounts are i64).
Status Apply(const OrderContribution& c, int sign, Aggregates* agg) {
  int64_t spend = 0, completed_spend = 0;
  if (__builtin_mul_overflow(c.spend, sign, &spend) ||
      __builtin_add_overflow(agg->total_spend_minor, spend, &spend) ||
      __builtin_mul_overflow(c.completed_spend, sign, &completed_spend) ||
      __builtin_add_overflow(agg->completed_spend_minor, completed_spend,
                             &completed_spend)) {
    return Status::InvalidArgument(
        "order.amount_minor: the customer's total_spend_minor " +
        std::to_string(agg->total_spend_minor) + " would overflow");
  }
  agg->total_spend_minor = spend;
  agg->completed_spend_minor = completed_spend;
  agg->order_count += sign * c.orders;
  agg->completed_order_count += sign * c.completed;
  return Status::OK();
}

struct InteractionContribution {
  int64_t complaints = 0;
  int64_t open_complaints = 0;
};

InteractionContribution ContributionOf(const Interaction& i) {
  InteractionContribution c;
  if (i.kind == InteractionKind::kComplaint) {
    c.complaints = 1;
    c.open_complaints = i.resolved_at_ms ? 0 : 1;
  }
  return c;
}

void UpdateLastActivity(Aggregates* agg) {
  agg->last_activity_ms =
      std::max(agg->last_order_ms, agg->last_interaction_ms);
}

}  // namespace

Status AddOrder(const Order& order, Aggregates* agg) {
  Status s = Apply(ContributionOf(order), +1, agg);
  if (!s.ok() || order.kind != OrderKind::kSale) return s;
  // ts 0 is a valid time: "no sale order yet" is an empty recent list.
  if (agg->recent_order_ms.empty() || order.ts_ms < agg->first_order_ms) {
    agg->first_order_ms = order.ts_ms;
  }
  agg->last_order_ms = std::max(agg->last_order_ms, order.ts_ms);
  // Keep the latest kRecentOrders timestamps, ascending.
  auto& recent = agg->recent_order_ms;
  recent.insert(std::upper_bound(recent.begin(), recent.end(), order.ts_ms),
                order.ts_ms);
  if (recent.size() > kRecentOrders) recent.erase(recent.begin());
  UpdateLastActivity(agg);
  return Status::OK();
}

int64_t SpendOf(const Order& order) { return ContributionOf(order).spend; }

Status ChangeOrder(const Order& before, const Order& after, Aggregates* agg) {
  Aggregates next = *agg;
  Status s = Apply(ContributionOf(before), -1, &next);
  if (s.ok()) s = Apply(ContributionOf(after), +1, &next);
  if (s.ok()) *agg = next;
  return s;
}

void AddInteraction(const Interaction& i, Aggregates* agg) {
  InteractionContribution c = ContributionOf(i);
  agg->interaction_count += 1;
  agg->complaint_count += c.complaints;
  agg->open_complaint_count += c.open_complaints;
  if (i.satisfaction) {
    agg->satisfaction_sum += *i.satisfaction;
    agg->satisfaction_count += 1;
  }
  // Latest by (ts, id): independent of the order writes arrive in.
  if (i.nps && (agg->last_nps < 0 ||
                std::make_pair(i.ts_ms, i.id) >
                    std::make_pair(agg->last_nps_ms, agg->last_nps_id))) {
    agg->last_nps = *i.nps;
    agg->last_nps_ms = i.ts_ms;
    agg->last_nps_id = i.id;
  }
  agg->last_interaction_ms = std::max(agg->last_interaction_ms, i.ts_ms);
  UpdateLastActivity(agg);
}

void ChangeInteraction(const Interaction& before, const Interaction& after,
                       Aggregates* agg) {
  InteractionContribution b = ContributionOf(before);
  InteractionContribution a = ContributionOf(after);
  agg->complaint_count += a.complaints - b.complaints;
  agg->open_complaint_count += a.open_complaints - b.open_complaints;
}

}  // namespace custdb
