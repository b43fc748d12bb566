// Field checks of incoming records that need no database state, and the
// normalisation of identities. Each failure is kInvalidArgument naming the
// field and the value: "order.amount_minor: -5 is negative". The text
// rules they apply are api/text_checks.h's, the wording api/messages.h's.
#ifndef CUSTDB_ENGINE_WRITE_VALIDATE_H_
#define CUSTDB_ENGINE_WRITE_VALIDATE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "custdb/status.h"
#include "custdb/types.h"
// Callers that word their own messages beside these checks quote with it.
#include "api/messages.h"  // IWYU pragma: export

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

}  // namespace custdb

#endif  // CUSTDB_ENGINE_WRITE_VALIDATE_H_
