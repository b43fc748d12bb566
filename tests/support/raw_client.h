// RawClient: a tiny blocking client of the custdb wire protocol for the
// server tests: it sends whatever bytes a test wants (frames, broken
// frames, noise) and reads frames back, every wait bounded.
#ifndef CUSTDB_TESTS_SUPPORT_RAW_CLIENT_H_
#define CUSTDB_TESTS_SUPPORT_RAW_CLIENT_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "custdb/status.h"
#include "protocol/frame.h"

namespace custdb {
namespace test {

class RawClient {
 public:
  using Millis = std::chrono::milliseconds;
  static constexpr Millis kDefaultWait{10000};

  RawClient();
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Connects to 127.0.0.1:`port`, with a receive buffer of
  // `receive_buffer` bytes when not 0 (set before connecting: shrinking it
  // on an open connection makes the kernel drop data it had room for, and
  // both sides then stall in TCP's backoff). kUnavailable on failure.
  Status Connect(uint16_t port, Millis wait = kDefaultWait,
                 int receive_buffer = 0);

  // Writes `bytes` whole. kUnavailable when the connection failed.
  Status SendBytes(const void* bytes, size_t size, Millis wait = kDefaultWait);
  Status SendBytes(const std::string& bytes, Millis wait = kDefaultWait) {
    return SendBytes(bytes.data(), bytes.size(), wait);
  }
  // Stamps `id` into the request frame and writes it.
  Status SendRequest(protocol::Frame request, uint64_t id,
                     Millis wait = kDefaultWait);

  // Reads one response frame and verifies it. kUnavailable "closed" at
  // end-of-stream, kUnavailable "timed out" when nothing came in `wait`,
  // kCorruption for a response that fails verification.
  Result<protocol::Frame> ReadFrame(Millis wait = kDefaultWait);

  // Sends `request` with `id` and reads its response's Status (the code
  // and message it carries); a transport failure is its own Status.
  Status Call(protocol::Frame request, uint64_t id, Millis wait = kDefaultWait);

  // Hello with `token` as id 1; the response's Status.
  Status Hello(const std::string& token = "", Millis wait = kDefaultWait);

  // Whether the server closed the connection within `wait` (reading and
  // discarding anything that comes first), or a read already met its end.
  bool WaitForClose(Millis wait = kDefaultWait);

  // Half-closes the sending side (the server sees end-of-input).
  void ShutdownSend();
  void Close();

  boost::asio::ip::tcp::socket& socket() { return socket_; }

 private:
  // Runs the io_context until the pending operation finishes or `wait`
  // passes (then cancels it); false on timeout.
  bool RunFor(Millis wait, const bool& done);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  bool saw_end_ = false;  // a read met end-of-stream or a reset
};

// The Status carried by a verified response frame.
Status StatusOf(const protocol::Frame& response);
// The response's header.id.
uint64_t IdOf(const protocol::Frame& response);

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_SUPPORT_RAW_CLIENT_H_
