// The error-message vocabulary (messages.h).
#include "api/messages.h"

#include "custdb/types.h"

namespace custdb {
namespace {

// "<field>: <value> <relation> <other>".
std::string Relation(std::string_view field, std::string_view value,
                     std::string_view relation, std::string_view other) {
  std::string m(field);
  m.append(": ").append(value).append(" ").append(relation);
  m.append(" ").append(other);
  return m;
}

}  // namespace

std::string QuoteValue(const std::string& value) {
  constexpr size_t kShown = 48;
  if (value.size() <= kShown) return "'" + value + "'";
  // Cut before a UTF-8 continuation byte, never inside a character.
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0) == 0x80) {
    --cut;
  }
  return "'" + value.substr(0, cut) + "…'";
}

std::string DoesNotExist(std::string_view field, uint64_t id) {
  std::string m(field);
  m.append(": ").append(std::to_string(id)).append(" does not exist");
  return m;
}

std::string DoesNotExist(std::string_view field, std::string_view noun,
                         uint64_t id) {
  std::string m(field);
  m.append(": ").append(noun).append(" ").append(std::to_string(id));
  m.append(" does not exist");
  return m;
}

std::string IsOutside(std::string_view field, std::string_view value,
                      std::string_view range) {
  return Relation(field, value, "is outside", range);
}

std::string IdOutOfRange() {
  return "is out of range (ids are 1.." + std::to_string(kMaxId) + ")";
}

std::string IsBefore(std::string_view field, std::string_view value,
                     std::string_view other) {
  return Relation(field, value, "is before", other);
}

std::string IsNotBefore(std::string_view field, std::string_view value,
                        std::string_view other) {
  return Relation(field, value, "is not before", other);
}

std::string IsAfter(std::string_view field, std::string_view value,
                    std::string_view other) {
  return Relation(field, value, "is after", other);
}

}  // namespace custdb
