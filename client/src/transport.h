// Transport: how the client sends an encoded request and gets its response
// back. A connection pool implements it over TCP (connection_pool.h); the
// tests implement it in-process, straight into protocol::Dispatch.
#ifndef CUSTDB_CLIENT_TRANSPORT_H_
#define CUSTDB_CLIENT_TRANSPORT_H_

#include <functional>

#include "custdb/status.h"
#include "protocol/frame.h"

namespace custdb {
namespace client {

class Transport {
 public:
  using Done = std::function<void(Result<protocol::Frame> response)>;
  virtual ~Transport() = default;
  // Sends `request` (the transport stamps its request id) and calls `done`
  // exactly once, from the transport's thread, with the response frame,
  // already verified, or kUnavailable when the deadline passes or the
  // connection fails (message "outcome unknown" when `request` may have
  // been applied: a write already sent is never resent).
  virtual void Send(protocol::Frame request, bool is_write, Done done) = 0;
};

}  // namespace client
}  // namespace custdb

#endif  // CUSTDB_CLIENT_TRANSPORT_H_
