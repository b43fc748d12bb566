// Server: the listener, the thread pools, the timed rescore, the holder
// file, and the graceful shutdown.
#include "server/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "custdb/rescore.h"
#include "protocol/frame.h"
#include "server/connection.h"
#include "server/holder_file.h"
#include "server/metrics.h"
#include "server/server_context.h"
#include "server/tls.h"
#include "server/tokens.h"
#include "server/worker_pool.h"

namespace custdb {
namespace server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// How long to wait before accepting again after accept failed (out of
// descriptors, say), so that the failure does not spin an I/O thread.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
// After drain_timeout_ms, how long the forced closes may take.
constexpr auto kForcedCloseWait = std::chrono::seconds(5);

Result<asio::ip::address> ResolveListenHost(const std::string& field,
                                            const std::string& host) {
  if (host == "localhost") return asio::ip::make_address("127.0.0.1");
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) {
    return Status::InvalidArgument(field + ": '" + host +
                                   "' is not an IP address or localhost");
  }
  return address;
}

std::string FormatAddress(const tcp::endpoint& endpoint) {
  std::string host = endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}

int IoThreads(const ServerConfig& config) {
  if (config.io_threads > 0) return config.io_threads;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

}  // namespace

struct Server::Impl {
  explicit Impl(const ServerConfig& c, Engine* e)
      : config(c),
        engine(e),
        workers(c.worker_threads, c.worker_queue),
        context(c, e, &metrics, &workers),
        io(IoThreads(c)),
        work(asio::make_work_guard(io)),
        acceptor_strand(asio::make_strand(io)),
        acceptor(acceptor_strand),
        accept_retry(acceptor_strand),
        rescore_timer(acceptor_strand) {}

  Status Bind();
  void Accept();
  using Strand = asio::strand<asio::io_context::executor_type>;
  void OnAccept(const boost::system::error_code& ec, tcp::socket socket,
                Strand strand);
  void Refuse(tcp::socket socket);
  void ArmRescore();
  void RunTimedRescore();
  void ConnectionClosed(Connection* connection);
  void Stop();

  const ServerConfig config;
  Engine* const engine;
  Metrics metrics;
  WorkerPool workers;
  ServerContext context;
  std::shared_ptr<asio::ssl::context> tls;

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::vector<std::thread> io_threads;
  asio::strand<asio::io_context::executor_type> acceptor_strand;
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  asio::steady_timer rescore_timer;
  std::string address;
  uint16_t port = 0;

  // The metrics listener has an io_context of its own, so a scrape (which
  // may refresh Engine::Stats) never delays a request.
  asio::io_context metrics_io;
  std::unique_ptr<MetricsHttp> metrics_http;
  std::thread metrics_thread;

  std::mutex mu;  // Guards connections and stopped.
  std::condition_variable connections_changed;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections;
  bool stopping = false;
  bool stopped = false;
  std::mutex stop_mu;  // Serialises Stop.
};

Status Server::Impl::Bind() {
  std::string host;
  uint16_t wanted = 0;
  Status s = ParseHostPort("listen", config.listen, &host, &wanted);
  if (!s.ok()) return s;
  Result<asio::ip::address> address_or = ResolveListenHost("listen", host);
  if (!address_or.ok()) return address_or.status();
  const tcp::endpoint endpoint(*address_or, wanted);
  boost::system::error_code ec;
  auto fail = [&](const char* step) {
    return Status::IOError("listen: cannot " + std::string(step) + " " +
                           config.listen + ": " + ec.message());
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open a socket for");
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) return fail("set SO_REUSEADDR on");
  acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  tcp::endpoint bound = acceptor.local_endpoint(ec);
  if (ec) return fail("read the bound address of");
  address = FormatAddress(bound);
  port = bound.port();
  return Status::OK();
}

void Server::Impl::Accept() {
  // Each connection gets a strand of its own; the socket's handlers run
  // on it.
  auto strand = asio::make_strand(io);
  acceptor.async_accept(
      strand,
      [this, strand](const boost::system::error_code& ec, tcp::socket socket) {
        OnAccept(ec, std::move(socket), strand);
      });
}

void Server::Impl::OnAccept(const boost::system::error_code& ec,
                            tcp::socket socket, Strand strand) {
  if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    spdlog::error("accept on {} failed: {}", address, ec.message());
    accept_retry.expires_after(kAcceptRetryDelay);
    accept_retry.async_wait([this](const boost::system::error_code& wait_ec) {
      if (!wait_ec && acceptor.is_open()) Accept();
    });
    return;
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  socket.set_option(asio::socket_base::keep_alive(true), ignored);
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!stopping && connections.size() < config.max_connections) {
      connection = std::make_shared<Connection>(
          &context, strand, std::move(socket), tls.get(),
          [this](Connection* c) { ConnectionClosed(c); });
      connections.emplace(connection.get(), connection);
    }
  }
  if (connection) {
    metrics.ConnectionOpened();
    connection->Start();
  } else {
    Refuse(std::move(socket));
  }
  Accept();
}

void Server::Impl::Refuse(tcp::socket socket) {
  metrics.ConnectionRefused();
  spdlog::warn(
      "refusing a connection: too many connections "
      "(max_connections {})",
      config.max_connections);
  if (tls) {
    // Before the handshake there is no way to say why.
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  struct Refusal {
    tcp::socket socket;
    protocol::Frame frame;
  };
  auto refusal = std::make_shared<Refusal>(
      Refusal{std::move(socket),
              protocol::EncodeError(
                  0, Status::ResourceExhausted(
                         "too many connections (max_connections " +
                         std::to_string(config.max_connections) + ")"))});
  asio::async_write(refusal->socket,
                    asio::buffer(refusal->frame.data(), refusal->frame.size()),
                    [refusal](const boost::system::error_code&, size_t) {
                      boost::system::error_code ignored;
                      refusal->socket.shutdown(tcp::socket::shutdown_both,
                                               ignored);
                      refusal->socket.close(ignored);
                    });
}

void Server::Impl::ArmRescore() {
  if (config.rescore_every_ms <= 0) return;
  rescore_timer.expires_after(
      std::chrono::milliseconds(config.rescore_every_ms));
  rescore_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || context.draining()) return;
    RunTimedRescore();
    ArmRescore();
  });
}

void Server::Impl::RunTimedRescore() {
  Engine* e = engine;
  Status submitted = workers.Submit(
      "Rescore",
      [e] {
        Result<RescoreReport> report = e->Rescore(RescoreOptions{});
        if (report.ok()) {
          spdlog::info("timed rescore: {} customers examined, {} changed",
                       report->examined, report->changed);
        } else {
          spdlog::error("timed rescore failed: {}", report.status().ToString());
        }
      },
      nullptr, nullptr);
  if (!submitted.ok()) {
    spdlog::info("timed rescore skipped: {}", submitted.message());
  }
}

void Server::Impl::ConnectionClosed(Connection* connection) {
  metrics.ConnectionClosed();
  std::shared_ptr<Connection> last;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = connections.find(connection);
    if (it != connections.end()) {
      // Destroyed outside the lock, after the handler that closed it.
      last = std::move(it->second);
      connections.erase(it);
    }
  }
  connections_changed.notify_all();
  // `last` may be the final reference; the connection's handler that
  // called us holds another, so nothing is destroyed under our feet.
}

void Server::Impl::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu);
  if (stopped) return;
  spdlog::info("shutting down: no new connections, answering what was read");
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard<std::mutex> lock(mu);
    stopping = true;
    for (auto& entry : connections) open.push_back(entry.second);
  }
  context.SetDraining();
  // Long operations still waiting for a worker are answered at once
  // ("server is shutting down"); running ones go on until they finish.
  workers.CancelQueued();
  asio::post(acceptor_strand, [this] {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    accept_retry.cancel(ignored);
    rescore_timer.cancel(ignored);
  });
  for (auto& c : open) c->Drain();
  open.clear();
  {
    std::unique_lock<std::mutex> lock(mu);
    const bool drained = connections_changed.wait_for(
        lock, std::chrono::milliseconds(config.drain_timeout_ms),
        [this] { return connections.empty(); });
    if (!drained) {
      spdlog::warn(
          "{} connections still busy after drain_timeout_ms {}: "
          "closing them",
          connections.size(), config.drain_timeout_ms);
      for (auto& entry : connections) open.push_back(entry.second);
    }
  }
  for (auto& c : open) c->Close();
  open.clear();
  {
    std::unique_lock<std::mutex> lock(mu);
    connections_changed.wait_for(lock, kForcedCloseWait,
                                 [this] { return connections.empty(); });
  }
  // Queued long operations are answered (to closed connections) and the
  // running ones finish: the engine is in use until they return.
  workers.Shutdown();
  if (metrics_http) metrics_http->Stop();
  metrics_io.stop();
  if (metrics_thread.joinable()) metrics_thread.join();
  work.reset();
  io.stop();
  for (std::thread& t : io_threads) t.join();
  io_threads.clear();
  {
    // Handlers io.stop() left behind hold connections; drop them now.
    std::lock_guard<std::mutex> lock(mu);
    connections.clear();
  }
  Status removed = RemoveHolderFile(config.data);
  if (!removed.ok()) {
    spdlog::error("cannot remove the holder file: {}", removed.ToString());
  }
  stopped = true;
  spdlog::info("stopped");
}

Result<std::unique_ptr<Server>> Server::Start(const ServerConfig& config,
                                              Engine* engine) {
  Status s = ValidateConfig(config);
  if (!s.ok()) return s;
  auto impl = std::make_unique<Impl>(config, engine);
  std::string auth;
  if (!config.tokens_file.empty()) {
    Result<std::shared_ptr<const TokenFile>> tokens =
        TokenFile::Load(config.tokens_file);
    if (!tokens.ok()) return tokens.status();
    auth = "tokens from " + config.tokens_file + " (" +
           std::to_string((*tokens)->size()) + ")";
    impl->context.SetTokens(*tokens);
  } else {
    auth = "no tokens file: loopback clients only, each with the admin role";
  }
  if (!config.tls_cert.empty()) {
    Result<std::shared_ptr<asio::ssl::context>> tls =
        MakeServerTlsContext(config.tls_cert, config.tls_key);
    if (!tls.ok()) return tls.status();
    impl->tls = *tls;
  }
  s = impl->Bind();
  if (!s.ok()) return s;
  if (!config.metrics.empty()) {
    std::string host;
    uint16_t port = 0;
    s = ParseHostPort("metrics", config.metrics, &host, &port);
    if (!s.ok()) return s;
    Result<std::unique_ptr<MetricsHttp>> http = MetricsHttp::Start(
        impl->metrics_io, host, port, &impl->metrics, engine);
    if (!http.ok()) return http.status();
    impl->metrics_http = std::move(*http);
  }
  s = WriteHolderFile(config.data, impl->address);
  if (!s.ok()) return s;

  Impl* raw = impl.get();
  asio::post(raw->acceptor_strand, [raw] {
    raw->Accept();
    raw->ArmRescore();
  });
  const int threads = IoThreads(config);
  for (int i = 0; i < threads; ++i) {
    raw->io_threads.emplace_back([raw] { raw->io.run(); });
  }
  if (raw->metrics_http) {
    raw->metrics_thread = std::thread([raw] { raw->metrics_io.run(); });
    spdlog::info("metrics on http://{}:{}/metrics",
                 config.metrics.substr(0, config.metrics.rfind(':')),
                 raw->metrics_http->port());
  }
  spdlog::info("custdb serve {}: listening on {}{}, data {}", kServerVersion,
               raw->address, raw->tls ? " (TLS)" : "", config.data);
  spdlog::info("auth: {}", auth);
  spdlog::info("{} I/O threads, {} workers (queue {}), rescore every {}",
               threads, config.worker_threads, config.worker_queue,
               config.rescore_every_ms > 0
                   ? std::to_string(config.rescore_every_ms) + " ms"
                   : std::string("never (off)"));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

const std::string& Server::address() const { return impl_->address; }
uint16_t Server::port() const { return impl_->port; }
uint16_t Server::metrics_port() const {
  return impl_->metrics_http ? impl_->metrics_http->port() : 0;
}

void Server::Stop() { impl_->Stop(); }

Status Server::ReloadTokens() {
  if (impl_->config.tokens_file.empty()) {
    return Status::FailedPrecondition(
        "no tokens file to reload (tokens_file is not set)");
  }
  Result<std::shared_ptr<const TokenFile>> tokens =
      TokenFile::Load(impl_->config.tokens_file);
  if (!tokens.ok()) {
    spdlog::error("tokens reload failed, keeping the old file: {}",
                  tokens.status().ToString());
    return tokens.status();
  }
  spdlog::info("tokens reloaded from {} ({})", impl_->config.tokens_file,
               (*tokens)->size());
  impl_->context.SetTokens(*tokens);
  return Status::OK();
}

ServerFigures Server::Figures() const {
  ServerFigures f;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    f.connections = impl_->connections.size();
  }
  f.output_bytes = impl_->context.output_bytes();
  f.peak_connection_output_bytes =
      impl_->context.peak_connection_output_bytes();
  f.read_paused = impl_->context.read_paused();
  f.requests = impl_->metrics.requests();
  f.long_running = impl_->workers.running();
  f.long_queued = impl_->workers.queued();
  return f;
}

}  // namespace server
}  // namespace custdb
