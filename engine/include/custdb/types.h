// The records custdb stores and returns: channels, customers, orders,
// interactions and the per-customer aggregates.
//
// Time is i64 Unix milliseconds, UTC. Money is i64 minor units (pence,
// cents) of the database's base currency.
//
// Text: every string field is valid UTF-8 (RFC 3629: no overlong forms,
// surrogates or code points above U+10FFFF), else kInvalidArgument
// "<field>: not valid UTF-8 at byte N" (N counts from 0). Names, codes,
// identities, regions, tags, attribute keys, skus, staff ids and currency
// codes are one printable line: no control character (U+0000..U+001F,
// U+007F, U+0080..U+009F; "<field>: holds a control character (U+001B)
// at byte N"). Free text (Interaction::note, attribute values) may also
// hold tab, LF and CR. A phone may use tabs as separators (normalisation
// drops them). Values that travel in lists refuse the list's separator:
// tags and attribute values ';', attribute keys ';' and '=' (CSV import
// and export), policy segment names ',' (`custdb find --segment a,b`).
// Lengths are in bytes.
#ifndef CUSTDB_TYPES_H_
#define CUSTDB_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "custdb/derived.h"

namespace custdb {

// Every id (channel, customer, order, interaction) is 1..kMaxId; 0 means
// "none" or, where the engine assigns ids, "assign one". The top half of
// u64 is refused so that ids survive the signed 64-bit integers of SQL,
// JSON and Java clients, and so that the engine's allocators, which hand
// out one past the largest id they have seen, can never wrap: past kMaxId
// they fail with kResourceExhausted (ids are never reused).
inline constexpr uint64_t kMaxId = (uint64_t{1} << 63) - 1;

// Enum values below are stored on disk and sent on the wire: never
// renumber; add new values at the end.

enum class ChannelType : uint8_t {
  kDirect = 1,
  kAgent = 2,
  kDealer = 3,
  kRetail = 4,
  kDistributor = 5,
  kEcommerce = 6,
  kPartner = 7,
  kTelemarketing = 8,
};

enum class Gender : uint8_t {
  kUnknown = 0,
  kFemale = 1,
  kMale = 2,
  kOther = 3,
};

enum class OrderStatus : uint8_t {
  kPlaced = 1,
  kPaid = 2,
  kCompleted = 3,
  kCancelled = 4,
  kRefunded = 5,  // fully refunded; partial refunds keep their status
};

enum class OrderKind : uint8_t {
  kSale = 1,
  // A credit note (e.g. an Online Retail invoice "C…"): its amount reduces
  // the customer's spend; it is not an order for order_count or order times.
  kCreditNote = 2,
};

enum class InteractionKind : uint8_t {
  kCall = 1,
  kEmail = 2,
  kVisit = 3,
  kChat = 4,
  kSocial = 5,
  kComplaint = 6,
  kSurvey = 7,
  kTicket = 8,
  kFeedback = 9,
};

// Lower-case names ("ecommerce", "completed", "complaint" …) used by CSV,
// JSON and the command line. Parse* return false for an unknown name. Every
// *Name function of the API prints a value outside its enum (a cast from a
// bad integer) as "invalid".
const char* ChannelTypeName(ChannelType t);
bool ParseChannelType(const std::string& name, ChannelType* out);
const char* GenderName(Gender g);
bool ParseGender(const std::string& name, Gender* out);
const char* OrderStatusName(OrderStatus s);
bool ParseOrderStatus(const std::string& name, OrderStatus* out);
const char* OrderKindName(OrderKind k);
bool ParseOrderKind(const std::string& name, OrderKind* out);
const char* InteractionKindName(InteractionKind k);
bool ParseInteractionKind(const std::string& name, InteractionKind* out);

struct Channel {
  uint64_t id = 0;   // required, > 0
  std::string name;  // required, 1..200 bytes
  ChannelType type = ChannelType::kDirect;
  uint64_t parent_id = 0;  // 0: top level; else an existing channel
  std::string region;      // 0..64 bytes
  bool active = true;
};

struct Customer {
  uint64_t id = 0;  // 0 on create: the engine assigns one
  // Optional unique identities; empty means none. email is stored trimmed
  // and lower-cased, phone as digits with an optional leading '+'.
  std::string code;  // the caller's external id, 1..64 bytes
  std::string email;
  std::string phone;
  std::string name;    // 0..200 bytes
  std::string region;  // 0..64 bytes
  Gender gender = Gender::kUnknown;
  int32_t birth_year = 0;                         // 0: unknown; else 1900..2100
  uint64_t acquisition_channel_id = 0;            // 0 or an existing channel
  uint64_t owner_channel_id = 0;                  // 0 or an existing channel
  std::vector<std::string> tags;                  // up to 64, each 1..64 bytes
  std::map<std::string, std::string> attributes;  // up to 64 entries
  int64_t created_at_ms = 0;  // 0 on create: the engine's clock
};

// A partial update: only the fields that are set change. Setting code,
// email or phone to "" removes that identity.
struct CustomerPatch {
  std::optional<std::string> code;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> name;
  std::optional<std::string> region;
  std::optional<Gender> gender;
  std::optional<int32_t> birth_year;
  std::optional<uint64_t> acquisition_channel_id;
  std::optional<uint64_t> owner_channel_id;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::map<std::string, std::string>> attributes;
};

struct LineItem {
  std::string sku;               // 1..64 bytes
  int64_t quantity = 0;          // > 0
  int64_t unit_price_minor = 0;  // >= 0, rounded to minor units
  int64_t amount_minor = 0;      // >= 0, the line's exact amount
};

struct Order {
  uint64_t id = 0;  // required, > 0, unique in the database
  uint64_t customer_id = 0;
  uint64_t channel_id = 0;   // an existing channel
  int64_t ts_ms = 0;         // when the order was placed
  int64_t amount_minor = 0;  // >= 0; equals the sum of items if any
  std::string currency;      // ISO 4217; empty means the base currency
  OrderKind kind = OrderKind::kSale;
  // Initial status must be placed, paid or completed (credit notes:
  // completed). Later changes go through UpdateOrderStatus / RefundOrder.
  OrderStatus status = OrderStatus::kCompleted;
  int64_t refunded_minor = 0;   // set by the engine; ignored on record
  std::vector<LineItem> items;  // up to 1,000
};

struct Interaction {
  uint64_t id = 0;  // 0 on record: the engine assigns one
  uint64_t customer_id = 0;
  uint64_t channel_id = 0;  // 0 or an existing channel
  int64_t ts_ms = 0;
  InteractionKind kind = InteractionKind::kCall;
  std::optional<int32_t> satisfaction;  // 1..5
  std::optional<int32_t> nps;           // 0..10
  std::string staff_id;                 // 0..64 bytes
  std::string note;                     // 0..4,096 bytes
  // Complaints and tickets only: when it was closed (>= ts_ms).
  std::optional<int64_t> resolved_at_ms;
};

// Per-customer aggregates, updated in the same atomic write as every event.
// Definitions (the contract the tests check):
//  - order_count: sale orders whose status is not cancelled;
//  - completed_order_count: sale orders whose status is completed;
//  - total_spend_minor: over sale orders that are paid, completed or
//    refunded, amount minus refunded amount; minus every credit note;
//  - first/last_order_ms: earliest/latest ts of any sale order recorded
//    (a later cancellation does not undo the activity); 0 if none;
//  - last_interaction_ms: latest interaction ts; 0 if none;
//  - last_activity_ms: max(last_order_ms, last_interaction_ms);
//  - complaint_count / open_complaint_count: complaints, and those not
//    resolved;
//  - satisfaction_sum / satisfaction_count: over interactions that carry a
//    satisfaction score; last_nps: the NPS of the latest interaction (by
//    ts, then by id) that carries one, -1 if none, with its ts and id in
//    last_nps_ms and last_nps_id (ids, not write order, break ties, so the
//    value does not depend on the order of concurrent writes);
//  - completed_spend_minor: over sale orders whose status is completed,
//    amount minus refunded amount (what loyalty points are earned on);
//  - loyalty_redeemed: loyalty points redeemed so far;
//  - recent_order_ms: the ts of the latest kRecentOrders sale orders
//    recorded (as for first/last_order_ms), ascending.
inline constexpr size_t kRecentOrders = 16;
struct Aggregates {
  int64_t order_count = 0;
  int64_t completed_order_count = 0;
  int64_t total_spend_minor = 0;
  int64_t first_order_ms = 0;
  int64_t last_order_ms = 0;
  int64_t last_interaction_ms = 0;
  int64_t last_activity_ms = 0;
  int64_t interaction_count = 0;
  int64_t complaint_count = 0;
  int64_t open_complaint_count = 0;
  int64_t satisfaction_sum = 0;
  int64_t satisfaction_count = 0;
  int32_t last_nps = -1;
  int64_t last_nps_ms = 0;   // ts of the interaction last_nps came from
  uint64_t last_nps_id = 0;  // id of that interaction
  int64_t completed_spend_minor = 0;
  int64_t loyalty_redeemed = 0;
  std::vector<int64_t> recent_order_ms;
};

bool operator==(const Aggregates& a, const Aggregates& b);
inline bool operator!=(const Aggregates& a, const Aggregates& b) {
  return !(a == b);
}

// A customer as returned by lookups: profile, aggregates, and the derived
// attributes under policy_version. They were last derived with a different
// result at derived_as_of_ms and hold unchanged from then until
// derived.next_change_ms: a rescore or policy change that would derive the
// same values does not rewrite the customer, so derived_as_of_ms may lie
// before the last rescore's as_of.
struct CustomerRecord {
  Customer profile;
  Aggregates aggregates;
  Derived derived;
  int64_t derived_as_of_ms = 0;
  int64_t policy_version = 0;
};

}  // namespace custdb

#endif  // CUSTDB_TYPES_H_
