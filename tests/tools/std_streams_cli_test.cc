// The `custdb` binary with closed or failing standard streams (issue 12,
// item 13): a closed descriptor must never be taken by a database file, and
// a result that cannot be written is a failure.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/test_util.h"
#include "tools/cli_run.h"

namespace custdb {
namespace {

using test::CommandRun;
using test::Custdb;
using test::CustdbBinary;
using test::Quote;
using test::RunShell;
using test::TempDir;

class StdStreamsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string customers = dir_.Sub("c.csv");
    std::ofstream(customers, std::ios::binary)
        << "code,name\nMARKER-A,Ann\nMARKER-B,Bob\n";
    ASSERT_EQ(Custdb("import --data " + Data() + " --format custdb " +
                     Quote(customers))
                  .exit_code,
              0);
  }
  std::string Data() const { return Quote(dir_.Sub("db")); }

  // True if any file of the database directory holds `needle`.
  bool DatabaseFilesContain(const std::string& needle) const {
    for (const auto& entry :
         std::filesystem::directory_iterator(dir_.Sub("db"))) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream content;
      content << in.rdbuf();
      if (content.str().find(needle) != std::string::npos) return true;
    }
    return false;
  }

  // Runs custdb with `args` and `redirections` applied by the shell,
  // stderr to a file; returns the exit code, *err the stderr text.
  int Run(const std::string& args, const std::string& redirections,
          std::string* err) {
    const std::string err_file = dir_.Sub("stderr.txt");
    const CommandRun run = RunShell(Quote(CustdbBinary()) + " " + args + " " +
                                    redirections + " 2>" + Quote(err_file));
    std::ifstream in(err_file);
    std::stringstream text;
    text << in.rdbuf();
    *err = text.str();
    return run.exit_code;
  }

  TempDir dir_;
};

// Every command that opens a database, with stdout closed: it must fail
// before opening, and nothing it would have printed may land in the
// database directory (RocksDB's LOG would otherwise take descriptor 1).
TEST_F(StdStreamsCliTest, ClosedStdoutFailsBeforeOpeningTheDatabase) {
  const std::string commands[] = {"export --what customers --format csv",
                                  "stats",
                                  "verify",
                                  "view --code MARKER-A",
                                  "find",
                                  "report tiers",
                                  "policy get"};
  for (const std::string& command : commands) {
    SCOPED_TRACE(command);
    std::string err;
    EXPECT_EQ(Run(command + " --data " + Data(), ">&-", &err), 3);
    EXPECT_NE(err.find("standard output (descriptor 1) is closed"),
              std::string::npos)
        << err;
  }
  EXPECT_FALSE(DatabaseFilesContain("MARKER-B,Bob"));
  EXPECT_FALSE(DatabaseFilesContain("\"code\": \"MARKER-A\""));
}

TEST_F(StdStreamsCliTest, ClosedStderrFails) {
  const CommandRun run =
      RunShell(Quote(CustdbBinary()) + " stats --data " + Data() + " 2>&-");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.output, "");
}

// A closed stdin is harmless: the command runs, and still no database file
// takes descriptor 0.
TEST_F(StdStreamsCliTest, ClosedStdinStillRuns) {
  std::string err;
  EXPECT_EQ(Run("stats --data " + Data(), "<&- >/dev/null", &err), 0) << err;
}

// Writes that fail (a full disk) make the command fail, for export and for
// every command that prints its result on stdout.
TEST_F(StdStreamsCliTest, FailedWritesToStdoutExitNonZero) {
  std::string err;
  EXPECT_EQ(Run("export --data " + Data() + " --what customers --format csv",
                ">/dev/full", &err),
            3);
  EXPECT_NE(err.find("cannot write to standard output"), std::string::npos)
      << err;
  EXPECT_EQ(err.find(" customers\n"), std::string::npos)
      << "export claimed success: " << err;
  EXPECT_EQ(Run("stats --data " + Data(), ">/dev/full", &err), 3);
  EXPECT_NE(err.find("cannot write to standard output"), std::string::npos)
      << err;
}

}  // namespace
}  // namespace custdb
