// The `custdb` subcommands: the interface each implements and the table,
// one row per command, that custdb_main.cc turns into the command line.
#ifndef CUSTDB_TOOLS_COMMAND_TABLE_H_
#define CUSTDB_TOOLS_COMMAND_TABLE_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "command_util.h"
#include "custdb/client.h"
#include "custdb/engine.h"
#include "custdb/options.h"
#include "custdb/store.h"
#include "store_opener.h"

namespace custdb {
namespace tools {

// What main opens for a command before running it. kStore commands call
// only the Store API, so they run unchanged over anything that implements
// it: an Engine with --data, a Client with --connect.
enum class Needs {
  kNone,    // nothing: the command opens no database
  kStore,   // a Store: an Engine from OpenEngine, a Client from OpenClient
  kEngine,  // the embedded Engine, from OpenEngine (or, for a command whose
            // RunsOverClient is true, a Client with --connect)
};

// One subcommand. Main creates it, lets it add its flags, parses the
// command line, then calls Check and, if that passes, opens what the row
// needs and calls the one Run* that matches. The object owns its flags'
// values for the whole run.
class Command {
 public:
  virtual ~Command() = default;

  // Adds the command's own flags to `cmd`. For kStore and kEngine rows main
  // has added the database flags (--data, --connect …) first.
  virtual void AddFlags(CLI::App& cmd) = 0;

  // Checks the parsed flag values before anything is opened, so that a bad
  // value never opens (let alone creates) a database. kExitOk to go on;
  // otherwise the exit code, after printing why.
  virtual int Check() { return kExitOk; }

  // kEngine: what the Engine opens with beyond the path and the row's
  // access (import: the base currency of a new database). After Check.
  virtual void SetEngineOptions(Options* /*options*/) const {}

  // The run of a kNone, kStore or kEngine row; returns the exit code. `dir`
  // is the database directory, for the commands that print it. A command
  // overrides the one its row needs; main never calls the others.
  virtual int RunAlone() { return kExitFailure; }
  virtual int RunOnStore(Store& /*store*/) { return kExitFailure; }
  virtual int RunOnEngine(Engine& /*engine*/, const std::string& /*dir*/) {
    return kExitFailure;
  }

  // A kEngine command that also works against a server returns true and
  // implements RunOnClient (stats: Client::GetStats; export: the Store
  // API); the others take --data only, and --connect is refused with a
  // message saying so. `address` is the --connect value, for the commands
  // that print where the database is. (kStore commands run over a Client
  // through RunOnStore.)
  virtual bool RunsOverClient() const { return false; }
  virtual int RunOnClient(Client& /*client*/, const std::string& /*address*/) {
    return kExitFailure;
  }
};

// A row of the command table.
struct CommandRow {
  // The subcommand's name; "report tiers" is `tiers` in the group `report`.
  const char* name;
  const char* help;
  Needs needs;
  // How the database opens (kStore, kEngine): read-only, read-write, or
  // created if missing. It also picks --data's help text and checks.
  Access access;
  // The command, with its flags, for one run of the binary.
  std::unique_ptr<Command> (*make)();
};

// A subcommand that only groups others (`report`, `policy`): one of them
// must follow it.
struct CommandGroup {
  const char* name;
  const char* help;
};

// Every command, in the order --help lists them.
const std::vector<CommandRow>& CommandTable();
// The groups that rows name before a space.
const std::vector<CommandGroup>& CommandGroups();

// The commands, each defined in its <name>_command.cc.
std::unique_ptr<Command> MakeImportCommand();
std::unique_ptr<Command> MakeExportCommand();
std::unique_ptr<Command> MakeStatsCommand();
std::unique_ptr<Command> MakeVerifyCommand();
std::unique_ptr<Command> MakeCheckpointCommand();
std::unique_ptr<Command> MakeRescoreCommand();
std::unique_ptr<Command> MakeReportTiersCommand();
std::unique_ptr<Command> MakeReportChannelCommand();
std::unique_ptr<Command> MakeFindCommand();
std::unique_ptr<Command> MakeChurnCommand();
std::unique_ptr<Command> MakeViewCommand();
std::unique_ptr<Command> MakePolicyGetCommand();
std::unique_ptr<Command> MakePolicySetCommand();
std::unique_ptr<Command> MakeServeCommand();
std::unique_ptr<Command> MakeTokenAddCommand();
std::unique_ptr<Command> MakeShellCommand();

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_COMMAND_TABLE_H_
