// Client::Connect and AsyncClient::Connect: a ConnectionPool, on the
// caller's io_context or on the client's own I/O thread.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <memory>
#include <thread>
#include <utility>

#include "client/src/connection_pool.h"
#include "custdb/async_client.h"
#include "custdb/client.h"

namespace custdb {

namespace asio = boost::asio;

namespace {

// What a blocking Client owns besides its AsyncClient: the io_context, the
// thread that runs it and the pool on it. Destroyed after the client's
// last call has returned: closes the pool, lets the thread run the
// cancelled handlers out, joins it.
class IoThread {
 public:
  IoThread() : work_(asio::make_work_guard(io_)) {}
  ~IoThread() {
    // While the thread still runs: the pool closes its sockets and timers
    // on its strand, and if this was its last owner its destructor posts
    // the rest there too. Then nothing is left to do and run() returns.
    if (pool_ != nullptr) pool_->Close();
    pool_.reset();
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  asio::io_context& io() { return io_; }
  void Run() {
    thread_ = std::thread([this] { io_.run(); });
  }
  void set_pool(std::shared_ptr<client::ConnectionPool> pool) {
    pool_ = std::move(pool);
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<client::ConnectionPool> pool_;
  std::thread thread_;  // last: joined before io_ and pool_ go
};

// A Client's keep_alive when the caller gives one: the caller's outlives
// the I/O thread.
struct ClientHold {
  std::shared_ptr<void> caller;
  std::shared_ptr<IoThread> io;  // last: joined before `caller` goes
};

}  // namespace

void AsyncClient::Connect(asio::io_context& io, const ClientOptions& options,
                          Callback<std::shared_ptr<AsyncClient>> done) {
  client::ConnectionPool::Start(
      io, options,
      [done = std::move(done)](
          Result<std::shared_ptr<client::ConnectionPool>> pool) {
        if (!pool.ok()) {
          done(pool.status());
          return;
        }
        done(std::make_shared<AsyncClient>(std::move(pool.value())));
      });
}

Result<std::unique_ptr<Client>> Client::Connect(
    const ClientOptions& options, std::shared_ptr<void> keep_alive) {
  auto io_thread = std::make_shared<IoThread>();
  std::promise<Result<std::shared_ptr<client::ConnectionPool>>> started;
  auto future = started.get_future();
  client::ConnectionPool::Start(
      io_thread->io(), options,
      [&started](Result<std::shared_ptr<client::ConnectionPool>> pool) {
        started.set_value(std::move(pool));
      });
  io_thread->Run();
  // Start answers within connect_timeout_ms: every stage has its deadline.
  Result<std::shared_ptr<client::ConnectionPool>> pool = future.get();
  if (!pool.ok()) return pool.status();
  io_thread->set_pool(pool.value());
  SessionInfo session = pool.value()->session();
  std::shared_ptr<void> hold = io_thread;
  if (keep_alive != nullptr) {
    hold = std::make_shared<ClientHold>(
        ClientHold{std::move(keep_alive), std::move(io_thread)});
  }
  std::unique_ptr<Client> client(
      new Client(std::move(pool.value()), std::move(hold)));
  client->session_ = std::move(session);
  return client;
}

}  // namespace custdb
