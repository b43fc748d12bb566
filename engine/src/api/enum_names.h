// Name tables of enums: the one mechanism for every enum <-> name mapping.
// An enum's names live in one table of {value, name} pairs; its Name and
// Parse functions both read it, so they cannot disagree:
//
//   constexpr NamedValue<OrderKind> kOrderKinds[] = {
//       {OrderKind::kSale, "sale"}, {OrderKind::kCreditNote, "credit_note"}};
//   static_assert(IsDense(kOrderKinds));
//   const char* OrderKindName(OrderKind k) { return NameOf(kOrderKinds, k); }
//
// A table lists its enum's values in order without gaps (IsDense), which
// catches a value written twice or skipped. A value outside the table
// prints as kInvalidName.
#ifndef CUSTDB_ENGINE_API_ENUM_NAMES_H_
#define CUSTDB_ENGINE_API_ENUM_NAMES_H_

#include <cstddef>
#include <string>
#include <type_traits>

namespace custdb {

template <typename E>
struct NamedValue {
  E value;
  const char* name;
};

// The name of a value missing from its table (one cast from a bad
// integer). Not "unknown": Gender::kUnknown is named that.
inline constexpr const char kInvalidName[] = "invalid";

// True when the table's values are consecutive, first to last.
template <typename E, size_t N>
constexpr bool IsDense(const NamedValue<E> (&table)[N]) {
  using U = std::underlying_type_t<E>;
  for (size_t i = 1; i < N; ++i) {
    if (static_cast<U>(table[i].value) !=
        static_cast<U>(table[i - 1].value) + 1) {
      return false;
    }
  }
  return true;
}

// kInvalidName for a value missing from the table.
template <typename E, size_t N>
constexpr const char* NameOf(const NamedValue<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return kInvalidName;
}

// False for an unknown name (*out is then unchanged).
template <typename E, size_t N>
bool ParseName(const NamedValue<E> (&table)[N], const std::string& name,
               E* out) {
  for (const auto& entry : table) {
    if (name == entry.name) {
      *out = entry.value;
      return true;
    }
  }
  return false;
}

}  // namespace custdb

#endif  // CUSTDB_ENGINE_API_ENUM_NAMES_H_
