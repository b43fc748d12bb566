// Opaque page cursors: a kind byte naming the query that made it and the
// last key returned, hex-encoded so that they travel safely in JSON and
// CSV. A cursor is checked against the query it is given to.
#ifndef CUSTDB_ENGINE_QUERY_CURSOR_H_
#define CUSTDB_ENGINE_QUERY_CURSOR_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace custdb {

// Stored in cursors that callers keep between calls: never renumber.
enum class CursorKind : uint8_t {
  kOrderHistory = 1,
  kInteractionHistory = 2,
  kCustomerQuery = 3,  // FindCustomers: query hash · order key
};

std::string EncodeCursor(CursorKind kind, std::string_view position);
// False if `cursor` is malformed or of another kind.
bool DecodeCursor(std::string_view cursor, CursorKind kind,
                  std::string* position);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_QUERY_CURSOR_H_
