// Malformed input (issue 14, item 7): each bad frame gets its error
// response (id 0) or a close, and a second client is served throughout.
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "server/server_fixture.h"

namespace custdb {
namespace test {
namespace {

// The 4-byte little-endian length prefix of `length`.
std::string Prefix(uint32_t length) {
  std::string p(4, '\0');
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(length >> (8 * i));
  return p;
}

std::string Bytes(const protocol::Frame& frame) {
  return std::string(reinterpret_cast<const char*>(frame.data()), frame.size());
}

// A request frame whose op_type is `op` with an empty table as its member
// (what a newer client's unknown operation looks like to this server).
protocol::Frame RequestWithOp(uint8_t op, uint64_t id) {
  flatbuffers::FlatBufferBuilder builder(64);
  auto ping = wire::CreatePing(builder);
  wire::RequestHeader header(id);
  wire::RequestBuilder request(builder);
  request.add_header(&header);
  request.add_op_type(static_cast<wire::Op>(op));
  if (op != 0) request.add_op(ping.Union());
  builder.FinishSizePrefixed(request.Finish(), wire::RequestIdentifier());
  return protocol::Frame::FromBuilder(builder);
}

class ConnectionTest : public ServerTest {
 protected:
  // Reads the one response a bad frame gets: id 0 and `code`, then close.
  void ExpectFatal(RawClient& client, StatusCode code,
                   const std::string& message) {
    Result<protocol::Frame> response = client.ReadFrame();
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(IdOf(*response), 0u);
    Status s = StatusOf(*response);
    EXPECT_EQ(s.code(), code) << s.ToString();
    if (!message.empty()) {
      EXPECT_EQ(s.message(), message);
    }
    EXPECT_TRUE(client.WaitForClose());
    ExpectStillServing();
  }
};

TEST_F(ConnectionTest, TruncatedFrameIsAnsweredThenClosed) {
  StartServer();
  auto client = Connect();
  ASSERT_TRUE(client->SendBytes(Prefix(100) + std::string(10, 'x')).ok());
  client->ShutdownSend();
  ExpectFatal(*client, StatusCode::kInvalidArgument,
              "truncated frame: 10 of 100 bytes before the end of input");
}

TEST_F(ConnectionTest, LengthOverThePreHelloLimit) {
  StartServer();
  auto client = Connect(/*hello=*/false);
  ASSERT_TRUE(client->SendBytes(Prefix(65537)).ok());
  ExpectFatal(*client, StatusCode::kResourceExhausted,
              "frame of 65537 bytes is over the limit of 65536 "
              "(max_pre_hello_frame_bytes)");
}

TEST_F(ConnectionTest, LengthOverTheLimitAfterHello) {
  config_.max_frame_bytes = 1u << 20;
  StartServer();
  auto client = Connect();
  // Only the prefix: the server refuses before reading (or allocating) it.
  ASSERT_TRUE(client->SendBytes(Prefix((1u << 20) + 1)).ok());
  ExpectFatal(*client, StatusCode::kResourceExhausted,
              "frame of 1048577 bytes is over the limit of 1048576 "
              "(max_frame_bytes)");
}

TEST_F(ConnectionTest, FrameTooShort) {
  StartServer();
  auto client = Connect();
  ASSERT_TRUE(client->SendBytes(Prefix(4) + "abcd").ok());
  ExpectFatal(*client, StatusCode::kInvalidArgument,
              "frame of 4 bytes is too short (a frame holds at least 8)");
}

TEST_F(ConnectionTest, LargeFrameReadInPiecesIsServed) {
  // A frame larger than the input buffer (64 KiB) is read into its own
  // storage: a Checkpoint whose dir is 200,000 bytes long arrives whole
  // and is answered with its own id (the file system refuses the name).
  StartServer();
  auto client = Connect();
  Status s = client->Call(
      protocol::EncodeCheckpoint(dir_.Sub(std::string(200000, 'd'))), 2);
  EXPECT_NE(s.code(), StatusCode::kOk);
  EXPECT_NE(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_TRUE(client->Call(protocol::EncodePing(), 3).ok());
}

TEST_F(ConnectionTest, RandomBytesGetAnErrorAndAClose) {
  StartServer();
  std::mt19937 random(20261204);
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + " of seed 20261204");
    std::string noise(4096, '\0');
    for (char& c : noise) c = static_cast<char>(random());
    auto client = Connect(/*hello=*/round % 2 == 0);
    ASSERT_TRUE(client->SendBytes(noise).ok());
    client->ShutdownSend();
    Result<protocol::Frame> response = client->ReadFrame();
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(IdOf(*response), 0u);
    const StatusCode code = StatusOf(*response).code();
    EXPECT_TRUE(code == StatusCode::kInvalidArgument ||
                code == StatusCode::kResourceExhausted)
        << StatusOf(*response).ToString();
    EXPECT_TRUE(client->WaitForClose());
  }
  ExpectStillServing();
}

TEST_F(ConnectionTest, RandomPayloadWithAGoodLengthLacksTheIdentifier) {
  StartServer();
  std::mt19937 random(7);
  std::string payload(256, '\0');
  for (char& c : payload) c = static_cast<char>(random());
  payload[4] = 'X';  // never "CDB1"
  auto client = Connect();
  ASSERT_TRUE(client->SendBytes(Prefix(256) + payload).ok());
  ExpectFatal(*client, StatusCode::kInvalidArgument,
              "request frame lacks the file identifier \"CDB1\"");
}

TEST_F(ConnectionTest, BufferFailingVerification) {
  StartServer();
  protocol::Frame ping = protocol::EncodePing();
  // The root offset now points far past the end of the buffer.
  ping.data()[4] = 0xf0;
  ping.data()[5] = 0xff;
  auto client = Connect();
  ASSERT_TRUE(client->SendBytes(Bytes(ping)).ok());
  ExpectFatal(*client, StatusCode::kInvalidArgument,
              "request frame fails FlatBuffers verification");
}

TEST_F(ConnectionTest, UnknownUnionMemberKeepsTheConnection) {
  StartServer();
  auto client = Connect();
  Status unknown = client->Call(RequestWithOp(200, 2), 2);
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.message(), "unknown operation 200 (op_type)");
  Status none = client->Call(RequestWithOp(0, 3), 3);
  EXPECT_EQ(none.code(), StatusCode::kInvalidArgument) << none.ToString();
  // The same connection goes on.
  EXPECT_TRUE(client->Call(protocol::EncodePing(), 4).ok());
  ExpectStillServing();
}

TEST_F(ConnectionTest, RequestBeforeHelloIsRefusedThenClosed) {
  StartServer();
  auto client = Connect(/*hello=*/false);
  Status s = client->Call(protocol::EncodePing(), 5);
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(s.message(), "Hello must be the first request, got Ping");
  EXPECT_TRUE(client->WaitForClose());
  ExpectStillServing();
}

TEST_F(ConnectionTest, SecondHelloIsRefusedAndTheSessionStays) {
  StartServer();
  auto client = Connect();
  Status s = client->Call(protocol::EncodeHello("", "again"), 2);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "Hello was already sent on this connection");
  EXPECT_TRUE(client->Call(protocol::EncodePing(), 3).ok());
  ExpectStillServing();
}

TEST_F(ConnectionTest, UnsupportedProtocolVersionIsRefusedThenClosed) {
  StartServer();
  auto client = Connect(/*hello=*/false);
  Status s = client->Call(protocol::EncodeHello("", "future", 2), 1);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "protocol version 2 is not supported (the server speaks 1)");
  EXPECT_TRUE(client->WaitForClose());
  ExpectStillServing();
}

TEST_F(ConnectionTest, HelloResultCarriesTheLimits) {
  config_.max_rows = 500;
  config_.max_in_flight = 32;
  StartServer();
  RawClient client;
  ASSERT_TRUE(client.Connect(server_->port()).ok());
  ASSERT_TRUE(client.SendRequest(protocol::EncodeHello("", "t"), 1).ok());
  Result<protocol::Frame> response = client.ReadFrame();
  ASSERT_TRUE(response.ok());
  Result<SessionInfo> info = protocol::DecodeHelloResult(
      *flatbuffers::GetSizePrefixedRoot<wire::Response>(response->data()));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->role, "admin");  // loopback, no tokens file
  EXPECT_FALSE(info->has_scope);
  EXPECT_EQ(info->protocol_version, 1u);
  EXPECT_EQ(info->server_version, server::kServerVersion);
  EXPECT_EQ(info->max_rows, 500u);
  EXPECT_EQ(info->max_in_flight, 32u);
  EXPECT_EQ(info->max_frame_bytes, config_.max_frame_bytes);
}

TEST_F(ConnectionTest, OversizedBatchIsRefusedAndTheConnectionStays) {
  config_.max_batch_events = 3;
  StartServer();
  auto client = Connect();
  flatbuffers::FlatBufferBuilder builder(256);
  std::vector<flatbuffers::Offset<wire::Event>> events;
  for (int i = 0; i < 4; ++i) {
    auto redemption = wire::CreateLoyaltyRedemption(builder, 1 + i, 1);
    events.push_back(wire::CreateEvent(
        builder, wire::EventBody::LoyaltyRedemption, redemption.Union()));
  }
  auto batch = wire::CreateApplyBatchDirect(builder, &events);
  wire::RequestHeader header(2);
  wire::RequestBuilder request(builder);
  request.add_header(&header);
  request.add_op_type(wire::Op::ApplyBatch);
  request.add_op(batch.Union());
  builder.FinishSizePrefixed(request.Finish(), wire::RequestIdentifier());
  Status s = client->Call(protocol::Frame::FromBuilder(builder), 2);
  if (s.message() == "dispatch: not implemented") {
    GTEST_SKIP() << "protocol::Dispatch is still the stub";
  }
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
  EXPECT_EQ(s.message(),
            "ApplyBatch of 4 events is over the limit of 3 (max_batch_events)");
  EXPECT_TRUE(client->Call(protocol::EncodePing(), 3).ok());
  ExpectStillServing();
}

}  // namespace
}  // namespace test
}  // namespace custdb
