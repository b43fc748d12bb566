// Tokens: who a session is. The operator's tokens file holds, per token,
// its SHA-256 hash, a role and an optional channel scope; the tokens
// themselves are shown once, by `custdb token add`, and never stored.
#ifndef CUSTDB_SERVER_TOKENS_H_
#define CUSTDB_SERVER_TOKENS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custdb/status.h"

namespace custdb {
namespace server {

// A role includes the ones before it.
enum class Role : uint8_t { kReader = 1, kWriter = 2, kAdmin = 3 };
const char* RoleName(Role role);  // "reader", "writer", "admin"
bool ParseRole(const std::string& name, Role* out);

// The identity a token grants.
struct Principal {
  std::string name;
  Role role = Role::kReader;
  // Only customers owned by this channel or its subtree; none: all.
  std::optional<uint64_t> channel_id;
};

// A loaded tokens file: immutable, so a reload swaps a new one in whole.
class TokenFile {
 public:
  // Reads `path`. kNotFound if absent, kInvalidArgument naming the entry
  // and field of a malformed one; nothing is half-loaded.
  static Result<std::shared_ptr<const TokenFile>> Load(const std::string& path);

  // The principal `token` grants, or none. Compares the token's SHA-256
  // with every stored hash in constant time.
  std::optional<Principal> Authenticate(std::string_view token) const;

  size_t size() const;

 private:
  struct Entry {
    std::string sha256;  // 32 bytes
    Principal principal;
  };
  std::vector<Entry> entries_;
};

// Creates a random 256-bit token (OpenSSL RAND_bytes), stores its hash with
// `principal` in `path` (created when absent; replaced atomically) and
// returns the token, which is shown once and stored nowhere.
// kInvalidArgument for a name already in the file.
Result<std::string> AddToken(const std::string& path,
                             const Principal& principal);

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_TOKENS_H_
