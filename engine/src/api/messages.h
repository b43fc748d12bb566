// The error-message vocabulary: how a message quotes a caller's value and
// words "does not exist", "is outside lo..hi" and "is before". Every
// message names the field and the value at fault (STYLE.md), in one shape:
// "<field>: <value> <what>", e.g. "order.amount_minor: -5 is negative".
// These return the message text; the caller picks the StatusCode.
#ifndef CUSTDB_ENGINE_API_MESSAGES_H_
#define CUSTDB_ENGINE_API_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace custdb {

// Quotes a caller-supplied string for a message, shortened if long (cut
// between UTF-8 characters, never inside one): 'abc', 'long text…'.
std::string QuoteValue(const std::string& value);

// "<field>: <id> does not exist".
std::string DoesNotExist(std::string_view field, uint64_t id);
// "<field>: <noun> <id> does not exist" ("order.channel_id: channel 7 does
// not exist"), for a field whose name does not say what it refers to.
std::string DoesNotExist(std::string_view field, std::string_view noun,
                         uint64_t id);

// "<field>: <value> is outside <range>", where `range` is "lo..hi" with
// an optional note ("1970-01-01..9999-12-31 (ms)").
std::string IsOutside(std::string_view field, std::string_view value,
                      std::string_view range);
// "<field>: <value> is outside <lo>..<hi>", for integers of any type
// (`value`'s decides; the bounds convert to it).
template <typename T>
std::string IsOutside(std::string_view field, T value,
                      typename std::common_type<T>::type lo,
                      typename std::common_type<T>::type hi) {
  return IsOutside(field, std::to_string(value),
                   std::to_string(lo) + ".." + std::to_string(hi));
}

// "is out of range (ids are 1..<kMaxId>)": what follows an id above
// kMaxId (the caller shows the value, quoted if it is text).
std::string IdOutOfRange();

// "<field>: <value> is before <other>", where `other` names the bound and
// its value ("the interaction's ts_ms 1000").
std::string IsBefore(std::string_view field, std::string_view value,
                     std::string_view other);
// "<field>: <value> is not before <other>".
std::string IsNotBefore(std::string_view field, std::string_view value,
                        std::string_view other);
// "<field>: <value> is after <other>".
std::string IsAfter(std::string_view field, std::string_view value,
                    std::string_view other);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_API_MESSAGES_H_
