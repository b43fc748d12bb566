// The operator commands (rescore, report, find, churn, view, policy) reject
// bad flag values before they open the database: exit 2, a message naming
// the flag and the value, nothing on stdout, nothing written
// (docs/OPERATIONS.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/test_util.h"
#include "tools/cli_run.h"

namespace custdb {
namespace {

using test::CommandRun;
using test::CustdbSplit;
using test::Quote;
using test::TempDir;

struct BadInput {
  std::string args;                  // after --data
  std::vector<std::string> message;  // each must appear on stderr
};

class OperatorArgsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // An existing directory that holds no database: a command that got as
    // far as opening it would fail with exit 3, so exit 2 shows that the
    // flags were rejected first, and the directory staying empty shows
    // that nothing was written.
    std::filesystem::create_directory(Empty());
  }

  std::string Empty() const { return dir_.Sub("empty"); }

  std::string File(const std::string& name, const std::string& content) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // `command` is the subcommand words; `input.args` follow --data.
  void ExpectRejected(const std::string& command, const BadInput& input) {
    const std::string args =
        command + " --data " + Quote(Empty()) + " " + input.args;
    const CommandRun run = CustdbSplit(args, dir_.Sub("stderr.txt"));
    EXPECT_EQ(run.exit_code, 2) << args << "\n" << run.error;
    EXPECT_EQ(run.output, "") << args;
    for (const std::string& part : input.message) {
      EXPECT_NE(run.error.find(part), std::string::npos)
          << args << ": stderr lacks \"" << part << "\":\n"
          << run.error;
    }
    EXPECT_TRUE(std::filesystem::is_empty(Empty())) << args;
  }

  TempDir dir_;
};

TEST_F(OperatorArgsCliTest, FindRejectsUnknownNames) {
  for (const BadInput& input : std::vector<BadInput>{
           {"--tier gold", {"--tier", "'gold'", "value tier"}},
           {"--tier high,gold", {"--tier", "'gold'"}},
           {"--tier high --tier Gold", {"--tier", "'Gold'"}},
           {"--stage zombie", {"--stage", "'zombie'", "lifecycle stage"}},
           {"--stage active,at-risk", {"--stage", "'at-risk'"}},
           {"--order cheapest", {"--order", "'cheapest'"}},
       }) {
    ExpectRejected("find", input);
  }
}

TEST_F(OperatorArgsCliTest, FindRejectsInvertedRanges) {
  for (const BadInput& input : std::vector<BadInput>{
           {"--min-spend 500 --max-spend 100",
            {"--min-spend 500", "--max-spend 100"}},
           {"--min-spend 1 --max-spend -1",
            {"--min-spend 1", "--max-spend -1"}},
           {"--min-orders 3 --max-orders 2",
            {"--min-orders 3", "--max-orders 2"}},
           {"--active-since 2024-06-01 --inactive-since 2024-01-01",
            {"--active-since 2024-06-01", "--inactive-since 2024-01-01"}},
           {"--active-since 2024-06-01 --inactive-since 2024-06-01",
            {"--active-since", "--inactive-since"}},
       }) {
    ExpectRejected("find", input);
  }
}

TEST_F(OperatorArgsCliTest, FindRejectsMalformedTimesAndNumbers) {
  for (const BadInput& input : std::vector<BadInput>{
           {"--active-since 2024-13-01", {"--active-since", "'2024-13-01'"}},
           {"--inactive-since yesterday", {"--inactive-since", "'yesterday'"}},
           {"--active-since 2024-02-30", {"--active-since", "'2024-02-30'"}},
           {"--active-since '2024-01-01T00:00:00+01:00'",
            {"--active-since", "'2024-01-01T00:00:00+01:00'"}},
           {"--min-spend 12.50", {"--min-spend", "12.50"}},
           {"--min-orders -1", {"--min-orders", "-1"}},
           {"--channel 0", {"--channel", "'0'"}},
           {"--channel web", {"--channel", "'web'"}},
           {"--subtree", {"--subtree", "--channel"}},
       }) {
    ExpectRejected("find", input);
  }
}

TEST_F(OperatorArgsCliTest, LimitMustBeOneToTenThousand) {
  for (const std::string command : {"find", "churn"}) {
    for (const BadInput& input : std::vector<BadInput>{
             {"--limit 0", {"--limit", "0", "10000"}},
             {"--limit 10001", {"--limit", "10001", "10000"}},
             {"--limit -5", {"--limit", "-5"}},
             {"--limit ten", {"--limit", "ten"}},
         }) {
      ExpectRejected(command, input);
    }
  }
}

TEST_F(OperatorArgsCliTest, ChurnRejectsBadValues) {
  for (const BadInput& input : std::vector<BadInput>{
           {"--as-of 2024-1-5", {"--as-of", "'2024-1-5'"}},
           {"--as-of now", {"--as-of", "'now'"}},
           {"--tier platinum", {"--tier", "'platinum'"}},
           {"--inactive-days 0", {"--inactive-days", "'0'"}},
           {"--inactive-days -30", {"--inactive-days", "'-30'"}},
           {"--channel 0", {"--channel", "'0'"}},
       }) {
    ExpectRejected("churn", input);
  }
}

TEST_F(OperatorArgsCliTest, RescoreRejectsAMalformedTime) {
  for (const BadInput& input : std::vector<BadInput>{
           {"--as-of 2024-02-30", {"--as-of", "'2024-02-30'"}},
           {"--as-of 1700000000000", {"--as-of", "'1700000000000'"}},
           {"--as-of ''", {"--as-of", "''"}},
       }) {
    ExpectRejected("rescore", input);
  }
}

TEST_F(OperatorArgsCliTest, ReportTiersRejectsBadValues) {
  for (const BadInput& input : std::vector<BadInput>{
           {"--by colour", {"--by", "'colour'", "tier, segment, lifecycle"}},
           {"--by Tier", {"--by", "'Tier'"}},
           {"--split channel", {"--split", "'channel'", "none, owner, region"}},
           {"--split Region", {"--split", "'Region'"}},
           {"--channel 0", {"--channel", "'0'"}},
           {"--no-subtree", {"--no-subtree", "--channel"}},
       }) {
    ExpectRejected("report tiers", input);
  }
}

TEST_F(OperatorArgsCliTest, ReportChannelRejectsBadValues) {
  for (const BadInput& input : std::vector<BadInput>{
           {"--by week", {"--by", "'week'", "day or total"}},
           {"--from 2024-02-01 --to 2024-01-01",
            {"--from 2024-02-01", "--to 2024-01-01"}},
           {"--from 2024-01-01 --to 2024-01-01",
            {"--from 2024-01-01", "--to 2024-01-01"}},
           {"--from 2024-01-01T10:00:00Z --to 2024-01-02",
            {"--from", "'2024-01-01T10:00:00Z'", "time of day", "YYYY-MM-DD"}},
           {"--from 2024-01-01 --to '2024-01-02 00:00:01'",
            {"--to", "'2024-01-02 00:00:01'", "time of day"}},
           {"--to 2024-01-02T00:00:00.001Z", {"--to", "time of day"}},
           {"--from 01/02/2024", {"--from", "'01/02/2024'"}},
           {"--to 2024-01-32", {"--to", "'2024-01-32'"}},
           {"--channel -1", {"--channel", "'-1'"}},
           {"--no-subtree", {"--no-subtree", "--channel"}},
       }) {
    ExpectRejected("report channel", input);
  }
}

TEST_F(OperatorArgsCliTest, ViewNeedsExactlyOneOfIdAndCode) {
  for (const BadInput& input : std::vector<BadInput>{
           {"", {"--id", "--code"}},
           {"--json", {"--id", "--code"}},
           {"--id 1 --code C-1", {"--id", "--code", "not both"}},
           {"--id 0", {"--id", "'0'"}},
           {"--id -3", {"--id", "'-3'"}},
           {"--id abc", {"--id", "'abc'"}},
       }) {
    ExpectRejected("view", input);
  }
}

TEST_F(OperatorArgsCliTest, PolicySetRejectsABadFile) {
  const std::string not_json = File("not.json", "{\"new_days\": 30,,}");
  const std::string unknown =
      File("unknown.json", R"({"hihg_min_spend_minor": 100})");
  const std::string wrong_type =
      File("type.json", R"({"new_days": "30", "recency_days": [1, 2, 3]})");
  const std::string bad_segment =
      File("segment.json",
           R"({"segments": [{"name": "All", "r": [1, 5], "f": 1, "x": 2}]})");
  const std::string invalid =
      File("invalid.json", R"({"new_days": 0, "high_min_spend_minor": 100})");
  const std::string uncovered = File(
      "uncovered.json",
      R"({"segments": [{"name": "Top", "r": [5, 5], "f": [1, 5], "m": [1, 5]}]})");
  const std::string array = File("array.json", "[1, 2]");
  for (const BadInput& input : std::vector<BadInput>{
           {Quote(not_json), {not_json, "not JSON"}},
           {Quote(unknown),
            {unknown, "policy.hihg_min_spend_minor", "unknown"}},
           {Quote(wrong_type),
            {"policy.new_days: \"30\"", "policy.recency_days", "4 integers"}},
           {Quote(bad_segment),
            {"policy.segments[0].f: 1", "policy.segments[0].x: unknown"}},
           // ValidatePolicy's problems, all of them.
           {Quote(invalid),
            {invalid, "new_days 0",
             "policy.high_min_spend_minor: 100 is below "
             "policy.medium_min_spend_minor 30000"}},
           {Quote(uncovered), {"100 score cells match no rule"}},
           {Quote(array), {"expected a JSON object"}},
       }) {
    ExpectRejected("policy set", input);
  }
}

TEST_F(OperatorArgsCliTest, PolicySetNeedsAnExistingFile) {
  ExpectRejected("policy set",
                 {Quote(dir_.Sub("missing.json")), {"missing.json"}});
  ExpectRejected("policy set", {"", {"file"}});
}

TEST_F(OperatorArgsCliTest, PolicySetFillsLeftOutFieldsFromTheDefault) {
  // One field given: the rest is DefaultPolicy(), which is valid, so the
  // command gets as far as opening the (absent) database: exit 3, not 2.
  const std::string one = File("one.json", R"({"high_min_spend_minor": 350000,
                                              "version": 7})");
  const CommandRun run =
      CustdbSplit("policy set --data " + Quote(Empty()) + " " + Quote(one),
                  dir_.Sub("stderr.txt"));
  EXPECT_EQ(run.exit_code, 3) << run.error;
  EXPECT_NE(run.error.find("cannot open the database"), std::string::npos)
      << run.error;
}

TEST_F(OperatorArgsCliTest, UnknownSubcommandsAndMissingDataAreUsageErrors) {
  for (const std::string args :
       {"report", "report weekly --data .", "policy", "policy show --data .",
        "find", "churn --limit 5", "view --id 1", "rescore --full"}) {
    const CommandRun run = CustdbSplit(args, dir_.Sub("stderr.txt"));
    EXPECT_EQ(run.exit_code, 2) << args << "\n" << run.error;
  }
  const CommandRun missing = CustdbSplit(
      "find --data " + Quote(dir_.Sub("no-such-dir")), dir_.Sub("stderr.txt"));
  EXPECT_EQ(missing.exit_code, 2) << missing.error;
  EXPECT_NE(missing.error.find("no-such-dir"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("no-such-dir")));
}

TEST_F(OperatorArgsCliTest, EveryOperatorCommandHasHelp) {
  for (const std::string command :
       {"rescore", "report tiers", "report channel", "find", "churn", "view",
        "policy get", "policy set"}) {
    const CommandRun run =
        CustdbSplit(command + " --help", dir_.Sub("stderr.txt"));
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_NE(run.output.find("--data"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("--json"), std::string::npos) << run.output;
  }
}

}  // namespace
}  // namespace custdb
