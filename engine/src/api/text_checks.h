// What makes a caller's text acceptable: valid UTF-8, no control
// characters, a length in bytes, no list separator (types.h states the
// rules). Shared by record validation (write/validate.h) and
// ValidatePolicy, so that a client checks a policy's names as the engine
// does. Each failure is kInvalidArgument naming the field and the value.
#ifndef CUSTDB_ENGINE_API_TEXT_CHECKS_H_
#define CUSTDB_ENGINE_API_TEXT_CHECKS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "custdb/status.h"

namespace custdb {

// Offset of the first byte of `text` that does not begin a well-formed
// UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF), or npos when all of it is valid.
size_t InvalidUtf8At(std::string_view text);

// Refuses text that is not valid UTF-8, holds a control character not in
// `allowed_controls` (everything below U+0020, DEL and U+0080..U+009F is
// one) or holds a byte of `separators` (the lists that a value travels in
// split at it). The value is quoted only once it is known to be printable.
Status CheckCharacters(const std::string& field, const std::string& value,
                       const char* allowed_controls, const char* separators);

// Identities, names and codes, and names that are also typed as a
// command-line value: one printable line of valid UTF-8, min..max bytes,
// without `separators`.
Status CheckText(const std::string& field, const std::string& value, size_t min,
                 size_t max, const char* separators = "");

// Notes and attribute values: valid UTF-8 that may also hold tabs and line
// breaks, at most `max` bytes, without `separators`.
Status CheckFreeText(const std::string& field, const std::string& value,
                     size_t max, const char* separators = "");

}  // namespace custdb

#endif  // CUSTDB_ENGINE_API_TEXT_CHECKS_H_
