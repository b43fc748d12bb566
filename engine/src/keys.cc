// Key encodings; the layouts are drawn in keys.h.
#include "keys.h"

#include <cstring>

namespace custdb {
namespace keys {

const char* ColumnFamilyName(int cf) {
  switch (cf) {
    case kDefaultCf:
      return "default";
    case kMetaCf:
      return "meta";
    case kChannelsCf:
      return "channels";
    case kCustomersCf:
      return "customers";
    case kAggregatesCf:
      return "aggregates";
    case kOrdersCf:
      return "orders";
    case kInteractionsCf:
      return "interactions";
    case kIndexesCf:
      return "indexes";
    case kCountersCf:
      return "counters";
  }
  return "?";
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

}  // namespace keys
}  // namespace custdb
