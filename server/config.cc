// ServerConfig: STUB until the server-ops work lands.
#include "server/config.h"

namespace custdb {
namespace server {

Status LoadConfigFile(const std::string&, ServerConfig*) {
  return Status::Internal("config: not implemented");
}

Status ParseHostPort(const std::string& field, const std::string& value,
                     std::string* host, uint16_t* port) {
  size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) {
    return Status::InvalidArgument(field + " \"" + value +
                                   "\" is not HOST:PORT");
  }
  *host = value.substr(0, colon);
  *port = static_cast<uint16_t>(std::stoul(value.substr(colon + 1)));
  return Status::OK();
}

}  // namespace server
}  // namespace custdb
