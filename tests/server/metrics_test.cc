// Metrics: figures recorded then rendered as Prometheus text, exact totals
// under concurrent recording, and the /metrics listener over HTTP.
#include "server/metrics.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/test_util.h"

namespace custdb {
namespace server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

::testing::AssertionResult HasLine(const std::string& text,
                                   const std::string& line) {
  for (const std::string& l : Lines(text)) {
    if (l == line) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no line '" << line << "' in:\n"
                                       << text;
}

TEST(MetricsTest, RendersRecordedFiguresExactly) {
  Metrics m;
  m.ConnectionOpened();
  m.ConnectionOpened();
  m.ConnectionClosed();
  m.ConnectionRefused();
  m.RecordBadFrame();
  m.RecordBadFrame();
  m.RecordRequest(wire::Op::GetCustomer, StatusCode::kOk, 40);
  m.RecordRequest(wire::Op::GetCustomer, StatusCode::kOk, 50);  // le 50 µs
  m.RecordRequest(wire::Op::GetCustomer, StatusCode::kNotFound, 300);
  m.RecordRequest(wire::Op::RecordOrder, StatusCode::kOk, 20000000);  // 20 s
  m.RecordRequest(static_cast<wire::Op>(200), StatusCode::kInvalidArgument, 7);
  EXPECT_EQ(m.open_connections(), 1u);
  EXPECT_EQ(m.requests(), 5u);

  const std::string text = m.Render(nullptr);
  EXPECT_TRUE(HasLine(text, "# TYPE custdb_connections_open gauge"));
  EXPECT_TRUE(HasLine(text, "custdb_connections_open 1"));
  EXPECT_TRUE(HasLine(text, "custdb_connections_total 2"));
  EXPECT_TRUE(HasLine(text, "custdb_connections_refused_total 1"));
  EXPECT_TRUE(HasLine(text, "custdb_bad_frames_total 2"));
  EXPECT_TRUE(HasLine(text, "# TYPE custdb_requests_total counter"));
  EXPECT_TRUE(
      HasLine(text, R"(custdb_requests_total{op="GetCustomer",code="ok"} 2)"));
  EXPECT_TRUE(HasLine(
      text, R"(custdb_requests_total{op="GetCustomer",code="not_found"} 1)"));
  EXPECT_TRUE(
      HasLine(text, R"(custdb_requests_total{op="RecordOrder",code="ok"} 1)"));
  EXPECT_TRUE(HasLine(
      text,
      R"(custdb_requests_total{op="unknown",code="invalid_argument"} 1)"));
  EXPECT_TRUE(
      HasLine(text, "# TYPE custdb_request_duration_seconds histogram"));
  const std::string get =
      R"(custdb_request_duration_seconds_bucket{op="GetCustomer",)";
  EXPECT_TRUE(HasLine(text, get + R"(le="0.00005"} 2)"));
  EXPECT_TRUE(HasLine(text, get + R"(le="0.00025"} 2)"));
  EXPECT_TRUE(HasLine(text, get + R"(le="0.0005"} 3)"));
  EXPECT_TRUE(HasLine(text, get + R"(le="10"} 3)"));
  EXPECT_TRUE(HasLine(text, get + R"(le="+Inf"} 3)"));
  EXPECT_TRUE(HasLine(
      text,
      R"(custdb_request_duration_seconds_sum{op="GetCustomer"} 0.000390)"));
  EXPECT_TRUE(HasLine(
      text, R"(custdb_request_duration_seconds_count{op="GetCustomer"} 3)"));
  const std::string order =
      R"(custdb_request_duration_seconds_bucket{op="RecordOrder",)";
  EXPECT_TRUE(HasLine(text, order + R"(le="10"} 0)"));
  EXPECT_TRUE(HasLine(text, order + R"(le="+Inf"} 1)"));
  EXPECT_TRUE(HasLine(
      text,
      R"(custdb_request_duration_seconds_sum{op="RecordOrder"} 20.000000)"));
  // Operations never seen have no series.
  EXPECT_EQ(text.find("op=\"Rescore\""), std::string::npos);
}

TEST(MetricsTest, RendersEngineFiguresPerColumnFamily) {
  Metrics m;
  EngineStats stats;
  stats.counts.customers = 12;
  stats.counts.orders = 30;
  ColumnFamilyStats customers;
  customers.name = "customers";
  customers.estimate_num_keys = 12;
  customers.sst_bytes = 4096;
  customers.memtable_bytes = 2048;
  customers.num_files = 1;
  stats.column_families.push_back(customers);
  ColumnFamilyStats odd;
  odd.name = "a\"b";
  stats.column_families.push_back(odd);
  const std::string text = m.Render(&stats);
  EXPECT_TRUE(HasLine(text, R"(custdb_records{kind="customers"} 12)"));
  EXPECT_TRUE(HasLine(text, R"(custdb_records{kind="orders"} 30)"));
  EXPECT_TRUE(
      HasLine(text, R"(custdb_rocksdb_estimated_keys{cf="customers"} 12)"));
  EXPECT_TRUE(
      HasLine(text, R"(custdb_rocksdb_sst_bytes{cf="customers"} 4096)"));
  EXPECT_TRUE(
      HasLine(text, R"(custdb_rocksdb_memtable_bytes{cf="customers"} 2048)"));
  EXPECT_TRUE(HasLine(text, R"(custdb_rocksdb_sst_files{cf="customers"} 1)"));
  EXPECT_TRUE(HasLine(text, R"(custdb_rocksdb_sst_files{cf="a\"b"} 0)"));
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool IsMetricName(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

// name{label="v",...} value, with \-escapes inside label values. A
// hand-written scanner, not std::regex: g++ 12 at -O1 under ASan warns
// (maybe-uninitialized) inside <regex>, and warnings are errors.
bool IsSample(const std::string& line, std::string* name) {
  size_t i = 0;
  while (i < line.size() &&
         ((line[i] >= 'a' && line[i] <= 'z') || line[i] == '_')) {
    ++i;
  }
  if (i == 0) return false;
  *name = line.substr(0, i);
  if (i < line.size() && line[i] == '{') {
    ++i;
    for (;;) {
      const size_t label = i;
      while (i < line.size() &&
             ((line[i] >= 'a' && line[i] <= 'z') || line[i] == '_')) {
        ++i;
      }
      if (i == label || line.compare(i, 2, "=\"") != 0) return false;
      i += 2;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\') ++i;
        ++i;
      }
      if (i >= line.size()) return false;
      ++i;  // closing quote
      if (i < line.size() && line[i] == ',') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      return false;
    }
  }
  if (i >= line.size() || line[i] != ' ') return false;
  ++i;
  const size_t digits = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  if (i == digits) return false;
  if (i < line.size() && line[i] == '.') {
    const size_t frac = ++i;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
    if (i == frac) return false;
  }
  return i == line.size();
}

// Every line is a HELP, a TYPE or a sample of a family whose TYPE came
// first, and each family is declared once: the text format's rules.
TEST(MetricsTest, RenderIsValidTextExposition) {
  Metrics m;
  for (int op = 0; op <= static_cast<int>(wire::Op::MAX); ++op) {
    m.RecordRequest(static_cast<wire::Op>(op), StatusCode::kBusy, op * 1000);
  }
  EngineStats stats;
  stats.column_families.resize(2);
  stats.column_families[0].name = "customers";
  stats.column_families[1].name = "orders";
  const std::string text = m.Render(&stats);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::map<std::string, std::string> types;
  std::set<std::string> helped;
  for (const std::string& line : Lines(text)) {
    std::string name;
    std::string rest;
    if (StartsWith(line, "# HELP ")) {
      rest = line.substr(7);
      name = rest.substr(0, rest.find(' '));
      EXPECT_TRUE(IsMetricName(name)) << line;
      EXPECT_GT(rest.size(), name.size() + 1) << "HELP without text: " << line;
      EXPECT_TRUE(helped.insert(name).second) << "HELP twice: " << line;
    } else if (StartsWith(line, "# TYPE ")) {
      rest = line.substr(7);
      name = rest.substr(0, rest.find(' '));
      const std::string kind =
          name.size() < rest.size() ? rest.substr(name.size() + 1) : "";
      EXPECT_TRUE(IsMetricName(name)) << line;
      EXPECT_TRUE(kind == "counter" || kind == "gauge" || kind == "histogram")
          << line;
      EXPECT_TRUE(types.emplace(name, kind).second) << "TYPE twice: " << line;
    } else if (IsSample(line, &name)) {
      std::string family = name;
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s = suffix;
        if (family.size() > s.size() &&
            family.compare(family.size() - s.size(), s.size(), s) == 0 &&
            types.count(family.substr(0, family.size() - s.size())) &&
            types[family.substr(0, family.size() - s.size())] == "histogram") {
          family = family.substr(0, family.size() - s.size());
        }
      }
      EXPECT_TRUE(types.count(family)) << "sample before its TYPE: " << line;
    } else {
      ADD_FAILURE() << "not exposition text: '" << line << "'";
    }
  }
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Metrics m;
  constexpr int kThreads = 4;
  constexpr int kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kEach; ++i) {
        m.ConnectionOpened();
        m.RecordRequest(t % 2 ? wire::Op::GetCustomer : wire::Op::RecordOrder,
                        StatusCode::kOk, i % 1000);
        m.RecordBadFrame();
        m.ConnectionClosed();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.requests(), uint64_t{kThreads} * kEach);
  EXPECT_EQ(m.open_connections(), 0u);
  const std::string text = m.Render(nullptr);
  const std::string half = std::to_string(kThreads / 2 * kEach);
  EXPECT_TRUE(HasLine(
      text, "custdb_connections_total " + std::to_string(kThreads * kEach)));
  EXPECT_TRUE(HasLine(
      text, "custdb_bad_frames_total " + std::to_string(kThreads * kEach)));
  EXPECT_TRUE(HasLine(
      text, R"(custdb_requests_total{op="GetCustomer",code="ok"} )" + half));
  EXPECT_TRUE(HasLine(
      text,
      R"(custdb_request_duration_seconds_count{op="RecordOrder"} )" + half));
  // Each thread's sum is 0+1+…+999 µs twenty times over.
  const uint64_t micros = uint64_t{kThreads / 2} * (kEach / 1000) * 499500;
  char sum[64];
  std::snprintf(sum, sizeof(sum), "%llu.%06llu",
                static_cast<unsigned long long>(micros / 1000000),
                static_cast<unsigned long long>(micros % 1000000));
  EXPECT_TRUE(HasLine(
      text,
      std::string(R"(custdb_request_duration_seconds_sum{op="GetCustomer"} )") +
          sum));
}

// The listener on an io_context run by one thread, over a real database.
class MetricsHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = test::OpenTestEngine(dir_.Sub("db"));
    ASSERT_NE(engine_, nullptr);
    ASSERT_TRUE(engine_->CreateCustomer(Customer{}).ok());
    metrics_.RecordRequest(wire::Op::GetCustomer, StatusCode::kOk, 120);
    auto http =
        MetricsHttp::Start(io_, "127.0.0.1", 0, &metrics_, engine_.get());
    ASSERT_TRUE(http.ok()) << http.status().ToString();
    http_ = std::move(http).value();
    ASSERT_NE(http_->port(), 0);
    runner_ = std::async(std::launch::async, [this] { io_.run(); });
  }

  void TearDown() override {
    if (http_) http_->Stop();
    if (runner_.valid() && runner_.wait_for(std::chrono::seconds(10)) !=
                               std::future_status::ready) {
      ADD_FAILURE() << "the io_context still has work after Stop";
      io_.stop();
    }
    if (runner_.valid()) runner_.get();
  }

  // A connected client socket whose reads give up after 5 s, so a
  // listener that never answers fails the test instead of hanging it.
  tcp::socket Connect() {
    tcp::socket socket(client_io_);
    beast::error_code ec;
    socket.connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), http_->port()), ec);
    EXPECT_FALSE(ec) << ec.message();
    timeval timeout{5, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout,
                 sizeof(timeout));
    return socket;
  }

  http::response<http::string_body> Get(tcp::socket& socket,
                                        const std::string& target,
                                        bool keep_alive = true) {
    http::request<http::empty_body> req(http::verb::get, target, 11);
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(keep_alive);
    beast::error_code ec;
    http::write(socket, req, ec);
    EXPECT_FALSE(ec) << ec.message();
    http::response<http::string_body> res;
    http::read(socket, buffer_, res, ec);
    EXPECT_FALSE(ec) << target << ": " << ec.message();
    return res;
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  Metrics metrics_;
  asio::io_context io_;
  asio::io_context client_io_;
  std::unique_ptr<MetricsHttp> http_;
  std::future<void> runner_;
  beast::flat_buffer buffer_;
};

TEST_F(MetricsHttpTest, ServesMetricsAndKeepsTheConnectionAlive) {
  tcp::socket socket = Connect();
  auto res = Get(socket, "/metrics");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "text/plain; version=0.0.4");
  EXPECT_TRUE(res.keep_alive());
  EXPECT_TRUE(HasLine(
      res.body(), R"(custdb_requests_total{op="GetCustomer",code="ok"} 1)"));
  EXPECT_TRUE(HasLine(res.body(), R"(custdb_records{kind="customers"} 1)"));
  EXPECT_NE(res.body().find("custdb_rocksdb_sst_bytes{cf=\"customers\"}"),
            std::string::npos);

  // The same connection serves the next request, and a 404.
  metrics_.RecordRequest(wire::Op::GetCustomer, StatusCode::kOk, 120);
  res = Get(socket, "/metrics");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_TRUE(HasLine(
      res.body(), R"(custdb_requests_total{op="GetCustomer",code="ok"} 2)"));
  res = Get(socket, "/");
  EXPECT_EQ(res.result(), http::status::not_found);
  res = Get(socket, "/metricsx");
  EXPECT_EQ(res.result(), http::status::not_found);

  // Connection: close is honoured: the server closes after answering.
  res = Get(socket, "/metrics", /*keep_alive=*/false);
  EXPECT_EQ(res.result(), http::status::ok);
  char byte;
  beast::error_code ec;
  socket.read_some(asio::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
}

TEST_F(MetricsHttpTest, OtherMethodsAreRefused) {
  tcp::socket socket = Connect();
  http::request<http::string_body> req(http::verb::post, "/metrics", 11);
  req.set(http::field::host, "127.0.0.1");
  req.body() = "x";
  req.prepare_payload();
  http::write(socket, req);
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(socket, buffer_, res, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.result(), http::status::method_not_allowed);
}

TEST_F(MetricsHttpTest, OversizedAndMalformedRequestsAreClosed) {
  for (const std::string& request :
       {"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " +
            std::string(16 * 1024, 'a') + "\r\n\r\n",
        std::string("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    "100000\r\n\r\n") +
            std::string(2048, 'b'),
        std::string("NOT HTTP AT ALL\r\n\r\n")}) {
    tcp::socket socket = Connect();
    beast::error_code ec;
    asio::write(socket, asio::buffer(request), ec);
    // Close without an answer (eof or reset), within the read timeout.
    std::string got;
    char chunk[512];
    for (;;) {
      size_t n = socket.read_some(asio::buffer(chunk), ec);
      if (ec) break;
      got.append(chunk, n);
    }
    EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset)
        << ec.message();
    EXPECT_TRUE(got.empty()) << got.substr(0, 200);
  }
  // The listener still serves.
  tcp::socket socket = Connect();
  EXPECT_EQ(Get(socket, "/metrics").result(), http::status::ok);
}

TEST_F(MetricsHttpTest, StopClosesTheListenerAndOpenConnections) {
  tcp::socket socket = Connect();
  EXPECT_EQ(Get(socket, "/metrics").result(), http::status::ok);
  http_->Stop();
  http_->Stop();  // idempotent
  // The io_context runs out of work: the idle keep-alive connection was
  // closed too, not left to its 30 s timeout.
  ASSERT_EQ(runner_.wait_for(std::chrono::seconds(10)),
            std::future_status::ready);
  char byte;
  beast::error_code ec;
  socket.read_some(asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset)
      << ec.message();
  tcp::socket again(client_io_);
  again.connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), http_->port()), ec);
  EXPECT_TRUE(ec) << "still accepting after Stop";
}

TEST(MetricsHttpStartTest, RefusesAnAddressInUseAndABadHost) {
  asio::io_context io;
  Metrics metrics;
  auto first = MetricsHttp::Start(io, "127.0.0.1", 0, &metrics, nullptr);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const uint16_t port = (*first)->port();
  auto second = MetricsHttp::Start(io, "127.0.0.1", port, &metrics, nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kIOError);
  EXPECT_NE(second.status().message().find("127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << second.status().message();
  auto bad = MetricsHttp::Start(io, "metrics.example", 0, &metrics, nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("metrics.example"), std::string::npos);
  (*first)->Stop();
  io.run_for(std::chrono::seconds(1));
}

}  // namespace
}  // namespace server
}  // namespace custdb
