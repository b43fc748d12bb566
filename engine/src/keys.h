// Every key encoding of custdb, one place. The bytes on disk are a promise:
// golden-byte tests in tests/engine/keys_test.cc pin them.
//
// Primitives (all order-preserving under bytewise comparison):
//   u64     8 bytes big-endian.
//   i64     8 bytes big-endian with the sign bit flipped, so negatives sort
//           before positives.
//   string  bytes with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01,
//           so no encoded string is a prefix of another.
#ifndef CUSTDB_ENGINE_KEYS_H_
#define CUSTDB_ENGINE_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace custdb {
namespace keys {

// Column families, in the order the engine opens them. Names are on disk.
enum ColumnFamily : int {
  kDefaultCf = 0,  // RocksDB's own; unused by custdb
  kMetaCf,
  kChannelsCf,
  kCustomersCf,
  kAggregatesCf,
  kOrdersCf,
  kInteractionsCf,
  kIndexesCf,
  kCountersCf,
  kNumColumnFamilies,
};
const char* ColumnFamilyName(int cf);

// meta CF keys (plain ASCII names). schema_version and next_* values are
// decimal ASCII; base_currency is the ISO code.
inline constexpr std::string_view kMetaSchemaVersion = "schema_version";
inline constexpr std::string_view kMetaBaseCurrency = "base_currency";
inline constexpr std::string_view kMetaNextCustomerId = "next_customer_id";
inline constexpr std::string_view kMetaNextInteractionId =
    "next_interaction_id";

// Tags of the indexes CF (first key byte). Stored: never renumber.
enum class IndexTag : uint8_t {
  kCustomerCode = 0x01,   // string code  -> value: customer_id u64
  kCustomerEmail = 0x02,  // string email -> value: customer_id u64
  kCustomerPhone = 0x03,  // string phone -> value: customer_id u64
  kOrderId = 0x10,        // u64 order_id -> value: history key of the order
  kInteractionId = 0x11,  // u64 id       -> value: history key
};

// Tags of the counters CF (first key byte). Stored: never renumber.
enum class CounterTag : uint8_t {
  kRecordCount = 0x01,  // tag · u8 RecordKind -> i64 count (channels,
                        // customers; orders and interactions have none)
};
enum class RecordKind : uint8_t {
  kChannel = 1,
  kCustomer = 2,
  kOrder = 3,
  kInteraction = 4,
};

// --- primitives ---------------------------------------------------------
void PutU64(std::string* dst, uint64_t v);
void PutI64(std::string* dst, int64_t v);
void PutString(std::string* dst, std::string_view s);
// Each Get* consumes from the front of *in; false if malformed.
bool GetU64(std::string_view* in, uint64_t* v);
bool GetI64(std::string_view* in, int64_t* v);
bool GetString(std::string_view* in, std::string* s);

// --- record keys --------------------------------------------------------
// channels, customers, aggregates:   u64 id
std::string IdKey(uint64_t id);
bool DecodeIdKey(std::string_view key, uint64_t* id);

// orders, interactions:   u64 customer_id · ~i64 ts_ms · ~u64 event_id
// Histories cluster by customer; within one, ts and id are bit-inverted
// (descending), so a forward scan yields newest first (larger id first on
// equal ts). Forward, because the hash memtables cannot seek backwards and
// a skiplist's Prev is a fresh search. The first 8 bytes are the prefix
// that the prefix extractor and bloom filters use.
inline constexpr size_t kHistoryPrefixLength = 8;
inline constexpr size_t kHistoryKeyLength = 24;
struct HistoryKeyParts {
  uint64_t customer_id = 0;
  int64_t ts_ms = 0;
  uint64_t event_id = 0;
};
std::string HistoryKey(uint64_t customer_id, int64_t ts_ms, uint64_t event_id);
bool DecodeHistoryKey(std::string_view key, HistoryKeyParts* parts);

// --- index keys (indexes CF) --------------------------------------------
// tag · string value  (code, email, phone)
std::string IdentityKey(IndexTag tag, std::string_view value);
// tag · u64 id  (order id, interaction id)
std::string EventIdKey(IndexTag tag, uint64_t id);

// --- counter keys (counters CF) -----------------------------------------
// tag · u8 kind
std::string RecordCountKey(RecordKind kind);

// Counter values: i64 little-endian, 8 bytes (combined by AddOperator).
std::string EncodeCounter(int64_t v);
bool DecodeCounter(std::string_view value, int64_t* v);

}  // namespace keys
}  // namespace custdb

#endif  // CUSTDB_ENGINE_KEYS_H_
