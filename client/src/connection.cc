// Connection: connect, TLS, Hello, then pipelined frames in order.
#include "client/src/connection.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <utility>

#include "protocol/session.h"

namespace custdb {
namespace client {

namespace asio = boost::asio;
using asio::ip::tcp;

Status FailedCallStatus(const Status& reason, bool sent, bool is_write) {
  if (sent && is_write) {
    return Status::Unavailable(reason.message() +
                               "; the write was sent, outcome unknown");
  }
  return Status::Unavailable(reason.message());
}

Connection::Connection(Strand strand, const ClientOptions& options,
                       std::shared_ptr<asio::ssl::context> tls)
    : strand_(strand),
      options_(options),
      peer_(options.host + ":" + std::to_string(options.port)),
      tls_context_(std::move(tls)),
      resolver_(strand_),
      socket_(strand_),
      timer_(strand_) {
  if (tls_context_ != nullptr) {
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket>>(strand_,
                                                            *tls_context_);
    tls_->set_verify_mode(asio::ssl::verify_peer);
    // OpenSSL checks that the certificate names `host` (an address against
    // its subjectAltName IPs, a name against its DNS names), so a mismatch
    // is reported as such by SSL_get_verify_result.
    SSL* ssl = tls_->native_handle();
    boost::system::error_code ec;
    asio::ip::make_address(options.host, ec);
    if (!ec) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), options.host.c_str());
    } else {
      SSL_set1_host(ssl, options.host.c_str());
      // SNI carries host names only, never an address.
      SSL_set_tlsext_host_name(ssl, options.host.c_str());
    }
  }
}

Connection::~Connection() = default;

tcp::socket& Connection::Lowest() {
  return tls_ != nullptr ? tls_->next_layer() : socket_;
}

template <typename F>
void Connection::WithStream(F&& f) {
  if (tls_ != nullptr) {
    f(*tls_);
  } else {
    f(socket_);
  }
}

Status Connection::IoError(const char* during,
                           const boost::system::error_code& ec) {
  return Status::Unavailable(std::string(during) + " " + peer_ +
                             " failed: " + ec.message());
}

void Connection::Start(HelloDone hello_done, Failed failed) {
  hello_done_ = std::move(hello_done);
  failed_ = std::move(failed);
  state_ = State::kConnecting;
  stage_ = "resolving the host";
  ArmDeadline(Clock::now() +
              std::chrono::milliseconds(options_.connect_timeout_ms));
  auto self = shared_from_this();
  resolver_.async_resolve(options_.host, std::to_string(options_.port),
                          [self](const boost::system::error_code& ec,
                                 const tcp::resolver::results_type& results) {
                            self->OnResolved(ec, results);
                          });
}

void Connection::OnResolved(const boost::system::error_code& ec,
                            const tcp::resolver::results_type& results) {
  if (state_ == State::kClosed) return;
  if (ec) {
    Fail(Status::Unavailable("cannot resolve host \"" + options_.host +
                             "\": " + ec.message()));
    return;
  }
  stage_ = "connecting";
  auto self = shared_from_this();
  asio::async_connect(Lowest(), results,
                      [self](const boost::system::error_code& ec,
                             const tcp::endpoint&) { self->OnConnected(ec); });
}

void Connection::OnConnected(const boost::system::error_code& ec) {
  if (state_ == State::kClosed) return;
  if (ec) {
    Fail(IoError("connecting to", ec));
    return;
  }
  boost::system::error_code ignored;
  Lowest().set_option(tcp::no_delay(true), ignored);
  Lowest().set_option(asio::socket_base::keep_alive(true), ignored);
  if (tls_ == nullptr) {
    SendHello();
    return;
  }
  stage_ = "in the TLS handshake";
  auto self = shared_from_this();
  tls_->async_handshake(
      asio::ssl::stream_base::client,
      [self](const boost::system::error_code& ec) {
        if (self->state_ == State::kClosed) return;
        if (ec) {
          std::string why = ec.message();
          long verify = SSL_get_verify_result(self->tls_->native_handle());
          if (verify != X509_V_OK) {
            why += std::string(": ") + X509_verify_cert_error_string(verify);
          }
          self->Fail(Status::Unavailable(
              "TLS handshake with " + self->peer_ + " failed: " + why +
              " (does the server speak TLS, with a certificate for \"" +
              self->options_.host + "\" signed by tls_ca_file \"" +
              self->options_.tls_ca_file + "\"?)"));
          return;
        }
        self->SendHello();
      });
}

void Connection::SendHello() {
  stage_ = "waiting for the answer to Hello";
  hello_ = std::make_shared<protocol::Frame>(
      protocol::EncodeHello(options_.token, options_.client_name));
  protocol::StampRequestId(hello_.get(), next_id_++);
  ReadMore();
  auto self = shared_from_this();
  WithStream([&](auto& stream) {
    asio::async_write(stream, asio::buffer(hello_->data(), hello_->size()),
                      [self](const boost::system::error_code& ec, size_t) {
                        if (self->state_ == State::kClosed) return;
                        if (ec)
                          self->Fail(self->IoError("sending Hello to", ec));
                      });
  });
}

void Connection::OnHelloResponse(protocol::Frame frame) {
  auto response = protocol::VerifyResponse(frame);
  if (!response.ok()) {
    Fail(Status::Unavailable(
        "the answer to Hello from " + peer_ +
        " is not a custdb response: " + response.status().message()));
    return;
  }
  uint64_t id = (*response)->header()->id();
  if (id != 1) {
    // Id 0: the server could not read the Hello frame; its status says why.
    Status server = protocol::ResponseStatus(**response);
    Fail(Status::Unavailable("the answer to Hello from " + peer_ +
                             " has request id " + std::to_string(id) +
                             ", not 1: " + server.ToString()));
    return;
  }
  Result<SessionInfo> info = protocol::DecodeHelloResult(**response);
  if (!info.ok()) {
    Fail(info.status());  // the server's own answer, code and message
    return;
  }
  session_ = std::move(info.value());
  if (session_.max_in_flight != 0) window_ = session_.max_in_flight;
  hello_.reset();
  state_ = State::kOpen;
  // The connect deadline is over; request deadlines arm the timer anew.
  ++timer_generation_;
  armed_ = Clock::time_point::max();
  timer_.cancel();
  auto done = std::move(hello_done_);
  if (done) done(session_);
}

void Connection::Send(Call call) {
  if (state_ != State::kOpen) {
    call.done(FailedCallStatus(
        Status::Unavailable("connection to " + peer_ + " is not open"), false,
        call.is_write));
    return;
  }
  uint64_t id = next_id_++;
  protocol::StampRequestId(call.request.get(), id);
  ArmDeadline(call.deadline);
  pending_.push_back(Pending{id, std::move(call)});
  MaybeWrite();
}

void Connection::ArmDeadline(Clock::time_point deadline) {
  if (deadline >= armed_) return;
  armed_ = deadline;
  uint64_t generation = ++timer_generation_;
  timer_.expires_at(deadline);
  auto self = shared_from_this();
  timer_.async_wait([self, generation](const boost::system::error_code&) {
    if (generation != self->timer_generation_) return;
    self->armed_ = Clock::time_point::max();
    self->OnDeadline();
  });
}

void Connection::OnDeadline() {
  if (state_ == State::kClosed) return;
  if (state_ == State::kConnecting) {
    Fail(Status::Unavailable("connecting to " + peer_ + " timed out after " +
                             std::to_string(options_.connect_timeout_ms) +
                             " ms (" + stage_ + ")"));
    return;
  }
  Clock::time_point now = Clock::now();
  Status timed_out =
      Status::Unavailable("request to " + peer_ + " timed out after " +
                          std::to_string(options_.request_timeout_ms) + " ms");
  bool any = false;
  Clock::time_point next = Clock::time_point::max();
  for (size_t i = 0; i < pending_.size(); ++i) {
    Call& call = pending_[i].call;
    if (call.deadline <= now) {
      any = true;
      auto done = std::move(call.done);
      call.done = nullptr;
      done(FailedCallStatus(timed_out, i < sent_, call.is_write));
    } else {
      next = std::min(next, call.deadline);
    }
  }
  if (!any) {
    if (next != Clock::time_point::max()) ArmDeadline(next);
    return;
  }
  // Responses come in order: the calls behind a stuck one would wait for
  // it. Fail the connection, so they go back to the pool and a fresh
  // connection replaces this one.
  Fail(Status::Unavailable(
      "connection to " + peer_ + " closed after a request timed out after " +
      std::to_string(options_.request_timeout_ms) + " ms"));
}

void Connection::MaybeWrite() {
  if (writing_ || state_ != State::kOpen) return;
  size_t end = std::min(pending_.size(), static_cast<size_t>(window_));
  if (end <= sent_) return;
  std::vector<asio::const_buffer> buffers;
  std::vector<std::shared_ptr<protocol::Frame>> frames;
  buffers.reserve(end - sent_);
  frames.reserve(end - sent_);
  for (size_t i = sent_; i < end; ++i) {
    const auto& request = pending_[i].call.request;
    buffers.emplace_back(request->data(), request->size());
    frames.push_back(request);
  }
  sent_ = end;
  writing_ = true;
  auto self = shared_from_this();
  WithStream([&](auto& stream) {
    asio::async_write(stream, buffers,
                      [self, frames = std::move(frames)](
                          const boost::system::error_code& ec, size_t) {
                        self->writing_ = false;
                        if (self->state_ == State::kClosed) return;
                        if (ec) {
                          self->Fail(self->IoError("writing to", ec));
                          return;
                        }
                        self->MaybeWrite();
                      });
  });
}

void Connection::ReadMore() {
  if (read_buf_.empty()) read_buf_.resize(64 << 10);
  if (read_end_ == read_buf_.size()) {
    // ParseFrames made room for the frame in progress; this is a buffer
    // full of whole frames' worth not yet parsed, which cannot happen.
    read_buf_.resize(read_buf_.size() * 2);
  }
  auto self = shared_from_this();
  WithStream([&](auto& stream) {
    stream.async_read_some(asio::buffer(read_buf_.data() + read_end_,
                                        read_buf_.size() - read_end_),
                           [self](const boost::system::error_code& ec,
                                  size_t n) { self->OnRead(ec, n); });
  });
}

void Connection::OnRead(const boost::system::error_code& ec, size_t n) {
  if (state_ == State::kClosed) return;
  if (ec) {
    bool end = ec == asio::error::eof ||
               ec == asio::ssl::error::stream_truncated ||
               ec == asio::error::connection_reset;
    if (!end) {
      Fail(IoError("reading from", ec));
    } else if (state_ == State::kConnecting && tls_ == nullptr) {
      Fail(Status::Unavailable(
          peer_ +
          " closed the connection before answering Hello (a server with "
          "TLS does this to a plaintext client: set tls_ca_file)"));
    } else if (state_ == State::kConnecting) {
      Fail(Status::Unavailable(peer_ +
                               " closed the connection before answering "
                               "Hello"));
    } else {
      Fail(Status::Unavailable(peer_ + " closed the connection"));
    }
    return;
  }
  read_end_ += n;
  if (!ParseFrames()) return;
  ReadMore();
}

bool Connection::ParseFrames() {
  while (read_end_ - read_begin_ >= protocol::kPrefixBytes) {
    uint32_t length = protocol::PayloadLength(read_buf_.data() + read_begin_);
    if (length > kMaxResponseBytes) {
      Fail(Status::Unavailable("protocol error: a response frame of " +
                               std::to_string(length) + " bytes from " + peer_ +
                               " is over the client's limit of " +
                               std::to_string(kMaxResponseBytes)));
      return false;
    }
    size_t total = protocol::kPrefixBytes + length;
    if (read_end_ - read_begin_ < total) {
      // Make room for the whole frame, then read the rest of it.
      if (read_buf_.size() - read_begin_ < total) {
        std::memmove(read_buf_.data(), read_buf_.data() + read_begin_,
                     read_end_ - read_begin_);
        read_end_ -= read_begin_;
        read_begin_ = 0;
        if (read_buf_.size() < total) read_buf_.resize(total);
      }
      return true;
    }
    protocol::Frame frame(total);
    std::memcpy(frame.data(), read_buf_.data() + read_begin_, total);
    read_begin_ += total;
    if (state_ == State::kConnecting) {
      OnHelloResponse(std::move(frame));
    } else {
      OnResponse(std::move(frame));
    }
    if (state_ == State::kClosed) return false;
  }
  if (read_begin_ == read_end_) {
    read_begin_ = read_end_ = 0;
    if (read_buf_.size() > (1u << 20)) {  // after one large response
      read_buf_.resize(64 << 10);
      read_buf_.shrink_to_fit();
    }
  } else if (read_buf_.size() - read_end_ < protocol::kPrefixBytes) {
    std::memmove(read_buf_.data(), read_buf_.data() + read_begin_,
                 read_end_ - read_begin_);
    read_end_ -= read_begin_;
    read_begin_ = 0;
  }
  return true;
}

void Connection::OnResponse(protocol::Frame frame) {
  auto response = protocol::VerifyResponse(frame);
  if (!response.ok()) {
    Fail(Status::Unavailable("protocol error: " + response.status().message() +
                             " (from " + peer_ + ")"));
    return;
  }
  uint64_t id = (*response)->header()->id();
  if (id == 0) {
    // The server could not read one of our frames and closes.
    Fail(Status::Unavailable(
        peer_ + " refused a request frame and closes the connection: " +
        protocol::ResponseStatus(**response).ToString()));
    return;
  }
  if (sent_ == 0) {
    Fail(Status::Unavailable("protocol error: response id " +
                             std::to_string(id) + " from " + peer_ +
                             " answers no request"));
    return;
  }
  if (id != pending_.front().id) {
    Fail(Status::Unavailable("protocol error: response id " +
                             std::to_string(id) + " from " + peer_ +
                             " does not answer the oldest request, id " +
                             std::to_string(pending_.front().id)));
    return;
  }
  Transport::Done done = std::move(pending_.front().call.done);
  pending_.pop_front();
  --sent_;
  MaybeWrite();
  if (done) done(std::move(frame));
}

void Connection::Shutdown() {
  resolver_.cancel();
  ++timer_generation_;
  armed_ = Clock::time_point::max();
  timer_.cancel();
  boost::system::error_code ignored;
  Lowest().shutdown(tcp::socket::shutdown_both, ignored);
  Lowest().close(ignored);
}

void Connection::Fail(const Status& reason) {
  if (state_ == State::kClosed) return;
  bool was_open = state_ == State::kOpen;
  state_ = State::kClosed;
  Shutdown();
  if (!was_open) {
    failed_ = nullptr;
    auto done = std::move(hello_done_);
    if (done) done(reason);
    return;
  }
  std::vector<Orphan> orphans;
  orphans.reserve(pending_.size());
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (!pending_[i].call.done) continue;  // timed out, already answered
    orphans.push_back(Orphan{std::move(pending_[i].call), i < sent_});
  }
  pending_.clear();
  sent_ = 0;
  auto failed = std::move(failed_);
  if (failed) failed(reason, std::move(orphans));
}

void Connection::Close(const Status& reason) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  Shutdown();
  hello_done_ = nullptr;
  failed_ = nullptr;
  std::deque<Pending> pending = std::move(pending_);
  size_t sent = sent_;
  pending_.clear();
  sent_ = 0;
  for (size_t i = 0; i < pending.size(); ++i) {
    Call& call = pending[i].call;
    if (call.done) call.done(FailedCallStatus(reason, i < sent, call.is_write));
  }
}

}  // namespace client
}  // namespace custdb
