// Tokens: STUB until the auth work lands.
#include "server/tokens.h"

namespace custdb {
namespace server {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kWriter:
      return "writer";
    case Role::kAdmin:
      return "admin";
  }
  return "invalid";
}

bool ParseRole(const std::string& name, Role* out) {
  for (Role r : {Role::kReader, Role::kWriter, Role::kAdmin}) {
    if (name == RoleName(r)) {
      *out = r;
      return true;
    }
  }
  return false;
}

Result<std::shared_ptr<const TokenFile>> TokenFile::Load(const std::string&) {
  return Status::Internal("tokens: not implemented");
}

std::optional<Principal> TokenFile::Authenticate(std::string_view) const {
  return std::nullopt;
}

size_t TokenFile::size() const { return entries_.size(); }

Result<std::string> AddToken(const std::string&, const Principal&) {
  return Status::Internal("tokens: not implemented");
}

}  // namespace server
}  // namespace custdb
