// Every key encoding of custdb, one place. The bytes on disk are a promise:
// golden-byte tests in tests/engine/keys_test.cc pin them.
//
// Primitives (all order-preserving under bytewise comparison):
//   u64     8 bytes big-endian.
//   i64     8 bytes big-endian with the sign bit flipped, so negatives sort
//           before positives.
//   string  bytes with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01,
//           so no encoded string is a prefix of another.
#ifndef CUSTDB_ENGINE_STORAGE_KEYS_H_
#define CUSTDB_ENGINE_STORAGE_KEYS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custdb {
namespace keys {

// Column families, in the order the engine opens them (Storage indexes its
// handles by the value). Names are on disk: renaming one is a migration.
enum class Cf : int {
  kDefault = 0,  // RocksDB's own; unused by custdb
  kMeta,
  kChannels,
  kCustomers,
  kAggregates,
  kOrders,
  kInteractions,
  kIndexes,
  kCounters,
  // Ordered scans: RocksDB's default skiplist memtable. Despite its name
  // (on disk) it holds more than the tier indexes (TierTag, 0x21-0x28):
  // the channel report's resolve times (0x30) and merge alias lists (0x40).
  kTierIndex,
  // Channel-day counters: merged like counters, read by ranges of days, so
  // an ordered memtable (see storage.cc).
  kReportCounters,
};
inline constexpr int kNumColumnFamilies =
    static_cast<int>(Cf::kReportCounters) + 1;
// Every column family, in opening order, and every one but RocksDB's
// default (the ones custdb writes).
inline constexpr std::array<Cf, kNumColumnFamilies> kAllColumnFamilies = {
    Cf::kDefault,    Cf::kMeta,      Cf::kChannels,      Cf::kCustomers,
    Cf::kAggregates, Cf::kOrders,    Cf::kInteractions,  Cf::kIndexes,
    Cf::kCounters,   Cf::kTierIndex, Cf::kReportCounters};
inline constexpr std::array<Cf, kNumColumnFamilies - 1> kCustdbColumnFamilies =
    {Cf::kMeta,      Cf::kChannels,      Cf::kCustomers, Cf::kAggregates,
     Cf::kOrders,    Cf::kInteractions,  Cf::kIndexes,   Cf::kCounters,
     Cf::kTierIndex, Cf::kReportCounters};
const char* ColumnFamilyName(Cf cf);

// meta CF keys (plain ASCII names). schema_version and next_* values are
// decimal ASCII; base_currency is the ISO code.
inline constexpr std::string_view kMetaSchemaVersion = "schema_version";
inline constexpr std::string_view kMetaBaseCurrency = "base_currency";
inline constexpr std::string_view kMetaNextCustomerId = "next_customer_id";
inline constexpr std::string_view kMetaNextInteractionId =
    "next_interaction_id";
// The tier policy (FlatBuffers TierPolicy, version inside) and the as_of of
// the last rescore (decimal ASCII ms).
inline constexpr std::string_view kMetaPolicy = "policy";
inline constexpr std::string_view kMetaRescoreAsOf = "rescore_as_of";
// Present (value "1") while the database time is pinned at rescore_as_of:
// the last rescore's as_of was before the clock, and writes derive at it
// rather than at the clock (rescore.h, "Database time"). Absent in
// databases from before it existed, which follow the clock.
inline constexpr std::string_view kMetaTimePinned = "time_pinned";
// The as_of of the last rescore that finished (decimal ASCII ms); absent
// before the first. A rescore cut off by a crash raised rescore_as_of only.
inline constexpr std::string_view kMetaRescoredThrough = "rescored_through";
// Present (value "1") while every customer's tier_index entries and
// tier-summary contributions are to be written anew: a schema migration
// deleted them (Storage::Migrate); the engine rebuilds them when it opens.
inline constexpr std::string_view kMetaRebuildTiering = "rebuild_tiering";
// "audit/erased/<id>" -> erasure time (decimal ms): all that remains of an
// erased customer.
std::string ErasureAuditKey(uint64_t customer_id);

// Tags of the indexes CF (first key byte). Stored: never renumber.
enum class IndexTag : uint8_t {
  kCustomerCode = 0x01,   // string code  -> value: customer_id u64
  kCustomerEmail = 0x02,  // string email -> value: customer_id u64
  kCustomerPhone = 0x03,  // string phone -> value: customer_id u64
  // Identities of customers merged into another (MergeCustomers) whose
  // survivor already had its own: string value -> value: survivor id.
  kCodeAlias = 0x05,
  kEmailAlias = 0x06,
  kPhoneAlias = 0x07,
  kOrderId = 0x10,        // u64 order_id -> value: history key of the order
  kInteractionId = 0x11,  // u64 id       -> value: history key
  kMergedId = 0x12,       // u64 merged customer id -> value: survivor id
};

// Tags of the tier_index CF (first key byte). Stored: never renumber.
// Every customer index key (0x21..0x28) ends in u64 customer_id; values
// are empty (the query path checks its other filters on the cached
// customer record) except last_activity's, which covers ChurnWatch
// (ActivityValue). `~spend` is i64 total_spend_minor
// bit-inverted: spend descending. The resolve-time (0x30) and alias-list
// (0x40) entries have empty values too; a pass over every tier_index entry
// must tell them apart by tag.
enum class TierTag : uint8_t {
  kOwnerSpend = 0x21,  // u64 owner_channel_id · ~spend · id
  kRegion = 0x22,      // string region · id
  kSegment = 0x23,     // u8 segment + 1 (0: none) · id
  kLifecycle = 0x24,   // u8 LifecycleStage · id
  // u8 ValueTier · i64 last_activity_ms · id -> ActivityValue. By tier
  // first: "inactive since" is nearly always asked of some tiers
  // (ChurnWatch), and then the ranges hold only the answer.
  kLastActivity = 0x25,
  // 0x26 held ~spend · id until schema 2: spend order over every customer
  // is owner_spend merged across owners (query_planner.h), which saves
  // every order two memtable inserts. Storage migrates it away.
  kRetiredSpend = 0x26,
  kTier = 0x27,        // u8 ValueTier · id
  kNextChange = 0x28,  // i64 next_change_ms · id (absent when never)
  // Complaint resolution times for ChannelReport's median:
  // u64 channel_id · i64 day_ms · i64 resolve_ms · u64 interaction_id;
  // empty value.
  kResolveTime = 0x30,
  // The aliases (indexes CF kMergedId / k*Alias entries) a survivor holds,
  // so erasing or merging it finds them with a prefix scan:
  // u64 survivor · the alias's indexes-CF key; empty value.
  kAliasOf = 0x40,
  // 0x31 held buyer-day markers until schema 2; a new order now finds
  // its customer's other orders of the day in its history (event_apply.cc).
  kRetiredBuyerDay = 0x31,
};

// Tags of the counters CF (first key byte). Stored: never renumber.
enum class CounterTag : uint8_t {
  kRecordCount = 0x01,  // tag · u8 RecordKind -> i64 count (channels,
                        // customers; orders and interactions have none)
  // tag · u8 SummaryScope · u64 owner · [string region] -> CounterVec of
  // TierSummarySlot: customers and spend per tier, lifecycle and segment.
  kTierSummary = 0x02,
  // tag · u64 channel_id · i64 day_ms -> CounterVec of ChannelDaySlot. In
  // the report_counters CF.
  kChannelDay = 0x03,
};
// Every customer adds into its owner's and its (owner, region)'s vector;
// wider scopes are sums over owners (there are few channels), so an order
// merges into two keys, not four. Scopes 0 (all) and 2 (region) were
// stored until schema 2.
enum class SummaryScope : uint8_t {
  kRetiredAll = 0,
  kOwner = 1,  // · u64 owner_channel_id (0: no owner)
  kRetiredRegion = 2,
  kOwnerRegion = 3,  // · u64 owner_channel_id · string region
};
// Slots of a tier-summary CounterVec: a pair (customers, spend) per group
// value: slot 2k counts customers, 2k+1 sums spend, for k = tier - 1
// (0..2), 3 + lifecycle - 1 (3..8), 9 + segment + 1 (9: none; 10.. the
// policy's segments in order).
inline constexpr uint16_t kSummaryTierBase = 0;
inline constexpr uint16_t kSummaryLifecycleBase = 3;
inline constexpr uint16_t kSummarySegmentBase = 9;
// Slots of a channel-day CounterVec (see reports.h ChannelReportRow).
enum ChannelDaySlot : uint16_t {
  kDayRevenue = 0,
  kDayOrders = 1,
  kDayBuyingCustomers = 2,
  kDayNewCustomers = 3,
  kDayRepeatCustomers = 4,
  kDayInteractions = 5,
  kDayComplaintsOpened = 6,
  kDayComplaintsResolved = 7,
  kDaySatisfactionSum = 8,
  kDaySatisfactionCount = 9,
  kDayPromoters = 10,
  kDayPassives = 11,
  kDayDetractors = 12,
  kDayCrossChannelIn = 13,
  kDayCrossChannelOut = 14,
};
// "revenue_minor", "orders", … (the ChannelReportRow field of a slot).
const char* ChannelDaySlotName(uint16_t slot);
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
// tag · u64 id  (order id, interaction id, merged customer id)
std::string EventIdKey(IndexTag tag, uint64_t id);
// The alias tag of an identity tag (kCustomerCode -> kCodeAlias, …).
IndexTag AliasTagOf(IndexTag identity_tag);
// kAliasOf · survivor · forward key (its tag byte, then the rest).
std::string AliasOfKey(uint64_t survivor, std::string_view forward_key);
std::string AliasOfPrefix(uint64_t survivor);

// --- counter keys (counters CF) -----------------------------------------
// tag · u8 kind
std::string RecordCountKey(RecordKind kind);

// Counter values: i64 little-endian, 8 bytes (combined by AddOperator).
std::string EncodeCounter(int64_t v);
bool DecodeCounter(std::string_view value, int64_t* v);

// A counter vector: i64 per u16 slot, stored sparse as entries of u16 slot
// LE · i64 value LE (10 bytes), slots ascending, zeros omitted. An 8-byte
// value is a plain counter, read as slot 0. AddOperator adds them slot by
// slot, so one merge updates many counters of one key.
using CounterVec = std::vector<std::pair<uint16_t, int64_t>>;
std::string EncodeCounterVec(const CounterVec& slots);  // slots ascending
bool DecodeCounterVec(std::string_view value, CounterVec* slots);
// Adds b into *a slot by slot (both ascending); drops zeros. Returns false
// if a slot's sum left i64 (it is then wrapped): stored counters cannot
// (counter_guard.h), but sums over many of them in a report can.
bool AddCounterVec(CounterVec* a, const CounterVec& b);

std::string TierSummaryKey(SummaryScope scope, uint64_t owner_channel_id,
                           std::string_view region);
// The kOwnerRegion keys of one owner share this prefix and follow it in
// region byte order (PutString keeps it), "" first.
std::string TierSummaryRegionPrefix(uint64_t owner_channel_id);
// False for any key but a whole kOwnerRegion one.
bool DecodeTierSummaryRegionKey(std::string_view key,
                                uint64_t* owner_channel_id,
                                std::string* region);
std::string ChannelDayKey(uint64_t channel_id, int64_t day_ms);
bool DecodeChannelDayKey(std::string_view key, uint64_t* channel_id,
                         int64_t* day_ms);

// --- tier index keys (tier_index CF) ------------------------------------
std::string OwnerSpendKey(uint64_t owner_channel_id, int64_t spend_minor,
                          uint64_t customer_id);
std::string RegionKey(std::string_view region, uint64_t customer_id);
std::string SegmentKey(int segment, uint64_t customer_id);
std::string LifecycleKey(uint8_t stage, uint64_t customer_id);
std::string LastActivityKey(uint8_t tier, int64_t last_activity_ms,
                            uint64_t customer_id);
// The value of a last_activity entry: what ChurnWatch needs besides the
// key, so that it reads no customer record to count: u64 owner_channel_id
// · i64 total_spend_minor · u8 has_orders (order_count >= 1).
struct ActivityFacts {
  uint64_t owner_channel_id = 0;
  int64_t spend_minor = 0;
  bool has_orders = false;
};
std::string ActivityValue(const ActivityFacts& facts);
bool DecodeActivityValue(std::string_view value, ActivityFacts* facts);
std::string TierKey(uint8_t tier, uint64_t customer_id);
std::string NextChangeKey(int64_t next_change_ms, uint64_t customer_id);
std::string ResolveTimeKey(uint64_t channel_id, int64_t day_ms,
                           int64_t resolve_ms, uint64_t interaction_id);
bool DecodeResolveTimeKey(std::string_view key, uint64_t* channel_id,
                          int64_t* day_ms, int64_t* resolve_ms,
                          uint64_t* interaction_id);
// The customer id every tier index key ends with.
bool TierKeyCustomerId(std::string_view key, uint64_t* customer_id);

}  // namespace keys
}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_KEYS_H_
