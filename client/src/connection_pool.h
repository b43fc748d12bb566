// ConnectionPool: the client's Transport over TCP. A fixed number of
// connections (ClientOptions::connections) to one server; each call goes
// to the least loaded open connection (round robin among equals) and is
// pipelined there. A connection that drops is replaced after an
// exponential backoff with jitter (reconnect_min_ms doubling up to
// reconnect_max_ms), for as long as the pool lives.
//
// Calls not answered when their connection fails: a read is resent once
// on another open connection; a request never handed to the socket is
// resent; a write that was sent gets kUnavailable "... outcome unknown"
// and is never resent. With no connection open (the server restarting,
// say) a call waits for a reconnect until its deadline, then fails with
// kUnavailable naming the last connection error.
#ifndef CUSTDB_CLIENT_SRC_CONNECTION_POOL_H_
#define CUSTDB_CLIENT_SRC_CONNECTION_POOL_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "client/src/connection.h"
#include "client/src/transport.h"
#include "custdb/client_options.h"
#include "custdb/session_info.h"
#include "custdb/status.h"

namespace custdb {
namespace client {

// How long a slot waits before its next connection attempt after
// `failures` failed ones in a row: min_ms doubled per failure, at most
// max_ms, then a uniform pick in [half of that, that].
int64_t ReconnectDelayMs(int failures, int min_ms, int max_ms,
                         std::minstd_rand& random);

class ConnectionPool : public Transport,
                       public std::enable_shared_from_this<ConnectionPool> {
 public:
  using StartDone =
      std::function<void(Result<std::shared_ptr<ConnectionPool>>)>;

  // Opens options.connections connections on `io` and calls `done` once,
  // from a thread running `io`: with the pool when every connection has
  // said Hello, or with the first failure, the pool then closed:
  // kInvalidArgument naming an option out of range or a tls_ca_file that
  // cannot be loaded; kUnavailable for a server that cannot be reached,
  // or does not answer Hello, within connect_timeout_ms (a TLS mismatch
  // included); the server's own kUnauthenticated, kPermissionDenied or
  // kFailedPrecondition for a refused Hello. `io` must outlive the pool
  // and be run by the caller.
  static void Start(boost::asio::io_context& io, const ClientOptions& options,
                    StartDone done);

  // Closes every connection (see Close).
  ~ConnectionPool() override;

  // Transport. Safe to call from any thread; `done` runs on a thread
  // running the io_context. A request over the server's max_frame_bytes
  // gets kResourceExhausted and is never sent; `request` must be one
  // whole encoded Request (the protocol encoders'), else kInvalidArgument.
  void Send(protocol::Frame request, bool is_write, Done done) override;

  // What the server answered the first connection's Hello.
  const SessionInfo& session() const { return session_; }

  // Closes every connection and stops reconnecting; calls not answered
  // get kUnavailable ("outcome unknown" for writes sent), later calls
  // kUnavailable "the client is closed". Safe from any thread; returns
  // before the sockets are closed (on the pool's strand).
  void Close();

 private:
  // The state the pool's handlers share, apart, so that the destructor
  // can hand it to the strand to close.
  struct Slot;
  struct Waiting {
    explicit Waiting(Strand strand) : timer(strand) {}
    std::deque<Call> calls;  // no connection open; in arrival order
    boost::asio::steady_timer timer;
    Clock::time_point armed = Clock::time_point::max();
    uint64_t generation = 0;
  };
  struct Slot {
    explicit Slot(Strand strand) : retry(strand) {}
    std::shared_ptr<Connection> connection;  // open, or being opened
    bool up = false;
    int failures = 0;  // consecutive failed attempts, for the backoff
    boost::asio::steady_timer retry;
  };

  ConnectionPool(boost::asio::io_context& io, const ClientOptions& options,
                 std::shared_ptr<boost::asio::ssl::context> tls);

  void BeginStart(StartDone done);
  // Opens a connection in slot `i`; `hello` gets its first answer.
  void Open(size_t i, std::function<void(Result<SessionInfo>)> hello);
  void OnConnectionFailed(size_t i, const Status& reason,
                          std::vector<Connection::Orphan> orphans);
  void ScheduleReconnect(size_t i);
  void Dispatch(Call call, const Status& why_not);
  // Calls waiting for a connection: the deadline timer and the flush
  // when one opens.
  void ArmWaiting(Clock::time_point deadline);
  void OnWaitingDeadline();
  void FlushWaiting();
  void CloseNow();

  Strand strand_;
  const ClientOptions options_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  SessionInfo session_;
  uint64_t max_payload_ = 0;  // from session_, 0 while starting

  // Touched on strand_ only.
  std::vector<std::unique_ptr<Slot>> slots_;
  std::unique_ptr<Waiting> waiting_;
  size_t next_ = 0;  // round robin among equally loaded connections
  bool closed_ = false;
  Status last_error_;
  std::minstd_rand jitter_;
};

}  // namespace client
}  // namespace custdb

#endif  // CUSTDB_CLIENT_SRC_CONNECTION_POOL_H_
