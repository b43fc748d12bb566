// One `custdb` command line, parsed against the command table and run:
// the path that main and every line of `custdb shell` take, so that a
// command prints the same in both.
#ifndef CUSTDB_TOOLS_COMMAND_LINE_H_
#define CUSTDB_TOOLS_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "command_table.h"
#include "custdb/client.h"
#include "custdb/engine.h"

namespace custdb {
namespace tools {

// A database that `custdb shell` opened once for all the commands of its
// session: exactly one of `engine` (--data) and `client` (--connect).
struct OpenDatabase {
  Engine* engine = nullptr;
  Client* client = nullptr;
};

// Parses `args` (the words after the program name) as one custdb command
// and runs it; returns its exit code. Help, the version and usage errors
// are printed as CLI11 prints them, under the name `program`.
//
// With `session` null the command opens (and closes) what its row needs,
// as --data or --connect say. With a session the command still checks its
// flags (args then carry the shell's --data or --connect), but runs on
// the session's database instead of opening one; a row that opens nothing
// itself (Needs::kNone: the shell, the server) is refused.
int RunCommandLine(const std::string& program,
                   const std::vector<std::string>& args, OpenDatabase* session);

// The row `words` start with ("view", or "report tiers"), or null.
const CommandRow* FindCommandRow(const std::vector<std::string>& words);

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_COMMAND_LINE_H_
