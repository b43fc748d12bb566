// Client::Connect and AsyncClient::Connect: STUB until the client network
// work lands.
#include "custdb/async_client.h"
#include "custdb/client.h"

namespace custdb {

void AsyncClient::Connect(boost::asio::io_context&, const ClientOptions&,
                          Callback<std::shared_ptr<AsyncClient>> done) {
  done(Status::Unavailable("client: not implemented"));
}

Result<std::unique_ptr<Client>> Client::Connect(const ClientOptions&) {
  return Status::Unavailable("client: not implemented");
}

}  // namespace custdb
