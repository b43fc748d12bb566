// MetricsHttp: the /metrics listener on Boost.Beast (HTTP/1.1, keep-alive,
// bounded requests, closed by Stop).
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "server/metrics.h"

namespace custdb {
namespace server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A scrape is one short GET: anything bigger is not a Prometheus scraper.
constexpr uint32_t kMaxHeaderBytes = 8 * 1024;
constexpr uint64_t kMaxBodyBytes = 1024;
// A connection that sends nothing for this long is closed.
constexpr auto kIdleTimeout = std::chrono::seconds(30);
// Engine::Stats counts orders and interactions by scanning their id index,
// so scrapes closer together than this reuse the last figures.
constexpr auto kStatsMaxAge = std::chrono::seconds(10);

class Session;

// What the listener and its sessions share; kept alive by every handler.
struct Shared {
  Metrics* metrics = nullptr;
  Engine* engine = nullptr;

  // Guards stopped, sessions, stats and stats_time.
  std::mutex mu;
  bool stopped = false;
  std::set<std::shared_ptr<Session>> sessions;
  std::optional<EngineStats> stats;
  std::chrono::steady_clock::time_point stats_time;

  std::string Body();
};

std::string Shared::Body() {
  if (engine == nullptr) return metrics->Render(nullptr);
  std::optional<EngineStats> stats_now;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (stats && std::chrono::steady_clock::now() - stats_time < kStatsMaxAge) {
      stats_now = stats;
    }
  }
  if (!stats_now) {
    Result<EngineStats> fresh = engine->Stats();
    // Without engine figures the server's own are still worth serving.
    if (fresh.ok()) {
      stats_now = *fresh;
      std::lock_guard<std::mutex> lock(mu);
      stats = stats_now;
      stats_time = std::chrono::steady_clock::now();
    }
  }
  return metrics->Render(stats_now ? &*stats_now : nullptr);
}

// One HTTP connection: read a request, answer it, again while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {}

  void Start() { ReadRequest(); }

  // Closes the connection from its own strand.
  void Close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      self->stream_.close();
    });
  }

 private:
  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(kMaxBodyBytes);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->OnRead(ec);
                     });
  }

  void OnRead(beast::error_code ec) {
    // Oversized, malformed, timed out or closed: nothing to answer.
    if (ec) return Finish();
    const http::request<http::string_body>& req = parser_->get();
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(req.version());
    res->keep_alive(req.keep_alive());
    res->set(http::field::server, "custdb");
    const bool is_metrics =
        req.target() == "/metrics" || req.target().starts_with("/metrics?");
    if (is_metrics &&
        (req.method() == http::verb::get || req.method() == http::verb::head)) {
      res->result(http::status::ok);
      res->set(http::field::content_type, "text/plain; version=0.0.4");
      res->body() = shared_->Body();
      res->prepare_payload();
      if (req.method() == http::verb::head) res->body().clear();
    } else if (is_metrics) {
      res->result(http::status::method_not_allowed);
      res->set(http::field::allow, "GET, HEAD");
      res->set(http::field::content_type, "text/plain");
      res->body() = "only GET /metrics\n";
      res->prepare_payload();
    } else {
      res->result(http::status::not_found);
      res->set(http::field::content_type, "text/plain");
      res->body() = "not found; metrics are on /metrics\n";
      res->prepare_payload();
    }
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res](beast::error_code ec, size_t) {
          if (ec || !res->keep_alive()) return self->Finish();
          self->ReadRequest();
        });
  }

  void Finish() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->sessions.erase(shared_from_this());
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_{kMaxHeaderBytes + kMaxBodyBytes};
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Shared> shared_;
};

// The acceptor, on its own strand; each accepted socket gets a strand.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, std::shared_ptr<Shared> shared)
      : io_(io), acceptor_(asio::make_strand(io)), shared_(std::move(shared)) {}

  Status Bind(const std::string& host, uint16_t port) {
    const std::string address = host + ":" + std::to_string(port);
    // A listen address is local: an IP address, or localhost, never a
    // name that would need DNS at start-up.
    beast::error_code ec;
    const asio::ip::address ip = host == "localhost"
                                     ? asio::ip::address_v4::loopback()
                                     : asio::ip::make_address(host, ec);
    if (ec) {
      return Status::InvalidArgument("metrics: \"" + address +
                                     "\": the host is not an IP address or "
                                     "localhost");
    }
    const tcp::endpoint endpoint(ip, port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::IOError("metrics: cannot listen on " + address + ": " +
                             ec.message());
    }
    port_ = acceptor_.local_endpoint(ec).port();
    return Status::OK();
  }

  void Accept() {
    acceptor_.async_accept(
        asio::make_strand(io_),
        [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
          self->OnAccept(ec, std::move(socket));
        });
  }

  void Stop() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
      self->retry_.cancel();
    });
  }

  uint16_t port() const { return port_; }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;
    if (!ec) {
      auto session = std::make_shared<Session>(std::move(socket), shared_);
      bool stopped;
      {
        std::lock_guard<std::mutex> lock(shared_->mu);
        stopped = shared_->stopped;
        if (!stopped) shared_->sessions.insert(session);
      }
      if (!stopped) session->Start();
    }
    if (!ec) return Accept();
    // A failed accept (out of descriptors) is retried after a pause, not
    // in a loop that would spin an I/O thread until descriptors free up.
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && self->acceptor_.is_open()) self->Accept();
    });
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_{acceptor_.get_executor()};
  std::shared_ptr<Shared> shared_;
  uint16_t port_ = 0;
};

}  // namespace

struct MetricsHttp::Impl {
  std::shared_ptr<Shared> shared;
  std::shared_ptr<Listener> listener;
};

MetricsHttp::MetricsHttp(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsHttp::~MetricsHttp() { Stop(); }

Result<std::unique_ptr<MetricsHttp>> MetricsHttp::Start(
    boost::asio::io_context& io, const std::string& host, uint16_t port,
    Metrics* metrics, Engine* engine) {
  auto impl = std::make_unique<Impl>();
  impl->shared = std::make_shared<Shared>();
  impl->shared->metrics = metrics;
  impl->shared->engine = engine;
  impl->listener = std::make_shared<Listener>(io, impl->shared);
  Status s = impl->listener->Bind(host, port);
  if (!s.ok()) return s;
  impl->listener->Accept();
  return std::unique_ptr<MetricsHttp>(new MetricsHttp(std::move(impl)));
}

uint16_t MetricsHttp::port() const { return impl_->listener->port(); }

void MetricsHttp::Stop() {
  std::set<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard<std::mutex> lock(impl_->shared->mu);
    if (impl_->shared->stopped) return;
    impl_->shared->stopped = true;
    sessions.swap(impl_->shared->sessions);
  }
  impl_->listener->Stop();
  for (const auto& session : sessions) session->Close();
}

}  // namespace server
}  // namespace custdb
