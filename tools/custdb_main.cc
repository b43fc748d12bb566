// custdb: the operator's command line, one subcommand per row of the
// command table (command_table.cc), parsed and run by command_line.cc.
#include <iostream>
#include <string>
#include <vector>

#include "command_line.h"
#include "std_streams.h"

int main(int argc, char** argv) {
  using custdb::tools::kExitFailure;
  using custdb::tools::kExitOk;
  // Before anything opens a file, so that no database file can take the
  // number of a closed standard descriptor.
  if (!custdb::tools::EnsureStandardStreams()) return kExitFailure;
  const int code = custdb::tools::RunCommandLine(
      argc > 0 ? argv[0] : "custdb",
      std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc),
      /*session=*/nullptr);
  // A result that did not reach stdout is a failed command, whatever the
  // command itself returned.
  if (!custdb::tools::StandardOutputWritten()) {
    std::cerr << "custdb: cannot write to standard output: "
              << "the result is incomplete\n";
    return code == kExitOk ? kExitFailure : code;
  }
  return code;
}
