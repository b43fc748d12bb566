// The server's sessions over TLS and with tokens, the metrics endpoint,
// and the last-resort limits: the write stall and the drain timeout.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <string>
#include <thread>

#include "server/server_fixture.h"
#include "server/tokens.h"
#include "support/test_cert.h"

namespace custdb {
namespace test {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using std::chrono::milliseconds;

// One request and its response over a TLS stream (blocking: the server is
// known to answer; the test's own timeout bounds it otherwise).
Result<protocol::Frame> TlsCall(ssl::stream<tcp::socket>& stream,
                                protocol::Frame request, uint64_t id) {
  protocol::StampRequestId(&request, id);
  boost::system::error_code ec;
  asio::write(stream, asio::buffer(request.data(), request.size()), ec);
  if (ec) return Status::Unavailable("write: " + ec.message());
  uint8_t prefix[4];
  asio::read(stream, asio::buffer(prefix), ec);
  if (ec) return Status::Unavailable("read: " + ec.message());
  protocol::Frame frame(4 + protocol::PayloadLength(prefix));
  std::memcpy(frame.data(), prefix, 4);
  asio::read(stream, asio::buffer(frame.data() + 4, frame.size() - 4), ec);
  if (ec) return Status::Unavailable("read: " + ec.message());
  if (!protocol::VerifyResponse(frame).ok()) {
    return Status::Corruption("response fails verification");
  }
  return frame;
}

TEST_F(ServerTest, TlsSessionAndAPlaintextClientIsClosed) {
  Result<TestCertificate> cert = MakeTestCertificate(dir_.path());
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  config_.tls_cert = cert->cert_file;
  config_.tls_key = cert->key_file;
  StartServer();

  asio::io_context io;
  ssl::context context(ssl::context::tls_client);
  context.load_verify_file(cert->cert_file);
  ssl::stream<tcp::socket> stream(io, context);
  stream.set_verify_mode(ssl::verify_peer);
  stream.next_layer().connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
  boost::system::error_code ec;
  stream.handshake(ssl::stream_base::client, ec);
  ASSERT_FALSE(ec) << ec.message();
  Result<protocol::Frame> hello =
      TlsCall(stream, protocol::EncodeHello("", "tls"), 1);
  ASSERT_TRUE(hello.ok()) << hello.status().ToString();
  EXPECT_TRUE(StatusOf(*hello).ok()) << StatusOf(*hello).ToString();
  Result<protocol::Frame> ping = TlsCall(stream, protocol::EncodePing(), 2);
  ASSERT_TRUE(ping.ok()) << ping.status().ToString();
  EXPECT_EQ(IdOf(*ping), 2u);

  // Plaintext on the TLS port: no byte back, just the close.
  RawClient plain;
  ASSERT_TRUE(plain.Connect(server_->port()).ok());
  protocol::Frame plain_hello = protocol::EncodeHello("", "plain");
  ASSERT_TRUE(plain.SendRequest(std::move(plain_hello), 1).ok());
  EXPECT_FALSE(plain.ReadFrame(milliseconds(5000)).ok());
  EXPECT_TRUE(plain.WaitForClose(milliseconds(5000)));
  // The TLS session is unharmed.
  Result<protocol::Frame> again = TlsCall(stream, protocol::EncodePing(), 3);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
}

// Tokens need the real TokenFile; these skip while it is the stub.
class TokenServerTest : public ServerTest {
 protected:
  // A token for `role`, or empty after GTEST_SKIP when tokens are a stub.
  std::string AddToken(server::Role role, const std::string& name) {
    server::Principal principal;
    principal.name = name;
    principal.role = role;
    Result<std::string> token =
        server::AddToken(dir_.Sub("tokens.json"), principal);
    if (!token.ok()) {
      EXPECT_NE(token.status().message().find("not implemented"),
                std::string::npos)
          << token.status().ToString();
      return "";
    }
    return *token;
  }
};

TEST_F(TokenServerTest, RolesAreCheckedPerOperation) {
  const std::string reader = AddToken(server::Role::kReader, "dashboard");
  if (reader.empty()) GTEST_SKIP() << "server::AddToken is still the stub";
  config_.tokens_file = dir_.Sub("tokens.json");
  StartServer();
  RawClient client;
  ASSERT_TRUE(client.Connect(server_->port()).ok());
  ASSERT_TRUE(client.Hello(reader).ok());
  EXPECT_TRUE(client.Call(protocol::EncodeServerInfo(), 2).ok());
  Status denied = client.Call(protocol::EncodeCompact(), 3);
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.message(),
            "Compact needs the admin role; this token is reader");
  EXPECT_TRUE(client.Call(protocol::EncodePing(), 4).ok());
}

TEST_F(TokenServerTest, UnknownTokenIsRefusedThenClosed) {
  if (AddToken(server::Role::kAdmin, "ops").empty()) {
    GTEST_SKIP() << "server::AddToken is still the stub";
  }
  config_.tokens_file = dir_.Sub("tokens.json");
  StartServer();
  RawClient client;
  ASSERT_TRUE(client.Connect(server_->port()).ok());
  Status s = client.Hello("not-a-token");
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(s.message(), "unknown token");
  EXPECT_TRUE(client.WaitForClose());
  RawClient other;
  ASSERT_TRUE(other.Connect(server_->port()).ok());
  EXPECT_EQ(other.Hello("").code(), StatusCode::kUnauthenticated);
}

TEST_F(TokenServerTest, ReloadAdmitsNewTokensAndKeepsOpenSessions) {
  const std::string first = AddToken(server::Role::kWriter, "first");
  if (first.empty()) GTEST_SKIP() << "server::AddToken is still the stub";
  config_.tokens_file = dir_.Sub("tokens.json");
  StartServer();
  RawClient old_session;
  ASSERT_TRUE(old_session.Connect(server_->port()).ok());
  ASSERT_TRUE(old_session.Hello(first).ok());
  const std::string second = AddToken(server::Role::kAdmin, "second");
  {
    RawClient before;
    ASSERT_TRUE(before.Connect(server_->port()).ok());
    EXPECT_EQ(before.Hello(second).code(), StatusCode::kUnauthenticated);
  }
  ASSERT_TRUE(server_->ReloadTokens().ok());
  RawClient after;
  ASSERT_TRUE(after.Connect(server_->port()).ok());
  EXPECT_TRUE(after.Hello(second).ok());
  EXPECT_TRUE(after.Call(protocol::EncodeFlush(), 2).ok());
  EXPECT_TRUE(old_session.Call(protocol::EncodePing(), 2).ok());
}

TEST_F(ServerTest, ReloadWithoutATokensFileIsRefused) {
  StartServer();
  EXPECT_EQ(server_->ReloadTokens().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ServerTest, MetricsEndpointCountsRequests) {
  config_.metrics = "127.0.0.1:0";
  StartServer();
  ASSERT_NE(server_->metrics_port(), 0);
  auto client = Connect();
  ASSERT_TRUE(client->Call(protocol::EncodePing(), 2).ok());
  asio::io_context io;
  tcp::socket http(io);
  http.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                             server_->metrics_port()));
  const std::string get =
      "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(http, asio::buffer(get));
  std::string body;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    const size_t n = http.read_some(asio::buffer(buf), ec);
    body.append(buf, n);
    if (ec) break;
  }
  EXPECT_NE(body.find("custdb_requests_total{op=\"Ping\",code=\"ok\"} 1"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("custdb_connections_open 1"), std::string::npos) << body;
}

TEST_F(ServerTest, ClientThatNeverReadsIsDroppedAtTheWriteStallTimeout) {
  config_.max_output_bytes = 1u << 16;
  config_.write_stall_timeout_ms = 300;
  StartServer();
  // A small receive buffer, so the kernel holds little for it.
  auto hog = std::make_unique<RawClient>();
  ASSERT_TRUE(
      hog->Connect(server_->port(), RawClient::kDefaultWait, 4096).ok());
  ASSERT_TRUE(hog->Hello().ok());
  boost::system::error_code ignored;
  protocol::Frame info = protocol::EncodeServerInfo();
  std::string burst;
  for (int i = 0; i < 400000; ++i) {
    protocol::StampRequestId(&info, static_cast<uint64_t>(i) + 2);
    burst.append(reinterpret_cast<const char*>(info.data()), info.size());
  }
  // The send fails once the server has closed the connection.
  Status sent = hog->SendBytes(burst, milliseconds(30000));
  EXPECT_FALSE(sent.ok());
  EXPECT_NE(sent.message(), "send: timed out");
  EXPECT_TRUE(Eventually([&] { return server_->Figures().connections == 0; }));
  EXPECT_EQ(server_->Figures().output_bytes, 0u);
  ExpectStillServing();
}

TEST_F(ServerTest, StopClosesConnectionsStillRunningAfterTheDrainTimeout) {
  config_.drain_timeout_ms = 200;
  StartServer();
  engine_->Close();
  auto client = Connect();
  ASSERT_TRUE(client->SendRequest(protocol::EncodeCompact(), 2).ok());
  ASSERT_TRUE(engine_->WaitForWaiters(1, milliseconds(10000)));
  std::thread stopper([&] { server_->Stop(); });
  // Closed without its answer while Compact is still held at the gate.
  EXPECT_TRUE(client->WaitForClose(milliseconds(10000)));
  engine_->Open();  // Stop waits for the running operation to return
  stopper.join();
  EXPECT_EQ(engine_->compactions(), 1);
}

}  // namespace
}  // namespace test
}  // namespace custdb
