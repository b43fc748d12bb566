// AsyncClient: each Store operation as encode, send, decode.
#include "custdb/async_client.h"

#include <utility>

#include "client/src/transport.h"

namespace custdb {

AsyncClient::AsyncClient(std::shared_ptr<client::Transport> transport)
    : transport_(std::move(transport)) {}

AsyncClient::~AsyncClient() = default;

}  // namespace custdb
