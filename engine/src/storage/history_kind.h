// HistoryKind: what tells the two histories, orders and interactions,
// apart, so that one code path reads, lists and pages both.
#ifndef CUSTDB_ENGINE_STORAGE_HISTORY_KIND_H_
#define CUSTDB_ENGINE_STORAGE_HISTORY_KIND_H_

#include <cstdint>

#include "custdb/types.h"
#include "storage/keys.h"

namespace custdb {

struct HistoryKind {
  keys::Cf cf;            // the history column family (keys.h)
  keys::IndexTag id_tag;  // its id index: id -> history key
  // The query/cursor.h CursorKind of its pages (stored in cursors callers
  // keep: the values are fixed there).
  uint8_t cursor_kind;
  const char* noun;  // in messages: "order_id: 7 does not exist"
};

inline constexpr HistoryKind kOrdersHistory{
    keys::Cf::kOrders, keys::IndexTag::kOrderId, 1, "order"};
inline constexpr HistoryKind kInteractionsHistory{
    keys::Cf::kInteractions, keys::IndexTag::kInteractionId, 2, "interaction"};

// The kind whose records are T (Order or Interaction).
template <typename T>
constexpr const HistoryKind& HistoryKindOf();
template <>
constexpr const HistoryKind& HistoryKindOf<Order>() {
  return kOrdersHistory;
}
template <>
constexpr const HistoryKind& HistoryKindOf<Interaction>() {
  return kInteractionsHistory;
}

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_HISTORY_KIND_H_
