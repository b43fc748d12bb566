// The commands that only read open the database read-only
// (tools/store_opener.h Access): each runs and leaves every file of the
// directory as it was, says so in --help, and runs on a read-only bind
// mount where the sandbox allows one.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "support/test_util.h"
#include "tools/cli_run.h"

namespace custdb {
namespace {

namespace fs = std::filesystem;
using test::CommandRun;
using test::CustdbSplit;
using test::Quote;
using test::TempDir;

// Every read-only command with arguments that make it read something.
const std::vector<std::string>& ReadCommands() {
  static const std::vector<std::string> commands = {
      "stats",
      "stats --json",
      "verify",
      "export --what customers --format csv",
      "export --what customers --format jsonl",
      "view --id 1",
      "view --code C-2 --json",
      "find",
      "find --tier high,low --json",
      "report tiers",
      "report channel --json",
      "churn --as-of 2024-01-01",
      "policy get",
      "policy get --json"};
  return commands;
}

class ReadOnlyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::unique_ptr<Engine> engine = test::OpenTestEngine(dir_.Sub("db"));
    ASSERT_NE(engine, nullptr);
    test::PutChannelTree(engine.get(), {{1, 0}});
    for (uint64_t id : {1, 2}) {
      Customer c;
      c.id = id;
      c.code = "C-" + std::to_string(id);
      c.owner_channel_id = 1;
      ASSERT_TRUE(engine->CreateCustomer(c).ok());
    }
    ASSERT_TRUE(
        engine->RecordOrder(test::NewOrder(10, 1, 1, test::DaysAgo(3), 5000))
            .ok());
  }

  // Runs `command` (a subcommand and its flags) on the database in `dir`.
  CommandRun Run(const std::string& command, const std::string& dir) {
    const size_t flags = command.find(" --");
    const std::string data = " --data " + Quote(dir);
    const std::string args =
        flags == std::string::npos
            ? command + data
            : command.substr(0, flags) + data + command.substr(flags);
    return CustdbSplit(args, dir_.Sub("stderr.txt"));
  }

  TempDir dir_;
};

// Before the fix, RocksDB rewrote LOG, OPTIONS and MANIFEST on every open.
TEST_F(ReadOnlyCliTest, ReadCommandsChangeNothingInTheDirectory) {
  const std::string db = dir_.Sub("db");
  const std::string before = test::DirectoryState(db);
  for (const std::string& command : ReadCommands()) {
    const CommandRun run = Run(command, db);
    EXPECT_EQ(run.exit_code, 0) << command << "\n" << run.error;
    EXPECT_EQ(test::DirectoryState(db), before) << command << " wrote";
  }
}

TEST_F(ReadOnlyCliTest, ReadCommandsRunOnReadOnlyBindMount) {
  const std::string db = dir_.Sub("db");
  // The outputs on the writable directory, to compare with once the path
  // that stats and verify print is replaced.
  std::vector<std::string> expected;
  for (const std::string& command : ReadCommands()) {
    expected.push_back(Run(command, db).output);
  }
  const std::string mount_point = dir_.Sub("ro");
  fs::create_directory(mount_point);
  test::ReadOnlyBindMount mount(db, mount_point);
  if (!mount.ok()) {
    GTEST_SKIP() << mount.why()
                 << "; ReadCommandsChangeNothingInTheDirectory covers the rest";
  }
  for (size_t i = 0; i < ReadCommands().size(); ++i) {
    const std::string& command = ReadCommands()[i];
    const CommandRun run = Run(command, mount_point);
    EXPECT_EQ(run.exit_code, 0) << command << "\n" << run.error;
    std::string output = run.output;
    for (size_t at = output.find(mount_point); at != std::string::npos;
         at = output.find(mount_point, at)) {
      output.replace(at, mount_point.size(), db);
    }
    EXPECT_EQ(output, expected[i]) << command;
  }
  // A writing command fails there (exit 3) naming the database.
  const CommandRun rescore = Run("rescore", mount_point);
  EXPECT_EQ(rescore.exit_code, 3) << rescore.error;
  EXPECT_NE(rescore.error.find("cannot open the database"), std::string::npos)
      << rescore.error;
}

TEST_F(ReadOnlyCliTest, HelpOfEveryReadCommandSaysItOpensReadOnly) {
  for (const std::string command :
       {"stats", "verify", "export", "view", "find", "report tiers",
        "report channel", "churn", "policy get"}) {
    const CommandRun run = test::Custdb(command + " --help");
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_NE(run.output.find("opened read-only"), std::string::npos)
        << command << " --help:\n"
        << run.output;
  }
  for (const std::string command : {"rescore", "policy set", "import"}) {
    const CommandRun run = test::Custdb(command + " --help");
    EXPECT_EQ(run.output.find("read-only"), std::string::npos)
        << command << " --help:\n"
        << run.output;
  }
}

// A database of an older schema is migrated on a read-write open only:
// a read command says so, changes nothing and exits 3.
TEST_F(ReadOnlyCliTest, OlderSchemaIsRefusedWithAClearMessage) {
  const std::string db = dir_.Sub("db");
  ASSERT_EQ(test::RewriteSchemaVersion(db, "1"), "3");
  const std::string before = test::DirectoryState(db);
  const CommandRun run = Run("stats", db);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.error.find("schema_version: 1 is older than this build's 3 "
                           "and must be migrated, which a read-only open "
                           "cannot do"),
            std::string::npos)
      << run.error;
  EXPECT_EQ(test::DirectoryState(db), before);
}

}  // namespace
}  // namespace custdb
