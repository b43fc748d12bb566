// docs/PROTOCOL.md against the code: its hex dumps are the bytes the
// generated code builds, and its tables of operations, results, status
// codes, enumerations and limits name every value the code has, so the
// document cannot drift from the protocol it specifies.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "custdb/policy.h"
#include "custdb/query.h"
#include "custdb/reports.h"
#include "custdb/session_info.h"
#include "custdb/status.h"
#include "custdb/types.h"
#include "protocol/dispatch.h"
#include "protocol/frame.h"
#include "protocol/session.h"
#include "server/config.h"
#include "support/test_util.h"

namespace custdb {
namespace {

// The values of the doc's worked example.
constexpr uint64_t kHelloId = 1;
constexpr uint64_t kGetCustomerId = 2;
constexpr uint64_t kCustomerId = 12347;

protocol::Frame HelloRequest() {
  protocol::Frame frame = protocol::EncodeHello("example-token", "doc");
  protocol::StampRequestId(&frame, kHelloId);
  return frame;
}

// An unscoped writer (a scoped one would get permission_denied, not
// not_found, for an absent customer), with the server's default limits.
SessionInfo ExampleSession() {
  const server::ServerConfig defaults;
  SessionInfo info;
  info.server_version = "0.1.0";
  info.protocol_version = protocol::kProtocolVersion;
  info.role = "writer";
  info.has_scope = false;
  info.max_frame_bytes = defaults.max_frame_bytes;
  info.max_in_flight = defaults.max_in_flight;
  info.max_rows = defaults.max_rows;
  return info;
}

protocol::Frame HelloResponse() {
  return protocol::EncodeHelloResult(kHelloId, ExampleSession());
}

// Built with the generated builders, as a client in any language would.
protocol::Frame GetCustomerRequest() {
  flatbuffers::FlatBufferBuilder builder(64);
  auto op = wire::CreateGetCustomer(builder, kCustomerId);
  wire::RequestHeader header(kGetCustomerId);
  wire::RequestBuilder request(builder);
  request.add_header(&header);
  request.add_op_type(wire::Op::GetCustomer);
  request.add_op(op.Union());
  builder.FinishSizePrefixed(request.Finish(), wire::RequestIdentifier());
  return protocol::Frame::FromBuilder(builder);
}

// The engine's own answer for a customer that does not exist, encoded as
// the server sends a Store error.
protocol::Frame NotFoundResponse() {
  test::TempDir dir;
  auto engine = test::OpenTestEngine(dir.Sub("db"));
  Result<CustomerRecord> record = engine->GetCustomer(kCustomerId);
  EXPECT_TRUE(record.status().IsNotFound()) << record.status().ToString();
  return protocol::EncodeError(kGetCustomerId, record.status());
}

struct ExampleFrame {
  const char* marker;  // <!-- frame: marker --> before its annotated listing
  protocol::Frame frame;
};

std::vector<ExampleFrame> ExampleFrames() {
  std::vector<ExampleFrame> frames;
  frames.push_back({"hello-request", HelloRequest()});
  frames.push_back({"hello-response", HelloResponse()});
  frames.push_back({"get-customer-request", GetCustomerRequest()});
  frames.push_back({"not-found-response", NotFoundResponse()});
  return frames;
}

std::string ReadDoc() {
  const std::string path = std::string(CUSTDB_SOURCE_DIR) + "/docs/PROTOCOL.md";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The doc from the line `heading` to the next heading of its level.
std::string Section(const std::string& doc, const std::string& heading) {
  const std::string start_line = "\n" + heading + "\n";
  size_t start = doc.find(start_line);
  if (start == std::string::npos) {
    ADD_FAILURE() << "PROTOCOL.md lacks the heading \"" << heading << "\"";
    return "";
  }
  const std::string level = heading.substr(0, heading.find(' ') + 1);
  size_t end = doc.find("\n" + level, start + start_line.size());
  return doc.substr(start, end == std::string::npos ? end : end - start);
}

// 16 bytes a line, "0000  64 00 00 00 ...": the doc's plain dumps.
// Offsets count from the frame's first byte (the length prefix).
std::string PlainDump(const protocol::Frame& frame) {
  std::string out;
  char cell[24];
  for (size_t i = 0; i < frame.size(); ++i) {
    if (i % 16 == 0) {
      if (i != 0) out += "\n";
      std::snprintf(cell, sizeof(cell), "%04zx ", i);
      out += cell;
    }
    std::snprintf(cell, sizeof(cell), " %02x", frame.data()[i]);
    out += cell;
  }
  return out + "\n";
}

bool IsHexDigit(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0 &&
         std::isupper(static_cast<unsigned char>(c)) == 0;
}

// One line of an annotated listing: "OOOO  bb bb ...  comment". False if
// the line is not of that shape.
bool ParseListingLine(const std::string& line, size_t* offset,
                      std::vector<uint8_t>* bytes) {
  if (line.size() < 8) return false;
  for (int i = 0; i < 4; ++i) {
    if (!IsHexDigit(line[i])) return false;
  }
  if (line.compare(4, 2, "  ") != 0) return false;
  *offset = std::stoul(line.substr(0, 4), nullptr, 16);
  bytes->clear();
  size_t pos = 6;
  while (true) {
    if (pos + 2 > line.size() || !IsHexDigit(line[pos]) ||
        !IsHexDigit(line[pos + 1])) {
      return false;
    }
    bytes->push_back(
        static_cast<uint8_t>(std::stoul(line.substr(pos, 2), nullptr, 16)));
    pos += 2;
    if (pos == line.size() || line.compare(pos, 2, "  ") == 0) return true;
    if (line[pos] != ' ') return false;
    ++pos;
  }
}

// Compares the annotated listing after `<!-- frame: marker -->` with
// `frame`: every line's offset follows the previous line's bytes, and the
// bytes are the frame's, all of them.
void ExpectListingIsFrame(const std::string& doc, const ExampleFrame& ex) {
  SCOPED_TRACE(ex.marker);
  const std::string marker =
      std::string("<!-- frame: ") + ex.marker + " -->\n```\n";
  size_t start = doc.find(marker);
  ASSERT_NE(start, std::string::npos) << "PROTOCOL.md lacks " << marker;
  start += marker.size();
  size_t end = doc.find("```", start);
  ASSERT_NE(end, std::string::npos);
  std::istringstream listing(doc.substr(start, end - start));
  std::vector<uint8_t> seen;
  std::string line;
  while (std::getline(listing, line)) {
    size_t offset = 0;
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(ParseListingLine(line, &offset, &bytes))
        << "not an \"offset  bytes  comment\" line: " << line;
    ASSERT_EQ(offset, seen.size()) << "the offset of: " << line;
    seen.insert(seen.end(), bytes.begin(), bytes.end());
  }
  std::vector<uint8_t> want(ex.frame.data(), ex.frame.data() + ex.frame.size());
  EXPECT_EQ(seen, want) << "the encoded frame is\n" << PlainDump(ex.frame);
}

TEST(ProtocolDocTest, PlainDumpsAreTheEncodedFrames) {
  const std::string doc = ReadDoc();
  for (const ExampleFrame& ex : ExampleFrames()) {
    const std::string dump = PlainDump(ex.frame);
    EXPECT_NE(doc.find("```\n" + dump + "```\n"), std::string::npos)
        << "PROTOCOL.md lacks the dump of " << ex.marker << ":\n"
        << dump;
  }
}

TEST(ProtocolDocTest, AnnotatedListingsAreTheEncodedFrames) {
  const std::string doc = ReadDoc();
  for (const ExampleFrame& ex : ExampleFrames()) ExpectListingIsFrame(doc, ex);
}

// The frames say what the doc's prose says they say.
TEST(ProtocolDocTest, ExampleFramesDecodeAsDescribed) {
  protocol::Frame hello = HelloRequest();
  Result<const wire::Request*> request = protocol::VerifyRequest(hello);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  const wire::Hello* h = (*request)->op_as_Hello();
  ASSERT_NE(h, nullptr);
  EXPECT_EQ((*request)->header()->id(), kHelloId);
  EXPECT_EQ(h->protocol_version(), 1u);
  EXPECT_EQ(h->token()->str(), "example-token");
  EXPECT_EQ(h->client_name()->str(), "doc");

  protocol::Frame hello_result = HelloResponse();
  Result<const wire::Response*> response =
      protocol::VerifyResponse(hello_result);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  Result<SessionInfo> session = protocol::DecodeHelloResult(**response);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ(session->role, "writer");
  EXPECT_FALSE(session->has_scope);
  EXPECT_EQ(session->max_frame_bytes, 16777216u);
  EXPECT_EQ(session->max_in_flight, 64u);
  EXPECT_EQ(session->max_rows, 10000u);

  protocol::Frame get = GetCustomerRequest();
  request = protocol::VerifyRequest(get);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  ASSERT_NE((*request)->op_as_GetCustomer(), nullptr);
  EXPECT_EQ((*request)->op_as_GetCustomer()->customer_id(), kCustomerId);
  EXPECT_EQ(static_cast<int>((*request)->op_type()), 13);

  protocol::Frame not_found = NotFoundResponse();
  response = protocol::VerifyResponse(not_found);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ((*response)->header()->id(), kGetCustomerId);
  EXPECT_EQ((*response)->result_type(), wire::Result::NONE);
  Status status = protocol::ResponseStatus(**response);
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "customer_id: 12347 does not exist");
  EXPECT_NE(ReadDoc().find("\"" + status.message() + "\""), std::string::npos);
}

// Every member of `union Op` has its row, numbered as the schema numbers
// it: "| 13 | `GetCustomer` |".
TEST(ProtocolDocTest, EveryOperationHasItsRow) {
  const std::string ops = Section(ReadDoc(), "## Operations");
  for (int i = 1; i <= static_cast<int>(wire::Op::MAX); ++i) {
    const std::string row =
        "\n| " + std::to_string(i) + " | `" + wire::EnumNamesOp()[i] + "` |";
    EXPECT_NE(ops.find(row), std::string::npos) << "missing row" << row;
  }
}

TEST(ProtocolDocTest, EveryResultHasItsRow) {
  const std::string ops = Section(ReadDoc(), "## Operations");
  for (int i = 1; i <= static_cast<int>(wire::Result::MAX); ++i) {
    const std::string row = "\n| " + std::to_string(i) + " | `" +
                            wire::EnumNamesResult()[i] + "` |";
    EXPECT_NE(ops.find(row), std::string::npos) << "missing row" << row;
  }
}

TEST(ProtocolDocTest, EveryEventBodyIsNumbered) {
  const std::string ops = Section(ReadDoc(), "## Operations");
  for (int i = 1; i <= static_cast<int>(wire::EventBody::MAX); ++i) {
    // Members from records.fbs are named custdb_fb_Customer … in C++.
    std::string name = wire::EnumNamesEventBody()[i];
    const std::string prefix = "custdb_fb_";
    if (name.compare(0, prefix.size(), prefix) == 0) {
      name = name.substr(prefix.size());
    }
    const std::string entry = std::to_string(i) + " `" + name + "`";
    EXPECT_NE(ops.find(entry), std::string::npos) << "missing " << entry;
  }
}

TEST(ProtocolDocTest, EveryStatusCodeHasItsRow) {
  const std::string codes = Section(ReadDoc(), "## Status codes");
  int count = 0;
  for (int i = 0; i < 256; ++i) {
    const std::string name = StatusCodeName(static_cast<StatusCode>(i));
    if (name == "invalid") break;
    const std::string row = "\n| " + std::to_string(i) + " | `" + name + "` |";
    EXPECT_NE(codes.find(row), std::string::npos) << "missing row" << row;
    ++count;
  }
  EXPECT_EQ(count, static_cast<int>(StatusCode::kCancelled) + 1);
}

// The table after `anchor` in the Enumerations section lists exactly the
// values `name_of` knows, from `first` on.
void ExpectEnumTable(const std::string& section, const std::string& anchor,
                     int first,
                     const std::function<std::string(int)>& name_of) {
  SCOPED_TRACE(anchor);
  size_t at = section.find(anchor);
  ASSERT_NE(at, std::string::npos) << "no table introduced by " << anchor;
  size_t table = section.find("| value | name |", at);
  ASSERT_NE(table, std::string::npos);
  size_t end = section.find("\n\n", table);
  const std::string rows = section.substr(table, end - table);
  int values = 0;
  for (int v = first; name_of(v) != "invalid"; ++v) {
    const std::string row =
        "\n| " + std::to_string(v) + " | `" + name_of(v) + "` |";
    EXPECT_NE(rows.find(row), std::string::npos) << "missing row" << row;
    ++values;
  }
  int lines = 0;
  for (char c : rows) lines += c == '\n';
  EXPECT_EQ(lines - 1, values) << "rows other than the enum's:\n" << rows;
}

template <typename E>
std::function<std::string(int)> Names(const char* (*name)(E)) {
  return [name](int v) { return std::string(name(static_cast<E>(v))); };
}

TEST(ProtocolDocTest, EnumerationTablesMatchTheNameTables) {
  const std::string s = Section(ReadDoc(), "## Enumerations");
  ExpectEnumTable(s, "`ChannelType` (types.h)", 1, Names(ChannelTypeName));
  ExpectEnumTable(s, "`Gender` (types.h)", 0, Names(GenderName));
  ExpectEnumTable(s, "`OrderStatus` (types.h)", 1, Names(OrderStatusName));
  ExpectEnumTable(s, "`OrderKind` (types.h)", 1, Names(OrderKindName));
  ExpectEnumTable(s, "`InteractionKind` (types.h)", 1,
                  Names(InteractionKindName));
  ExpectEnumTable(s, "`ValueTier` (policy.h)", 1, Names(ValueTierName));
  ExpectEnumTable(s, "`LifecycleStage`", 1, Names(LifecycleStageName));
  ExpectEnumTable(s, "`RfmMode` (policy.h)", 1, Names(RfmModeName));
  ExpectEnumTable(s, "`CustomerOrder` (query.h)", 1, Names(CustomerOrderName));
  ExpectEnumTable(s, "`SummaryGroup` (reports.h)", 1, Names(SummaryGroupName));
  ExpectEnumTable(s, "`SummarySplit`", 0, Names(SummarySplitName));
}

// "| `max_frame_bytes` | 16777216 |": the names and defaults of
// server/config.h.
TEST(ProtocolDocTest, LimitsAreServerConfigDefaults) {
  const std::string limits = Section(ReadDoc(), "## Limits");
  const server::ServerConfig c;
  const std::vector<std::pair<std::string, int64_t>> fields = {
      {"max_frame_bytes", c.max_frame_bytes},
      {"max_pre_hello_frame_bytes", c.max_pre_hello_frame_bytes},
      {"max_connections", static_cast<int64_t>(c.max_connections)},
      {"max_in_flight", c.max_in_flight},
      {"max_output_bytes", static_cast<int64_t>(c.max_output_bytes)},
      {"write_stall_timeout_ms", c.write_stall_timeout_ms},
      {"hello_timeout_ms", c.hello_timeout_ms},
      {"idle_timeout_ms", c.idle_timeout_ms},
      {"max_rows", c.max_rows},
      {"max_batch_events", c.max_batch_events},
      {"worker_threads", c.worker_threads},
      {"worker_queue", static_cast<int64_t>(c.worker_queue)},
      {"drain_timeout_ms", c.drain_timeout_ms},
      {"rescore_every_ms", c.rescore_every_ms},
      {"io_threads", c.io_threads},
  };
  for (const auto& [name, value] : fields) {
    const std::string row =
        "\n| `" + name + "` | " + std::to_string(value) + " |";
    EXPECT_NE(limits.find(row), std::string::npos) << "missing row" << row;
  }
  EXPECT_EQ(c.listen, "127.0.0.1:7420");  // Transport says so
  EXPECT_EQ(c.max_pre_hello_frame_bytes, protocol::kMaxPreHelloFrameBytes);
  EXPECT_EQ(c.max_frame_bytes, protocol::kDefaultMaxFrameBytes);
}

// The cells of the operation table's row for `op`, "| 13 | `GetCustomer` |
// ... |" split at '|'.
std::vector<std::string> OperationRow(const std::string& ops, int number,
                                      const std::string& name) {
  const std::string start =
      "\n| " + std::to_string(number) + " | `" + name + "` |";
  size_t at = ops.find(start);
  if (at == std::string::npos) return {};
  size_t end = ops.find('\n', at + 1);
  std::vector<std::string> cells;
  std::stringstream row(ops.substr(at + 2, end - at - 2));
  std::string cell;
  while (std::getline(row, cell, '|')) {
    size_t b = cell.find_first_not_of(' ');
    size_t e = cell.find_last_not_of(' ');
    cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
  }
  return cells;  // number, member, fields, result, role, long, calls
}

const char* AccessRole(protocol::OpAccess access) {
  switch (access) {
    case protocol::OpAccess::kSession:
      return "reader";  // any session; every token reads
    case protocol::OpAccess::kRead:
      return "reader";
    case protocol::OpAccess::kWrite:
      return "writer";
    case protocol::OpAccess::kAdmin:
      return "admin";
  }
  return "?";
}

// The role and long columns are the dispatch table's (protocol/dispatch.h).
TEST(ProtocolDocTest, RolesAndLongOperationsMatchTheDispatchTable) {
  if (protocol::DescribeOp(wire::Op::Rescore).access !=
      protocol::OpAccess::kAdmin) {
    GTEST_SKIP() << "protocol/dispatch.cc is still the stub";
  }
  const std::string ops = Section(ReadDoc(), "## Operations");
  for (int i = 2; i <= static_cast<int>(wire::Op::MAX); ++i) {
    const auto op = static_cast<wire::Op>(i);
    const protocol::OpInfo info = protocol::DescribeOp(op);
    std::vector<std::string> cells = OperationRow(ops, i, info.name);
    ASSERT_EQ(cells.size(), 7u) << info.name;
    EXPECT_EQ(cells[4], AccessRole(info.access)) << info.name;
    EXPECT_EQ(cells[5], info.long_running ? "yes" : "no") << info.name;
  }
}

}  // namespace
}  // namespace custdb
