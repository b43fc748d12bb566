// Offline commands on a directory another process holds: with a holder
// file (DIR/SERVER.json, as `custdb serve` writes it) the message names the
// lock, the server's pid and address and how to reach it; without one, or
// with a stale one, it names the lock and keeps the engine's error. The
// test process plays the server: its Engine holds the LOCK and it writes
// the holder file with the server's functions.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "server/holder_file.h"
#include "support/test_util.h"
#include "tools/cli_run.h"

namespace custdb {
namespace {

using test::CustdbSplit;
using test::Quote;

class ServerLockCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.Sub("db");
    engine_ = test::OpenTestEngine(db_);
    ASSERT_NE(engine_, nullptr);
    Customer c;
    c.code = "C-1";
    ASSERT_TRUE(engine_->CreateCustomer(c).ok());
    ASSERT_TRUE(engine_->Flush().ok());
  }

  test::CommandRun Run(const std::string& args) {
    return CustdbSplit(args + " --data " + Quote(db_), dir_.Sub("stderr.txt"));
  }

  std::string Pid() const { return std::to_string(::getpid()); }

  test::TempDir dir_;
  std::string db_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(ServerLockCliTest, StoreCommandNamesTheServerAndItsAddress) {
  ASSERT_TRUE(server::WriteHolderFile(db_, "127.0.0.1:7420").ok());
  const test::CommandRun run = Run("rescore");
  EXPECT_EQ(run.exit_code, 3) << run.error;
  const std::string expected = "custdb rescore: cannot open the database in " +
                               db_ + ": it is locked (" + db_ +
                               "/LOCK) by custdb serve, pid " + Pid() +
                               ", listening on 127.0.0.1:7420 since ";
  EXPECT_EQ(run.error.rfind(expected, 0), 0u) << run.error;
  EXPECT_NE(
      run.error.find("; use --connect 127.0.0.1:7420 or stop the server\n"),
      std::string::npos)
      << run.error;
  EXPECT_EQ(run.output, "");
}

TEST_F(ServerLockCliTest, WildcardListenSuggestsLoopback) {
  ASSERT_TRUE(server::WriteHolderFile(db_, "0.0.0.0:7555").ok());
  const test::CommandRun run = Run("rescore --full");
  EXPECT_NE(run.error.find("listening on 0.0.0.0:7555"), std::string::npos)
      << run.error;
  EXPECT_NE(run.error.find("use --connect 127.0.0.1:7555"), std::string::npos)
      << run.error;
}

TEST_F(ServerLockCliTest, EngineCommandSaysStopTheServer) {
  ASSERT_TRUE(server::WriteHolderFile(db_, "127.0.0.1:7420").ok());
  const test::CommandRun run =
      Run("checkpoint --to " + Quote(dir_.Sub("copy")));
  EXPECT_EQ(run.exit_code, 3) << run.error;
  EXPECT_NE(
      run.error.find("locked (" + db_ + "/LOCK) by custdb serve, pid " + Pid()),
      std::string::npos)
      << run.error;
  EXPECT_NE(run.error.find("; stop the server first"), std::string::npos)
      << run.error;
  EXPECT_EQ(run.error.find("--connect"), std::string::npos) << run.error;
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("copy")));
}

TEST_F(ServerLockCliTest, WithoutAHolderFileTheLockAndTheErrorAreNamed) {
  const test::CommandRun run = Run("rescore");
  EXPECT_EQ(run.exit_code, 3) << run.error;
  EXPECT_NE(
      run.error.find("cannot open the database in " + db_ + ": it is locked (" +
                     db_ + "/LOCK) by another process: busy: "),
      std::string::npos)
      << run.error;
  EXPECT_NE(run.error.find(db_ + "/LOCK"), std::string::npos) << run.error;
}

TEST_F(ServerLockCliTest, StaleHolderFileIsNotBelieved) {
  std::ofstream(server::HolderFilePath(db_))
      << R"({"program": "custdb serve", "pid": 2147483646,)"
      << R"( "listen": "127.0.0.1:7420", "started_ms": 0})";
  const test::CommandRun run = Run("rescore");
  EXPECT_EQ(run.exit_code, 3) << run.error;
  EXPECT_NE(
      run.error.find("by another process (" + server::HolderFilePath(db_) +
                     " names custdb serve, pid 2147483646, which is no "
                     "longer running)"),
      std::string::npos)
      << run.error;
  EXPECT_EQ(run.error.find("--connect"), std::string::npos) << run.error;
}

// Read-only commands take no lock (Options::read_only), so they still
// read beside the server, as they read beside any writer.
TEST_F(ServerLockCliTest, ReadOnlyCommandsStillRead) {
  ASSERT_TRUE(server::WriteHolderFile(db_, "127.0.0.1:7420").ok());
  const test::CommandRun run = Run("view --code C-1 --json");
  EXPECT_EQ(run.exit_code, 0) << run.error;
  EXPECT_NE(run.output.find("\"C-1\""), std::string::npos) << run.output;
}

// Once the server has stopped (holder file removed, engine closed), the
// offline command runs.
TEST_F(ServerLockCliTest, AfterTheServerStopsTheCommandRuns) {
  ASSERT_TRUE(server::WriteHolderFile(db_, "127.0.0.1:7420").ok());
  ASSERT_TRUE(server::RemoveHolderFile(db_).ok());
  engine_.reset();
  EXPECT_FALSE(std::filesystem::exists(server::HolderFilePath(db_)));
  const test::CommandRun run = Run("rescore");
  EXPECT_EQ(run.exit_code, 0) << run.error;
}

}  // namespace
}  // namespace custdb
