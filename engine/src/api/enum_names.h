// Name tables of stored enums: one lookup for every enum <-> name mapping
// (types.cc, policy.cc).
#ifndef CUSTDB_ENGINE_API_ENUM_NAMES_H_
#define CUSTDB_ENGINE_API_ENUM_NAMES_H_

#include <cstddef>
#include <string>

namespace custdb {

template <typename E>
struct NamedValue {
  E value;
  const char* name;
};

// "invalid" for a value missing from the table.
template <typename E, size_t N>
const char* NameOf(const NamedValue<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "invalid";
}

// False for an unknown name.
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
