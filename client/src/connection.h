// Connection: one TCP connection (TLS when the pool gives it a context) to
// a custdb server, as docs/PROTOCOL.md describes: resolve, connect, TLS
// handshake, Hello, then pipelined requests answered in order.
//
// Every member runs on the pool's strand: the pool calls them from
// handlers on that strand and every callback below is invoked on it.
#ifndef CUSTDB_CLIENT_SRC_CONNECTION_H_
#define CUSTDB_CLIENT_SRC_CONNECTION_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/src/transport.h"
#include "custdb/client_options.h"
#include "custdb/session_info.h"
#include "custdb/status.h"
#include "protocol/frame.h"

namespace custdb {
namespace client {

using Clock = std::chrono::steady_clock;
using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

// The largest response a connection reads: the protocol sets no limit on
// responses (docs/PROTOCOL.md, "Limits"), but a length beyond this is
// taken for a broken stream rather than allocated.
inline constexpr uint32_t kMaxResponseBytes = 256u << 20;
// How many requests a connection writes ahead when the server's
// HelloResult names no max_in_flight.
inline constexpr uint32_t kDefaultInFlight = 64;

// One call on its way: the encoded request (shared, so a read can be
// resent on another connection while the first write still holds it),
// whether it writes, whether it was already resent, its deadline and the
// callback that gets its answer exactly once.
struct Call {
  std::shared_ptr<protocol::Frame> request;
  bool is_write = false;
  bool retried = false;
  Clock::time_point deadline;
  Transport::Done done;
};

// The Status a call gets when its connection failed with `reason`: the
// reason itself, ending ", outcome unknown" when `sent` and the call
// writes (it may have been applied and is never resent).
Status FailedCallStatus(const Status& reason, bool sent, bool is_write);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // A call the connection gives back when it fails, not answered, and
  // whether any of it was handed to the socket.
  struct Orphan {
    Call call;
    bool sent = false;
  };
  using HelloDone = std::function<void(Result<SessionInfo>)>;
  using Failed = std::function<void(Status reason, std::vector<Orphan>)>;

  // `tls` null: plaintext. The strand's io_context must outlive the
  // connection's handlers.
  Connection(Strand strand, const ClientOptions& options,
             std::shared_ptr<boost::asio::ssl::context> tls);
  ~Connection();

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Resolves, connects, handshakes and says Hello, all within
  // options.connect_timeout_ms. Calls `hello_done` once: the server's
  // SessionInfo; the Status the server answered Hello with
  // (kUnauthenticated, kFailedPrecondition ...); kUnavailable if the
  // server cannot be reached, the TLS handshake fails, the server closes
  // or garbles its answer, or the deadline passes. Once open, `failed` is
  // called once if the connection breaks (a socket error, the server
  // closing it, a response that fails verification or answers another
  // request, a call whose deadline passed), with the calls not answered;
  // never after Close().
  void Start(HelloDone hello_done, Failed failed);

  // Stamps a fresh request id into `call.request` and pipelines it;
  // `call.done` gets the verified response. Requires open(). A call whose
  // deadline passes gets kUnavailable "... timed out after N ms" and the
  // connection is failed (responses come in order, so the server is stuck
  // or gone; the other calls go back to the pool).
  void Send(Call call);

  // Closes the socket and fails every call not answered with
  // FailedCallStatus(reason, ...); no callback of Start runs afterwards.
  void Close(const Status& reason);

  bool open() const { return state_ == State::kOpen; }
  // Calls not yet answered (the pool's measure of load).
  size_t load() const { return pending_.size(); }
  // Requires open().
  const SessionInfo& session() const { return session_; }

 private:
  enum class State { kIdle, kConnecting, kOpen, kClosed };
  struct Pending {
    uint64_t id = 0;
    Call call;
  };

  boost::asio::ip::tcp::socket& Lowest();
  template <typename F>
  void WithStream(F&& f);

  void OnResolved(const boost::system::error_code& ec,
                  const boost::asio::ip::tcp::resolver::results_type& results);
  void OnConnected(const boost::system::error_code& ec);
  void SendHello();
  void OnHelloResponse(protocol::Frame frame);

  void ArmDeadline(Clock::time_point deadline);
  void OnDeadline();
  void MaybeWrite();
  void ReadMore();
  void OnRead(const boost::system::error_code& ec, size_t n);
  // Hands every whole frame in the read buffer on; false once failed.
  bool ParseFrames();
  void OnResponse(protocol::Frame frame);

  // Fails the connection: before Hello through hello_done, after it
  // through failed.
  void Fail(const Status& reason);
  void Shutdown();
  Status IoError(const char* during, const boost::system::error_code& ec);

  Strand strand_;
  const ClientOptions options_;
  const std::string peer_;  // "host:port", for messages
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;  // plaintext, unused with TLS
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
  boost::asio::steady_timer timer_;
  Clock::time_point armed_ = Clock::time_point::max();
  uint64_t timer_generation_ = 0;

  State state_ = State::kIdle;
  const char* stage_ = "resolving";  // what a connect timeout interrupted
  HelloDone hello_done_;
  Failed failed_;
  SessionInfo session_;
  uint32_t window_ = kDefaultInFlight;
  uint64_t next_id_ = 1;

  // Calls in the order they were sent; the first `sent_` were handed to
  // the socket. The Hello frame is held apart.
  std::deque<Pending> pending_;
  size_t sent_ = 0;
  bool writing_ = false;
  std::shared_ptr<protocol::Frame> hello_;

  // Bytes read and not yet parsed: [read_begin_, read_end_).
  std::vector<uint8_t> read_buf_;
  size_t read_begin_ = 0;
  size_t read_end_ = 0;
};

}  // namespace client
}  // namespace custdb

#endif  // CUSTDB_CLIENT_SRC_CONNECTION_H_
