// ServerTest: a server on 127.0.0.1, port 0, over a fresh database behind
// a GatedEngine, and raw clients to talk to it.
#ifndef CUSTDB_TESTS_SERVER_SERVER_FIXTURE_H_
#define CUSTDB_TESTS_SERVER_SERVER_FIXTURE_H_

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "protocol/session.h"
#include "server/config.h"
#include "server/gated_engine.h"
#include "server/server.h"
#include "server/server_context.h"
#include "support/raw_client.h"
#include "support/test_util.h"

namespace custdb {
namespace test {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    engine_ = std::make_unique<GatedEngine>(OpenTestEngine(dir_.Sub("db")));
    config_.data = dir_.Sub("db");
    config_.listen = "127.0.0.1:0";
    config_.io_threads = 2;
    config_.worker_threads = 1;
    config_.rescore_every_ms = 0;
  }

  void TearDown() override {
    if (engine_) engine_->Open();
    if (server_) server_->Stop();
    server_.reset();
    engine_.reset();
  }

  // Starts the server with config_; fails the test on error.
  void StartServer() {
    Result<std::unique_ptr<server::Server>> started =
        server::Server::Start(config_, engine_.get());
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    server_ = std::move(started).value();
  }

  // A connected client, with an accepted Hello unless `hello` is false.
  std::unique_ptr<RawClient> Connect(bool hello = true) {
    auto client = std::make_unique<RawClient>();
    Status s = client->Connect(server_->port());
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (hello) {
      Status h = client->Hello();
      EXPECT_TRUE(h.ok()) << h.ToString();
    }
    return client;
  }

  // A new client still gets a session and a Ping answered: the server
  // goes on serving everyone else.
  void ExpectStillServing() {
    RawClient other;
    ASSERT_TRUE(other.Connect(server_->port()).ok());
    Status hello = other.Hello();
    ASSERT_TRUE(hello.ok()) << hello.ToString();
    Status ping = other.Call(protocol::EncodePing(), 2);
    EXPECT_TRUE(ping.ok()) << ping.ToString();
  }

  // Waits up to `wait` for `condition`, checking every few milliseconds.
  static bool Eventually(
      const std::function<bool()>& condition,
      std::chrono::milliseconds wait = std::chrono::milliseconds(10000)) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (!condition()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  TempDir dir_;
  server::ServerConfig config_;
  std::unique_ptr<GatedEngine> engine_;
  std::unique_ptr<server::Server> server_;
};

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_SERVER_SERVER_FIXTURE_H_
