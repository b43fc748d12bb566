// Small helpers the conversion files share: strings that may be absent,
// optional scalars as has_x + x, enum lists as ubyte vectors.
#ifndef CUSTDB_PROTOCOL_CONVERT_UTIL_H_
#define CUSTDB_PROTOCOL_CONVERT_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/convert.h"

namespace custdb {
namespace protocol {

// "" for an absent string: records treat both as empty.
inline std::string Str(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

// Absent for an empty string, so that empty fields cost no bytes; readers
// cannot tell the two apart in a record.
inline Offset<flatbuffers::String> String(Builder& b, const std::string& s) {
  return s.empty() ? Offset<flatbuffers::String>() : b.CreateString(s);
}

// Optional strings keep absent and present-but-empty apart (CustomerPatch,
// the queries' region).
inline Offset<flatbuffers::String> OptionalString(
    Builder& b, const std::optional<std::string>& s) {
  return s.has_value() ? b.CreateString(*s) : Offset<flatbuffers::String>();
}
inline std::optional<std::string> OptionalStr(const flatbuffers::String* s) {
  if (s == nullptr) return std::nullopt;
  return s->str();
}

template <typename T>
std::optional<T> OptionalOf(bool has, T value) {
  return has ? std::optional<T>(value) : std::nullopt;
}

// Enum lists travel as their numbers, unknown ones included.
template <typename E>
Offset<flatbuffers::Vector<uint8_t>> EnumVector(Builder& b,
                                                const std::vector<E>& in) {
  std::vector<uint8_t> bytes;
  bytes.reserve(in.size());
  for (E e : in) bytes.push_back(static_cast<uint8_t>(e));
  return b.CreateVector(bytes);
}
template <typename E>
std::vector<E> EnumsOf(const flatbuffers::Vector<uint8_t>* in) {
  std::vector<E> out;
  if (in == nullptr) return out;
  out.reserve(in->size());
  for (uint8_t v : *in) out.push_back(static_cast<E>(v));
  return out;
}

}  // namespace protocol
}  // namespace custdb

#endif  // CUSTDB_PROTOCOL_CONVERT_UTIL_H_
