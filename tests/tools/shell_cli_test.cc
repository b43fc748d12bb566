// custdb shell with commands piped in: each line prints exactly what the
// command prints on its own, help lists the commands, quit/exit and the
// end of input end the session, and a bad line is reported without ending
// it. The --connect half skips while Client::Connect is a stub.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "support/test_util.h"
#include "tools/cli_run.h"
#include "tools/serve_process.h"

namespace custdb {
namespace {

using test::CommandRun;
using test::Quote;

class ShellCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.Sub("db");
    std::unique_ptr<Engine> engine = test::OpenTestEngine(db_);
    ASSERT_NE(engine, nullptr);
    test::PutChannelTree(engine.get(), {{1, 0}, {2, 1}});
    for (uint64_t id = 1; id <= 3; ++id) {
      Customer c;
      c.id = id;
      c.code = "C-" + std::to_string(id);
      c.name = "Customer " + std::to_string(id);
      c.owner_channel_id = id == 1 ? 1 : 2;
      ASSERT_TRUE(engine->CreateCustomer(c).ok());
      ASSERT_TRUE(engine
                      ->RecordOrder(test::NewOrder(
                          10 * id, id, 1, test::DaysAgo(10 * id), 120000 * id))
                      .ok());
    }
  }

  CommandRun Run(const std::string& args) {
    return test::CustdbSplit(args, dir_.Sub("stderr.txt"));
  }

  // Runs `custdb shell FLAGS` with `lines` on stdin (a file: not a tty).
  CommandRun Shell(const std::string& flags,
                   const std::vector<std::string>& lines) {
    const std::string input = dir_.Sub("input.txt");
    std::ofstream out(input, std::ios::trunc);
    for (const std::string& line : lines) out << line << "\n";
    out.close();
    return Run("shell " + flags + " < " + Quote(input));
  }

  std::string Data(const std::string& dir) const {
    return " --data " + Quote(dir);
  }

  test::TempDir dir_;
  std::string db_;
};

// The commands that read and write, each run directly (on a copy, in the
// same order) and through one shell session: stdout and stderr match line
// for line, and writes persist from one line to the next.
TEST_F(ShellCliTest, PipedCommandsPrintWhatTheCommandsPrint) {
  const std::string copy = dir_.Sub("copy");
  ASSERT_EQ(Run("checkpoint --to " + Quote(copy) + Data(db_)).exit_code, 0);
  const std::vector<std::string> lines = {
      "view --code C-1",
      "view --code 'C-2' --json",
      "find --tier high,medium",
      "report tiers --by segment",
      "report channel --from 2023-01-01 --to 2024-01-02 --json",
      "churn --as-of 2024-06-01 --inactive-days 30",
      "policy get",
      "stats --json",
      "export --format csv",
      "rescore --full --as-of \"2024-01-01\"",
      "view --id 3 --json",
  };
  std::string direct_out, direct_err;
  for (const std::string& line : lines) {
    // The words as the shell splits them; here the quotes need no help.
    const CommandRun run = Run(line + Data(copy));
    ASSERT_EQ(run.exit_code, 0) << line << "\n" << run.error;
    direct_out += run.output;
    direct_err += run.error;
  }
  const CommandRun shell = Shell(Data(db_), lines);
  EXPECT_EQ(shell.exit_code, 0) << shell.error;
  // stats prints sizes on disk, which differ between the two directories;
  // compare the rest exactly and stats for its counts.
  auto without_stats = [](const std::string& text) {
    const size_t begin = text.find("{\n  \"schema_version\"");
    const size_t end = text.find("\n}\n", begin);
    if (begin == std::string::npos || end == std::string::npos) return text;
    return text.substr(0, begin) + text.substr(end + 3);
  };
  EXPECT_EQ(without_stats(shell.output), without_stats(direct_out));
  EXPECT_NE(shell.output.find("\"customers\": 3"), std::string::npos);
  EXPECT_EQ(shell.error, direct_err);
}

TEST_F(ShellCliTest, HelpListsTheCommandsAndTheirFlags) {
  const CommandRun help = Shell(Data(db_), {"help"});
  EXPECT_EQ(help.exit_code, 0) << help.error;
  for (const char* listed : {"  view ", "  report tiers ", "  policy set ",
                             "  export ", "  quit, exit "}) {
    EXPECT_NE(help.output.find(listed), std::string::npos)
        << listed << " missing from:\n"
        << help.output;
  }
  // Only what runs inside a session: not the shell itself.
  EXPECT_EQ(help.output.find("  shell "), std::string::npos) << help.output;

  const CommandRun view = Shell(Data(db_), {"help view"});
  EXPECT_EQ(view.exit_code, 0) << view.error;
  EXPECT_NE(view.output.find("Usage: custdb view [OPTIONS]"), std::string::npos)
      << view.output;
  EXPECT_NE(view.output.find("--code"), std::string::npos) << view.output;
  const CommandRun group = Shell(Data(db_), {"help report tiers"});
  EXPECT_NE(group.output.find("--split"), std::string::npos) << group.output;
}

TEST_F(ShellCliTest, QuitExitAndEndOfInputEndTheSession) {
  const CommandRun view = Run("view --code C-1" + Data(db_));
  ASSERT_EQ(view.exit_code, 0);
  for (const char* word : {"quit", "exit", "  quit now"}) {
    const CommandRun run =
        Shell(Data(db_), {"view --code C-1", word, "view --code C-2"});
    EXPECT_EQ(run.exit_code, 0) << word << ": " << run.error;
    EXPECT_EQ(run.output, view.output) << word;
    EXPECT_EQ(run.error, "") << word;
  }
  const CommandRun eof = Shell(Data(db_), {"view --code C-1"});
  EXPECT_EQ(eof.exit_code, 0);
  EXPECT_EQ(eof.output, view.output);
  const CommandRun empty = Shell(Data(db_), {});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_EQ(empty.output, "");
}

// A bad line is reported on stderr and the session goes on; the exit code
// is the last line's, as in a POSIX shell.
TEST_F(ShellCliTest, BadLinesAreReportedAndTheSessionGoesOn) {
  const CommandRun view = Run("view --code C-3" + Data(db_));
  const CommandRun run = Shell(
      Data(db_), {"bogus --flag", "view --code 'unbalanced", "find | head",
                  "view --code $(echo x)", "view --id 0", "view --code NOPE",
                  "shell --data /tmp", "serve --listen 127.0.0.1:0", "",
                  "   # a comment", "view --code C-3"});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  EXPECT_EQ(run.output, view.output);
  const std::vector<std::string> said = {
      "custdb shell: 'bogus' is not a command; type help for the list\n",
      "custdb shell: the line has a syntax error (an unbalanced quote?)\n",
      "custdb shell: the line has an unquoted | & ; < > ( ) { } or newline",
      "custdb shell: the line has a command substitution",
      "--id: '0' is not a positive integer",
      "custdb view --code 'NOPE': not_found: ",
      "custdb shell: 'shell' cannot run inside the shell\n",
      // Not a command in every build; where it is, it cannot run inside.
      "custdb shell: 'serve' ",
  };
  size_t at = 0;
  for (const std::string& s : said) {
    const size_t found = run.error.find(s, at);
    EXPECT_NE(found, std::string::npos) << s << "\nin:\n" << run.error;
    if (found != std::string::npos) at = found + s.size();
  }

  const CommandRun last_failed =
      Shell(Data(db_), {"view --code C-1", "view --code NOPE"});
  EXPECT_EQ(last_failed.exit_code, 3) << last_failed.error;
  const CommandRun usage = Shell(Data(db_), {"view"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(usage.error, "custdb view: give --id or --code\n");
}

TEST_F(ShellCliTest, SessionFlagsAreChecked) {
  const CommandRun neither = Shell("", {"help"});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_EQ(neither.error,
            "custdb shell: give --data DIR or --connect HOST:PORT\n");
  const CommandRun both =
      Shell(Data(db_) + " --connect 127.0.0.1:7420", {"help"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(both.error,
            "custdb shell: give --data DIR or --connect HOST:PORT, not "
            "both\n");
  // A line's own --connect clashes with the shell's --data, as it would
  // on the command line.
  const CommandRun clash =
      Shell(Data(db_), {"view --code C-1 --connect 127.0.0.1:7420"});
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_EQ(clash.error,
            "custdb view: give --data DIR or --connect HOST:PORT, not both\n");
}

// The session holds the database open: a second opener is refused while
// it runs (RocksDB's lock), so the shell opened it once, not per line.
TEST_F(ShellCliTest, OpensTheDatabaseOnceForTheSession) {
  const CommandRun run =
      Shell(Data(db_), {"view --code C-1", "rescore --full --as-of 2024-01-01",
                        "policy get --json", "view --code C-1"});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  EXPECT_EQ(run.error, "");

  // While a session is open (it has answered its first line and waits for
  // the next), a writing command finds the directory locked (readers take
  // no lock).
  const std::string out_file = dir_.Sub("session.out");
  FILE* session = popen((Quote(test::CustdbBinary()) + " shell" + Data(db_) +
                         " >" + Quote(out_file) + " 2>&1")
                            .c_str(),
                        "w");
  ASSERT_NE(session, nullptr);
  std::fputs("view --code C-1\n", session);
  std::fflush(session);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string answered;
  while (answered.find("recent interactions") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ifstream in(out_file);
    answered.assign(std::istreambuf_iterator<char>(in), {});
  }
  const CommandRun locked =
      Run("rescore --full --as-of 2024-01-01" + Data(db_));
  EXPECT_EQ(pclose(session), 0);  // end of input ends the session
  EXPECT_NE(answered.find("code:             C-1"), std::string::npos)
      << answered;
  EXPECT_EQ(locked.exit_code, 3);
  EXPECT_NE(locked.error.find("lock"), std::string::npos) << locked.error;
}

TEST_F(ShellCliTest, RemoteSessionPrintsWhatTheCommandsPrint) {
  const std::string unavailable = test::RemoteUnavailableReason();
  if (!unavailable.empty()) GTEST_SKIP() << unavailable;
  const std::vector<std::string> lines = {"view --code C-1", "find --json",
                                          "report tiers", "policy get"};
  std::string direct;
  for (const std::string& line : lines) direct += Run(line + Data(db_)).output;
  test::ServeProcess server(db_, dir_.Sub("serve.log"));
  ASSERT_TRUE(server.Ready());
  const CommandRun shell = Shell("--connect " + server.address(), lines);
  EXPECT_EQ(shell.exit_code, 0) << shell.error;
  EXPECT_EQ(shell.output, direct);
  // help lists only what runs remotely.
  const CommandRun help = Shell("--connect " + server.address(), {"help"});
  EXPECT_NE(help.output.find("  stats "), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("  export "), std::string::npos) << help.output;
  EXPECT_EQ(help.output.find("  verify "), std::string::npos) << help.output;
  EXPECT_EQ(help.output.find("  import "), std::string::npos) << help.output;
  EXPECT_EQ(server.Stop(), 0) << server.Log();
}

}  // namespace
}  // namespace custdb
