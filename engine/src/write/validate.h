// Field checks of incoming records that need no database state, and the
// normalisation of identities. Each failure is kInvalidArgument naming the
// field and the value: "order.amount_minor: -5 is negative".
#ifndef CUSTDB_ENGINE_WRITE_VALIDATE_H_
#define CUSTDB_ENGINE_WRITE_VALIDATE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "custdb/status.h"
#include "custdb/types.h"

namespace custdb {

// Timestamps are accepted from the epoch to 9999-12-31T23:59:59.999Z.
inline constexpr int64_t kMaxTimestampMs = 253402300799999;

// Trims ASCII whitespace and lower-cases. "" stays "" (no identity).
Status NormalizeEmail(const std::string& field, const std::string& in,
                      std::string* out);
// Keeps digits and one leading '+'; drops spaces, '-', '.', '(' and ')'.
// Requires 5..15 digits. "" stays "".
Status NormalizePhone(const std::string& field, const std::string& in,
                      std::string* out);

Status ValidateChannel(const Channel& channel);
// Normalises email and phone of *customer in place, then checks every field.
Status NormalizeAndValidateCustomer(Customer* customer);
// Normalises and checks the fields that `patch` sets.
Status NormalizeAndValidatePatch(CustomerPatch* patch);
Status ValidateOrder(const Order& order, const std::string& base_currency);
Status ValidateInteraction(const Interaction& interaction);
Status ValidateTimestamp(const std::string& field, int64_t ms);
// kInvalidArgument naming `field` if `id` is above kMaxId (0 passes).
Status CheckIdRange(const std::string& field, uint64_t id);

// Offset of the first byte of `text` that does not begin a well-formed
// UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF), or npos when all of it is valid.
size_t InvalidUtf8At(std::string_view text);

// Checks a name that is also typed as a command-line value: one printable
// line of valid UTF-8 (no control characters), min..max bytes, holding no
// byte of `separators` (the lists that flag splits at). kInvalidArgument
// naming `field`.
Status ValidateName(const std::string& field, const std::string& value,
                    size_t min, size_t max, const char* separators);

// Quotes a caller-supplied string for a message, shortened if long.
std::string QuoteValue(const std::string& value);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_WRITE_VALIDATE_H_
