// Text checks (text_checks.h): UTF-8, control characters, lengths and
// list separators.
#include "api/text_checks.h"

#include <cstdio>
#include <cstring>

#include "api/messages.h"

namespace custdb {
namespace {

Status Invalid(const std::string& field, const std::string& what) {
  return Status::InvalidArgument(field + ": " + what);
}

Status CheckLength(const std::string& field, const std::string& value,
                   size_t min, size_t max) {
  if (value.size() < min) {
    return Invalid(field, value.empty() ? "is empty"
                                        : QuoteValue(value) + " is too short");
  }
  if (value.size() > max) {
    return Invalid(field, QuoteValue(value) + " is " +
                              std::to_string(value.size()) +
                              " bytes; the maximum is " + std::to_string(max));
  }
  return Status::OK();
}

// Which control characters a kind of text may hold. Everything else
// below U+0020, DEL and the C1 controls U+0080..U+009F is refused: in a
// name they would make exports, terminals and logs ambiguous.
constexpr const char* kNoControls = "";
// Free text (notes, attribute values) may break lines and hold tabs.
constexpr const char* kLineBreaks = "\t\n\r";

}  // namespace

size_t InvalidUtf8At(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The well-formed sequences of Unicode's Table 3-7: the second byte's
    // range excludes overlong forms (E0, F0), surrogates (ED) and code
    // points above U+10FFFF (F4).
    size_t length = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      length = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      length = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      length = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return i;  // a continuation byte, C0, C1 or F5..FF
    }
    if (i + length > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < length; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xbf) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

Status CheckCharacters(const std::string& field, const std::string& value,
                       const char* allowed_controls, const char* separators) {
  const size_t bad = InvalidUtf8At(value);
  if (bad != std::string::npos) {
    return Invalid(field, "not valid UTF-8 at byte " + std::to_string(bad));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    unsigned code = 0x20;
    if (c < 0x20 || c == 0x7f) {
      code = c;
    } else if (c == 0xc2 && i + 1 < value.size()) {
      // U+0080..U+009F are encoded C2 80..C2 9F.
      const auto next = static_cast<unsigned char>(value[i + 1]);
      if (next < 0xa0) code = next;
    }
    if (code != 0x20 &&
        (code >= 0x80 || std::strchr(allowed_controls, c) == nullptr ||
         c == '\0')) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "U+%04X", code);
      return Invalid(field, std::string("holds a control character (") + hex +
                                ") at byte " + std::to_string(i));
    }
  }
  for (const char* sep = separators; *sep != '\0'; ++sep) {
    if (value.find(*sep) != std::string::npos) {
      return Invalid(field, QuoteValue(value) + " holds '" +
                                std::string(1, *sep) +
                                "', which separates list entries");
    }
  }
  return Status::OK();
}

Status CheckText(const std::string& field, const std::string& value, size_t min,
                 size_t max, const char* separators) {
  Status s = CheckCharacters(field, value, kNoControls, separators);
  if (!s.ok()) return s;
  return CheckLength(field, value, min, max);
}

Status CheckFreeText(const std::string& field, const std::string& value,
                     size_t max, const char* separators) {
  Status s = CheckCharacters(field, value, kLineBreaks, separators);
  if (!s.ok()) return s;
  return CheckLength(field, value, 0, max);
}

}  // namespace custdb
