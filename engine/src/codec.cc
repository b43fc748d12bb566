// FlatBuffers encoding of stored records.
#include "codec.h"

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

std::string_view EncodeView(const Aggregates& a) {
  auto& fbb = Builder();
  auto recent = fbb.CreateVector(a.recent_order_ms);
  fbb.Finish(fb::CreateAggregates(
      fbb, a.order_count, a.completed_order_count, a.total_spend_minor,
      a.first_order_ms, a.last_order_ms, a.last_interaction_ms,
      a.last_activity_ms, a.interaction_count, a.complaint_count,
      a.open_complaint_count, a.satisfaction_sum, a.satisfaction_count,
      a.last_nps, a.last_nps_ms, a.completed_spend_minor, a.loyalty_redeemed,
      recent, a.last_nps_id));
  return Finish(fbb);
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
