// Client::Connect and AsyncClient::Connect against FakeServer: the
// session arrives, failures are the pool's, and a Client destroyed closes
// its sockets and joins its thread (run under ASan for leaks).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "custdb/async_client.h"
#include "custdb/client.h"
#include "tests/support/fake_server.h"

namespace custdb {
namespace {

using std::chrono::milliseconds;
using test::FakeServer;

ClientOptions OptionsFor(uint16_t port) {
  ClientOptions options;
  options.port = port;
  options.connections = 2;
  options.connect_timeout_ms = 2000;
  options.request_timeout_ms = 2000;
  return options;
}

// Polls `done` for up to 5 s: for effects on the server's thread.
template <typename F>
bool Eventually(F done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

TEST(ClientConnectTest, ConnectsThenClosesCleanlyWhenDestroyed) {
  FakeServer::Options fake_options;
  fake_options.session.role = "reader";
  auto fake = FakeServer::Start(fake_options);
  ASSERT_TRUE(fake.ok()) << fake.status().ToString();
  {
    auto client = Client::Connect(OptionsFor((*fake)->port()));
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    EXPECT_EQ((*client)->session().role, "reader");
    EXPECT_EQ((*client)->session().server_version, "fake-1");
    EXPECT_EQ((*fake)->hellos(), 2);
    EXPECT_TRUE(Eventually([&] { return (*fake)->open_connections() == 2; }));
  }
  // The destructor closed both sockets (and joined its I/O thread: a
  // thread left running would fail under ASan/TSan or hang the test).
  EXPECT_TRUE(Eventually([&] { return (*fake)->open_connections() == 0; }));
}

TEST(ClientConnectTest, FailureIsThePoolsStatus) {
  auto fake = FakeServer::Start({});
  ASSERT_TRUE(fake.ok()) << fake.status().ToString();
  (*fake)->RefuseHello(Status::Unauthenticated("unknown token"));
  auto client = Client::Connect(OptionsFor((*fake)->port()));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(client.status().message(), "unknown token");
  EXPECT_TRUE(Eventually([&] { return (*fake)->open_connections() == 0; }));
}

TEST(ClientConnectTest, AsyncConnectRunsOnTheCallersIoContext) {
  auto fake = FakeServer::Start({});
  ASSERT_TRUE(fake.ok()) << fake.status().ToString();
  boost::asio::io_context io;
  std::shared_ptr<AsyncClient> client;
  Status status = Status::Internal("done not called");
  AsyncClient::Connect(io, OptionsFor((*fake)->port()),
                       [&](Result<std::shared_ptr<AsyncClient>> connected) {
                         status =
                             connected.ok() ? Status::OK() : connected.status();
                         if (connected.ok()) client = connected.value();
                       });
  // Nothing happens until the caller runs its io_context.
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (client == nullptr && status.code() == StatusCode::kInternal &&
         std::chrono::steady_clock::now() < deadline) {
    io.run_for(milliseconds(10));
  }
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_NE(client, nullptr);
  EXPECT_EQ((*fake)->hellos(), 2);
  // Dropping the client closes the pool on the caller's io_context.
  client.reset();
  io.run_for(milliseconds(100));
  EXPECT_TRUE(Eventually([&] { return (*fake)->open_connections() == 0; }));
}

}  // namespace
}  // namespace custdb
