// RawClient: blocking calls made of Asio's asynchronous ones, each run
// for a bounded time, so that a test never hangs on a server that is
// silent.
#include "support/raw_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <utility>

#include "protocol/session.h"

namespace custdb {
namespace test {

namespace asio = boost::asio;
using asio::ip::tcp;

RawClient::RawClient() : socket_(io_) {}
RawClient::~RawClient() { Close(); }

bool RawClient::RunFor(Millis wait, const bool& done) {
  // A timer that cancels the operation bounds the wait; the loop itself is
  // plain run_one(). (io_context::run_for was seen to miss the socket's
  // readiness now and then under load, leaving a write that could go on
  // waiting until its timeout.)
  bool timed_out = false;
  asio::steady_timer timer(io_, wait);
  timer.async_wait([&](const boost::system::error_code& ec) {
    if (ec || done) return;
    timed_out = true;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
  });
  io_.restart();
  while (!done && io_.run_one() > 0) {
  }
  timer.cancel();
  io_.restart();
  io_.run();  // the timer's cancelled handler
  return done && !timed_out;
}

Status RawClient::Connect(uint16_t port, Millis wait, int receive_buffer) {
  bool done = false;
  boost::system::error_code result;
  if (receive_buffer > 0) {
    socket_.open(tcp::v4(), result);
    if (result) return Status::Unavailable("connect: " + result.message());
    socket_.set_option(asio::socket_base::receive_buffer_size(receive_buffer),
                       result);
    if (result) return Status::Unavailable("connect: " + result.message());
  }
  socket_.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
      [&](const boost::system::error_code& ec) {
        result = ec;
        done = true;
      });
  if (!RunFor(wait, done)) return Status::Unavailable("connect: timed out");
  if (result) return Status::Unavailable("connect: " + result.message());
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  return Status::OK();
}

Status RawClient::SendBytes(const void* bytes, size_t size, Millis wait) {
  bool done = false;
  boost::system::error_code result;
  asio::async_write(socket_, asio::buffer(bytes, size),
                    [&](const boost::system::error_code& ec, size_t) {
                      result = ec;
                      done = true;
                    });
  if (!RunFor(wait, done)) return Status::Unavailable("send: timed out");
  if (result) return Status::Unavailable("send: " + result.message());
  return Status::OK();
}

Status RawClient::SendRequest(protocol::Frame request, uint64_t id,
                              Millis wait) {
  protocol::StampRequestId(&request, id);
  return SendBytes(request.data(), request.size(), wait);
}

Result<protocol::Frame> RawClient::ReadFrame(Millis wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto left = [&] {
    return std::chrono::duration_cast<Millis>(deadline -
                                              std::chrono::steady_clock::now());
  };
  uint8_t prefix[protocol::kPrefixBytes];
  bool done = false;
  boost::system::error_code result;
  asio::async_read(socket_, asio::buffer(prefix),
                   [&](const boost::system::error_code& ec, size_t) {
                     result = ec;
                     done = true;
                   });
  if (!RunFor(left(), done)) return Status::Unavailable("read: timed out");
  if (result) saw_end_ = true;
  if (result == asio::error::eof) return Status::Unavailable("read: closed");
  if (result) return Status::Unavailable("read: " + result.message());
  const uint32_t length = protocol::PayloadLength(prefix);
  protocol::Frame frame(protocol::kPrefixBytes + length);
  std::memcpy(frame.data(), prefix, protocol::kPrefixBytes);
  done = false;
  asio::async_read(socket_,
                   asio::buffer(frame.data() + protocol::kPrefixBytes, length),
                   [&](const boost::system::error_code& ec, size_t) {
                     result = ec;
                     done = true;
                   });
  if (!RunFor(left(), done)) return Status::Unavailable("read: timed out");
  if (result) saw_end_ = true;
  if (result) return Status::Unavailable("read: " + result.message());
  Result<const wire::Response*> verified = protocol::VerifyResponse(frame);
  if (!verified.ok()) return Status::Corruption(verified.status().message());
  return frame;
}

Status RawClient::Call(protocol::Frame request, uint64_t id, Millis wait) {
  Status sent = SendRequest(std::move(request), id, wait);
  if (!sent.ok()) return sent;
  Result<protocol::Frame> response = ReadFrame(wait);
  if (!response.ok()) return response.status();
  if (IdOf(*response) != id) {
    return Status::Internal("response id " + std::to_string(IdOf(*response)) +
                            " answers request " + std::to_string(id));
  }
  return StatusOf(*response);
}

Status RawClient::Hello(const std::string& token, Millis wait) {
  return Call(protocol::EncodeHello(token, "raw_client"), 1, wait);
}

bool RawClient::WaitForClose(Millis wait) {
  if (saw_end_) return true;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  char sink[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<Millis>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    bool done = false;
    boost::system::error_code result;
    socket_.async_read_some(asio::buffer(sink),
                            [&](const boost::system::error_code& ec, size_t) {
                              result = ec;
                              done = true;
                            });
    if (!RunFor(left, done)) return false;
    if (result) {
      saw_end_ = true;  // eof or reset: closed either way
      return true;
    }
  }
}

void RawClient::ShutdownSend() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
}

void RawClient::Close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

Status StatusOf(const protocol::Frame& response) {
  return protocol::ResponseStatus(
      *flatbuffers::GetSizePrefixedRoot<wire::Response>(response.data()));
}

uint64_t IdOf(const protocol::Frame& response) {
  return flatbuffers::GetSizePrefixedRoot<wire::Response>(response.data())
      ->header()
      ->id();
}

}  // namespace test
}  // namespace custdb
