// ConnectionPool and Connection against FakeServer: connect, Hello,
// timeouts, drops, reconnect, pipelining from many threads, protocol
// errors and TLS.
#include "client/src/connection_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "protocol/frame.h"
#include "protocol/session.h"
#include "tests/support/fake_server.h"
#include "tests/support/test_cert.h"
#include "tests/support/test_util.h"

namespace custdb {
namespace client {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using test::FakeServer;
using PoolResult = Result<std::shared_ptr<ConnectionPool>>;

constexpr auto kWait = std::chrono::seconds(10);

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::unique_ptr<FakeServer> StartFake(FakeServer::Options options = {}) {
  auto server = FakeServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server.value()) : nullptr;
}

ClientOptions OptionsFor(uint16_t port) {
  ClientOptions options;
  options.port = port;
  options.connections = 2;
  options.connect_timeout_ms = 2000;
  options.request_timeout_ms = 2000;
  options.reconnect_min_ms = 10;
  options.reconnect_max_ms = 100;
  options.client_name = "connection-pool-test";
  return options;
}

// The status a response frame carries.
Status StatusOf(const Result<protocol::Frame>& response) {
  if (!response.ok()) return response.status();
  auto root = protocol::VerifyResponse(*response);
  if (!root.ok()) return root.status();
  return protocol::ResponseStatus(**root);
}

// A port nothing listens on: bound, then closed.
uint16_t ClosedPort() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(
      io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  uint16_t port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

class ConnectionPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    thread_ = std::thread([this] {
      io_.run();
      ran_out_.set_value();
    });
  }

  // Every pool closed and every handler run out, within a bound: a
  // timer or socket left armed would keep the io_context running.
  void TearDown() override {
    for (auto& pool : pools_) pool->Close();
    pools_.clear();
    work_.reset();
    auto ran_out = ran_out_.get_future();
    if (ran_out.wait_for(std::chrono::seconds(5)) !=
        std::future_status::ready) {
      ADD_FAILURE() << "the io_context did not run out after Close";
      io_.stop();
    }
    thread_.join();
  }

  PoolResult StartPool(const ClientOptions& options) {
    auto started = std::make_shared<std::promise<PoolResult>>();
    auto future = started->get_future();
    ConnectionPool::Start(io_, options, [started](PoolResult pool) {
      started->set_value(std::move(pool));
    });
    if (future.wait_for(kWait) != std::future_status::ready) {
      return Status::Internal("Start did not answer in 10 s");
    }
    PoolResult pool = future.get();
    if (pool.ok()) pools_.push_back(pool.value());
    if (!pool.ok()) RecordProperty("start", pool.status().ToString());
    return pool;
  }

  static Result<protocol::Frame> Call(ConnectionPool& pool,
                                      protocol::Frame request, bool is_write) {
    auto answered = std::make_shared<std::promise<Result<protocol::Frame>>>();
    auto future = answered->get_future();
    pool.Send(std::move(request), is_write,
              [answered](Result<protocol::Frame> response) {
                answered->set_value(std::move(response));
              });
    if (future.wait_for(kWait) != std::future_status::ready) {
      return Status::Internal("the call did not answer in 10 s");
    }
    return future.get();
  }
  static Status Ping(ConnectionPool& pool, bool is_write = false) {
    Status status = StatusOf(Call(pool, protocol::EncodePing(), is_write));
    if (!status.ok()) RecordProperty("ping", status.ToString());
    return status;
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ =
      asio::make_work_guard(io_);
  std::promise<void> ran_out_;
  std::thread thread_;
  std::vector<std::shared_ptr<ConnectionPool>> pools_;
};

TEST_F(ConnectionPoolTest, ConnectsAndReportsTheSession) {
  FakeServer::Options fake_options;
  fake_options.session.role = "writer";
  fake_options.session.has_scope = true;
  fake_options.session.scope_channel_id = 7;
  fake_options.session.max_in_flight = 8;
  fake_options.session.max_rows = 500;
  auto fake = StartFake(fake_options);
  ASSERT_NE(fake, nullptr);
  ClientOptions options = OptionsFor(fake->port());
  options.connections = 3;
  auto pool = StartPool(options);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  const SessionInfo& session = (*pool)->session();
  EXPECT_EQ(session.server_version, "fake-1");
  EXPECT_EQ(session.protocol_version, protocol::kProtocolVersion);
  EXPECT_EQ(session.role, "writer");
  EXPECT_TRUE(session.has_scope);
  EXPECT_EQ(session.scope_channel_id, 7u);
  EXPECT_EQ(session.max_in_flight, 8u);
  EXPECT_EQ(session.max_rows, 500u);
  EXPECT_EQ(fake->hellos(), 3);  // every connection said Hello first
  EXPECT_EQ(fake->requests(), 0);
  EXPECT_TRUE(Ping(**pool).ok());
  EXPECT_EQ(fake->requests(), 1);
}

TEST_F(ConnectionPoolTest, RefusedHelloGivesTheServersStatus) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  fake->RefuseHello(Status::Unauthenticated("unknown token"));
  auto pool = StartPool(OptionsFor(fake->port()));
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(pool.status().message(), "unknown token");

  fake->RefuseHello(Status::PermissionDenied("the token is disabled"));
  pool = StartPool(OptionsFor(fake->port()));
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(ConnectionPoolTest, ConnectionRefusedIsUnavailable) {
  ClientOptions options = OptionsFor(ClosedPort());
  auto start = std::chrono::steady_clock::now();
  auto pool = StartPool(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(pool.status().message(), "connecting to 127.0.0.1:"))
      << pool.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
}

TEST_F(ConnectionPoolTest, BadOptionsAreRefusedByName) {
  ClientOptions options = OptionsFor(1);
  options.connections = 0;
  auto pool = StartPool(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(pool.status().message(), "connections: 0"));

  options = OptionsFor(1);
  options.tls_ca_file = "/nonexistent/ca.pem";
  pool = StartPool(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(pool.status().message(), "tls_ca_file"));
  EXPECT_TRUE(Contains(pool.status().message(), "cannot be read"));

  test::TempDir dir;
  std::string not_pem = dir.Sub("ca.pem");
  FILE* file = std::fopen(not_pem.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs("not a certificate\n", file);
  std::fclose(file);
  options.tls_ca_file = not_pem;
  pool = StartPool(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(pool.status().message(), "holds no PEM CA certificate"))
      << pool.status().ToString();
}

// A socket that listens and never accepts: the kernel completes the TCP
// handshake, Hello is written, nothing ever answers.
TEST_F(ConnectionPoolTest, ConnectTimeoutToABlackHole) {
  asio::io_context io;
  asio::ip::tcp::acceptor hole(
      io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  ClientOptions options = OptionsFor(hole.local_endpoint().port());
  options.connect_timeout_ms = 300;
  auto start = std::chrono::steady_clock::now();
  auto pool = StartPool(options);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(pool.status().message(), "timed out after 300 ms"))
      << pool.status().ToString();
  EXPECT_GE(took, milliseconds(290));
  EXPECT_LT(took, milliseconds(1500));
}

TEST_F(ConnectionPoolTest, ConnectTimeoutWhenHelloIsNeverAnswered) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  fake->set_answer_hello(false);
  ClientOptions options = OptionsFor(fake->port());
  options.connect_timeout_ms = 300;
  auto start = std::chrono::steady_clock::now();
  auto pool = StartPool(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(pool.status().message(), "Hello"))
      << pool.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
}

TEST_F(ConnectionPoolTest, RequestTimeoutIsUnavailableAndDoesNotBlock) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  ClientOptions options = OptionsFor(fake->port());
  options.request_timeout_ms = 200;
  auto pool = StartPool(options);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  fake->set_behaviour(FakeServer::Behaviour::kSilent);

  auto start = std::chrono::steady_clock::now();
  Status read = Ping(**pool);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(read.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(read.message(), "timed out after 200 ms"))
      << read.ToString();
  EXPECT_FALSE(Contains(read.message(), "outcome unknown"));
  EXPECT_GE(took, milliseconds(190));
  EXPECT_LT(took, milliseconds(1500));

  // A write that was sent and timed out may have been applied.
  Status write = Ping(**pool, /*is_write=*/true);
  EXPECT_EQ(write.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(write.message(), "outcome unknown")) << write.ToString();

  // The stuck connections were replaced: once the server answers again,
  // so does the pool.
  fake->set_behaviour(FakeServer::Behaviour::kAnswer);
  Status ok = Status::Unavailable("not yet");
  for (int i = 0; i < 200 && !ok.ok(); ++i) {
    ok = Ping(**pool);
    if (!ok.ok()) std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(ok.ok()) << ok.ToString();
}

TEST_F(ConnectionPoolTest, DropMidRequestFailsAWriteAndRetriesARead) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  auto writer = StartPool(OptionsFor(fake->port()));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  auto reader = StartPool(OptionsFor(fake->port()));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  fake->set_behaviour(FakeServer::Behaviour::kDrop);

  Status write = Ping(**writer, /*is_write=*/true);
  EXPECT_EQ(write.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(write.message(), "closed the connection"))
      << write.ToString();
  EXPECT_TRUE(Contains(write.message(), "outcome unknown")) << write.ToString();
  EXPECT_EQ(fake->requests(), 1);  // never resent

  // A read is resent once, on the other connection, which drops it too.
  Status read = Ping(**reader);
  EXPECT_EQ(read.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(Contains(read.message(), "outcome unknown")) << read.ToString();
  EXPECT_EQ(fake->requests(), 3);
}

TEST_F(ConnectionPoolTest, AReadSurvivesOneDroppedConnection) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  auto pool = StartPool(OptionsFor(fake->port()));
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  fake->DropNext(1);  // the first request read is dropped, later answered
  Status read = Ping(**pool);
  EXPECT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(fake->requests(), 2);  // sent, dropped, resent once

  fake->DropNext(1);
  Status write = Ping(**pool, /*is_write=*/true);
  EXPECT_EQ(write.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(write.message(), "outcome unknown")) << write.ToString();
  EXPECT_EQ(fake->requests(), 3);  // the write was not resent
}

TEST_F(ConnectionPoolTest, ReconnectsWhenTheServerComesBack) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  ClientOptions options = OptionsFor(fake->port());
  options.request_timeout_ms = 600;
  auto pool = StartPool(options);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  ASSERT_TRUE(Ping(**pool).ok());

  fake->Stop();
  // Once the pool has seen both connections drop, a call waits for a
  // reconnect until its deadline, then fails: it never hangs.
  Status down = Status::OK();
  auto took = std::chrono::steady_clock::duration::zero();
  for (int i = 0; i < 20 && !Contains(down.message(), "waiting"); ++i) {
    auto start = std::chrono::steady_clock::now();
    down = Ping(**pool);
    took = std::chrono::steady_clock::now() - start;
  }
  EXPECT_EQ(down.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(down.message(),
                       "timed out after 600 ms waiting for a connection"))
      << down.ToString();
  EXPECT_GE(took, milliseconds(590));
  EXPECT_LT(took, milliseconds(2000));

  // A call made while the server is gone is answered once it is back
  // (the backoff is bounded by reconnect_max_ms, 100, well within the
  // call's 600 ms).
  int64_t hellos = fake->hellos();
  auto answered = std::make_shared<std::promise<Result<protocol::Frame>>>();
  auto future = answered->get_future();
  (*pool)->Send(protocol::EncodePing(), /*is_write=*/true,
                [answered](Result<protocol::Frame> response) {
                  answered->set_value(std::move(response));
                });
  ASSERT_TRUE(fake->Resume().ok());
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  Status back = StatusOf(future.get());
  EXPECT_TRUE(back.ok()) << back.ToString();
  EXPECT_EQ(fake->requests(), 2);     // the write went once, after Resume
  EXPECT_GT(fake->hellos(), hellos);  // on a new connection, after Hello
  EXPECT_TRUE(Ping(**pool).ok());
}

TEST_F(ConnectionPoolTest, InFlightIsCappedAtTheServersMaxInFlight) {
  FakeServer::Options fake_options;
  fake_options.session.max_in_flight = 3;
  auto fake = StartFake(fake_options);
  ASSERT_NE(fake, nullptr);
  ClientOptions options = OptionsFor(fake->port());
  options.connections = 1;
  options.request_timeout_ms = 500;
  auto pool = StartPool(options);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  fake->set_behaviour(FakeServer::Behaviour::kSilent);  // reads, never answers
  constexpr int kCalls = 10;
  std::vector<std::future<Result<protocol::Frame>>> futures;
  for (int i = 0; i < kCalls; ++i) {
    auto answered = std::make_shared<std::promise<Result<protocol::Frame>>>();
    futures.push_back(answered->get_future());
    (*pool)->Send(protocol::EncodePing(), true,
                  [answered](Result<protocol::Frame> response) {
                    answered->set_value(std::move(response));
                  });
  }
  int unknown = 0;
  for (auto& future : futures) {
    ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
    Status status = StatusOf(future.get());
    EXPECT_EQ(status.code(), StatusCode::kUnavailable);
    if (Contains(status.message(), "outcome unknown")) ++unknown;
  }
  // Only the first three were written; the server read nothing more, and
  // only those three may have been applied.
  EXPECT_EQ(fake->requests(), 3);
  EXPECT_EQ(unknown, 3);
}

TEST_F(ConnectionPoolTest, ManyThreadsPipelineOverTwoConnections) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  auto pool = StartPool(OptionsFor(fake->port()));
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  constexpr int kThreads = 8;
  constexpr int kRounds = 5;
  constexpr int kPerRound = 100;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::atomic<int> outstanding{0};
  std::atomic<int> most_outstanding{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        std::mutex mu;
        std::condition_variable cv;
        int left = kPerRound;
        for (int i = 0; i < kPerRound; ++i) {
          int now = ++outstanding;
          int seen = most_outstanding;
          while (now > seen &&
                 !most_outstanding.compare_exchange_weak(seen, now)) {
          }
          (*pool)->Send(protocol::EncodePing(), false,
                        [&](Result<protocol::Frame> response) {
                          --outstanding;
                          (StatusOf(response).ok() ? ok : failed)++;
                          std::lock_guard<std::mutex> lock(mu);
                          if (--left == 0) cv.notify_one();
                        });
        }
        std::unique_lock<std::mutex> lock(mu);
        if (!cv.wait_for(lock, kWait, [&] { return left == 0; })) {
          ADD_FAILURE() << "pings unanswered after 10 s";
          return;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok, kThreads * kRounds * kPerRound);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(fake->requests(), kThreads * kRounds * kPerRound);
  EXPECT_EQ(fake->accepted(), 2);  // no reconnects: every answer matched
  EXPECT_GT(most_outstanding, 2);  // more in flight than connections
}

TEST_F(ConnectionPoolTest, GarbageResponseFailsTheConnection) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  auto pool = StartPool(OptionsFor(fake->port()));
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  fake->set_behaviour(FakeServer::Behaviour::kGarbage);
  // Several writes pending on the connection: all fail, none is resent.
  constexpr int kCalls = 6;
  std::vector<std::future<Result<protocol::Frame>>> futures;
  for (int i = 0; i < kCalls; ++i) {
    auto answered = std::make_shared<std::promise<Result<protocol::Frame>>>();
    futures.push_back(answered->get_future());
    (*pool)->Send(protocol::EncodePing(), true,
                  [answered](Result<protocol::Frame> response) {
                    answered->set_value(std::move(response));
                  });
  }
  for (auto& future : futures) {
    ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
    Status status = StatusOf(future.get());
    EXPECT_EQ(status.code(), StatusCode::kUnavailable);
    EXPECT_TRUE(Contains(status.message(), "outcome unknown"))
        << status.ToString();
  }
  EXPECT_LE(fake->requests(), kCalls);
  Status read = Ping(**pool);
  EXPECT_EQ(read.code(), StatusCode::kUnavailable);
}

TEST_F(ConnectionPoolTest, GarbageMessageNamesTheProtocolError) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  ClientOptions options = OptionsFor(fake->port());
  options.connections = 1;
  auto pool = StartPool(options);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  fake->set_behaviour(FakeServer::Behaviour::kGarbage);
  Status write = Ping(**pool, true);
  EXPECT_EQ(write.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(write.message(), "protocol error")) << write.ToString();
  EXPECT_TRUE(Contains(write.message(), "outcome unknown")) << write.ToString();
}

TEST_F(ConnectionPoolTest, ResponseWithTheWrongIdFailsTheConnection) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  ClientOptions options = OptionsFor(fake->port());
  options.connections = 1;
  auto pool = StartPool(options);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  fake->set_behaviour(FakeServer::Behaviour::kWrongId);
  Status write = Ping(**pool, true);
  EXPECT_EQ(write.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(write.message(), "does not answer the oldest request"))
      << write.ToString();
  EXPECT_EQ(fake->requests(), 1);
}

TEST_F(ConnectionPoolTest, RequestOverMaxFrameBytesIsNeverSent) {
  FakeServer::Options fake_options;
  fake_options.session.max_frame_bytes = 100;
  auto fake = StartFake(fake_options);
  ASSERT_NE(fake, nullptr);
  auto pool = StartPool(OptionsFor(fake->port()));
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  Status big = StatusOf(
      Call(**pool, protocol::EncodeCheckpoint(std::string(200, 'd')), true));
  EXPECT_EQ(big.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(big.message(), "max_frame_bytes")) << big.ToString();
  EXPECT_EQ(fake->requests(), 0);
  EXPECT_TRUE(Ping(**pool).ok());  // a small one still goes

  // A frame whose prefix does not match its size is refused, not sent.
  protocol::Frame ping = protocol::EncodePing();
  protocol::Frame cut(ping.size() - 4);
  std::memcpy(cut.data(), ping.data(), cut.size());
  Status bad = StatusOf(Call(**pool, std::move(cut), false));
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(bad.message(), "does not match")) << bad.ToString();
  EXPECT_EQ(fake->requests(), 1);
  EXPECT_TRUE(Ping(**pool).ok());
}

TEST_F(ConnectionPoolTest, CloseFailsPendingCalls) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  auto pool = StartPool(OptionsFor(fake->port()));
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  fake->set_behaviour(FakeServer::Behaviour::kSilent);
  auto answered = std::make_shared<std::promise<Result<protocol::Frame>>>();
  auto future = answered->get_future();
  (*pool)->Send(protocol::EncodePing(), true,
                [answered](Result<protocol::Frame> response) {
                  answered->set_value(std::move(response));
                });
  for (int i = 0; i < 1000 && fake->requests() == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  (*pool)->Close();
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  Status status = StatusOf(future.get());
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(status.message(), "the client is closed"));
  EXPECT_TRUE(Contains(status.message(), "outcome unknown"));
  EXPECT_EQ(Ping(**pool).code(), StatusCode::kUnavailable);
}

TEST(ReconnectDelayTest, DoublesFromMinToMaxWithJitter) {
  std::minstd_rand random(42);
  for (int failures = 0; failures < 40; ++failures) {
    int64_t ceiling =
        std::min<int64_t>(int64_t{50} << std::min(failures, 20), 5000);
    for (int i = 0; i < 200; ++i) {
      int64_t delay = ReconnectDelayMs(failures, 50, 5000, random);
      ASSERT_GE(delay, ceiling / 2) << failures;
      ASSERT_LE(delay, ceiling) << failures;
    }
  }
  // Jitter: not every pick is the same.
  std::set<int64_t> seen;
  for (int i = 0; i < 50; ++i)
    seen.insert(ReconnectDelayMs(3, 50, 5000, random));
  EXPECT_GT(seen.size(), 10u);
  // min == max: a fixed ceiling.
  EXPECT_LE(ReconnectDelayMs(30, 7, 7, random), 7);
}

class ConnectionPoolTlsTest : public ConnectionPoolTest {
 protected:
  void SetUp() override {
    ConnectionPoolTest::SetUp();
    auto cert = test::MakeTestCertificate(dir_.path());
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    cert_ = *cert;
  }
  FakeServer::Options TlsFake() {
    FakeServer::Options options;
    options.cert_file = cert_.cert_file;
    options.key_file = cert_.key_file;
    return options;
  }

  test::TempDir dir_;
  test::TestCertificate cert_;
};

TEST_F(ConnectionPoolTlsTest, HandshakeWithTheRightCa) {
  auto fake = StartFake(TlsFake());
  ASSERT_NE(fake, nullptr);
  ClientOptions options = OptionsFor(fake->port());
  options.tls_ca_file = cert_.cert_file;
  auto pool = StartPool(options);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  EXPECT_EQ((*pool)->session().role, "admin");
  EXPECT_TRUE(Ping(**pool).ok());
  // By name too: the certificate's subjectAltName has DNS:localhost.
  options.host = "localhost";
  pool = StartPool(options);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
}

TEST_F(ConnectionPoolTlsTest, WrongCaFails) {
  auto fake = StartFake(TlsFake());
  ASSERT_NE(fake, nullptr);
  auto other = test::MakeTestCertificate(dir_.path(), "other");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ClientOptions options = OptionsFor(fake->port());
  options.tls_ca_file = other->cert_file;
  auto pool = StartPool(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(pool.status().message(), "TLS handshake"))
      << pool.status().ToString();
  EXPECT_TRUE(Contains(pool.status().message(), "certificate verify failed"))
      << pool.status().ToString();
  EXPECT_EQ(fake->hellos(), 0);  // the token never left the client
}

TEST_F(ConnectionPoolTlsTest, WrongHostNameFails) {
  // The certificate is for 127.0.0.1 and localhost, not 127.0.0.2.
  FakeServer::Options fake_options = TlsFake();
  fake_options.address = "127.0.0.2";
  auto server = FakeServer::Start(fake_options);
  if (!server.ok()) GTEST_SKIP() << "cannot bind 127.0.0.2 here";
  ClientOptions options = OptionsFor((*server)->port());
  options.host = "127.0.0.2";
  options.tls_ca_file = cert_.cert_file;
  auto pool = StartPool(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(pool.status().message(), "TLS handshake"))
      << pool.status().ToString();
  EXPECT_TRUE(Contains(pool.status().message(), "IP address mismatch"))
      << pool.status().ToString();
  EXPECT_EQ((*server)->hellos(), 0);
}

TEST_F(ConnectionPoolTlsTest, PlaintextClientToTlsPortFailsCleanly) {
  auto fake = StartFake(TlsFake());
  ASSERT_NE(fake, nullptr);
  ClientOptions options = OptionsFor(fake->port());
  options.connect_timeout_ms = 1000;
  auto start = std::chrono::steady_clock::now();
  auto pool = StartPool(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(pool.status().message(), "TLS"))
      << pool.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST_F(ConnectionPoolTlsTest, HandshakeThatNeverCompletesTimesOut) {
  asio::io_context io;
  asio::ip::tcp::acceptor hole(
      io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  ClientOptions options = OptionsFor(hole.local_endpoint().port());
  options.tls_ca_file = cert_.cert_file;
  options.connect_timeout_ms = 300;
  auto start = std::chrono::steady_clock::now();
  auto pool = StartPool(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(pool.status().message(),
                       "timed out after 300 ms (in the TLS handshake)"))
      << pool.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
}

TEST_F(ConnectionPoolTlsTest, TlsClientToPlaintextPortFailsCleanly) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  ClientOptions options = OptionsFor(fake->port());
  options.tls_ca_file = cert_.cert_file;
  options.connect_timeout_ms = 1000;
  auto start = std::chrono::steady_clock::now();
  auto pool = StartPool(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(pool.status().message(), "TLS handshake"))
      << pool.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  EXPECT_EQ(fake->hellos(), 0);
}

}  // namespace
}  // namespace client
}  // namespace custdb
