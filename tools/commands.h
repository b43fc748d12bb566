// The subcommands of the `custdb` binary. Each Add*Command registers its
// flags on the app; the matching Run* runs it and returns the exit code.
// The commands only parse, call the engine library and print.
#ifndef CUSTDB_TOOLS_COMMANDS_H_
#define CUSTDB_TOOLS_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "custdb/status.h"

namespace custdb {
namespace tools {

// Exit codes of every subcommand (docs/IMPORT.md).
enum ExitCode {
  kExitOk = 0,
  kExitRowsFailed = 1,     // import ran to the end, but some rows failed
  kExitProblemsFound = 1,  // verify ran to the end and found mismatches
  kExitUsage = 2,          // bad command line
  kExitFailure = 3,        // the command could not run or stopped
};

struct ImportFlags {
  std::string data;
  std::string format;
  std::vector<std::string> files;
  std::string base_currency;
  size_t batch_size = 1000;
  size_t max_errors = 100;
  bool json = false;
};
CLI::App* AddImportCommand(CLI::App& app, ImportFlags* flags);
int RunImport(const ImportFlags& flags);

struct ExportFlags {
  std::string data;
  std::string what = "customers";
  std::string format = "csv";
  std::string out;
};
CLI::App* AddExportCommand(CLI::App& app, ExportFlags* flags);
int RunExport(const ExportFlags& flags);

struct StatsFlags {
  std::string data;
  bool json = false;
};
CLI::App* AddStatsCommand(CLI::App& app, StatsFlags* flags);
int RunStats(const StatsFlags& flags);

struct VerifyFlags {
  std::string data;
  size_t max_problems = 100;
  bool json = false;
};
CLI::App* AddVerifyCommand(CLI::App& app, VerifyFlags* flags);
int RunVerify(const VerifyFlags& flags);

// Opens the database in `dir`, which must exist already (never creates
// one). Prints why to stderr, as `command`, on failure.
std::unique_ptr<Engine> OpenExistingDatabase(const std::string& command,
                                             const std::string& dir);

// 1234567 -> "1,234,567".
std::string FormatCount(int64_t n);

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_COMMANDS_H_
