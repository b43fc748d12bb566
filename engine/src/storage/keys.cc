// Key encodings; the layouts are drawn in keys.h.
#include "storage/keys.h"

#include <cstring>
#include <iterator>

#include "api/enum_names.h"

namespace custdb {
namespace keys {

// The names are on disk (RocksDB's column-family names): never rename one.
constexpr NamedValue<Cf> kColumnFamilyNames[] = {
    {Cf::kDefault, "default"},
    {Cf::kMeta, "meta"},
    {Cf::kChannels, "channels"},
    {Cf::kCustomers, "customers"},
    {Cf::kAggregates, "aggregates"},
    {Cf::kOrders, "orders"},
    {Cf::kInteractions, "interactions"},
    {Cf::kIndexes, "indexes"},
    {Cf::kCounters, "counters"},
    {Cf::kTierIndex, "tier_index"},
    {Cf::kReportCounters, "report_counters"},
};
static_assert(IsDense(kColumnFamilyNames));
static_assert(std::size(kColumnFamilyNames) ==
              static_cast<size_t>(kNumColumnFamilies));

const char* ColumnFamilyName(keys::Cf cf) {
  return NameOf(kColumnFamilyNames, cf);
}

const char* ChannelDaySlotName(uint16_t slot) {
  static constexpr const char* kNames[] = {
      "revenue_minor",     "orders",
      "buying_customers",  "new_customers",
      "repeat_customers",  "interactions",
      "complaints_opened", "complaints_resolved",
      "satisfaction_sum",  "satisfaction_count",
      "nps_promoters",     "nps_passives",
      "nps_detractors",    "cross_channel_in",
      "cross_channel_out",
  };
  return slot < sizeof(kNames) / sizeof(kNames[0]) ? kNames[slot]
                                                   : "unknown slot";
}

void PutU64(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}

void PutI64(std::string* dst, int64_t v) {
  PutU64(dst, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}

void PutString(std::string* dst, std::string_view s) {
  for (char c : s) {
    dst->push_back(c);
    if (c == '\0') dst->push_back('\xff');
  }
  dst->push_back('\0');
  dst->push_back('\x01');
}

bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r = (r << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(8);
  *v = r;
  return true;
}

bool GetI64(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetU64(in, &u)) return false;
  *v = static_cast<int64_t>(u ^ (uint64_t{1} << 63));
  return true;
}

bool GetString(std::string_view* in, std::string* s) {
  s->clear();
  size_t i = 0;
  while (i < in->size()) {
    char c = (*in)[i];
    if (c != '\0') {
      s->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= in->size()) return false;
    char next = (*in)[i + 1];
    if (next == '\x01') {
      in->remove_prefix(i + 2);
      return true;
    }
    if (next != '\xff') return false;
    s->push_back('\0');
    i += 2;
  }
  return false;
}

std::string IdKey(uint64_t id) {
  std::string k;
  k.reserve(8);
  PutU64(&k, id);
  return k;
}

bool DecodeIdKey(std::string_view key, uint64_t* id) {
  return GetU64(&key, id) && key.empty();
}

std::string HistoryKey(uint64_t customer_id, int64_t ts_ms, uint64_t event_id) {
  std::string k;
  k.reserve(kHistoryKeyLength);
  PutU64(&k, customer_id);
  PutI64(&k, ~ts_ms);
  PutU64(&k, ~event_id);
  return k;
}

bool DecodeHistoryKey(std::string_view key, HistoryKeyParts* parts) {
  int64_t inverted_ts;
  uint64_t inverted_id;
  if (!GetU64(&key, &parts->customer_id) || !GetI64(&key, &inverted_ts) ||
      !GetU64(&key, &inverted_id) || !key.empty()) {
    return false;
  }
  parts->ts_ms = ~inverted_ts;
  parts->event_id = ~inverted_id;
  return true;
}

std::string IdentityKey(IndexTag tag, std::string_view value) {
  std::string k(1, static_cast<char>(tag));
  PutString(&k, value);
  return k;
}

std::string EventIdKey(IndexTag tag, uint64_t id) {
  std::string k(1, static_cast<char>(tag));
  PutU64(&k, id);
  return k;
}

IndexTag AliasTagOf(IndexTag identity_tag) {
  return static_cast<IndexTag>(static_cast<uint8_t>(identity_tag) + 4);
}

std::string ErasureAuditKey(uint64_t customer_id) {
  return "audit/erased/" + std::to_string(customer_id);
}

std::string AliasOfPrefix(uint64_t survivor) {
  std::string k(1, static_cast<char>(TierTag::kAliasOf));
  PutU64(&k, survivor);
  return k;
}

std::string AliasOfKey(uint64_t survivor, std::string_view forward_key) {
  std::string k = AliasOfPrefix(survivor);
  k.append(forward_key.data(), forward_key.size());
  return k;
}

std::string RecordCountKey(RecordKind kind) {
  std::string k(1, static_cast<char>(CounterTag::kRecordCount));
  k.push_back(static_cast<char>(kind));
  return k;
}

std::string EncodeCounter(int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(u & 0xff);
    u >>= 8;
  }
  return out;
}

bool DecodeCounter(std::string_view value, int64_t* v) {
  if (value.size() != 8) return false;
  uint64_t u = 0;
  for (int i = 7; i >= 0; --i) u = (u << 8) | static_cast<uint8_t>(value[i]);
  *v = static_cast<int64_t>(u);
  return true;
}

namespace {

void PutLe(std::string* dst, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    dst->push_back(static_cast<char>(v & 0xff));
    v >>= 8;
  }
}

uint64_t GetLe(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

constexpr size_t kVecEntry = 10;

std::string TierPrefix(TierTag tag) {
  return std::string(1, static_cast<char>(tag));
}

}  // namespace

std::string EncodeCounterVec(const CounterVec& slots) {
  std::string out;
  out.reserve(slots.size() * kVecEntry);
  for (const auto& [slot, v] : slots) {
    if (v == 0) continue;
    PutLe(&out, slot, 2);
    PutLe(&out, static_cast<uint64_t>(v), 8);
  }
  return out;
}

bool DecodeCounterVec(std::string_view value, CounterVec* slots) {
  slots->clear();
  if (value.size() == 8) {
    int64_t v = 0;
    DecodeCounter(value, &v);
    if (v != 0) slots->emplace_back(0, v);
    return true;
  }
  if (value.size() % kVecEntry != 0) return false;
  for (size_t i = 0; i < value.size(); i += kVecEntry) {
    const uint16_t slot = static_cast<uint16_t>(GetLe(value.data() + i, 2));
    if (!slots->empty() && slot <= slots->back().first) return false;
    slots->emplace_back(slot,
                        static_cast<int64_t>(GetLe(value.data() + i + 2, 8)));
  }
  return true;
}

bool AddCounterVec(CounterVec* a, const CounterVec& b) {
  CounterVec out;
  out.reserve(a->size() + b.size());
  bool fits = true;
  size_t i = 0, j = 0;
  while (i < a->size() || j < b.size()) {
    if (j == b.size() || (i < a->size() && (*a)[i].first < b[j].first)) {
      if ((*a)[i].second != 0) out.push_back((*a)[i]);
      ++i;
    } else if (i == a->size() || b[j].first < (*a)[i].first) {
      if (b[j].second != 0) out.push_back(b[j]);
      ++j;
    } else {
      // Wrapping, so that a wrapped value is defined (and reported).
      int64_t sum = 0;
      fits &= !__builtin_add_overflow((*a)[i].second, b[j].second, &sum);
      if (sum != 0) out.emplace_back((*a)[i].first, sum);
      ++i;
      ++j;
    }
  }
  *a = std::move(out);
  return fits;
}

std::string TierSummaryKey(SummaryScope scope, uint64_t owner_channel_id,
                           std::string_view region) {
  std::string k(1, static_cast<char>(CounterTag::kTierSummary));
  k.push_back(static_cast<char>(scope));
  PutU64(&k, owner_channel_id);
  if (scope == SummaryScope::kOwnerRegion) PutString(&k, region);
  return k;
}

std::string TierSummaryRegionPrefix(uint64_t owner_channel_id) {
  std::string k(1, static_cast<char>(CounterTag::kTierSummary));
  k.push_back(static_cast<char>(SummaryScope::kOwnerRegion));
  PutU64(&k, owner_channel_id);
  return k;
}

bool DecodeTierSummaryRegionKey(std::string_view key,
                                uint64_t* owner_channel_id,
                                std::string* region) {
  if (key.size() < 2 ||
      static_cast<uint8_t>(key[0]) !=
          static_cast<uint8_t>(CounterTag::kTierSummary) ||
      static_cast<uint8_t>(key[1]) !=
          static_cast<uint8_t>(SummaryScope::kOwnerRegion)) {
    return false;
  }
  key.remove_prefix(2);
  return GetU64(&key, owner_channel_id) && GetString(&key, region) &&
         key.empty();
}

std::string ChannelDayKey(uint64_t channel_id, int64_t day_ms) {
  std::string k(1, static_cast<char>(CounterTag::kChannelDay));
  PutU64(&k, channel_id);
  PutI64(&k, day_ms);
  return k;
}

bool DecodeChannelDayKey(std::string_view key, uint64_t* channel_id,
                         int64_t* day_ms) {
  if (key.empty() || static_cast<uint8_t>(key[0]) !=
                         static_cast<uint8_t>(CounterTag::kChannelDay)) {
    return false;
  }
  key.remove_prefix(1);
  return GetU64(&key, channel_id) && GetI64(&key, day_ms) && key.empty();
}

std::string OwnerSpendKey(uint64_t owner_channel_id, int64_t spend_minor,
                          uint64_t customer_id) {
  std::string k = TierPrefix(TierTag::kOwnerSpend);
  PutU64(&k, owner_channel_id);
  PutI64(&k, ~spend_minor);
  PutU64(&k, customer_id);
  return k;
}

std::string RegionKey(std::string_view region, uint64_t customer_id) {
  std::string k = TierPrefix(TierTag::kRegion);
  PutString(&k, region);
  PutU64(&k, customer_id);
  return k;
}

std::string SegmentKey(int segment, uint64_t customer_id) {
  std::string k = TierPrefix(TierTag::kSegment);
  k.push_back(static_cast<char>(static_cast<uint8_t>(segment + 1)));
  PutU64(&k, customer_id);
  return k;
}

std::string LifecycleKey(uint8_t stage, uint64_t customer_id) {
  std::string k = TierPrefix(TierTag::kLifecycle);
  k.push_back(static_cast<char>(stage));
  PutU64(&k, customer_id);
  return k;
}

std::string LastActivityKey(uint8_t tier, int64_t last_activity_ms,
                            uint64_t customer_id) {
  std::string k = TierPrefix(TierTag::kLastActivity);
  k.push_back(static_cast<char>(tier));
  PutI64(&k, last_activity_ms);
  PutU64(&k, customer_id);
  return k;
}

std::string ActivityValue(const ActivityFacts& facts) {
  std::string v;
  PutU64(&v, facts.owner_channel_id);
  PutI64(&v, facts.spend_minor);
  v.push_back(facts.has_orders ? 1 : 0);
  return v;
}

bool DecodeActivityValue(std::string_view value, ActivityFacts* facts) {
  if (!GetU64(&value, &facts->owner_channel_id) ||
      !GetI64(&value, &facts->spend_minor) || value.size() != 1 ||
      static_cast<uint8_t>(value[0]) > 1) {
    return false;
  }
  facts->has_orders = value[0] == 1;
  return true;
}

std::string TierKey(uint8_t tier, uint64_t customer_id) {
  std::string k = TierPrefix(TierTag::kTier);
  k.push_back(static_cast<char>(tier));
  PutU64(&k, customer_id);
  return k;
}

std::string NextChangeKey(int64_t next_change_ms, uint64_t customer_id) {
  std::string k = TierPrefix(TierTag::kNextChange);
  PutI64(&k, next_change_ms);
  PutU64(&k, customer_id);
  return k;
}

std::string ResolveTimeKey(uint64_t channel_id, int64_t day_ms,
                           int64_t resolve_ms, uint64_t interaction_id) {
  std::string k = TierPrefix(TierTag::kResolveTime);
  PutU64(&k, channel_id);
  PutI64(&k, day_ms);
  PutI64(&k, resolve_ms);
  PutU64(&k, interaction_id);
  return k;
}

bool DecodeResolveTimeKey(std::string_view key, uint64_t* channel_id,
                          int64_t* day_ms, int64_t* resolve_ms,
                          uint64_t* interaction_id) {
  if (key.empty() || static_cast<uint8_t>(key[0]) !=
                         static_cast<uint8_t>(TierTag::kResolveTime)) {
    return false;
  }
  key.remove_prefix(1);
  return GetU64(&key, channel_id) && GetI64(&key, day_ms) &&
         GetI64(&key, resolve_ms) && GetU64(&key, interaction_id) &&
         key.empty();
}

bool TierKeyCustomerId(std::string_view key, uint64_t* customer_id) {
  if (key.size() < 9) return false;
  key.remove_prefix(key.size() - 8);
  return GetU64(&key, customer_id);
}

}  // namespace keys
}  // namespace custdb
