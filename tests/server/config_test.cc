// ServerConfig: the JSON config file (all or nothing), field ranges,
// HOST:PORT and durations.
#include "server/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/test_util.h"

namespace custdb {
namespace server {
namespace {

using test::TempDir;

class ConfigFileTest : public ::testing::Test {
 protected:
  // Writes `text` to a file and loads it over config_.
  Status Load(const std::string& text) {
    const std::string path = dir_.Sub("custdb.json");
    std::ofstream(path, std::ios::trunc) << text;
    return LoadConfigFile(path, &config_);
  }

  // The load of `text` fails with kInvalidArgument whose message holds
  // every one of `parts`, and config_ is left as it was.
  void ExpectRefused(const std::string& text,
                     const std::vector<std::string>& parts) {
    config_.max_rows = 77;
    Status s = Load(text);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << text;
    for (const std::string& part : parts) {
      EXPECT_NE(s.message().find(part), std::string::npos)
          << "'" << s.message() << "' lacks '" << part << "'";
    }
    EXPECT_EQ(config_.max_rows, 77u) << "changed by a refused file: " << text;
    EXPECT_EQ(config_.listen, "127.0.0.1:7420");
  }

  TempDir dir_;
  ServerConfig config_;
};

TEST_F(ConfigFileTest, SetsEveryNamedFieldAndKeepsTheOthers) {
  ASSERT_TRUE(Load(R"({
    "data": "/srv/custdb", "listen": "0.0.0.0:7000", "io_threads": 4,
    "worker_threads": 3, "worker_queue": 8, "max_frame_bytes": 1048576,
    "max_pre_hello_frame_bytes": 4096, "max_connections": 10,
    "max_in_flight": 5, "max_output_bytes": 1048576,
    "write_stall_timeout_ms": 500, "hello_timeout_ms": 600,
    "idle_timeout_ms": 0, "max_rows": 100, "max_batch_events": 50,
    "drain_timeout_ms": 0, "rescore_every_ms": 0,
    "tokens_file": "/etc/custdb/tokens", "tls_cert": "c.pem",
    "tls_key": "k.pem", "metrics": "127.0.0.1:9100", "log_level": "debug"
  })")
                  .ok());
  EXPECT_EQ(config_.data, "/srv/custdb");
  EXPECT_EQ(config_.listen, "0.0.0.0:7000");
  EXPECT_EQ(config_.io_threads, 4);
  EXPECT_EQ(config_.worker_threads, 3);
  EXPECT_EQ(config_.worker_queue, 8u);
  EXPECT_EQ(config_.max_frame_bytes, 1048576u);
  EXPECT_EQ(config_.max_pre_hello_frame_bytes, 4096u);
  EXPECT_EQ(config_.max_connections, 10u);
  EXPECT_EQ(config_.max_in_flight, 5u);
  EXPECT_EQ(config_.max_output_bytes, 1048576u);
  EXPECT_EQ(config_.write_stall_timeout_ms, 500);
  EXPECT_EQ(config_.hello_timeout_ms, 600);
  EXPECT_EQ(config_.idle_timeout_ms, 0);
  EXPECT_EQ(config_.max_rows, 100u);
  EXPECT_EQ(config_.max_batch_events, 50u);
  EXPECT_EQ(config_.drain_timeout_ms, 0);
  EXPECT_EQ(config_.rescore_every_ms, 0);
  EXPECT_EQ(config_.tokens_file, "/etc/custdb/tokens");
  EXPECT_EQ(config_.tls_cert, "c.pem");
  EXPECT_EQ(config_.tls_key, "k.pem");
  EXPECT_EQ(config_.metrics, "127.0.0.1:9100");
  EXPECT_EQ(config_.log_level, "debug");
  EXPECT_TRUE(ValidateConfig(config_).ok())
      << ValidateConfig(config_).ToString();

  ServerConfig fresh;
  config_ = fresh;
  ASSERT_TRUE(Load(R"({"max_rows": 5})").ok());
  EXPECT_EQ(config_.max_rows, 5u);
  EXPECT_EQ(config_.max_in_flight, fresh.max_in_flight);
  EXPECT_EQ(config_.listen, fresh.listen);
  ASSERT_TRUE(Load("{}").ok());
  EXPECT_EQ(config_.max_rows, 5u);
}

TEST_F(ConfigFileTest, UnknownKeyIsRefusedByName) {
  ExpectRefused(R"({"max_rows": 5, "max_row": 5})",
                {"custdb.json", "unknown key \"max_row\"", "5"});
}

TEST_F(ConfigFileTest, WrongTypesAreRefusedNamingKeyAndValue) {
  ExpectRefused(R"({"max_rows": "10"})", {"max_rows", "\"10\"", "string"});
  ExpectRefused(R"({"max_rows": 1.5})", {"max_rows", "1.5", "integer"});
  ExpectRefused(R"({"max_rows": 1e3})", {"max_rows", "integer"});
  ExpectRefused(R"({"max_rows": true})", {"max_rows", "true", "boolean"});
  ExpectRefused(R"({"max_rows": null})", {"max_rows", "null"});
  ExpectRefused(R"({"max_rows": [1]})", {"max_rows", "[1]", "array"});
  ExpectRefused(R"({"listen": 7420})", {"listen", "7420", "not a string"});
  ExpectRefused(R"({"tls_cert": {"file": "x"}})", {"tls_cert", "object"});
}

TEST_F(ConfigFileTest, NegativeAndOutOfRangeValuesAreRefused) {
  ExpectRefused(R"({"max_rows": -1})", {"max_rows", "-1", "negative"});
  ExpectRefused(R"({"max_rows": 0})", {"max_rows", "0", "out of range"});
  ExpectRefused(R"({"io_threads": -4})", {"io_threads", "-4"});
  ExpectRefused(R"({"io_threads": 100000})", {"io_threads", "100000"});
  ExpectRefused(R"({"max_frame_bytes": 4294967296})",
                {"max_frame_bytes", "4294967296"});
  ExpectRefused(R"({"max_frame_bytes": 18446744073709551615})",
                {"max_frame_bytes", "18446744073709551615"});
  ExpectRefused(R"({"max_frame_bytes": -9223372036854775808})",
                {"max_frame_bytes", "negative"});
  ExpectRefused(R"({"max_in_flight": 0})", {"max_in_flight", "0"});
  ExpectRefused(R"({"hello_timeout_ms": 0})", {"hello_timeout_ms", "0"});
  ExpectRefused(R"({"rescore_every_ms": 99999999999999})",
                {"rescore_every_ms", "99999999999999"});
  ExpectRefused(R"({"listen": "localhost"})", {"listen", "\"localhost\""});
  ExpectRefused(R"({"listen": "127.0.0.1:70000"})", {"listen", "70000"});
  ExpectRefused(R"({"metrics": "x:y"})", {"metrics", "\"x:y\""});
  ExpectRefused(R"({"log_level": "loud"})", {"log_level", "\"loud\""});
}

TEST_F(ConfigFileTest, AllOrNothingWhenALaterKeyIsBad) {
  // max_rows comes first and is good; the file is still refused whole.
  ExpectRefused(R"({"max_rows": 5, "listen": "0.0.0.0:1", "nope": 1})",
                {"nope"});
  ExpectRefused(R"({"max_rows": 5, "max_connections": -1})",
                {"max_connections", "-1"});
}

TEST_F(ConfigFileTest, MalformedFilesAreRefused) {
  ExpectRefused("", {"custdb.json", "not JSON"});
  ExpectRefused(R"({"max_rows": 5)", {"not JSON"});
  ExpectRefused("[1, 2]", {"array", "not a JSON object"});
  ExpectRefused("42", {"not a JSON object"});
  ExpectRefused(R"({"max_rows": 5} trailing)", {"not JSON"});
  ExpectRefused(R"({"max_rows": 5, "max_rows": 6})",
                {"\"max_rows\" appears twice"});
  ExpectRefused(
      std::string(R"({"tokens_file": ")") + std::string(2 << 20, 'a') + "\"}",
      {"over 1048576 bytes"});
  // Nested objects are values, not keys: only top-level keys count.
  ExpectRefused(R"({"data": {"a": 1, "a": 2}})", {"data", "not a string"});
}

TEST_F(ConfigFileTest, MissingFileAndDirectoryAreNamed) {
  ServerConfig before = config_;
  Status missing = LoadConfigFile(dir_.Sub("absent.json"), &config_);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("absent.json"), std::string::npos);
  Status directory = LoadConfigFile(dir_.path(), &config_);
  EXPECT_EQ(directory.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(directory.message().find("directory"), std::string::npos);
  EXPECT_EQ(config_.listen, before.listen);
}

TEST(ValidateConfigTest, DefaultsPassWithADataDirectory) {
  ServerConfig config;
  EXPECT_EQ(ValidateConfig(config).code(), StatusCode::kInvalidArgument);
  config.data = "/srv/custdb";
  EXPECT_TRUE(ValidateConfig(config).ok()) << ValidateConfig(config).ToString();
}

TEST(ValidateConfigTest, RefusesFlagValuesOutOfRangeAndInconsistentPairs) {
  ServerConfig config;
  config.data = "d";
  config.max_rows = 0;
  EXPECT_NE(ValidateConfig(config).message().find("max_rows: 0"),
            std::string::npos);
  config = ServerConfig();
  config.data = "d";
  config.max_output_bytes = size_t{1} << 62;
  EXPECT_NE(ValidateConfig(config).message().find("max_output_bytes"),
            std::string::npos);
  config = ServerConfig();
  config.data = "d";
  config.max_pre_hello_frame_bytes = 2u << 20;
  config.max_frame_bytes = 1u << 20;
  EXPECT_NE(ValidateConfig(config).message().find("max_pre_hello_frame_bytes"),
            std::string::npos);
  config = ServerConfig();
  config.data = "d";
  config.tls_cert = "c.pem";
  EXPECT_NE(ValidateConfig(config).message().find("tls_key: is empty"),
            std::string::npos);
  config.tls_cert.clear();
  config.tls_key = "k.pem";
  EXPECT_NE(ValidateConfig(config).message().find("tls_cert: is empty"),
            std::string::npos);
  config = ServerConfig();
  config.data = "d";
  config.listen = "nowhere";
  EXPECT_NE(ValidateConfig(config).message().find("listen"), std::string::npos);
}

struct HostPortCase {
  const char* text;
  const char* host;
  uint16_t port;
};

TEST(ParseHostPortTest, AcceptsHostsNamesAndBracketedIpv6) {
  for (const HostPortCase& c :
       {HostPortCase{"127.0.0.1:7420", "127.0.0.1", 7420},
        HostPortCase{"localhost:0", "localhost", 0},
        HostPortCase{"0.0.0.0:65535", "0.0.0.0", 65535},
        HostPortCase{"[::1]:7420", "::1", 7420},
        HostPortCase{"[fe80::1%eth0]:1", "fe80::1%eth0", 1},
        HostPortCase{"db.example:007", "db.example", 7}}) {
    std::string host;
    uint16_t port = 1234;
    Status s = ParseHostPort("--listen", c.text, &host, &port);
    ASSERT_TRUE(s.ok()) << c.text << ": " << s.ToString();
    EXPECT_EQ(host, c.host);
    EXPECT_EQ(port, c.port);
  }
}

TEST(ParseHostPortTest, RefusesMalformedNamingFieldAndValue) {
  for (const char* text : {"",           ":",
                           "7420",       "host",
                           "host:",      ":7420",
                           "host:-1",    "host:+1",
                           "host:65536", "host:99999999999999999999",
                           "host:0x10",  "host:12a",
                           "host: 1",    "::1:7420",
                           "[::1]",      "[::1]7420",
                           "[::1:7420",  "[]:1",
                           "ho st:1",    "host:1 ",
                           "[a]b]:1"}) {
    std::string host = "unchanged";
    uint16_t port = 1234;
    Status s = ParseHostPort("--metrics", text, &host, &port);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << "'" << text << "'";
    EXPECT_NE(s.message().find("--metrics"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(std::string("\"") + text + "\""),
              std::string::npos)
        << s.message();
    EXPECT_EQ(host, "unchanged");
    EXPECT_EQ(port, 1234);
  }
}

// The duration `text` gives, or -1 after failing the test.
int64_t Ms(const std::string& text) {
  Result<int64_t> r = ParseDuration("--rescore-every", text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : -1;
}

TEST(ParseDurationTest, AcceptsEachUnitAndZero) {
  EXPECT_EQ(Ms("0"), 0);
  EXPECT_EQ(Ms("1h"), 3600000);
  EXPECT_EQ(Ms("30m"), 1800000);
  EXPECT_EQ(Ms("45s"), 45000);
  EXPECT_EQ(Ms("250ms"), 250);
  EXPECT_EQ(Ms("0s"), 0);
  EXPECT_EQ(Ms("8784h"),
            8784LL * 3600000);  // 366 days, the longest
}

TEST(ParseDurationTest, RefusesEverythingElseNamingFieldAndText) {
  for (const char* text :
       {"", "1", "60", "-1h", "+1h", "1.5h", "1 h", " 1h", "1h ", "1d", "1H",
        "h", "ms", "1hm", "1h30m", "8785h", "99999999999999999999ms",
        "9223372036854775807ms", "0x10s"}) {
    Result<int64_t> r = ParseDuration("--rescore-every", text);
    ASSERT_FALSE(r.ok()) << "'" << text << "'";
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(std::string("--rescore-every: \"") +
                                        text + "\""),
              std::string::npos)
        << r.status().message();
  }
}

}  // namespace
}  // namespace server
}  // namespace custdb
