// Connection: one client socket of the server (plain TCP, or TLS over it):
// framing, the limits of docs/PROTOCOL.md ("Framing", "Backpressure",
// "Closing", "Limits"), requests run in arrival order and answered in
// that order, and the graceful drain at shutdown. Every handler runs on
// the connection's strand; long operations run on the worker pool and
// come back to the strand.
#ifndef CUSTDB_SERVER_CONNECTION_H_
#define CUSTDB_SERVER_CONNECTION_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "custdb/status.h"
#include "protocol/frame.h"
#include "server/request_handler.h"
#include "server/server_context.h"

namespace custdb {
namespace server {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  using Clock = std::chrono::steady_clock;

  // `socket` was accepted on `strand`; `tls` is null for plaintext and
  // must outlive the connection otherwise. `on_close` is called once, on
  // the strand, when the socket is closed.
  Connection(ServerContext* context, Strand strand,
             boost::asio::ip::tcp::socket socket,
             boost::asio::ssl::context* tls,
             std::function<void(Connection*)> on_close);
  ~Connection();

  // Starts the TLS handshake (if any) and reading. Call once, from any
  // thread.
  void Start();

  // Shutdown: reads nothing more, runs and answers the requests already
  // read (long ones not started: kUnavailable "server is shutting down"),
  // then closes. From any thread.
  void Drain();

  // Closes the socket now, dropping unsent responses. From any thread.
  void Close();

  const std::string& peer() const { return peer_; }

 private:
  // A request read from the socket, or a frame that could not be read
  // (then `fatal` says why, and the connection closes after answering it).
  struct Item {
    protocol::Frame frame;
    Status fatal;
    Clock::time_point read_at;
  };

  // The one step every event ends with: parse what was read, run what is
  // queued, write what is answered, read more if the limits allow, close
  // when done.
  void Pump();
  void Parse();
  void Enqueue(protocol::Frame frame);
  void EnqueueFatal(Status why);
  void ProcessQueue();
  void RunLong(Item item, const wire::Request& request);
  void OnLongDone(std::shared_ptr<protocol::Frame> response, wire::Op op,
                  Clock::time_point read_at);
  void Answer(protocol::Frame response, wire::Op op, Clock::time_point read_at);
  void Send(protocol::Frame response);
  void MaybeRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void StartWrite();
  void OnWrite(const boost::system::error_code& ec, size_t n);
  void MaybeClose();
  void CloseNow(const char* why);
  void SetReadPaused(bool paused);
  void ArmDeadline();
  void OnDeadline(const boost::system::error_code& ec);
  void ArmStallTimer();
  void OnStallTimer(const boost::system::error_code& ec);
  size_t InFlight() const { return queue_.size() + (running_ ? 1 : 0); }

  template <typename Buffers, typename Handler>
  void AsyncReadSome(const Buffers& buffers, Handler&& handler);
  template <typename Buffers, typename Handler>
  void AsyncWrite(const Buffers& buffers, Handler&& handler);
  boost::asio::ip::tcp::socket& socket();

  ServerContext* const context_;
  const ServerConfig& config_;
  Strand strand_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
  boost::asio::ip::tcp::socket plain_;
  std::function<void(Connection*)> on_close_;
  std::string peer_;
  RequestHandler handler_;

  // Everything below is touched on the strand only.
  // Bytes read and not yet parsed: [in_begin_, in_end_) of input_.
  std::vector<uint8_t> input_;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  // A frame larger than input_, read straight into its own storage.
  protocol::Frame big_;
  size_t big_have_ = 0;
  bool reading_ = false;
  bool read_paused_ = false;
  bool eof_ = false;           // the peer sent nothing more (or failed)
  bool stop_reading_ = false;  // a fatal frame, a failed Hello, draining
  bool draining_ = false;

  std::deque<Item> queue_;  // read, not yet run
  bool running_ = false;    // a long operation is on the worker pool

  std::deque<protocol::Frame> output_;  // answered, not yet written
  size_t output_bytes_ = 0;
  size_t writing_frames_ = 0;  // the first ones of output_, being written
  bool writing_ = false;
  Clock::time_point write_started_;
  bool close_after_write_ = false;
  bool closed_ = false;

  const Clock::time_point opened_;
  Clock::time_point last_activity_;     // data received or responses written
  boost::asio::steady_timer deadline_;  // hello, then idle timeout
  boost::asio::steady_timer stall_;     // write stall timeout
  bool stall_armed_ = false;
};

// Whether `address` is a loopback address: 127.0.0.0/8, ::1, or one of
// them as an IPv4-mapped IPv6 address.
bool IsLoopback(const boost::asio::ip::address& address);

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_CONNECTION_H_
