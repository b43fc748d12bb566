// Field parsers for the importers.
#include "import/field_parse.h"

#include <charconv>
#include <cstdlib>
#include <limits>
#include <system_error>

#include "api/messages.h"
#include "custdb/types.h"

namespace custdb {
namespace import {

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

Status FieldError(std::string_view field, std::string_view text,
                  std::string_view what) {
  std::string m(field);
  m.append(": ").append(QuoteValue(std::string(text))).append(" ").append(what);
  return Status::InvalidArgument(std::move(m));
}

namespace {

template <typename T>
Status ParseInteger(std::string_view text, std::string_view field, T* out) {
  const std::string_view t = TrimSpaces(text);
  if (t.empty()) return FieldError(field, text, "is empty, want a number");
  T value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return FieldError(field, text, "is out of range");
  }
  if (ec != std::errc() || end != t.data() + t.size()) {
    return FieldError(field, text, "is not a whole number");
  }
  *out = value;
  return Status::OK();
}

}  // namespace

Status ParseUint64(std::string_view text, std::string_view field,
                   uint64_t* out) {
  const std::string_view t = TrimSpaces(text);
  if (!t.empty() && t.front() == '-') {
    return FieldError(field, text, "is negative");
  }
  return ParseInteger(text, field, out);
}

Status ParseId(std::string_view text, std::string_view field, uint64_t* out) {
  const std::string_view t = TrimSpaces(text);
  if (t.empty()) return FieldError(field, text, "is empty, want an id");
  if (t.find_first_not_of("0123456789") != std::string_view::npos) {
    return FieldError(field, text,
                      "is not an id (decimal digits only, no sign)");
  }
  if (t.size() > 1 && t.front() == '0') {
    return FieldError(field, text,
                      "has a leading zero; ids are written without one");
  }
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size() || value > kMaxId) {
    return FieldError(field, text, IdOutOfRange());
  }
  *out = value;
  return Status::OK();
}

Status ParseInt64(std::string_view text, std::string_view field, int64_t* out) {
  return ParseInteger(text, field, out);
}

Status ParseBool(std::string_view text, std::string_view field, bool* out) {
  const std::string_view t = TrimSpaces(text);
  if (t == "true" || t == "1") {
    *out = true;
  } else if (t == "false" || t == "0") {
    *out = false;
  } else {
    return FieldError(field, text, "is not true, false, 1 or 0");
  }
  return Status::OK();
}

Status ParseDecimal(std::string_view text, std::string_view field,
                    Decimal* out) {
  std::string_view t = TrimSpaces(text);
  const bool negative = !t.empty() && t.front() == '-';
  if (negative) t.remove_prefix(1);
  int64_t units = 0;
  int digits = 0;
  int scale = 0;
  bool seen_point = false;
  for (const char c : t) {
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return FieldError(field, text, "is not a decimal number");
    }
    if (++digits > 17) return FieldError(field, text, "has too many digits");
    units = units * 10 + (c - '0');
    if (seen_point) ++scale;
  }
  if (digits == 0) return FieldError(field, text, "is not a decimal number");
  out->units = negative ? -units : units;
  out->scale = scale;
  return Status::OK();
}

Status MinorUnits(const Decimal& value, int64_t quantity,
                  std::string_view field, int64_t* out) {
  __int128 den = 1;
  for (int i = 0; i < value.scale; ++i) den *= 10;
  // |units| < 10^17 and |quantity| <= 2^63, so |num| < 10^38 < 2^127.
  const __int128 num = static_cast<__int128>(value.units) * quantity * 100;
  __int128 q = num / den;
  const __int128 r = num % den;
  if (2 * (r < 0 ? -r : r) >= den) q += num < 0 ? -1 : 1;
  if (q > std::numeric_limits<int64_t>::max() ||
      q < std::numeric_limits<int64_t>::min()) {
    return Status::InvalidArgument(std::string(field) + ": quantity " +
                                   std::to_string(quantity) +
                                   " times the price overflows the amount");
  }
  *out = static_cast<int64_t>(q);
  return Status::OK();
}

}  // namespace import
}  // namespace custdb
