// The arguments of requests (protocol.fbs) <-> the API's types: history,
// customer, churn, tier-summary and channel-report queries, rescore
// options and batch events.
#include <string>
#include <utility>
#include <variant>

#include "protocol/convert.h"
#include "protocol/convert_util.h"

namespace custdb {
namespace protocol {

Offset<wire::HistoryQuery> ToWire(Builder& b, const HistoryQuery& q) {
  auto cursor = String(b, q.cursor);
  return wire::CreateHistoryQuery(b, q.customer_id, q.from_ms, q.to_ms, q.limit,
                                  cursor);
}

Status FromWire(const wire::HistoryQuery& in, const std::string&,
                HistoryQuery* out) {
  *out = HistoryQuery();
  out->customer_id = in.customer_id();
  out->from_ms = in.from_ms();
  out->to_ms = in.to_ms();
  out->limit = in.limit();
  out->cursor = Str(in.cursor());
  return Status::OK();
}

Offset<wire::CustomerQuery> ToWire(Builder& b, const CustomerQuery& q) {
  auto tiers = EnumVector(b, q.tiers);
  auto segments = b.CreateVectorOfStrings(q.segments);
  auto stages = EnumVector(b, q.stages);
  auto region = OptionalString(b, q.region);
  auto cursor = String(b, q.cursor);
  wire::CustomerQueryBuilder w(b);
  w.add_tiers(tiers);
  w.add_segments(segments);
  w.add_stages(stages);
  w.add_has_owner_channel_id(q.owner_channel_id.has_value());
  w.add_owner_channel_id(q.owner_channel_id.value_or(0));
  w.add_include_subtree(q.include_subtree);
  w.add_region(region);
  w.add_has_min_spend_minor(q.min_spend_minor.has_value());
  w.add_min_spend_minor(q.min_spend_minor.value_or(0));
  w.add_has_max_spend_minor(q.max_spend_minor.has_value());
  w.add_max_spend_minor(q.max_spend_minor.value_or(0));
  w.add_has_min_orders(q.min_orders.has_value());
  w.add_min_orders(q.min_orders.value_or(0));
  w.add_has_max_orders(q.max_orders.has_value());
  w.add_max_orders(q.max_orders.value_or(0));
  w.add_has_active_since_ms(q.active_since_ms.has_value());
  w.add_active_since_ms(q.active_since_ms.value_or(0));
  w.add_has_inactive_since_ms(q.inactive_since_ms.has_value());
  w.add_inactive_since_ms(q.inactive_since_ms.value_or(0));
  w.add_order(static_cast<uint8_t>(q.order));
  w.add_limit(q.limit);
  w.add_cursor(cursor);
  return w.Finish();
}

Status FromWire(const wire::CustomerQuery& in, const std::string&,
                CustomerQuery* out) {
  *out = CustomerQuery();
  out->tiers = EnumsOf<ValueTier>(in.tiers());
  if (in.segments() != nullptr) {
    for (const flatbuffers::String* s : *in.segments()) {
      out->segments.push_back(s->str());
    }
  }
  out->stages = EnumsOf<LifecycleStage>(in.stages());
  out->owner_channel_id =
      OptionalOf(in.has_owner_channel_id(), in.owner_channel_id());
  out->include_subtree = in.include_subtree();
  out->region = OptionalStr(in.region());
  out->min_spend_minor =
      OptionalOf(in.has_min_spend_minor(), in.min_spend_minor());
  out->max_spend_minor =
      OptionalOf(in.has_max_spend_minor(), in.max_spend_minor());
  out->min_orders = OptionalOf(in.has_min_orders(), in.min_orders());
  out->max_orders = OptionalOf(in.has_max_orders(), in.max_orders());
  out->active_since_ms =
      OptionalOf(in.has_active_since_ms(), in.active_since_ms());
  out->inactive_since_ms =
      OptionalOf(in.has_inactive_since_ms(), in.inactive_since_ms());
  out->order = static_cast<CustomerOrder>(in.order());
  out->limit = in.limit();
  out->cursor = Str(in.cursor());
  return Status::OK();
}

Offset<wire::ChurnWatchQuery> ToWire(Builder& b, const ChurnWatchQuery& q) {
  auto tiers = EnumVector(b, q.tiers);
  return wire::CreateChurnWatchQuery(b, q.as_of_ms, tiers, q.inactive_days,
                                     q.channel_id.has_value(),
                                     q.channel_id.value_or(0), q.limit);
}

Status FromWire(const wire::ChurnWatchQuery& in, const std::string&,
                ChurnWatchQuery* out) {
  *out = ChurnWatchQuery();
  out->as_of_ms = in.as_of_ms();
  out->tiers = EnumsOf<ValueTier>(in.tiers());
  out->inactive_days = in.inactive_days();
  out->channel_id = OptionalOf(in.has_channel_id(), in.channel_id());
  out->limit = in.limit();
  return Status::OK();
}

Offset<wire::TierSummaryQuery> ToWire(Builder& b, const TierSummaryQuery& q) {
  auto region = OptionalString(b, q.region);
  return wire::CreateTierSummaryQuery(
      b, static_cast<uint8_t>(q.by), static_cast<uint8_t>(q.split_by),
      q.owner_channel_id.has_value(), q.owner_channel_id.value_or(0),
      q.include_subtree, region);
}

Status FromWire(const wire::TierSummaryQuery& in, const std::string&,
                TierSummaryQuery* out) {
  *out = TierSummaryQuery();
  out->by = static_cast<SummaryGroup>(in.by());
  out->split_by = static_cast<SummarySplit>(in.split_by());
  out->owner_channel_id =
      OptionalOf(in.has_owner_channel_id(), in.owner_channel_id());
  out->include_subtree = in.include_subtree();
  out->region = OptionalStr(in.region());
  return Status::OK();
}

Offset<wire::ChannelReportQuery> ToWire(Builder& b,
                                        const ChannelReportQuery& q) {
  return wire::CreateChannelReportQuery(b, q.channel_id, q.include_subtree,
                                        q.from_ms, q.to_ms, q.by_day);
}

Status FromWire(const wire::ChannelReportQuery& in, const std::string&,
                ChannelReportQuery* out) {
  *out = ChannelReportQuery();
  out->channel_id = in.channel_id();
  out->include_subtree = in.include_subtree();
  out->from_ms = in.from_ms();
  out->to_ms = in.to_ms();
  out->by_day = in.by_day();
  return Status::OK();
}

Offset<wire::Rescore> ToWire(Builder& b, const RescoreOptions& o) {
  return wire::CreateRescore(b, o.as_of_ms.has_value(), o.as_of_ms.value_or(0),
                             o.full, o.force);
}

Status FromWire(const wire::Rescore& in, const std::string&,
                RescoreOptions* out) {
  *out = RescoreOptions();
  out->as_of_ms = OptionalOf(in.has_as_of_ms(), in.as_of_ms());
  out->full = in.full();
  out->force = in.force();
  return Status::OK();
}

namespace {

// One ToWire per alternative of custdb::Event, each with its union tag.
struct EventToWire {
  Builder& b;
  Offset<wire::Event> Make(wire::EventBody type, Offset<void> body) {
    return wire::CreateEvent(b, type, body);
  }
  Offset<wire::Event> operator()(const Customer& e) {
    return Make(wire::EventBody::custdb_fb_Customer, ToWire(b, e).Union());
  }
  Offset<wire::Event> operator()(const Order& e) {
    return Make(wire::EventBody::custdb_fb_Order, ToWire(b, e).Union());
  }
  Offset<wire::Event> operator()(const Interaction& e) {
    return Make(wire::EventBody::custdb_fb_Interaction, ToWire(b, e).Union());
  }
  Offset<wire::Event> operator()(const OrderStatusChange& e) {
    return Make(wire::EventBody::OrderStatusChange,
                wire::CreateOrderStatusChange(b, e.order_id,
                                              static_cast<uint8_t>(e.status))
                    .Union());
  }
  Offset<wire::Event> operator()(const OrderRefund& e) {
    return Make(wire::EventBody::OrderRefund,
                wire::CreateOrderRefund(b, e.order_id, e.amount_minor).Union());
  }
  Offset<wire::Event> operator()(const InteractionResolution& e) {
    return Make(
        wire::EventBody::InteractionResolution,
        wire::CreateInteractionResolution(b, e.interaction_id, e.resolved_at_ms)
            .Union());
  }
  Offset<wire::Event> operator()(const LoyaltyRedemption& e) {
    return Make(
        wire::EventBody::LoyaltyRedemption,
        wire::CreateLoyaltyRedemption(b, e.customer_id, e.points).Union());
  }
};

// Decodes the record alternative `Record` of an event body into *out.
template <typename Record, typename Table>
Status RecordEvent(const Table* table, const std::string& field, Event* out) {
  Record record;
  Status s = FromWire(*table, field, &record);
  if (s.ok()) *out = std::move(record);
  return s;
}

}  // namespace

Offset<wire::Event> ToWire(Builder& b, const Event& event) {
  return std::visit(EventToWire{b}, event);
}

Status FromWire(const wire::Event& in, const std::string& field, Event* out) {
  // The verifier accepts union members it does not know (a newer client's)
  // as opaque, so each accessor may still come back null: a tag without
  // its table.
  const std::string body_field = field + ".body";
  switch (in.body_type()) {
    case wire::EventBody::NONE:
      return Status::InvalidArgument(field + ": no event body (body_type 0)");
    case wire::EventBody::custdb_fb_Customer:
      if (in.body_as_custdb_fb_Customer() == nullptr) break;
      return RecordEvent<Customer>(in.body_as_custdb_fb_Customer(), body_field,
                                   out);
    case wire::EventBody::custdb_fb_Order:
      if (in.body_as_custdb_fb_Order() == nullptr) break;
      return RecordEvent<Order>(in.body_as_custdb_fb_Order(), body_field, out);
    case wire::EventBody::custdb_fb_Interaction:
      if (in.body_as_custdb_fb_Interaction() == nullptr) break;
      return RecordEvent<Interaction>(in.body_as_custdb_fb_Interaction(),
                                      body_field, out);
    case wire::EventBody::OrderStatusChange:
      if (const auto* e = in.body_as_OrderStatusChange()) {
        *out = OrderStatusChange{e->order_id(),
                                 static_cast<OrderStatus>(e->status())};
        return Status::OK();
      }
      break;
    case wire::EventBody::OrderRefund:
      if (const auto* e = in.body_as_OrderRefund()) {
        *out = OrderRefund{e->order_id(), e->amount_minor()};
        return Status::OK();
      }
      break;
    case wire::EventBody::InteractionResolution:
      if (const auto* e = in.body_as_InteractionResolution()) {
        *out = InteractionResolution{e->interaction_id(), e->resolved_at_ms()};
        return Status::OK();
      }
      break;
    case wire::EventBody::LoyaltyRedemption:
      if (const auto* e = in.body_as_LoyaltyRedemption()) {
        *out = LoyaltyRedemption{e->customer_id(), e->points()};
        return Status::OK();
      }
      break;
    default:
      return Status::InvalidArgument(
          field + ": unknown event body " +
          std::to_string(static_cast<int>(in.body_type())) + " (body_type)");
  }
  return Missing(body_field);
}

}  // namespace protocol
}  // namespace custdb
