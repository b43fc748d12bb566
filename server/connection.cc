// Connection: reading frames, the per-connection limits, ordered answers,
// and the drain at shutdown.
#include "server/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <utility>

#include "protocol/dispatch.h"
#include "protocol/session.h"

namespace custdb {
namespace server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using protocol::Frame;

// Frames up to this size are read through the shared input buffer, many
// at once; larger ones straight into their own storage.
constexpr size_t kInputBytes = 64u << 10;
// At most this much output goes into one write, so that a write's
// completion shows the client is reading (the write stall timeout).
constexpr size_t kMaxWriteBytes = 1u << 20;
// The smallest payload: a root offset and the identifier.
constexpr uint32_t kMinPayloadBytes = 8;

std::string PeerName(const tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return "(unknown peer)";
  std::string host = remote.address().to_string();
  if (remote.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(remote.port());
}

bool PeerIsLoopback(const tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  return !ec && IsLoopback(remote.address());
}

StatusCode ResponseCode(const Frame& response) {
  const auto* r =
      flatbuffers::GetSizePrefixedRoot<wire::Response>(response.data());
  return static_cast<StatusCode>(r->code());
}

int64_t MicrosSince(Connection::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             Connection::Clock::now() - t)
      .count();
}

}  // namespace

bool IsLoopback(const asio::ip::address& address) {
  if (address.is_loopback()) return true;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6())
        .is_loopback();
  }
  return false;
}

Connection::Connection(ServerContext* context, Strand strand,
                       tcp::socket socket, asio::ssl::context* tls,
                       std::function<void(Connection*)> on_close)
    : context_(context),
      config_(context->config()),
      strand_(strand),
      plain_(strand),
      on_close_(std::move(on_close)),
      peer_(PeerName(socket)),
      handler_(context, PeerIsLoopback(socket), peer_),
      input_(kInputBytes),
      opened_(Clock::now()),
      last_activity_(opened_),
      deadline_(strand),
      stall_(strand) {
  if (tls != nullptr) {
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(socket),
                                                            *tls);
  } else {
    plain_ = std::move(socket);
  }
}

Connection::~Connection() = default;

tcp::socket& Connection::socket() { return tls_ ? tls_->next_layer() : plain_; }

template <typename Buffers, typename Handler>
void Connection::AsyncReadSome(const Buffers& buffers, Handler&& handler) {
  if (tls_) {
    tls_->async_read_some(buffers, std::forward<Handler>(handler));
  } else {
    plain_.async_read_some(buffers, std::forward<Handler>(handler));
  }
}

template <typename Buffers, typename Handler>
void Connection::AsyncWrite(const Buffers& buffers, Handler&& handler) {
  if (tls_) {
    asio::async_write(*tls_, buffers, std::forward<Handler>(handler));
  } else {
    asio::async_write(plain_, buffers, std::forward<Handler>(handler));
  }
}

void Connection::Start() {
  asio::post(strand_, [self = shared_from_this()] {
    spdlog::debug("connection {}: open", self->peer_);
    self->ArmDeadline();
    if (!self->tls_) {
      self->Pump();
      return;
    }
    // The hello timeout covers the handshake too: a peer that never
    // finishes it is closed like one that never says Hello.
    self->tls_->async_handshake(
        asio::ssl::stream_base::server,
        [self](const boost::system::error_code& ec) {
          if (self->closed_) return;
          if (ec) {
            spdlog::debug("connection {}: TLS handshake failed: {}",
                          self->peer_, ec.message());
            self->CloseNow("TLS handshake failed");
            return;
          }
          self->Pump();
        });
  });
}

void Connection::Drain() {
  asio::post(strand_, [self = shared_from_this()] {
    self->draining_ = true;
    self->stop_reading_ = true;
    self->Pump();
  });
}

void Connection::Close() {
  asio::post(strand_,
             [self = shared_from_this()] { self->CloseNow("server stop"); });
}

void Connection::Pump() {
  if (closed_) return;
  Parse();
  ProcessQueue();
  StartWrite();
  MaybeRead();
  MaybeClose();
}

void Connection::Parse() {
  bool waiting_for_bytes = false;
  // Parsing stops at the limits too, not only reading: one read may hold
  // hundreds of small requests, whose answers would pass max_output_bytes.
  while (!close_after_write_ && InFlight() < config_.max_in_flight &&
         output_bytes_ < config_.max_output_bytes) {
    if (!big_.empty()) {
      if (big_have_ < big_.size()) {
        waiting_for_bytes = true;
        break;
      }
      Frame frame = std::move(big_);
      big_ = Frame();
      big_have_ = 0;
      Enqueue(std::move(frame));
      continue;
    }
    const size_t have = in_end_ - in_begin_;
    if (have < protocol::kPrefixBytes) {
      waiting_for_bytes = true;
      break;
    }
    const uint32_t length = protocol::PayloadLength(&input_[in_begin_]);
    // Checked before anything is allocated for it.
    const bool hello_done = handler_.authenticated();
    const uint32_t limit = hello_done ? config_.max_frame_bytes
                                      : config_.max_pre_hello_frame_bytes;
    if (length > limit) {
      EnqueueFatal(Status::ResourceExhausted(
          "frame of " + std::to_string(length) +
          " bytes is over the limit of " + std::to_string(limit) +
          (hello_done ? " (max_frame_bytes)"
                      : " (max_pre_hello_frame_bytes)")));
      return;
    }
    if (length < kMinPayloadBytes) {
      EnqueueFatal(Status::InvalidArgument(
          "frame of " + std::to_string(length) +
          " bytes is too short (a frame holds at least 8)"));
      return;
    }
    const size_t total = protocol::kPrefixBytes + length;
    if (have >= total) {
      Frame frame(total);
      std::memcpy(frame.data(), &input_[in_begin_], total);
      in_begin_ += total;
      Enqueue(std::move(frame));
      continue;
    }
    if (total > input_.size()) {
      big_ = Frame(total);
      std::memcpy(big_.data(), &input_[in_begin_], have);
      big_have_ = have;
      in_begin_ = in_end_ = 0;
      continue;  // loops back to the big-frame branch, which waits
    }
    waiting_for_bytes = true;
    break;
  }
  if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
  // The stream ended inside a frame: say so, as for any frame that cannot
  // be read. (While draining, a partial frame is simply dropped.)
  if (waiting_for_bytes && eof_ && !stop_reading_) {
    if (!big_.empty()) {
      EnqueueFatal(Status::InvalidArgument(
          "truncated frame: " +
          std::to_string(big_have_ - protocol::kPrefixBytes) + " of " +
          std::to_string(big_.size() - protocol::kPrefixBytes) +
          " bytes before the end of input"));
    } else if (in_end_ - in_begin_ >= protocol::kPrefixBytes) {
      EnqueueFatal(Status::InvalidArgument(
          "truncated frame: " +
          std::to_string(in_end_ - in_begin_ - protocol::kPrefixBytes) +
          " of " + std::to_string(protocol::PayloadLength(&input_[in_begin_])) +
          " bytes before the end of input"));
    } else if (in_end_ > in_begin_) {
      EnqueueFatal(Status::InvalidArgument(
          "truncated frame: " + std::to_string(in_end_ - in_begin_) +
          " of 4 length-prefix bytes before the end of input"));
    }
  }
}

void Connection::Enqueue(Frame frame) {
  Item item;
  item.read_at = Clock::now();
  Result<const wire::Request*> verified = protocol::VerifyRequest(frame);
  if (!verified.ok()) {
    EnqueueFatal(verified.status());
    return;
  }
  item.frame = std::move(frame);
  queue_.push_back(std::move(item));
  // Run it now when nothing is ahead of it, so that a Hello is accepted
  // before the next frame's length is checked against the larger limit.
  ProcessQueue();
}

void Connection::EnqueueFatal(Status why) {
  Item item;
  item.fatal = std::move(why);
  item.read_at = Clock::now();
  queue_.push_back(std::move(item));
  // Nothing after an unreadable frame can be trusted to be in step.
  stop_reading_ = true;
  in_begin_ = in_end_ = 0;
  big_ = Frame();
  big_have_ = 0;
  ProcessQueue();
}

void Connection::ProcessQueue() {
  while (!closed_ && !running_ && !close_after_write_ && !queue_.empty() &&
         output_bytes_ < config_.max_output_bytes) {
    Item item = std::move(queue_.front());
    queue_.pop_front();
    if (!item.fatal.ok()) {
      spdlog::info("connection {}: closing after a bad frame: {}", peer_,
                   item.fatal.message());
      context_->metrics()->RecordBadFrame();
      Send(protocol::EncodeError(0, item.fatal));
      close_after_write_ = true;
      queue_.clear();
      break;
    }
    const auto* request =
        flatbuffers::GetSizePrefixedRoot<wire::Request>(item.frame.data());
    const wire::Op op = request->op_type();
    const bool was_authenticated = handler_.authenticated();
    RequestHandler::Admission admission = handler_.Admit(*request);
    if (!was_authenticated && handler_.authenticated()) ArmDeadline();
    if (admission.response) {
      if (admission.close) {
        // A failed Hello, or a request before it: whatever follows is
        // dropped (docs/PROTOCOL.md, "Handshake").
        close_after_write_ = true;
        stop_reading_ = true;
        queue_.clear();
      }
      Answer(std::move(*admission.response), op, item.read_at);
      continue;
    }
    if (admission.long_running) {
      RunLong(std::move(item), *request);
      continue;
    }
    Answer(handler_.Execute(*request), op, item.read_at);
  }
}

void Connection::RunLong(Item item, const wire::Request& request) {
  const uint64_t id = request.header()->id();
  const wire::Op op = request.op_type();
  if (draining_ || context_->draining()) {
    Answer(protocol::EncodeError(
               id, Status::Unavailable("server is shutting down")),
           op, item.read_at);
    return;
  }
  auto frame = std::make_shared<Frame>(std::move(item.frame));
  const Clock::time_point read_at = item.read_at;
  auto self = shared_from_this();
  auto response = std::make_shared<Frame>();
  // One at a time only for the long operations that change the database;
  // the long reports just queue (WorkerPool::Submit).
  const protocol::OpInfo info = protocol::DescribeOp(op);
  Status submitted = context_->workers()->Submit(
      info.access == protocol::OpAccess::kRead ? "" : info.name,
      [self, frame, response] {
        const auto* r =
            flatbuffers::GetSizePrefixedRoot<wire::Request>(frame->data());
        *response = self->handler_.Execute(*r);
      },
      [self, response, op, read_at] {
        asio::post(self->strand_, [self, response, op, read_at] {
          self->OnLongDone(response, op, read_at);
        });
      },
      [self, response, id, op, read_at] {
        *response = protocol::EncodeError(
            id, Status::Unavailable("server is shutting down"));
        asio::post(self->strand_, [self, response, op, read_at] {
          self->OnLongDone(response, op, read_at);
        });
      });
  if (!submitted.ok()) {
    Answer(protocol::EncodeError(id, submitted), op, read_at);
    return;
  }
  running_ = true;
}

void Connection::OnLongDone(std::shared_ptr<Frame> response, wire::Op op,
                            Clock::time_point read_at) {
  running_ = false;
  if (closed_) return;
  Answer(std::move(*response), op, read_at);
  Pump();
}

void Connection::Answer(Frame response, wire::Op op,
                        Clock::time_point read_at) {
  const StatusCode code = ResponseCode(response);
  context_->metrics()->RecordRequest(op, code, MicrosSince(read_at));
  if (code != StatusCode::kOk) {
    // The server's own failures are errors; a refused request is the
    // client's, worth a line only when debugging.
    const bool server_fault = code == StatusCode::kInternal ||
                              code == StatusCode::kIOError ||
                              code == StatusCode::kCorruption;
    spdlog::log(
        server_fault ? spdlog::level::err : spdlog::level::debug,
        "connection {}: {} answered {}", peer_, protocol::DescribeOp(op).name,
        protocol::ResponseStatus(
            *flatbuffers::GetSizePrefixedRoot<wire::Response>(response.data()))
            .ToString());
  }
  Send(std::move(response));
}

void Connection::Send(Frame response) {
  if (closed_) return;
  output_bytes_ += response.size();
  context_->AddOutputBytes(response.size(), output_bytes_);
  output_.push_back(std::move(response));
}

void Connection::MaybeRead() {
  if (closed_ || reading_ || stop_reading_ || eof_) {
    SetReadPaused(false);
    return;
  }
  // Backpressure: stop reading, never buffer without bound.
  if (InFlight() >= config_.max_in_flight ||
      output_bytes_ >= config_.max_output_bytes) {
    SetReadPaused(true);
    return;
  }
  SetReadPaused(false);
  // Before the TLS handshake completes nothing is read; Start calls Pump
  // again after it.
  reading_ = true;
  auto self = shared_from_this();
  auto done = [self](const boost::system::error_code& ec, size_t n) {
    self->OnRead(ec, n);
  };
  if (!big_.empty()) {
    AsyncReadSome(
        asio::buffer(big_.data() + big_have_, big_.size() - big_have_),
        std::move(done));
    return;
  }
  if (in_begin_ > 0) {
    std::memmove(input_.data(), input_.data() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  AsyncReadSome(asio::buffer(input_.data() + in_end_, input_.size() - in_end_),
                std::move(done));
}

void Connection::OnRead(const boost::system::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (n > 0) {
    last_activity_ = Clock::now();
    if (!big_.empty()) {
      big_have_ += n;
    } else {
      in_end_ += n;
    }
  }
  if (ec) {
    if (ec != asio::error::eof && ec != asio::ssl::error::stream_truncated) {
      spdlog::debug("connection {}: read failed: {}", peer_, ec.message());
    }
    eof_ = true;
  }
  Pump();
}

void Connection::StartWrite() {
  if (closed_ || writing_ || output_.empty()) return;
  std::vector<asio::const_buffer> buffers;
  size_t bytes = 0;
  for (const Frame& frame : output_) {
    if (!buffers.empty() && bytes + frame.size() > kMaxWriteBytes) break;
    buffers.emplace_back(frame.data(), frame.size());
    bytes += frame.size();
  }
  writing_frames_ = buffers.size();
  writing_ = true;
  write_started_ = Clock::now();
  ArmStallTimer();
  auto self = shared_from_this();
  AsyncWrite(buffers, [self](const boost::system::error_code& ec, size_t n) {
    self->OnWrite(ec, n);
  });
}

void Connection::OnWrite(const boost::system::error_code& ec, size_t) {
  writing_ = false;
  if (closed_) return;
  if (ec) {
    spdlog::debug("connection {}: write failed: {}", peer_, ec.message());
    CloseNow("write failed");
    return;
  }
  size_t written = 0;
  for (size_t i = 0; i < writing_frames_; ++i) {
    written += output_.front().size();
    output_.pop_front();
  }
  writing_frames_ = 0;
  output_bytes_ -= written;
  context_->SubOutputBytes(written);
  last_activity_ = Clock::now();
  Pump();
}

void Connection::MaybeClose() {
  if (closed_ || writing_ || !output_.empty()) return;
  if (close_after_write_) {
    CloseNow("after its error response");
    return;
  }
  if ((eof_ || draining_) && queue_.empty() && !running_) {
    // Frames still in the input buffer were held back by max_in_flight;
    // Parse would have queued them above, so nothing is left to answer.
    CloseNow(draining_ ? "shutdown" : "end of input");
  }
}

void Connection::CloseNow(const char* why) {
  if (closed_) return;
  closed_ = true;
  spdlog::debug("connection {}: closed ({})", peer_, why);
  SetReadPaused(false);
  boost::system::error_code ignored;
  deadline_.cancel(ignored);
  stall_.cancel(ignored);
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
  context_->SubOutputBytes(output_bytes_);
  output_bytes_ = 0;
  output_.clear();
  queue_.clear();
  if (on_close_) {
    auto on_close = std::move(on_close_);
    on_close_ = nullptr;
    on_close(this);
  }
}

void Connection::SetReadPaused(bool paused) {
  if (paused == read_paused_) return;
  read_paused_ = paused;
  context_->ReadPaused(paused ? 1 : -1);
}

void Connection::ArmDeadline() {
  Clock::time_point expiry;
  if (!handler_.authenticated()) {
    expiry = opened_ + std::chrono::milliseconds(config_.hello_timeout_ms);
  } else if (config_.idle_timeout_ms > 0) {
    expiry =
        last_activity_ + std::chrono::milliseconds(config_.idle_timeout_ms);
  } else {
    boost::system::error_code ignored;
    deadline_.cancel(ignored);
    return;
  }
  deadline_.expires_at(expiry);
  deadline_.async_wait(
      [self = shared_from_this()](const boost::system::error_code& ec) {
        self->OnDeadline(ec);
      });
}

void Connection::OnDeadline(const boost::system::error_code& ec) {
  if (ec == asio::error::operation_aborted || closed_) return;
  const Clock::time_point now = Clock::now();
  if (!handler_.authenticated()) {
    if (now >= opened_ + std::chrono::milliseconds(config_.hello_timeout_ms)) {
      spdlog::info("connection {}: no Hello within {} ms, closing", peer_,
                   config_.hello_timeout_ms);
      CloseNow("hello timeout");
      return;
    }
  } else if (config_.idle_timeout_ms > 0) {
    const bool busy = InFlight() > 0 || !output_.empty();
    // Idle time counts only while nothing is in flight.
    if (busy) last_activity_ = now;
    if (!busy && now >= last_activity_ + std::chrono::milliseconds(
                                             config_.idle_timeout_ms)) {
      spdlog::info("connection {}: idle for {} ms, closing", peer_,
                   config_.idle_timeout_ms);
      CloseNow("idle timeout");
      return;
    }
  }
  ArmDeadline();
}

void Connection::ArmStallTimer() {
  if (stall_armed_) return;
  stall_armed_ = true;
  stall_.expires_at(write_started_ +
                    std::chrono::milliseconds(config_.write_stall_timeout_ms));
  stall_.async_wait(
      [self = shared_from_this()](const boost::system::error_code& ec) {
        self->OnStallTimer(ec);
      });
}

void Connection::OnStallTimer(const boost::system::error_code& ec) {
  stall_armed_ = false;
  if (ec == asio::error::operation_aborted || closed_ || !writing_) return;
  if (Clock::now() >= write_started_ + std::chrono::milliseconds(
                                           config_.write_stall_timeout_ms)) {
    spdlog::info(
        "connection {}: has not read its responses for {} ms, "
        "closing",
        peer_, config_.write_stall_timeout_ms);
    CloseNow("write stall timeout");
    return;
  }
  ArmStallTimer();
}

}  // namespace server
}  // namespace custdb
