// ConnectionPool: start, pick a connection, resend or fail what a dropped
// connection leaves, reconnect with backoff.
#include "client/src/connection_pool.h"

#include <openssl/err.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <fstream>
#include <utility>

namespace custdb {
namespace client {

namespace asio = boost::asio;

namespace {

Status CheckOptions(const ClientOptions& o) {
  auto bad = [](const char* field, const std::string& value, const char* why) {
    return Status::InvalidArgument(std::string(field) + ": " + value + " " +
                                   why);
  };
  if (o.host.empty()) return Status::InvalidArgument("host: empty");
  if (o.port == 0) return bad("port", "0", "is not a port to connect to");
  if (o.connections < 1 || o.connections > 1024) {
    return bad("connections", std::to_string(o.connections),
               "is outside 1..1024");
  }
  if (o.connect_timeout_ms < 1) {
    return bad("connect_timeout_ms", std::to_string(o.connect_timeout_ms),
               "is not positive");
  }
  if (o.request_timeout_ms < 1) {
    return bad("request_timeout_ms", std::to_string(o.request_timeout_ms),
               "is not positive");
  }
  if (o.reconnect_min_ms < 1) {
    return bad("reconnect_min_ms", std::to_string(o.reconnect_min_ms),
               "is not positive");
  }
  if (o.reconnect_max_ms < o.reconnect_min_ms) {
    return bad("reconnect_max_ms", std::to_string(o.reconnect_max_ms),
               "is below reconnect_min_ms");
  }
  return Status::OK();
}

Result<std::shared_ptr<asio::ssl::context>> MakeTlsContext(
    const ClientOptions& options) {
  if (options.tls_ca_file.empty()) {
    return std::shared_ptr<asio::ssl::context>();
  }
  auto context =
      std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  // TLS 1.2 and later, as the server (docs/PROTOCOL.md, "Transport").
  context->set_options(
      asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
      asio::ssl::context::no_tlsv1_1);
  std::ifstream readable(options.tls_ca_file);
  if (!readable) {
    return Status::InvalidArgument(
        "tls_ca_file: \"" + options.tls_ca_file +
        "\" cannot be read: " + std::strerror(errno));
  }
  boost::system::error_code ec;
  context->load_verify_file(options.tls_ca_file, ec);
  if (ec) {
    const char* reason = ERR_reason_error_string(ec.value());
    return Status::InvalidArgument(
        "tls_ca_file: \"" + options.tls_ca_file +
        "\" holds no PEM CA certificate (" +
        (reason != nullptr ? reason : ec.message().c_str()) + ")");
  }
  return context;
}

}  // namespace

int64_t ReconnectDelayMs(int failures, int min_ms, int max_ms,
                         std::minstd_rand& random) {
  int64_t delay = min_ms;
  for (int k = 0; k < failures && delay < max_ms; ++k) delay *= 2;
  delay = std::min<int64_t>(delay, max_ms);
  // Jitter in [delay/2, delay], so clients dropped together do not
  // reconnect together.
  std::uniform_int_distribution<int64_t> pick(delay / 2, delay);
  return pick(random);
}

ConnectionPool::ConnectionPool(asio::io_context& io,
                               const ClientOptions& options,
                               std::shared_ptr<asio::ssl::context> tls)
    : strand_(asio::make_strand(io)),
      options_(options),
      tls_(std::move(tls)),
      jitter_(static_cast<uint32_t>(
          std::chrono::steady_clock::now().time_since_epoch().count())) {
  for (int i = 0; i < options.connections; ++i) {
    slots_.push_back(std::make_unique<Slot>(strand_));
  }
  waiting_ = std::make_unique<Waiting>(strand_);
}

ConnectionPool::~ConnectionPool() {
  // Handlers of the connections and timers run on the strand, maybe on
  // another thread right now: close them there.
  auto slots =
      std::make_shared<std::vector<std::unique_ptr<Slot>>>(std::move(slots_));
  std::shared_ptr<Waiting> waiting(std::move(waiting_));
  asio::post(strand_, [slots, waiting] {
    waiting->timer.cancel();
    std::deque<Call> calls = std::move(waiting->calls);
    for (auto& call : calls) {
      call.done(Status::Unavailable("the client is closed"));
    }
    for (auto& slot : *slots) {
      slot->retry.cancel();
      if (slot->connection != nullptr) {
        slot->connection->Close(Status::Unavailable("the client is closed"));
      }
    }
  });
}

void ConnectionPool::Start(asio::io_context& io, const ClientOptions& options,
                           StartDone done) {
  Status checked = CheckOptions(options);
  auto tls = checked.ok()
                 ? MakeTlsContext(options)
                 : Result<std::shared_ptr<asio::ssl::context>>(checked);
  if (!tls.ok()) {
    asio::post(
        io, [done = std::move(done), status = tls.status()] { done(status); });
    return;
  }
  std::shared_ptr<ConnectionPool> pool(
      new ConnectionPool(io, options, std::move(tls.value())));
  asio::post(pool->strand_, [pool, done = std::move(done)]() mutable {
    pool->BeginStart(std::move(done));
  });
}

void ConnectionPool::BeginStart(StartDone done) {
  struct Starting {
    size_t remaining;
    bool finished = false;
    StartDone done;
  };
  auto starting = std::make_shared<Starting>();
  starting->remaining = slots_.size();
  starting->done = std::move(done);
  auto self = shared_from_this();
  for (size_t i = 0; i < slots_.size(); ++i) {
    Open(i, [self, starting, i](Result<SessionInfo> hello) {
      if (starting->finished) return;
      if (!hello.ok()) {
        starting->finished = true;
        self->CloseNow();
        starting->done(hello.status());
        return;
      }
      self->slots_[i]->up = true;
      if (--starting->remaining > 0) return;
      starting->finished = true;
      self->session_ = self->slots_[0]->connection->session();
      self->max_payload_ = self->session_.max_frame_bytes;
      starting->done(self);
    });
  }
}

void ConnectionPool::Open(size_t i,
                          std::function<void(Result<SessionInfo>)> hello) {
  auto connection = std::make_shared<Connection>(strand_, options_, tls_);
  slots_[i]->connection = connection;
  std::weak_ptr<ConnectionPool> weak = shared_from_this();
  connection->Start(
      std::move(hello),
      [weak, i](Status reason, std::vector<Connection::Orphan> orphans) {
        if (auto pool = weak.lock()) {
          pool->OnConnectionFailed(i, reason, std::move(orphans));
          return;
        }
        for (auto& orphan : orphans) {
          orphan.call.done(
              FailedCallStatus(reason, orphan.sent, orphan.call.is_write));
        }
      });
}

void ConnectionPool::OnConnectionFailed(
    size_t i, const Status& reason, std::vector<Connection::Orphan> orphans) {
  Slot& slot = *slots_[i];
  slot.up = false;
  slot.connection.reset();
  last_error_ = reason;
  if (!closed_) ScheduleReconnect(i);
  for (auto& orphan : orphans) {
    Call& call = orphan.call;
    if (!orphan.sent) {
      Dispatch(std::move(call), reason);  // never written: safe to resend
    } else if (!call.is_write && !call.retried) {
      call.retried = true;  // a read: once more, on another connection
      Dispatch(std::move(call), reason);
    } else {
      call.done(FailedCallStatus(reason, true, call.is_write));
    }
  }
}

void ConnectionPool::ScheduleReconnect(size_t i) {
  Slot& slot = *slots_[i];
  int64_t delay = ReconnectDelayMs(slot.failures, options_.reconnect_min_ms,
                                   options_.reconnect_max_ms, jitter_);
  ++slot.failures;
  slot.retry.expires_after(std::chrono::milliseconds(delay));
  std::weak_ptr<ConnectionPool> weak = shared_from_this();
  slot.retry.async_wait([weak, i](const boost::system::error_code& ec) {
    auto pool = weak.lock();
    if (ec || pool == nullptr || pool->closed_) return;
    pool->Open(i, [weak, i](Result<SessionInfo> hello) {
      auto pool = weak.lock();
      if (pool == nullptr || pool->closed_) return;
      if (hello.ok()) {
        pool->slots_[i]->up = true;
        pool->slots_[i]->failures = 0;
        pool->FlushWaiting();
        return;
      }
      pool->slots_[i]->connection.reset();
      pool->last_error_ = hello.status();
      pool->ScheduleReconnect(i);
    });
  });
}

void ConnectionPool::Send(protocol::Frame request, bool is_write, Done done) {
  Status refused;
  if (request.size() < protocol::kPrefixBytes + 8) {
    refused = Status::InvalidArgument("request: a frame of " +
                                      std::to_string(request.size()) +
                                      " bytes is too short");
  } else if (protocol::PayloadLength(request.data()) !=
             request.size() - protocol::kPrefixBytes) {
    // Not one whole encoded Request: sending it would desynchronise the
    // stream for every call behind it.
    refused = Status::InvalidArgument(
        "request: frame length " +
        std::to_string(protocol::PayloadLength(request.data())) +
        " does not match its " +
        std::to_string(request.size() - protocol::kPrefixBytes) +
        " payload bytes");
  } else if (max_payload_ != 0 &&
             request.size() - protocol::kPrefixBytes > max_payload_) {
    refused = Status::ResourceExhausted(
        "request of " +
        std::to_string(request.size() - protocol::kPrefixBytes) +
        " bytes is over the server's limit of " + std::to_string(max_payload_) +
        " (max_frame_bytes)");
  }
  if (!refused.ok()) {
    asio::post(strand_, [done = std::move(done), refused] { done(refused); });
    return;
  }
  Call call;
  call.request = std::make_shared<protocol::Frame>(std::move(request));
  call.is_write = is_write;
  call.deadline =
      Clock::now() + std::chrono::milliseconds(options_.request_timeout_ms);
  call.done = std::move(done);
  asio::post(strand_,
             [self = shared_from_this(), call = std::move(call)]() mutable {
               self->Dispatch(std::move(call), Status::OK());
             });
}

void ConnectionPool::Dispatch(Call call, const Status& why_resent) {
  if (closed_) {
    call.done(Status::Unavailable("the client is closed"));
    return;
  }
  if (call.deadline <= Clock::now()) {
    call.done(Status::Unavailable(
        "request to " + options_.host + ":" + std::to_string(options_.port) +
        " timed out after " + std::to_string(options_.request_timeout_ms) +
        " ms"));
    return;
  }
  Connection* best = nullptr;
  for (size_t k = 0; k < slots_.size(); ++k) {
    Slot& slot = *slots_[(next_ + k) % slots_.size()];
    if (!slot.up || slot.connection == nullptr || !slot.connection->open()) {
      continue;
    }
    if (best == nullptr || slot.connection->load() < best->load()) {
      best = slot.connection.get();
    }
  }
  next_ = (next_ + 1) % slots_.size();
  if (best == nullptr) {
    // Every slot is reconnecting (ScheduleReconnect never gives up while
    // the pool is open): wait for one, up to the call's deadline.
    if (!why_resent.ok()) last_error_ = why_resent;
    ArmWaiting(call.deadline);
    waiting_->calls.push_back(std::move(call));
    return;
  }
  best->Send(std::move(call));
}

void ConnectionPool::ArmWaiting(Clock::time_point deadline) {
  Waiting& waiting = *waiting_;
  if (deadline >= waiting.armed) return;
  waiting.armed = deadline;
  uint64_t generation = ++waiting.generation;
  waiting.timer.expires_at(deadline);
  std::weak_ptr<ConnectionPool> weak = shared_from_this();
  waiting.timer.async_wait(
      [weak, generation](const boost::system::error_code&) {
        auto pool = weak.lock();
        if (pool == nullptr || pool->closed_) return;
        if (generation != pool->waiting_->generation) return;
        pool->waiting_->armed = Clock::time_point::max();
        pool->OnWaitingDeadline();
      });
}

void ConnectionPool::OnWaitingDeadline() {
  Clock::time_point now = Clock::now();
  std::deque<Call> calls = std::move(waiting_->calls);
  waiting_->calls.clear();
  Clock::time_point next = Clock::time_point::max();
  for (auto& call : calls) {
    if (call.deadline > now) {
      next = std::min(next, call.deadline);
      waiting_->calls.push_back(std::move(call));
      continue;
    }
    call.done(Status::Unavailable(
        "request to " + options_.host + ":" + std::to_string(options_.port) +
        " timed out after " + std::to_string(options_.request_timeout_ms) +
        " ms waiting for a connection (" +
        (last_error_.ok() ? std::string("no error yet")
                          : last_error_.message()) +
        ")"));
  }
  if (next != Clock::time_point::max()) ArmWaiting(next);
}

void ConnectionPool::FlushWaiting() {
  std::deque<Call> calls = std::move(waiting_->calls);
  waiting_->calls.clear();
  ++waiting_->generation;  // the timer's wait is moot
  waiting_->armed = Clock::time_point::max();
  waiting_->timer.cancel();
  for (auto& call : calls) Dispatch(std::move(call), Status::OK());
}

void ConnectionPool::Close() {
  asio::post(strand_, [self = shared_from_this()] { self->CloseNow(); });
}

void ConnectionPool::CloseNow() {
  closed_ = true;
  ++waiting_->generation;
  waiting_->timer.cancel();
  std::deque<Call> calls = std::move(waiting_->calls);
  waiting_->calls.clear();
  for (auto& call : calls) {
    call.done(Status::Unavailable("the client is closed"));
  }
  for (auto& slot : slots_) {
    slot->retry.cancel();
    slot->up = false;
    if (slot->connection != nullptr) {
      auto connection = std::move(slot->connection);
      connection->Close(Status::Unavailable("the client is closed"));
    }
  }
}

}  // namespace client
}  // namespace custdb
