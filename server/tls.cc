// TLS: STUB until the server-ops work lands.
#include "server/tls.h"

namespace custdb {
namespace server {

Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string&, const std::string&) {
  return Status::Internal("tls: not implemented");
}

}  // namespace server
}  // namespace custdb
