// FlatBuffers encoding of stored records.
#include "storage/codec.h"

#include <flatbuffers/flatbuffers.h>

#include <cstring>
#include <vector>

#include "custdb_schema/records_generated.h"

namespace custdb {
namespace codec {
namespace {

// One builder per thread: encoding is on every write's hot path.
flatbuffers::FlatBufferBuilder& Builder() {
  thread_local flatbuffers::FlatBufferBuilder builder(512);
  builder.Clear();
  return builder;
}

std::string_view Finish(flatbuffers::FlatBufferBuilder& fbb) {
  return std::string_view(reinterpret_cast<const char*>(fbb.GetBufferPointer()),
                          fbb.GetSize());
}

// FlatBuffers reads scalars in place, so the buffer must be 8-byte aligned;
// values pinned from RocksDB blocks often are not. Misaligned input is
// copied into a per-thread aligned buffer.
const uint8_t* AlignedBytes(std::string_view bytes) {
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(uint64_t) == 0) {
    return reinterpret_cast<const uint8_t*>(bytes.data());
  }
  thread_local std::vector<uint64_t> scratch;
  scratch.resize(bytes.size() / sizeof(uint64_t) + 1);
  std::memcpy(scratch.data(), bytes.data(), bytes.size());
  return reinterpret_cast<const uint8_t*>(scratch.data());
}

// Valid until the next call on this thread (the scratch buffer is reused).
template <typename T>
const T* Verified(std::string_view bytes, const char* what, Status* status) {
  const uint8_t* data = AlignedBytes(bytes);
  flatbuffers::Verifier verifier(data, bytes.size());
  if (!verifier.VerifyBuffer<T>(nullptr)) {
    *status = Status::Corruption(std::string("stored ") + what +
                                 " record fails verification (" +
                                 std::to_string(bytes.size()) + " bytes)");
    return nullptr;
  }
  return flatbuffers::GetRoot<T>(data);
}

std::string Str(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

}  // namespace

std::string_view EncodeView(const Channel& c) {
  auto& fbb = Builder();
  auto name = fbb.CreateString(c.name);
  auto region = fbb.CreateString(c.region);
  fbb.Finish(fb::CreateChannel(fbb, c.id, name, static_cast<uint8_t>(c.type),
                               c.parent_id, region, c.active));
  return Finish(fbb);
}

Status Decode(std::string_view bytes, Channel* out) {
  Status s;
  auto* c = Verified<fb::Channel>(bytes, "channel", &s);
  if (c == nullptr) return s;
  out->id = c->id();
  out->name = Str(c->name());
  out->type = static_cast<ChannelType>(c->type());
  out->parent_id = c->parent_id();
  out->region = Str(c->region());
  out->active = c->active();
  return s;
}

std::string_view EncodeView(const Customer& c) {
  auto& fbb = Builder();
  auto code = fbb.CreateString(c.code);
  auto email = fbb.CreateString(c.email);
  auto phone = fbb.CreateString(c.phone);
  auto name = fbb.CreateString(c.name);
  auto region = fbb.CreateString(c.region);
  auto tags = fbb.CreateVectorOfStrings(c.tags);
  std::vector<flatbuffers::Offset<fb::Attribute>> attrs;
  attrs.reserve(c.attributes.size());
  for (const auto& [k, v] : c.attributes) {
    attrs.push_back(fb::CreateAttributeDirect(fbb, k.c_str(), v.c_str()));
  }
  auto attributes = fbb.CreateVector(attrs);
  fbb.Finish(fb::CreateCustomer(fbb, c.id, code, email, phone, name, region,
                                static_cast<uint8_t>(c.gender), c.birth_year,
                                c.acquisition_channel_id, c.owner_channel_id,
                                tags, attributes, c.created_at_ms));
  return Finish(fbb);
}

Status Decode(std::string_view bytes, Customer* out) {
  Status s;
  auto* c = Verified<fb::Customer>(bytes, "customer", &s);
  if (c == nullptr) return s;
  out->id = c->id();
  out->code = Str(c->code());
  out->email = Str(c->email());
  out->phone = Str(c->phone());
  out->name = Str(c->name());
  out->region = Str(c->region());
  out->gender = static_cast<Gender>(c->gender());
  out->birth_year = c->birth_year();
  out->acquisition_channel_id = c->acquisition_channel_id();
  out->owner_channel_id = c->owner_channel_id();
  out->tags.clear();
  if (c->tags() != nullptr) {
    for (const auto* t : *c->tags()) out->tags.push_back(t->str());
  }
  out->attributes.clear();
  if (c->attributes() != nullptr) {
    for (const auto* a : *c->attributes()) {
      out->attributes[Str(a->key())] = Str(a->value());
    }
  }
  out->created_at_ms = c->created_at_ms();
  return s;
}

std::string_view EncodeView(const Order& o) {
  auto& fbb = Builder();
  auto currency = fbb.CreateString(o.currency);
  std::vector<flatbuffers::Offset<fb::LineItem>> items;
  items.reserve(o.items.size());
  for (const auto& item : o.items) {
    items.push_back(
        fb::CreateLineItemDirect(fbb, item.sku.c_str(), item.quantity,
                                 item.unit_price_minor, item.amount_minor));
  }
  auto item_vec = fbb.CreateVector(items);
  fbb.Finish(fb::CreateOrder(
      fbb, o.id, o.customer_id, o.channel_id, o.ts_ms, o.amount_minor, currency,
      static_cast<uint8_t>(o.kind), static_cast<uint8_t>(o.status),
      o.refunded_minor, item_vec));
  return Finish(fbb);
}

Status Decode(std::string_view bytes, Order* out) {
  Status s;
  auto* o = Verified<fb::Order>(bytes, "order", &s);
  if (o == nullptr) return s;
  out->id = o->id();
  out->customer_id = o->customer_id();
  out->channel_id = o->channel_id();
  out->ts_ms = o->ts_ms();
  out->amount_minor = o->amount_minor();
  out->currency = Str(o->currency());
  out->kind = static_cast<OrderKind>(o->kind());
  out->status = static_cast<OrderStatus>(o->status());
  out->refunded_minor = o->refunded_minor();
  out->items.clear();
  if (o->items() != nullptr) {
    out->items.reserve(o->items()->size());
    for (const auto* item : *o->items()) {
      out->items.push_back(LineItem{Str(item->sku()), item->quantity(),
                                    item->unit_price_minor(),
                                    item->amount_minor()});
    }
  }
  return s;
}

std::string_view EncodeView(const Interaction& i) {
  auto& fbb = Builder();
  auto staff = fbb.CreateString(i.staff_id);
  auto note = fbb.CreateString(i.note);
  fbb.Finish(fb::CreateInteraction(
      fbb, i.id, i.customer_id, i.channel_id, i.ts_ms,
      static_cast<uint8_t>(i.kind), i.satisfaction.has_value(),
      i.satisfaction.value_or(0), i.nps.has_value(), i.nps.value_or(0), staff,
      note, i.resolved_at_ms.has_value(), i.resolved_at_ms.value_or(0)));
  return Finish(fbb);
}

Status Decode(std::string_view bytes, Interaction* out) {
  Status s;
  auto* i = Verified<fb::Interaction>(bytes, "interaction", &s);
  if (i == nullptr) return s;
  out->id = i->id();
  out->customer_id = i->customer_id();
  out->channel_id = i->channel_id();
  out->ts_ms = i->ts_ms();
  out->kind = static_cast<InteractionKind>(i->kind());
  out->satisfaction = i->has_satisfaction()
                          ? std::optional<int32_t>(i->satisfaction())
                          : std::nullopt;
  out->nps = i->has_nps() ? std::optional<int32_t>(i->nps()) : std::nullopt;
  out->staff_id = Str(i->staff_id());
  out->note = Str(i->note());
  out->resolved_at_ms = i->has_resolved_at()
                            ? std::optional<int64_t>(i->resolved_at_ms())
                            : std::nullopt;
  return s;
}

std::string_view EncodeView(const Aggregates& a, const DerivedState& d) {
  auto& fbb = Builder();
  auto recent = fbb.CreateVector(a.recent_order_ms);
  flatbuffers::Offset<flatbuffers::String> segment_name;
  if (d.present) segment_name = fbb.CreateString(d.derived.segment_name);
  fb::AggregatesBuilder b(fbb);
  b.add_order_count(a.order_count);
  b.add_completed_order_count(a.completed_order_count);
  b.add_total_spend_minor(a.total_spend_minor);
  b.add_first_order_ms(a.first_order_ms);
  b.add_last_order_ms(a.last_order_ms);
  b.add_last_interaction_ms(a.last_interaction_ms);
  b.add_last_activity_ms(a.last_activity_ms);
  b.add_interaction_count(a.interaction_count);
  b.add_complaint_count(a.complaint_count);
  b.add_open_complaint_count(a.open_complaint_count);
  b.add_satisfaction_sum(a.satisfaction_sum);
  b.add_satisfaction_count(a.satisfaction_count);
  b.add_last_nps(a.last_nps);
  b.add_last_nps_ms(a.last_nps_ms);
  b.add_completed_spend_minor(a.completed_spend_minor);
  b.add_loyalty_redeemed(a.loyalty_redeemed);
  b.add_recent_order_ms(recent);
  b.add_last_nps_id(a.last_nps_id);
  if (d.present) {
    const Derived& x = d.derived;
    b.add_has_derived(true);
    b.add_value_tier(static_cast<uint8_t>(x.value_tier));
    b.add_r(static_cast<uint8_t>(x.r));
    b.add_f(static_cast<uint8_t>(x.f));
    b.add_m(static_cast<uint8_t>(x.m));
    b.add_segment(static_cast<int16_t>(x.segment));
    b.add_segment_name(segment_name);
    b.add_lifecycle(static_cast<uint8_t>(x.lifecycle));
    b.add_churn_risk(x.churn_risk);
    b.add_loyalty_points(x.loyalty_points);
    b.add_next_change_ms(x.next_change_ms);
    b.add_derived_as_of_ms(d.as_of_ms);
    b.add_policy_version(d.policy_version);
  }
  fbb.Finish(b.Finish());
  return Finish(fbb);
}

std::string_view EncodeView(const Aggregates& a) {
  return EncodeView(a, DerivedState());
}

std::string Encode(const TierPolicy& p) {
  auto& fbb = Builder();
  auto recency = fbb.CreateVector(p.recency_days.data(), p.recency_days.size());
  auto frequency =
      fbb.CreateVector(p.frequency_orders.data(), p.frequency_orders.size());
  auto monetary =
      fbb.CreateVector(p.monetary_minor.data(), p.monetary_minor.size());
  std::vector<flatbuffers::Offset<fb::SegmentRule>> rules;
  for (const SegmentRule& r : p.segments) {
    auto name = fbb.CreateString(r.name);
    rules.push_back(fb::CreateSegmentRule(
        fbb, name, static_cast<uint8_t>(r.r.min), static_cast<uint8_t>(r.r.max),
        static_cast<uint8_t>(r.f.min), static_cast<uint8_t>(r.f.max),
        static_cast<uint8_t>(r.m.min), static_cast<uint8_t>(r.m.max)));
  }
  auto segments = fbb.CreateVector(rules);
  fbb.Finish(fb::CreateTierPolicy(
      fbb, p.version, p.high_min_spend_minor, p.high_min_orders,
      p.medium_min_spend_minor, p.medium_min_orders,
      static_cast<uint8_t>(p.rfm_mode), recency, frequency, monetary, segments,
      p.new_days, p.active_days, p.at_risk_days, p.churn_days,
      p.loyalty_points_per_unit));
  return std::string(Finish(fbb));
}

Status Decode(std::string_view bytes, TierPolicy* out) {
  Status s;
  auto* p = Verified<fb::TierPolicy>(bytes, "policy", &s);
  if (p == nullptr) return s;
  TierPolicy r;
  r.version = p->version();
  r.high_min_spend_minor = p->high_min_spend_minor();
  r.high_min_orders = p->high_min_orders();
  r.medium_min_spend_minor = p->medium_min_spend_minor();
  r.medium_min_orders = p->medium_min_orders();
  r.rfm_mode = static_cast<RfmMode>(p->rfm_mode());
  auto copy4 = [](const flatbuffers::Vector<int64_t>* v,
                  std::array<int64_t, 4>* dst) {
    if (v == nullptr || v->size() != dst->size()) return false;
    for (size_t i = 0; i < dst->size(); ++i) (*dst)[i] = v->Get(i);
    return true;
  };
  if (!copy4(p->recency_days(), &r.recency_days) ||
      !copy4(p->frequency_orders(), &r.frequency_orders) ||
      !copy4(p->monetary_minor(), &r.monetary_minor)) {
    return Status::Corruption("stored policy: a breakpoint list is not 4 long");
  }
  if (p->segments() != nullptr) {
    for (const fb::SegmentRule* rule : *p->segments()) {
      SegmentRule x;
      x.name = Str(rule->name());
      x.r = {rule->r_min(), rule->r_max()};
      x.f = {rule->f_min(), rule->f_max()};
      x.m = {rule->m_min(), rule->m_max()};
      r.segments.push_back(std::move(x));
    }
  }
  r.new_days = p->new_days();
  r.active_days = p->active_days();
  r.at_risk_days = p->at_risk_days();
  r.churn_days = p->churn_days();
  r.loyalty_points_per_unit = p->loyalty_points_per_unit();
  *out = std::move(r);
  return Status::OK();
}

Status Decode(std::string_view bytes, Aggregates* out, DerivedState* d) {
  Status s = Decode(bytes, out);
  if (!s.ok()) return s;
  // Decode above verified the same bytes; this only reads them.
  auto* a = flatbuffers::GetRoot<fb::Aggregates>(AlignedBytes(bytes));
  *d = DerivedState();
  if (!a->has_derived()) return s;
  d->present = true;
  d->derived.value_tier = static_cast<ValueTier>(a->value_tier());
  d->derived.r = a->r();
  d->derived.f = a->f();
  d->derived.m = a->m();
  d->derived.segment = a->segment();
  d->derived.segment_name = Str(a->segment_name());
  d->derived.lifecycle = static_cast<LifecycleStage>(a->lifecycle());
  d->derived.churn_risk = a->churn_risk();
  d->derived.loyalty_points = a->loyalty_points();
  d->derived.next_change_ms = a->next_change_ms();
  d->as_of_ms = a->derived_as_of_ms();
  d->policy_version = a->policy_version();
  return s;
}

Status Decode(std::string_view bytes, Aggregates* out) {
  Status s;
  auto* a = Verified<fb::Aggregates>(bytes, "aggregates", &s);
  if (a == nullptr) return s;
  out->order_count = a->order_count();
  out->completed_order_count = a->completed_order_count();
  out->total_spend_minor = a->total_spend_minor();
  out->first_order_ms = a->first_order_ms();
  out->last_order_ms = a->last_order_ms();
  out->last_interaction_ms = a->last_interaction_ms();
  out->last_activity_ms = a->last_activity_ms();
  out->interaction_count = a->interaction_count();
  out->complaint_count = a->complaint_count();
  out->open_complaint_count = a->open_complaint_count();
  out->satisfaction_sum = a->satisfaction_sum();
  out->satisfaction_count = a->satisfaction_count();
  out->last_nps = a->last_nps();
  out->last_nps_ms = a->last_nps_ms();
  out->last_nps_id = a->last_nps_id();
  out->completed_spend_minor = a->completed_spend_minor();
  out->loyalty_redeemed = a->loyalty_redeemed();
  out->recent_order_ms.clear();
  if (a->recent_order_ms() != nullptr) {
    out->recent_order_ms.assign(a->recent_order_ms()->begin(),
                                a->recent_order_ms()->end());
  }
  return s;
}

std::string Encode(const Channel& r) { return std::string(EncodeView(r)); }
std::string Encode(const Customer& r) { return std::string(EncodeView(r)); }
std::string Encode(const Order& r) { return std::string(EncodeView(r)); }
std::string Encode(const Interaction& r) { return std::string(EncodeView(r)); }
std::string Encode(const Aggregates& r) { return std::string(EncodeView(r)); }

}  // namespace codec
}  // namespace custdb
