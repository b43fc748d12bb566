// Record comparison for re-imports.
#include "import/same_record.h"

#include <optional>

#include "api/messages.h"
#include "custdb/status.h"

namespace custdb {
namespace import {
namespace {

std::string Shown(int64_t v) { return std::to_string(v); }
std::string Shown(uint64_t v) { return std::to_string(v); }
std::string Shown(const std::string& v) { return QuoteValue(v); }
template <typename T>
std::string Shown(const std::optional<T>& v) {
  return v ? Shown(static_cast<int64_t>(*v)) : "none";
}

template <typename T>
bool Differs(const char* field, const T& row, const T& stored,
             std::string* out) {
  if (row == stored) return false;
  *out = std::string(field) + ": " + Shown(stored) + " stored, " + Shown(row) +
         " in the row";
  return true;
}

std::string ItemsKey(const Order& o) {
  std::string key;
  for (const LineItem& item : o.items) {
    key.append(item.sku).push_back(':');
    key.append(std::to_string(item.quantity)).push_back(':');
    key.append(std::to_string(item.unit_price_minor)).push_back(':');
    key.append(std::to_string(item.amount_minor)).push_back(';');
  }
  return key;
}

}  // namespace

std::string OrderDifference(const Order& row, uint64_t row_owner,
                            const Order& stored,
                            const std::string& base_currency) {
  std::string d;
  const std::string row_currency =
      row.currency.empty() ? base_currency : row.currency;
  const std::string stored_currency =
      stored.currency.empty() ? base_currency : stored.currency;
  if (Differs("customer_id", row_owner, stored.customer_id, &d) ||
      Differs("channel_id", row.channel_id, stored.channel_id, &d) ||
      Differs("ts_ms", row.ts_ms, stored.ts_ms, &d) ||
      Differs("amount_minor", row.amount_minor, stored.amount_minor, &d) ||
      Differs("currency", row_currency, stored_currency, &d) ||
      Differs("kind", std::string(OrderKindName(row.kind)),
              std::string(OrderKindName(stored.kind)), &d) ||
      Differs("items", ItemsKey(row), ItemsKey(stored), &d)) {
    return d;
  }
  return "";
}

std::string InteractionDifference(const Interaction& row, uint64_t row_owner,
                                  const Interaction& stored) {
  std::string d;
  if (Differs("customer_id", row_owner, stored.customer_id, &d) ||
      Differs("channel_id", row.channel_id, stored.channel_id, &d) ||
      Differs("ts_ms", row.ts_ms, stored.ts_ms, &d) ||
      Differs("kind", std::string(InteractionKindName(row.kind)),
              std::string(InteractionKindName(stored.kind)), &d) ||
      Differs("satisfaction", row.satisfaction, stored.satisfaction, &d) ||
      Differs("nps", row.nps, stored.nps, &d) ||
      Differs("staff_id", row.staff_id, stored.staff_id, &d) ||
      Differs("note", row.note, stored.note, &d) ||
      (row.resolved_at_ms && Differs("resolved_at_ms", row.resolved_at_ms,
                                     stored.resolved_at_ms, &d))) {
    return d;
  }
  return "";
}

Status Collision(const std::string& field, uint64_t id,
                 const std::string& difference) {
  return Status::AlreadyExists(field + ": " + std::to_string(id) +
                               " is already stored with different content (" +
                               difference + "); not imported");
}

}  // namespace import
}  // namespace custdb
