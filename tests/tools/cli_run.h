// Runs the built `custdb` binary for the CLI tests.
#ifndef CUSTDB_TESTS_TOOLS_CLI_RUN_H_
#define CUSTDB_TESTS_TOOLS_CLI_RUN_H_

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace custdb {
namespace test {

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout, and stderr too unless split
  std::string error;   // stderr when split
};

inline std::string Quote(const std::string& s) { return "'" + s + "'"; }

inline std::string CustdbBinary() {
  const std::string binary = std::string(CUSTDB_BINARY_DIR) + "/bin/custdb";
  EXPECT_TRUE(std::filesystem::exists(binary))
      << binary << " is missing: build the custdb target";
  return binary;
}

// Runs `shell_command`, collecting its stdout.
inline CommandRun RunShell(const std::string& shell_command) {
  CommandRun run;
  FILE* pipe = popen(shell_command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) run.output.append(buf, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// Runs the binary with `args` (already shell-quoted), merging stderr in.
inline CommandRun Custdb(const std::string& args) {
  return RunShell(Quote(CustdbBinary()) + " " + args + " 2>&1");
}

// Runs the binary with `args`, stdout in output and stderr in error (kept
// in `stderr_file` meanwhile), so that a test can tell what was printed as
// a result from what was said about it.
inline CommandRun CustdbSplit(const std::string& args,
                              const std::string& stderr_file) {
  CommandRun run =
      RunShell(Quote(CustdbBinary()) + " " + args + " 2>" + Quote(stderr_file));
  std::ifstream in(stderr_file, std::ios::binary);
  std::stringstream err;
  err << in.rdbuf();
  run.error = err.str();
  return run;
}

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_TOOLS_CLI_RUN_H_
