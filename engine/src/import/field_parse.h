// Parsing of CSV field text into typed values, with error messages that
// name the field and the value at fault ("order.amount_minor: '-5' is
// negative").
#ifndef CUSTDB_IMPORT_FIELD_PARSE_H_
#define CUSTDB_IMPORT_FIELD_PARSE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "custdb/status.h"

namespace custdb {
namespace import {

// `text` without leading and trailing spaces and tabs.
std::string_view TrimSpaces(std::string_view text);

// "<field>: '<text>' <what>", as a kInvalidArgument status; the text is
// quoted and shortened as every engine message quotes values.
Status FieldError(std::string_view field, std::string_view text,
                  std::string_view what);

// Decimal integers without a '+' sign; spaces around are ignored.
Status ParseUint64(std::string_view text, std::string_view field,
                   uint64_t* out);
Status ParseInt64(std::string_view text, std::string_view field, int64_t* out);

// An id as the importers read it: decimal digits only (spaces around are
// ignored), no sign, no leading zero, at most kMaxId. Two spellings of one
// number ("7", "007", "+7") would otherwise name one record twice, and a
// re-import could not tell them apart. "0" is 0, which callers that assign
// ids take as "assign one" and others refuse.
Status ParseId(std::string_view text, std::string_view field, uint64_t* out);

// "true"/"false"/"1"/"0"; spaces around are ignored.
Status ParseBool(std::string_view text, std::string_view field, bool* out);

// A decimal number such as "2.55", "-0.001" or "7": value = units /
// 10^scale. At most 17 digits in all.
struct Decimal {
  int64_t units = 0;
  int scale = 0;
};
Status ParseDecimal(std::string_view text, std::string_view field,
                    Decimal* out);

// round(quantity × value × 100), half away from zero, computed exactly:
// the minor units (pence) of `quantity` at a price of `value` major units.
// kInvalidArgument naming `field` if the result does not fit an int64.
Status MinorUnits(const Decimal& value, int64_t quantity,
                  std::string_view field, int64_t* out);

}  // namespace import
}  // namespace custdb

#endif  // CUSTDB_IMPORT_FIELD_PARSE_H_
