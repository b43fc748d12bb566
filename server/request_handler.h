// RequestHandler: the session of one connection (docs/PROTOCOL.md,
// "Handshake", "Authentication and channel scope"): the checks every
// request passes, in one place, and the execution of the operations.
#ifndef CUSTDB_SERVER_REQUEST_HANDLER_H_
#define CUSTDB_SERVER_REQUEST_HANDLER_H_

#include <memory>
#include <optional>
#include <string>

#include "protocol/dispatch.h"
#include "protocol/frame.h"
#include "server/scoped_store.h"
#include "server/server_context.h"
#include "server/tokens.h"

namespace custdb {
namespace server {

class RequestHandler {
 public:
  // `context` must outlive the handler. `peer_is_loopback`: whether the
  // peer's address is 127.0.0.0/8 or ::1 (IPv4-mapped too), which is all a
  // server without a tokens file admits.
  RequestHandler(ServerContext* context, bool peer_is_loopback,
                 std::string peer);

  // What to do with a verified request.
  struct Admission {
    // Set: answer with it now (Hello, a refusal), and close the connection
    // after it when `close` is set. Unset: run Execute (on the worker pool
    // when `long_running`).
    std::optional<protocol::Frame> response;
    bool close = false;
    bool long_running = false;
  };

  // The checks, each an early return: Hello first (else kUnauthenticated,
  // close), Hello itself (version, token; a second one
  // kFailedPrecondition), a known operation (else kInvalidArgument, the
  // connection stays open), the role (kPermissionDenied naming the
  // operation and both roles). Called on the connection's strand, one
  // request at a time.
  Admission Admit(const wire::Request& request);

  // Runs an admitted request and returns its response: the session and
  // admin operations here, the Store operations through the scoped Store
  // and protocol::Dispatch. A C++ exception fails that request alone with
  // kInternal. Safe on a worker thread while the connection waits for it
  // (a connection runs one request at a time).
  protocol::Frame Execute(const wire::Request& request);

  bool authenticated() const { return store_ != nullptr; }
  const std::string& peer() const { return peer_; }

 private:
  Admission Hello(const wire::Request& request);
  protocol::Frame ExecuteSessionOp(const wire::Request& request);

  ServerContext* const context_;
  const bool peer_is_loopback_;
  const std::string peer_;
  std::optional<Principal> principal_;
  // The Store this session sees, made at Hello.
  std::unique_ptr<ScopedStore> store_;
};

// Whether `role` may run an operation that needs `access`.
bool RoleAllows(Role role, protocol::OpAccess access);

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_REQUEST_HANDLER_H_
