// --connect on the custdb commands: the flag checks that run before
// anything is opened or dialled (exactly one of --data and --connect,
// HOST:PORT, the token flags, the engine-only commands that refuse it),
// and, against a live `custdb serve`, that every remote command prints
// exactly what it prints on the directory. The live half skips while
// Client::Connect is a stub.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_util.h"
#include "tools/cli_run.h"
#include "tools/serve_process.h"

namespace custdb {
namespace {

using test::CommandRun;
using test::Quote;

class ConnectCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.Sub("db");
    std::unique_ptr<Engine> engine = test::OpenTestEngine(db_);
    ASSERT_NE(engine, nullptr);
    Fill(*engine);
  }

  // Channels 1 and 2 (child of 1), four customers with orders and an
  // interaction, so that every report has rows.
  static void Fill(Engine& engine) {
    test::PutChannelTree(&engine, {{1, 0}, {2, 1}});
    const struct {
      uint64_t id;
      const char* code;
      uint64_t owner;
    } customers[] = {
        {1, "C-1", 1}, {2, "C-2", 2}, {3, "C-3", 2}, {4, "C-4", 1}};
    for (const auto& c : customers) {
      Customer customer;
      customer.id = c.id;
      customer.code = c.code;
      customer.name = std::string("Customer, \"") + c.code + "\"";
      customer.owner_channel_id = c.owner;
      customer.region = c.id % 2 ? "EU" : "US";
      ASSERT_TRUE(engine.CreateCustomer(customer).ok());
    }
    ASSERT_TRUE(
        engine.RecordOrder(test::NewOrder(11, 1, 1, test::DaysAgo(3), 350000))
            .ok());
    ASSERT_TRUE(
        engine.RecordOrder(test::NewOrder(12, 1, 2, test::DaysAgo(40), 9000))
            .ok());
    ASSERT_TRUE(
        engine.RecordOrder(test::NewOrder(21, 2, 2, test::DaysAgo(200), 45000))
            .ok());
    ASSERT_TRUE(
        engine.RecordOrder(test::NewOrder(31, 3, 1, test::DaysAgo(1), 1500))
            .ok());
    Interaction call =
        test::NewInteraction(2, 2, test::DaysAgo(100), InteractionKind::kCall);
    call.satisfaction = 4;
    call.nps = 9;
    ASSERT_TRUE(engine.RecordInteraction(call).ok());
  }

  CommandRun Run(const std::string& args) {
    return test::CustdbSplit(args, dir_.Sub("stderr.txt"));
  }

  // Expects the command to fail as a usage error (exit 2) before anything
  // is opened, with exactly `message` on stderr and nothing on stdout.
  void ExpectUsage(const std::string& args, const std::string& message) {
    const CommandRun run = Run(args);
    EXPECT_EQ(run.exit_code, 2) << args << "\n" << run.error;
    EXPECT_EQ(run.error, message + "\n") << args;
    EXPECT_EQ(run.output, "") << args;
  }

  std::string Data() const { return " --data " + Quote(db_); }

  test::TempDir dir_;
  std::string db_;
};

TEST_F(ConnectCliTest, NeitherDataNorConnectNamesBoth) {
  ExpectUsage("view --code C-1",
              "custdb view: give --data DIR or --connect HOST:PORT");
  ExpectUsage("report tiers",
              "custdb report tiers: give --data DIR or --connect HOST:PORT");
  ExpectUsage("stats", "custdb stats: give --data DIR or --connect HOST:PORT");
}

TEST_F(ConnectCliTest, BothDataAndConnectIsRefused) {
  ExpectUsage("find" + Data() + " --connect 127.0.0.1:7420",
              "custdb find: give --data DIR or --connect HOST:PORT, not both");
  ExpectUsage(
      "export --connect 127.0.0.1:7420" + Data(),
      "custdb export: give --data DIR or --connect HOST:PORT, not both");
}

TEST_F(ConnectCliTest, MalformedAddressNamesTheFlagAndTheValue) {
  const struct {
    const char* value;
    const char* why;
  } cases[] = {
      {"localhost", "has no port (expected HOST:PORT, or [IPV6]:PORT)"},
      {":7420", "has no host (expected HOST:PORT, or [IPV6]:PORT)"},
      {"localhost:", "has port '', not a number 1..65535"},
      {"localhost:0", "has port '0', not a number 1..65535"},
      {"localhost:65536", "has port '65536', not a number 1..65535"},
      {"localhost:74x", "has port '74x', not a number 1..65535"},
      {"localhost:-1", "has port '-1', not a number 1..65535"},
      {"::1:7420",
       "is an IPv6 address without brackets (write it as [::1]:7420)"},
      {"[::1:7420", "has no closing ']' (expected HOST:PORT, or [IPV6]:PORT)"},
      {"[::1]7420",
       "has no :PORT after ']' (expected HOST:PORT, or "
       "[IPV6]:PORT)"},
      {"[]:7420", "has no host (expected HOST:PORT, or [IPV6]:PORT)"},
      {"", "has no port (expected HOST:PORT, or [IPV6]:PORT)"},
  };
  for (const auto& c : cases) {
    ExpectUsage(
        "view --id 1 --connect " + Quote(c.value),
        std::string("custdb view: --connect: '") + c.value + "' " + c.why);
  }
}

// A well-formed address (IPv6 in brackets too) passes the checks and is
// dialled; with nothing listening the command fails (exit 3) naming it.
TEST_F(ConnectCliTest, WellFormedAddressIsDialled) {
  const std::string port = std::to_string(test::FreeLoopbackPort());
  for (const std::string& address :
       {"127.0.0.1:" + port, "[::1]:" + port, "localhost:" + port}) {
    const CommandRun run = Run("view --id 1 --connect " + address);
    EXPECT_EQ(run.exit_code, 3) << run.error;
    EXPECT_EQ(
        run.error.rfind(
            "custdb view: cannot connect to " + address + ": unavailable: ", 0),
        0u)
        << run.error;
    EXPECT_EQ(run.output, "");
  }
}

TEST_F(ConnectCliTest, TokenFlags) {
  ExpectUsage("view --id 1 --connect 127.0.0.1:7420 --token-file " +
                  Quote(dir_.Sub("missing.token")),
              "custdb view: --token-file: cannot read '" +
                  dir_.Sub("missing.token") + "'");
  const std::string blank = dir_.Sub("blank.token");
  std::ofstream(blank) << "  \n";
  ExpectUsage(
      "view --id 1 --connect 127.0.0.1:7420 --token-file " + Quote(blank),
      "custdb view: --token-file: '" + blank +
          "' has no token on its first line");
  ExpectUsage(
      "view --id 1 --connect 127.0.0.1:7420 --token-file " + Quote(dir_.path()),
      "custdb view: --token-file: '" + dir_.path() + "' is a directory");
  const std::string good = dir_.Sub("good.token");
  std::ofstream(good) << "  secret-token \nsecond line\n";
  ExpectUsage("view --id 1 --connect 127.0.0.1:7420 --token t --token-file " +
                  Quote(good),
              "custdb view: give --token or --token-file, not both");
  ExpectUsage("view --id 1 --token t" + Data(),
              "custdb view: --token applies only with --connect, not with "
              "--data");
  ExpectUsage("view --id 1 --token-file " + Quote(good) + Data(),
              "custdb view: --token-file applies only with --connect, not "
              "with --data");
  const std::string ca = dir_.Sub("ca.pem");
  std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\n";
  ExpectUsage("view --id 1 --tls-ca " + Quote(ca) + Data(),
              "custdb view: --tls-ca applies only with --connect, not with "
              "--data");
  // CLI11 checks that the CA file exists, naming the flag.
  const CommandRun missing_ca = Run(
      "view --id 1 --connect 127.0.0.1:7420 --tls-ca " + Quote(dir_.Sub("no")));
  EXPECT_EQ(missing_ca.exit_code, 2);
  EXPECT_NE(missing_ca.error.find("--tls-ca"), std::string::npos)
      << missing_ca.error;
}

// Import, verify and checkpoint need the embedded engine: --connect gets
// a message saying so, before anything is opened; their --help does not
// offer it, while the commands that work remotely do.
TEST_F(ConnectCliTest, EngineOnlyCommandsRefuseConnect) {
  const std::string csv = dir_.Sub("customers.csv");
  std::ofstream(csv) << "id,code\n";
  const std::string why =
      " needs the embedded engine and cannot run against a server; run it "
      "with --data DIR on the server's host (stop the server first)";
  ExpectUsage("import --connect 127.0.0.1:7420 --format custdb " + Quote(csv),
              "custdb import: --connect: import" + why);
  ExpectUsage("verify --connect 127.0.0.1:7420",
              "custdb verify: --connect: verify" + why);
  ExpectUsage(
      "checkpoint --connect 127.0.0.1:7420 --to " + Quote(dir_.Sub("copy")),
      "custdb checkpoint: --connect: checkpoint" + why);
  ExpectUsage("verify", "custdb verify: --data is required");

  EXPECT_EQ(Run("verify --help").output.find("--connect"), std::string::npos);
  for (const char* command :
       {"view", "find", "churn", "report tiers", "report channel", "stats",
        "rescore", "policy get", "policy set", "export", "shell"}) {
    const CommandRun help = Run(std::string(command) + " --help");
    EXPECT_EQ(help.exit_code, 0) << command;
    for (const char* flag :
         {"--connect", "--token ", "--token-file", "--tls-ca"}) {
      EXPECT_NE(help.output.find(flag), std::string::npos)
          << command << " --help lacks " << flag << ":\n"
          << help.output;
    }
  }
}

// The commands still work on --data as before (the opener's other half).
TEST_F(ConnectCliTest, DataStillWorks) {
  const CommandRun view = Run("view --code C-1" + Data());
  EXPECT_EQ(view.exit_code, 0) << view.error;
  EXPECT_NE(view.output.find("code:             C-1"), std::string::npos)
      << view.output;
}

// Against a live server: each command prints byte for byte what it prints
// on the directory. The offline runs happen first (the server then holds
// the directory's lock); the writing commands run offline on a copy.
TEST_F(ConnectCliTest, RemoteCommandsPrintWhatOfflineCommandsPrint) {
  const std::string unavailable = test::RemoteUnavailableReason();
  if (!unavailable.empty()) GTEST_SKIP() << unavailable;

  const std::string policy_file = dir_.Sub("policy.json");
  {
    const CommandRun policy = Run("policy get --json" + Data());
    ASSERT_EQ(policy.exit_code, 0) << policy.error;
    nlohmann::json p = nlohmann::json::parse(policy.output);
    p["high_min_spend_minor"] = 100000;
    std::ofstream(policy_file) << p.dump(2);
  }
  const std::vector<std::string> reads = {
      "view --code C-1",
      "view --id 2 --json",
      "find",
      "find --json --tier high,medium,low --limit 2",
      "find --explain --json --channel 1 --subtree",
      "churn --as-of 2024-01-01 --inactive-days 30",
      "churn --as-of 2024-01-01 --json",
      "report tiers",
      "report tiers --by segment --split owner --json",
      "report channel --from 2023-01-01 --to 2024-01-02",
      "report channel --from 2023-01-01 --to 2024-01-02 --by day --json",
      "policy get",
      "policy get --json",
      "export --format csv",
      "export --format jsonl",
  };
  const std::vector<std::string> writes = {
      "rescore --full --as-of 2024-01-01 --json",
      "policy set --json " + Quote(policy_file),
      "rescore --full --as-of 2024-01-01",
  };
  std::vector<CommandRun> offline;
  for (const std::string& args : reads) offline.push_back(Run(args + Data()));
  const CommandRun offline_stats = Run("stats --json" + Data());
  // The writes, offline, on a copy of the database as it is now.
  const std::string copy = dir_.Sub("copy");
  ASSERT_EQ(Run("checkpoint --to " + Quote(copy) + Data()).exit_code, 0);
  for (const std::string& args : writes) {
    offline.push_back(Run(args + " --data " + Quote(copy)));
  }

  test::ServeProcess server(db_, dir_.Sub("serve.log"));
  ASSERT_TRUE(server.Ready());
  const std::string connect = " --connect " + server.address();
  std::vector<std::string> all = reads;
  all.insert(all.end(), writes.begin(), writes.end());
  for (size_t i = 0; i < all.size(); ++i) {
    const CommandRun remote = Run(all[i] + connect);
    EXPECT_EQ(offline[i].exit_code, 0) << all[i] << "\n" << offline[i].error;
    EXPECT_EQ(remote.exit_code, offline[i].exit_code) << all[i] << "\n"
                                                      << remote.error;
    EXPECT_EQ(remote.output, offline[i].output) << all[i];
  }
  // Sizes on disk move as the server writes; the counts do not.
  const CommandRun remote_stats = Run("stats --json" + connect);
  ASSERT_EQ(remote_stats.exit_code, 0) << remote_stats.error;
  const nlohmann::json a = nlohmann::json::parse(offline_stats.output);
  const nlohmann::json b = nlohmann::json::parse(remote_stats.output);
  EXPECT_EQ(a["counts"], b["counts"]);
  EXPECT_EQ(a["base_currency"], b["base_currency"]);
  const CommandRun text_stats = Run("stats" + connect);
  EXPECT_EQ(text_stats.output.rfind("database:        " + server.address(), 0),
            0u)
      << text_stats.output;

  // An error the engine gives arrives as the same message.
  const CommandRun missing = Run("view --code NOPE" + connect);
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_EQ(missing.error, Run("view --code NOPE --data " + Quote(copy)).error);
  EXPECT_EQ(server.Stop(), 0) << server.Log();
}

}  // namespace
}  // namespace custdb
