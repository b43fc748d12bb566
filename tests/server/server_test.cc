// The server as a whole: pipelining, long operations on the worker pool,
// limits, backpressure, shutdown, the holder file and the timed rescore.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "server/holder_file.h"
#include "server/server_fixture.h"

namespace custdb {
namespace test {
namespace {

using std::chrono::milliseconds;

wire::Result ResultType(const protocol::Frame& response) {
  return flatbuffers::GetSizePrefixedRoot<wire::Response>(response.data())
      ->result_type();
}

TEST_F(ServerTest, PipelinedResponsesComeInRequestOrder) {
  StartServer();
  auto client = Connect();
  // 60 requests in one write, of three kinds, before reading anything.
  std::string burst;
  for (uint64_t id = 2; id < 62; ++id) {
    protocol::Frame f = id % 3 == 0   ? protocol::EncodeServerInfo()
                        : id % 3 == 1 ? protocol::EncodeStats()
                                      : protocol::EncodePing();
    protocol::StampRequestId(&f, id);
    burst.append(reinterpret_cast<const char*>(f.data()), f.size());
  }
  ASSERT_TRUE(client->SendBytes(burst).ok());
  for (uint64_t id = 2; id < 62; ++id) {
    Result<protocol::Frame> r = client->ReadFrame();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(IdOf(*r), id);
    EXPECT_TRUE(StatusOf(*r).ok()) << StatusOf(*r).ToString();
    const wire::Result expected = id % 3 == 0   ? wire::Result::ServerInfoResult
                                  : id % 3 == 1 ? wire::Result::StatsResult
                                                : wire::Result::NONE;
    EXPECT_EQ(ResultType(*r), expected) << "id " << id;
  }
}

TEST_F(ServerTest, LongOperationDoesNotStallOtherConnections) {
  StartServer();
  engine_->Close();
  auto slow = Connect();
  // Compact is long: it waits at the gate on the worker pool. The Ping
  // after it on the same connection keeps its place behind it.
  ASSERT_TRUE(slow->SendRequest(protocol::EncodeCompact(), 2).ok());
  ASSERT_TRUE(slow->SendRequest(protocol::EncodePing(), 3).ok());
  ASSERT_TRUE(engine_->WaitForWaiters(1, milliseconds(10000)));

  auto quick = Connect();
  EXPECT_TRUE(quick->Call(protocol::EncodePing(), 2, milliseconds(5000)).ok());
  EXPECT_TRUE(
      quick->Call(protocol::EncodeServerInfo(), 3, milliseconds(5000)).ok());
  // Nothing of the slow connection's is answered while Compact runs.
  Result<protocol::Frame> early = slow->ReadFrame(milliseconds(200));
  EXPECT_FALSE(early.ok());

  engine_->Open();
  Result<protocol::Frame> compact = slow->ReadFrame();
  ASSERT_TRUE(compact.ok()) << compact.status().ToString();
  EXPECT_EQ(IdOf(*compact), 2u);
  EXPECT_TRUE(StatusOf(*compact).ok()) << StatusOf(*compact).ToString();
  Result<protocol::Frame> ping = slow->ReadFrame();
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(IdOf(*ping), 3u);
  EXPECT_EQ(engine_->compactions(), 1);
}

TEST_F(ServerTest, SecondLongOperationOfAKindIsBusy) {
  StartServer();
  engine_->Close();
  auto first = Connect();
  ASSERT_TRUE(first->SendRequest(protocol::EncodeCompact(), 2).ok());
  ASSERT_TRUE(engine_->WaitForWaiters(1, milliseconds(10000)));
  auto second = Connect();
  Status busy = second->Call(protocol::EncodeCompact(), 2);
  EXPECT_EQ(busy.code(), StatusCode::kBusy);
  EXPECT_EQ(busy.message(), "Compact is already running");
  engine_->Open();
  Result<protocol::Frame> done = first->ReadFrame();
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(StatusOf(*done).ok());
  // Once it is done, another may run.
  EXPECT_TRUE(second->Call(protocol::EncodeCompact(), 3).ok());
}

TEST_F(ServerTest, TwoHundredConcurrentConnections) {
  config_.max_connections = 300;
  StartServer();
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 200; ++i) {
    clients.push_back(std::make_unique<RawClient>());
    ASSERT_TRUE(clients.back()->Connect(server_->port()).ok()) << i;
  }
  // Every Hello sent before any is read: 200 sessions opening at once.
  for (auto& c : clients) {
    ASSERT_TRUE(c->SendRequest(protocol::EncodeHello("", "many"), 1).ok());
  }
  for (auto& c : clients) {
    Result<protocol::Frame> r = c->ReadFrame();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(StatusOf(*r).ok());
  }
  EXPECT_EQ(server_->Figures().connections, 200u);
  for (auto& c : clients) {
    ASSERT_TRUE(c->SendRequest(protocol::EncodePing(), 2).ok());
  }
  for (auto& c : clients) {
    Result<protocol::Frame> r = c->ReadFrame();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(IdOf(*r), 2u);
  }
}

TEST_F(ServerTest, ConnectionsOverTheMaximumAreRefused) {
  config_.max_connections = 2;
  StartServer();
  auto a = Connect();
  auto b = Connect();
  RawClient third;
  ASSERT_TRUE(third.Connect(server_->port()).ok());
  Result<protocol::Frame> refusal = third.ReadFrame();
  ASSERT_TRUE(refusal.ok()) << refusal.status().ToString();
  EXPECT_EQ(IdOf(*refusal), 0u);
  EXPECT_EQ(StatusOf(*refusal).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(StatusOf(*refusal).message(),
            "too many connections (max_connections 2)");
  EXPECT_TRUE(third.WaitForClose());
  // The two open ones are served, and a place freed is taken again.
  EXPECT_TRUE(a->Call(protocol::EncodePing(), 2).ok());
  b->Close();
  ASSERT_TRUE(Eventually([&] { return server_->Figures().connections == 1; }));
  ExpectStillServing();
}

TEST_F(ServerTest, IdleConnectionIsClosed) {
  config_.idle_timeout_ms = 200;
  StartServer();
  auto client = Connect();
  EXPECT_TRUE(client->WaitForClose(milliseconds(10000)));
  ExpectStillServing();
}

TEST_F(ServerTest, IdleTimeoutIsOffByDefault) {
  config_.hello_timeout_ms = 100;  // passes; the session is open already
  StartServer();
  auto client = Connect();
  EXPECT_FALSE(client->WaitForClose(milliseconds(400)));
  EXPECT_TRUE(client->Call(protocol::EncodePing(), 2).ok());
}

TEST_F(ServerTest, ConnectionWithoutHelloIsClosedAtTheHelloTimeout) {
  config_.hello_timeout_ms = 200;
  StartServer();
  auto client = Connect(/*hello=*/false);
  EXPECT_TRUE(client->WaitForClose(milliseconds(10000)));
  ExpectStillServing();
}

TEST_F(ServerTest, ClientThatDoesNotReadKeepsServerMemoryBounded) {
  config_.max_output_bytes = 1u << 16;
  config_.max_in_flight = 1u << 16;
  StartServer();
  // A small receive buffer, so the kernel holds little for it.
  auto hog = std::make_unique<RawClient>();
  ASSERT_TRUE(
      hog->Connect(server_->port(), RawClient::kDefaultWait, 4096).ok());
  ASSERT_TRUE(hog->Hello().ok());
  boost::system::error_code ignored;
  // 40 MB of responses asked for (ServerInfo answers are ~100 bytes), far
  // more than every buffer on the way can hold.
  protocol::Frame info = protocol::EncodeServerInfo();
  std::string burst;
  for (int i = 0; i < 400000; ++i) {
    protocol::StampRequestId(&info, static_cast<uint64_t>(i) + 2);
    burst.append(reinterpret_cast<const char*>(info.data()), info.size());
  }
  Status sent;
  std::thread sender(
      [&] { sent = hog->SendBytes(burst, milliseconds(60000)); });
  const bool paused = Eventually(
      [&] { return server_->Figures().read_paused >= 1; }, milliseconds(30000));
  const server::ServerFigures figures = server_->Figures();
  EXPECT_TRUE(paused) << "requests " << figures.requests << ", output "
                      << figures.output_bytes << ", peak "
                      << figures.peak_connection_output_bytes;
  // At most the limit and the one response that crossed it.
  EXPECT_LE(figures.peak_connection_output_bytes,
            config_.max_output_bytes + 1024);
  EXPECT_GE(figures.peak_connection_output_bytes, config_.max_output_bytes);
  // Everyone else is served meanwhile.
  ExpectStillServing();
  hog->socket().shutdown(boost::asio::socket_base::shutdown_both, ignored);
  sender.join();
}

TEST_F(ServerTest, StopAnswersWhatWasReadAndClosesEveryone) {
  StartServer();
  engine_->Close();
  auto running = Connect();
  ASSERT_TRUE(running->SendRequest(protocol::EncodeCompact(), 2).ok());
  ASSERT_TRUE(running->SendRequest(protocol::EncodePing(), 3).ok());
  ASSERT_TRUE(engine_->WaitForWaiters(1, milliseconds(10000)));
  // One worker, busy: this Checkpoint waits in the worker queue.
  auto queued = Connect();
  ASSERT_TRUE(
      queued->SendRequest(protocol::EncodeCheckpoint(dir_.Sub("copy")), 2)
          .ok());
  ASSERT_TRUE(Eventually([&] { return server_->Figures().long_queued == 1; }));
  auto idle = Connect();

  std::thread stopper([&] { server_->Stop(); });
  // The queued one is answered without running.
  Result<protocol::Frame> unavailable = queued->ReadFrame();
  ASSERT_TRUE(unavailable.ok()) << unavailable.status().ToString();
  EXPECT_EQ(StatusOf(*unavailable).code(), StatusCode::kUnavailable);
  EXPECT_EQ(StatusOf(*unavailable).message(), "server is shutting down");
  EXPECT_TRUE(queued->WaitForClose());
  EXPECT_TRUE(idle->WaitForClose());
  // The running one finishes, and what was read after it is answered.
  engine_->Open();
  Result<protocol::Frame> compact = running->ReadFrame();
  ASSERT_TRUE(compact.ok()) << compact.status().ToString();
  EXPECT_EQ(IdOf(*compact), 2u);
  EXPECT_TRUE(StatusOf(*compact).ok());
  Result<protocol::Frame> ping = running->ReadFrame();
  ASSERT_TRUE(ping.ok()) << ping.status().ToString();
  EXPECT_EQ(IdOf(*ping), 3u);
  EXPECT_TRUE(running->WaitForClose());
  stopper.join();
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("copy")));
  // No one is accepted any more.
  RawClient late;
  EXPECT_FALSE(late.Connect(server_->port(), milliseconds(2000)).ok() &&
               late.Hello("", milliseconds(2000)).ok());
}

TEST_F(ServerTest, HolderFileWhileServing) {
  StartServer();
  Result<server::HolderInfo> holder = server::ReadHolderFile(config_.data);
  ASSERT_TRUE(holder.ok()) << holder.status().ToString();
  EXPECT_EQ(holder->listen, server_->address());
  EXPECT_EQ(holder->program, "custdb serve");
  server_->Stop();
  EXPECT_EQ(server::ReadHolderFile(config_.data).status().code(),
            StatusCode::kNotFound);
}

TEST_F(ServerTest, BoundAddressNamesThePort) {
  StartServer();
  EXPECT_NE(server_->port(), 0);
  EXPECT_EQ(server_->address(), "127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(ServerTest, BadListenAddressIsRefused) {
  config_.listen = "example.invalid:0";
  Result<std::unique_ptr<server::Server>> started =
      server::Server::Start(config_, engine_.get());
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(started.status().message().find("listen"), std::string::npos);
  // Nothing was left behind.
  EXPECT_EQ(server::ReadHolderFile(config_.data).status().code(),
            StatusCode::kNotFound);
}

TEST_F(ServerTest, TimedRescoreRunsOnTheWorkerPool) {
  config_.rescore_every_ms = 20;
  StartServer();
  EXPECT_TRUE(Eventually([&] { return engine_->rescores() >= 2; }));
}

TEST_F(ServerTest, ServerInfoCountsConnectionsAndRequests) {
  StartServer();
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a->SendRequest(protocol::EncodeServerInfo(), 2).ok());
  Result<protocol::Frame> r = a->ReadFrame();
  ASSERT_TRUE(r.ok());
  Result<protocol::ServerInfoFigures> info = protocol::DecodeServerInfoResult(
      *flatbuffers::GetSizePrefixedRoot<wire::Response>(r->data()));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->connections, 2u);
  EXPECT_GE(info->requests, 2u);  // the two Hellos
  EXPECT_EQ(info->server_version, server::kServerVersion);
}

TEST_F(ServerTest, AdminOperationsWithoutATokensFile) {
  StartServer();
  auto client = Connect();
  EXPECT_TRUE(client->Call(protocol::EncodeFlush(), 2).ok());
  Status missing = client->Call(protocol::EncodeCheckpoint(""), 3);
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.message(), "Checkpoint.dir: missing");
  EXPECT_TRUE(
      client->Call(protocol::EncodeCheckpoint(dir_.Sub("copy")), 4).ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir_.Sub("copy")));
}

}  // namespace
}  // namespace test
}  // namespace custdb
