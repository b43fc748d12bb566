// Records (records.fbs) <-> the API's types: channels, customers, orders,
// interactions, customer records, the tier policy and customer patches.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/convert.h"
#include "protocol/convert_util.h"

namespace custdb {
namespace protocol {

Status Missing(const std::string& field) {
  return Status::InvalidArgument(field + ": missing");
}

Offset<fb::Channel> ToWire(Builder& b, const Channel& c) {
  auto name = String(b, c.name);
  auto region = String(b, c.region);
  return fb::CreateChannel(b, c.id, name, static_cast<uint8_t>(c.type),
                           c.parent_id, region, c.active);
}

Status FromWire(const fb::Channel& in, const std::string&, Channel* out) {
  *out = Channel();
  out->id = in.id();
  out->name = Str(in.name());
  out->type = static_cast<ChannelType>(in.type());
  out->parent_id = in.parent_id();
  out->region = Str(in.region());
  out->active = in.active();
  return Status::OK();
}

namespace {

Offset<flatbuffers::Vector<Offset<fb::Attribute>>> Attributes(
    Builder& b, const std::map<std::string, std::string>& attributes) {
  std::vector<Offset<fb::Attribute>> attrs;
  attrs.reserve(attributes.size());
  for (const auto& [key, value] : attributes) {
    auto k = b.CreateString(key);
    auto v = b.CreateString(value);
    attrs.push_back(fb::CreateAttribute(b, k, v));
  }
  return b.CreateVector(attrs);
}

// A map on the wire is a list of pairs: a key that repeats has no map
// form, so it is refused rather than silently dropped.
Status AttributesFromWire(const flatbuffers::Vector<Offset<fb::Attribute>>* in,
                          const std::string& field,
                          std::map<std::string, std::string>* out) {
  out->clear();
  if (in == nullptr) return Status::OK();
  for (flatbuffers::uoffset_t i = 0; i < in->size(); ++i) {
    const fb::Attribute* a = in->Get(i);
    std::string key = Str(a->key());
    if (!out->emplace(key, Str(a->value())).second) {
      return Status::InvalidArgument(field + "[" + std::to_string(i) +
                                     "].key: '" + key + "' repeats");
    }
  }
  return Status::OK();
}

std::vector<std::string> Strings(
    const flatbuffers::Vector<Offset<flatbuffers::String>>* in) {
  std::vector<std::string> out;
  if (in == nullptr) return out;
  out.reserve(in->size());
  for (const flatbuffers::String* s : *in) out.push_back(s->str());
  return out;
}

}  // namespace

Offset<fb::Customer> ToWire(Builder& b, const Customer& c) {
  auto code = String(b, c.code);
  auto email = String(b, c.email);
  auto phone = String(b, c.phone);
  auto name = String(b, c.name);
  auto region = String(b, c.region);
  auto tags = b.CreateVectorOfStrings(c.tags);
  auto attributes = Attributes(b, c.attributes);
  return fb::CreateCustomer(b, c.id, code, email, phone, name, region,
                            static_cast<uint8_t>(c.gender), c.birth_year,
                            c.acquisition_channel_id, c.owner_channel_id, tags,
                            attributes, c.created_at_ms);
}

Status FromWire(const fb::Customer& in, const std::string& field,
                Customer* out) {
  *out = Customer();
  out->id = in.id();
  out->code = Str(in.code());
  out->email = Str(in.email());
  out->phone = Str(in.phone());
  out->name = Str(in.name());
  out->region = Str(in.region());
  out->gender = static_cast<Gender>(in.gender());
  out->birth_year = in.birth_year();
  out->acquisition_channel_id = in.acquisition_channel_id();
  out->owner_channel_id = in.owner_channel_id();
  out->tags = Strings(in.tags());
  out->created_at_ms = in.created_at_ms();
  return AttributesFromWire(in.attributes(), field + ".attributes",
                            &out->attributes);
}

Offset<fb::Order> ToWire(Builder& b, const Order& o) {
  auto currency = String(b, o.currency);
  std::vector<Offset<fb::LineItem>> items;
  items.reserve(o.items.size());
  for (const LineItem& item : o.items) {
    auto sku = b.CreateString(item.sku);
    items.push_back(fb::CreateLineItem(
        b, sku, item.quantity, item.unit_price_minor, item.amount_minor));
  }
  auto item_vec = b.CreateVector(items);
  return fb::CreateOrder(b, o.id, o.customer_id, o.channel_id, o.ts_ms,
                         o.amount_minor, currency, static_cast<uint8_t>(o.kind),
                         static_cast<uint8_t>(o.status), o.refunded_minor,
                         item_vec);
}

Status FromWire(const fb::Order& in, const std::string&, Order* out) {
  *out = Order();
  out->id = in.id();
  out->customer_id = in.customer_id();
  out->channel_id = in.channel_id();
  out->ts_ms = in.ts_ms();
  out->amount_minor = in.amount_minor();
  out->currency = Str(in.currency());
  out->kind = static_cast<OrderKind>(in.kind());
  out->status = static_cast<OrderStatus>(in.status());
  out->refunded_minor = in.refunded_minor();
  if (in.items() != nullptr) {
    out->items.reserve(in.items()->size());
    for (const fb::LineItem* item : *in.items()) {
      out->items.push_back(LineItem{Str(item->sku()), item->quantity(),
                                    item->unit_price_minor(),
                                    item->amount_minor()});
    }
  }
  return Status::OK();
}

Offset<fb::Interaction> ToWire(Builder& b, const Interaction& i) {
  auto staff = String(b, i.staff_id);
  auto note = String(b, i.note);
  return fb::CreateInteraction(
      b, i.id, i.customer_id, i.channel_id, i.ts_ms,
      static_cast<uint8_t>(i.kind), i.satisfaction.has_value(),
      i.satisfaction.value_or(0), i.nps.has_value(), i.nps.value_or(0), staff,
      note, i.resolved_at_ms.has_value(), i.resolved_at_ms.value_or(0));
}

Status FromWire(const fb::Interaction& in, const std::string&,
                Interaction* out) {
  *out = Interaction();
  out->id = in.id();
  out->customer_id = in.customer_id();
  out->channel_id = in.channel_id();
  out->ts_ms = in.ts_ms();
  out->kind = static_cast<InteractionKind>(in.kind());
  out->satisfaction = OptionalOf(in.has_satisfaction(), in.satisfaction());
  out->nps = OptionalOf(in.has_nps(), in.nps());
  out->staff_id = Str(in.staff_id());
  out->note = Str(in.note());
  out->resolved_at_ms = OptionalOf(in.has_resolved_at(), in.resolved_at_ms());
  return Status::OK();
}

Offset<wire::CustomerRecord> ToWire(Builder& b, const CustomerRecord& r) {
  auto profile = ToWire(b, r.profile);
  const Aggregates& a = r.aggregates;
  const Derived& d = r.derived;
  auto recent = b.CreateVector(a.recent_order_ms);
  auto segment_name = b.CreateString(d.segment_name);
  fb::AggregatesBuilder state(b);
  state.add_order_count(a.order_count);
  state.add_completed_order_count(a.completed_order_count);
  state.add_total_spend_minor(a.total_spend_minor);
  state.add_first_order_ms(a.first_order_ms);
  state.add_last_order_ms(a.last_order_ms);
  state.add_last_interaction_ms(a.last_interaction_ms);
  state.add_last_activity_ms(a.last_activity_ms);
  state.add_interaction_count(a.interaction_count);
  state.add_complaint_count(a.complaint_count);
  state.add_open_complaint_count(a.open_complaint_count);
  state.add_satisfaction_sum(a.satisfaction_sum);
  state.add_satisfaction_count(a.satisfaction_count);
  state.add_last_nps(a.last_nps);
  state.add_last_nps_ms(a.last_nps_ms);
  state.add_completed_spend_minor(a.completed_spend_minor);
  state.add_loyalty_redeemed(a.loyalty_redeemed);
  state.add_recent_order_ms(recent);
  state.add_last_nps_id(a.last_nps_id);
  state.add_has_derived(true);
  state.add_value_tier(static_cast<uint8_t>(d.value_tier));
  // Scores are 0..5 and the segment an index into at most a few hundred
  // rules (derived.h), so the narrower wire types hold them.
  state.add_r(static_cast<uint8_t>(d.r));
  state.add_f(static_cast<uint8_t>(d.f));
  state.add_m(static_cast<uint8_t>(d.m));
  state.add_segment(static_cast<int16_t>(d.segment));
  state.add_segment_name(segment_name);
  state.add_lifecycle(static_cast<uint8_t>(d.lifecycle));
  state.add_churn_risk(d.churn_risk);
  state.add_loyalty_points(d.loyalty_points);
  state.add_next_change_ms(d.next_change_ms);
  state.add_derived_as_of_ms(r.derived_as_of_ms);
  state.add_policy_version(r.policy_version);
  auto state_offset = state.Finish();
  return wire::CreateCustomerRecord(b, profile, state_offset);
}

Status FromWire(const wire::CustomerRecord& in, const std::string& field,
                CustomerRecord* out) {
  *out = CustomerRecord();
  if (in.profile() != nullptr) {
    Status s = FromWire(*in.profile(), field + ".profile", &out->profile);
    if (!s.ok()) return s;
  }
  const fb::Aggregates* a = in.state();
  if (a == nullptr) return Status::OK();
  Aggregates& g = out->aggregates;
  g.order_count = a->order_count();
  g.completed_order_count = a->completed_order_count();
  g.total_spend_minor = a->total_spend_minor();
  g.first_order_ms = a->first_order_ms();
  g.last_order_ms = a->last_order_ms();
  g.last_interaction_ms = a->last_interaction_ms();
  g.last_activity_ms = a->last_activity_ms();
  g.interaction_count = a->interaction_count();
  g.complaint_count = a->complaint_count();
  g.open_complaint_count = a->open_complaint_count();
  g.satisfaction_sum = a->satisfaction_sum();
  g.satisfaction_count = a->satisfaction_count();
  g.last_nps = a->last_nps();
  g.last_nps_ms = a->last_nps_ms();
  g.last_nps_id = a->last_nps_id();
  g.completed_spend_minor = a->completed_spend_minor();
  g.loyalty_redeemed = a->loyalty_redeemed();
  if (a->recent_order_ms() != nullptr) {
    g.recent_order_ms.assign(a->recent_order_ms()->begin(),
                             a->recent_order_ms()->end());
  }
  if (!a->has_derived()) return Status::OK();
  Derived& d = out->derived;
  d.value_tier = static_cast<ValueTier>(a->value_tier());
  d.r = a->r();
  d.f = a->f();
  d.m = a->m();
  d.segment = a->segment();
  d.segment_name = Str(a->segment_name());
  d.lifecycle = static_cast<LifecycleStage>(a->lifecycle());
  d.churn_risk = a->churn_risk();
  d.loyalty_points = a->loyalty_points();
  d.next_change_ms = a->next_change_ms();
  out->derived_as_of_ms = a->derived_as_of_ms();
  out->policy_version = a->policy_version();
  return Status::OK();
}

namespace {

bool FitsUbyte(int v) { return v >= 0 && v <= 255; }

}  // namespace

Status FitsWire(const TierPolicy& p) {
  for (const SegmentRule& rule : p.segments) {
    for (const ScoreRange* range : {&rule.r, &rule.f, &rule.m}) {
      if (FitsUbyte(range->min) && FitsUbyte(range->max)) continue;
      // The engine refuses any bound outside 1..5, so its own validation
      // gives the message it would have sent.
      Status s = ValidatePolicy(p);
      if (!s.ok()) return s;
      return Status::InvalidArgument("policy.segments: a score bound of '" +
                                     rule.name + "' is outside 1..5");
    }
  }
  return Status::OK();
}

Offset<fb::TierPolicy> ToWire(Builder& b, const TierPolicy& p) {
  auto recency = b.CreateVector(p.recency_days.data(), p.recency_days.size());
  auto frequency =
      b.CreateVector(p.frequency_orders.data(), p.frequency_orders.size());
  auto monetary =
      b.CreateVector(p.monetary_minor.data(), p.monetary_minor.size());
  std::vector<Offset<fb::SegmentRule>> rules;
  rules.reserve(p.segments.size());
  for (const SegmentRule& r : p.segments) {
    auto name = b.CreateString(r.name);
    rules.push_back(fb::CreateSegmentRule(
        b, name, static_cast<uint8_t>(r.r.min), static_cast<uint8_t>(r.r.max),
        static_cast<uint8_t>(r.f.min), static_cast<uint8_t>(r.f.max),
        static_cast<uint8_t>(r.m.min), static_cast<uint8_t>(r.m.max)));
  }
  auto segments = b.CreateVector(rules);
  return fb::CreateTierPolicy(
      b, p.version, p.high_min_spend_minor, p.high_min_orders,
      p.medium_min_spend_minor, p.medium_min_orders,
      static_cast<uint8_t>(p.rfm_mode), recency, frequency, monetary, segments,
      p.new_days, p.active_days, p.at_risk_days, p.churn_days,
      p.loyalty_points_per_unit);
}

namespace {

Status Breakpoints(const flatbuffers::Vector<int64_t>* in,
                   const std::string& field, std::array<int64_t, 4>* out) {
  const size_t n = in == nullptr ? 0 : in->size();
  if (n != out->size()) {
    return Status::InvalidArgument(field + ": " + std::to_string(n) +
                                   " breakpoints; it holds exactly 4");
  }
  for (size_t i = 0; i < out->size(); ++i) (*out)[i] = in->Get(i);
  return Status::OK();
}

}  // namespace

Status FromWire(const fb::TierPolicy& in, const std::string& field,
                TierPolicy* out) {
  *out = TierPolicy();
  out->version = in.version();
  out->high_min_spend_minor = in.high_min_spend_minor();
  out->high_min_orders = in.high_min_orders();
  out->medium_min_spend_minor = in.medium_min_spend_minor();
  out->medium_min_orders = in.medium_min_orders();
  out->rfm_mode = static_cast<RfmMode>(in.rfm_mode());
  Status s = Breakpoints(in.recency_days(), field + ".recency_days",
                         &out->recency_days);
  if (s.ok()) {
    s = Breakpoints(in.frequency_orders(), field + ".frequency_orders",
                    &out->frequency_orders);
  }
  if (s.ok()) {
    s = Breakpoints(in.monetary_minor(), field + ".monetary_minor",
                    &out->monetary_minor);
  }
  if (!s.ok()) return s;
  if (in.segments() != nullptr) {
    out->segments.reserve(in.segments()->size());
    for (const fb::SegmentRule* rule : *in.segments()) {
      SegmentRule x;
      x.name = Str(rule->name());
      x.r = {rule->r_min(), rule->r_max()};
      x.f = {rule->f_min(), rule->f_max()};
      x.m = {rule->m_min(), rule->m_max()};
      out->segments.push_back(std::move(x));
    }
  }
  out->new_days = in.new_days();
  out->active_days = in.active_days();
  out->at_risk_days = in.at_risk_days();
  out->churn_days = in.churn_days();
  out->loyalty_points_per_unit = in.loyalty_points_per_unit();
  return Status::OK();
}

Offset<wire::CustomerPatch> ToWire(Builder& b, const CustomerPatch& p) {
  auto code = OptionalString(b, p.code);
  auto email = OptionalString(b, p.email);
  auto phone = OptionalString(b, p.phone);
  auto name = OptionalString(b, p.name);
  auto region = OptionalString(b, p.region);
  Offset<flatbuffers::Vector<Offset<flatbuffers::String>>> tags;
  if (p.tags.has_value()) tags = b.CreateVectorOfStrings(*p.tags);
  Offset<flatbuffers::Vector<Offset<fb::Attribute>>> attributes;
  if (p.attributes.has_value()) attributes = Attributes(b, *p.attributes);
  wire::CustomerPatchBuilder patch(b);
  patch.add_code(code);
  patch.add_email(email);
  patch.add_phone(phone);
  patch.add_name(name);
  patch.add_region(region);
  patch.add_has_gender(p.gender.has_value());
  patch.add_gender(static_cast<uint8_t>(p.gender.value_or(Gender::kUnknown)));
  patch.add_has_birth_year(p.birth_year.has_value());
  patch.add_birth_year(p.birth_year.value_or(0));
  patch.add_has_acquisition_channel_id(p.acquisition_channel_id.has_value());
  patch.add_acquisition_channel_id(p.acquisition_channel_id.value_or(0));
  patch.add_has_owner_channel_id(p.owner_channel_id.has_value());
  patch.add_owner_channel_id(p.owner_channel_id.value_or(0));
  patch.add_set_tags(p.tags.has_value());
  patch.add_tags(tags);
  patch.add_set_attributes(p.attributes.has_value());
  patch.add_attributes(attributes);
  return patch.Finish();
}

Status FromWire(const wire::CustomerPatch& in, const std::string& field,
                CustomerPatch* out) {
  *out = CustomerPatch();
  out->code = OptionalStr(in.code());
  out->email = OptionalStr(in.email());
  out->phone = OptionalStr(in.phone());
  out->name = OptionalStr(in.name());
  out->region = OptionalStr(in.region());
  if (in.has_gender()) out->gender = static_cast<Gender>(in.gender());
  out->birth_year = OptionalOf(in.has_birth_year(), in.birth_year());
  out->acquisition_channel_id =
      OptionalOf(in.has_acquisition_channel_id(), in.acquisition_channel_id());
  out->owner_channel_id =
      OptionalOf(in.has_owner_channel_id(), in.owner_channel_id());
  if (in.set_tags()) out->tags = Strings(in.tags());
  if (in.set_attributes()) {
    out->attributes.emplace();
    return AttributesFromWire(in.attributes(), field + ".attributes",
                              &*out->attributes);
  }
  return Status::OK();
}

}  // namespace protocol
}  // namespace custdb
