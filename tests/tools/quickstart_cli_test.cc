// scripts/quickstart, end to end (long: it builds, and imports the whole
// Online Retail file): without CUSTDB_QUICKSTART_NO_SERVE it ends by
// serving the data, prints a ready-to-paste `custdb view --connect …
// --code 12347` line that works as printed, and stops cleanly on Ctrl-C
// (SIGINT). Skips while Client::Connect is a stub.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include "support/test_util.h"
#include "tools/cli_run.h"
#include "tools/serve_process.h"

namespace custdb {
namespace {

class QuickstartLongTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
};

TEST_F(QuickstartLongTest, ServesTheDemoDataAndPrintsAWorkingViewLine) {
  const std::string unavailable = test::RemoteUnavailableReason();
  if (!unavailable.empty()) GTEST_SKIP() << unavailable;
  const int port = test::FreeLoopbackPort();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  test::ChildProcess quickstart(
      {"/bin/bash", std::string(CUSTDB_SOURCE_DIR) + "/scripts/quickstart"},
      dir_.Sub("quickstart.log"),
      {"CUSTDB_QUICKSTART_LISTEN=" + listen,
       "CUSTDB_QUICKSTART_DATA=" + dir_.Sub("custdb-data")});
  // Install check, build (up to date under the tests), import, verify.
  ASSERT_TRUE(
      test::WaitUntilListening(port, quickstart, std::chrono::seconds(1500)));

  // The line to paste, as printed: the indented `custdb view` line.
  const std::string log = quickstart.Log();
  const std::string tail = "custdb view --connect " + listen + " --code 12347";
  const size_t end = log.find(tail);
  ASSERT_NE(end, std::string::npos) << log;
  const size_t begin = log.rfind("\n  ", end);
  ASSERT_NE(begin, std::string::npos) << log;
  const std::string line = log.substr(begin + 3, end + tail.size() - begin - 3);
  // An absolute path to the binary the script built: pastes anywhere.
  EXPECT_EQ(
      line.rfind(std::string(CUSTDB_SOURCE_DIR) + "/build/bin/custdb ", 0), 0u)
      << line;
  const test::CommandRun view = test::RunShell(line + " 2>&1");
  EXPECT_EQ(view.exit_code, 0) << view.output;
  EXPECT_NE(view.output.find("code:             12347"), std::string::npos)
      << view.output;
  EXPECT_NE(view.output.find("recent orders ("), std::string::npos)
      << view.output;

  // Ctrl-C: the exec'd server shuts down cleanly, exit 0.
  EXPECT_EQ(quickstart.Stop(SIGINT, std::chrono::seconds(60)), 0)
      << quickstart.Log();
  // And the directory is free again: an offline command opens it.
  const test::CommandRun offline = test::Custdb(
      "view --code 12347 --data " + test::Quote(dir_.Sub("custdb-data")));
  EXPECT_EQ(offline.exit_code, 0) << offline.output;
}

}  // namespace
}  // namespace custdb
