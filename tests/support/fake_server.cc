// FakeServer: acceptor, one session per connection, the misbehaviours.
#include "tests/support/fake_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstring>
#include <future>
#include <list>
#include <mutex>
#include <thread>
#include <utility>

#include "protocol/frame.h"
#include "protocol/session.h"
#include "server/tls.h"

namespace custdb {
namespace test {

namespace asio = boost::asio;
using asio::ip::tcp;

class FakeServer::SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Close() = 0;
};

class FakeServer::Impl {
 public:
  explicit Impl(FakeServer* owner)
      : owner_(owner), work_(asio::make_work_guard(io_)), acceptor_(io_) {}

  Status Listen(const std::string& address, uint16_t port) {
    std::promise<Status> done;
    asio::post(io_, [&] {
      boost::system::error_code ec;
      tcp::endpoint endpoint(asio::ip::make_address(address, ec), port);
      if (!ec) acceptor_.open(endpoint.protocol(), ec);
      if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) acceptor_.bind(endpoint, ec);
      if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        done.set_value(Status::IOError("fake server: cannot listen on " +
                                       address + ":" + std::to_string(port) +
                                       ": " + ec.message()));
        return;
      }
      port_ = acceptor_.local_endpoint().port();
      Accept();
      done.set_value(Status::OK());
    });
    return done.get_future().get();
  }

  void StopAll() {
    std::promise<void> done;
    asio::post(io_, [&] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      for (auto& weak : sessions_) {
        if (auto session = weak.lock()) session->Close();
      }
      sessions_.clear();
      done.set_value();
    });
    done.get_future().get();
  }

  void Run() {
    thread_ = std::thread([this] { io_.run(); });
  }
  void Join() {
    StopAll();
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void RefuseHello(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    refusal_ = std::move(status);
  }
  Status refusal() {
    std::lock_guard<std::mutex> lock(mu_);
    return refusal_;
  }

  uint16_t port() const { return port_; }
  FakeServer* owner() { return owner_; }
  asio::io_context& io() { return io_; }
  std::shared_ptr<asio::ssl::context> tls;

 private:
  void Accept();

  FakeServer* owner_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  std::list<std::weak_ptr<SessionBase>> sessions_;
  uint16_t port_ = 0;
  std::mutex mu_;
  Status refusal_;
  std::thread thread_;
};

// One connection: (TLS handshake,) then read a frame, act, repeat.
template <typename Stream>
class FakeServer::Session
    : public SessionBase,
      public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <typename... Args>
  Session(FakeServer::Impl* server, Args&&... args)
      : server_(server),
        stream_(std::forward<Args>(args)...),
        timer_(server->io()) {
    ++server_->owner()->open_;
  }
  ~Session() override { --server_->owner()->open_; }

  void Begin() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      ReadPrefix();
    } else {
      auto self = this->shared_from_this();
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self](const boost::system::error_code& ec) {
                                if (ec) {
                                  self->Close();
                                  return;
                                }
                                self->ReadPrefix();
                              });
    }
  }

  void Close() override {
    closed_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
  }

 private:
  void ReadPrefix() {
    if (closed_) return;
    auto self = this->shared_from_this();
    asio::async_read(stream_, asio::buffer(prefix_),
                     [self](const boost::system::error_code& ec, size_t) {
                       if (ec) {
                         self->Close();
                         return;
                       }
                       self->ReadPayload();
                     });
  }

  void ReadPayload() {
    uint32_t length = protocol::PayloadLength(prefix_);
    uint32_t limit = hello_done_ ? protocol::kDefaultMaxFrameBytes
                                 : protocol::kMaxPreHelloFrameBytes;
    if (length > limit || length < 8) {
      // As the real server: an error frame with id 0, then close.
      WriteThenClose(protocol::EncodeError(
          0, Status::ResourceExhausted("frame of " + std::to_string(length) +
                                       " bytes is over the limit")));
      return;
    }
    frame_ = protocol::Frame(protocol::kPrefixBytes + length);
    std::memcpy(frame_.data(), prefix_, protocol::kPrefixBytes);
    auto self = this->shared_from_this();
    asio::async_read(
        stream_, asio::buffer(frame_.data() + protocol::kPrefixBytes, length),
        [self](const boost::system::error_code& ec, size_t) {
          if (ec) {
            self->Close();
            return;
          }
          self->OnRequest();
        });
  }

  void OnRequest() {
    auto request = protocol::VerifyRequest(frame_);
    if (!request.ok()) {
      WriteThenClose(protocol::EncodeError(0, request.status()));
      return;
    }
    uint64_t id = (*request)->header()->id();
    FakeServer* owner = server_->owner();
    if ((*request)->op_type() == wire::Op::Hello) {
      ++owner->hellos_;
      Status refusal = server_->refusal();
      if (!refusal.ok()) {
        WriteThenClose(protocol::EncodeError(id, refusal));
        return;
      }
      if (!owner->answer_hello_) {
        ReadPrefix();
        return;
      }
      hello_done_ = true;
      Write(protocol::EncodeHelloResult(id, session_));
      return;
    }
    ++owner->requests_;
    int drop = owner->drop_next_.load();
    while (drop > 0 &&
           !owner->drop_next_.compare_exchange_weak(drop, drop - 1)) {
    }
    if (drop > 0) {
      Close();
      return;
    }
    switch (static_cast<FakeServer::Behaviour>(owner->behaviour_.load())) {
      case FakeServer::Behaviour::kDrop:
        Close();
        return;
      case FakeServer::Behaviour::kWrongId:
        Write(protocol::EncodeOk(id + 1000));
        return;
      case FakeServer::Behaviour::kGarbage: {
        protocol::Frame garbage(protocol::kPrefixBytes + 16);
        uint8_t bytes[] = {16, 0, 0, 0};
        std::memcpy(garbage.data(), bytes, 4);
        std::memset(garbage.data() + 4, 0xAB, 16);
        Write(std::move(garbage));
        return;
      }
      case FakeServer::Behaviour::kSilent:
        ReadPrefix();
        return;
      case FakeServer::Behaviour::kAnswer:
        break;
    }
    int delay = owner->delay_ms_;
    if (delay <= 0) {
      Write(protocol::EncodeOk(id));
      return;
    }
    auto self = this->shared_from_this();
    timer_.expires_after(std::chrono::milliseconds(delay));
    timer_.async_wait([self, id](const boost::system::error_code& ec) {
      if (ec || self->closed_) return;
      self->Write(protocol::EncodeOk(id));
    });
  }

  void Write(protocol::Frame frame, bool then_close = false) {
    if (closed_) return;
    auto held = std::make_shared<protocol::Frame>(std::move(frame));
    auto self = this->shared_from_this();
    asio::async_write(
        stream_, asio::buffer(held->data(), held->size()),
        [self, held, then_close](const boost::system::error_code& ec, size_t) {
          if (ec || then_close) {
            self->Close();
            return;
          }
          self->ReadPrefix();
        });
  }
  void WriteThenClose(protocol::Frame frame) { Write(std::move(frame), true); }

 public:
  SessionInfo session_;

 private:
  FakeServer::Impl* server_;
  Stream stream_;
  asio::steady_timer timer_;
  uint8_t prefix_[protocol::kPrefixBytes] = {};
  protocol::Frame frame_;
  bool hello_done_ = false;
  bool closed_ = false;
};

void FakeServer::Impl::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec,
                                tcp::socket socket) {
    if (ec) return;  // closed by StopAll
    ++owner_->accepted_;
    std::shared_ptr<SessionBase> base;
    if (tls != nullptr) {
      auto session = std::make_shared<Session<asio::ssl::stream<tcp::socket>>>(
          this, std::move(socket), *tls);
      session->session_ = owner_->options_session_;
      session->Begin();
      base = session;
    } else {
      auto session =
          std::make_shared<Session<tcp::socket>>(this, std::move(socket));
      session->session_ = owner_->options_session_;
      session->Begin();
      base = session;
    }
    sessions_.push_back(base);
    Accept();
  });
}

SessionInfo FakeServer::DefaultSession() {
  SessionInfo info;
  info.server_version = "fake-1";
  info.protocol_version = protocol::kProtocolVersion;
  info.role = "admin";
  info.max_frame_bytes = protocol::kDefaultMaxFrameBytes;
  info.max_in_flight = 64;
  info.max_rows = 10000;
  return info;
}

Result<std::unique_ptr<FakeServer>> FakeServer::Start(const Options& options) {
  std::unique_ptr<FakeServer> server(new FakeServer());
  server->options_session_ = options.session;
  server->address_ = options.address;
  server->impl_ = std::make_unique<Impl>(server.get());
  if (!options.cert_file.empty()) {
    auto tls =
        server::MakeServerTlsContext(options.cert_file, options.key_file);
    if (!tls.ok()) return tls.status();
    server->impl_->tls = tls.value();
  }
  server->impl_->Run();
  Status listening = server->impl_->Listen(options.address, 0);
  if (!listening.ok()) {
    server->impl_->Join();
    return listening;
  }
  server->port_ = server->impl_->port();
  return server;
}

FakeServer::~FakeServer() {
  if (impl_ != nullptr) impl_->Join();
}

void FakeServer::RefuseHello(Status status) {
  impl_->RefuseHello(std::move(status));
}

void FakeServer::Stop() { impl_->StopAll(); }

Status FakeServer::Resume() { return impl_->Listen(address_, port_); }

}  // namespace test
}  // namespace custdb
