// What the `custdb` subcommands share: exit codes, flag checks, error
// reports, and the printing of customers, JSON and progress.
#ifndef CUSTDB_TOOLS_COMMAND_UTIL_H_
#define CUSTDB_TOOLS_COMMAND_UTIL_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "custdb/policy.h"
#include "custdb/rescore.h"
#include "custdb/status.h"
#include "custdb/types.h"

namespace custdb {
namespace tools {

// Exit codes of every subcommand (docs/IMPORT.md, docs/OPERATIONS.md).
enum ExitCode {
  kExitOk = 0,
  kExitRowsFailed = 1,     // import ran to the end, but some rows failed
  kExitProblemsFound = 1,  // verify ran to the end and found mismatches
  kExitUsage = 2,          // bad command line
  kExitFailure = 3,        // the command could not run or stopped
  // Plus the signal number (130 for SIGINT, 143 for SIGTERM): import
  // stopped on the signal at a batch boundary, as a shell reports a
  // command the signal killed.
  kExitSignalBase = 128,
};

// A RescoreReport (of rescore or policy set) as text or JSON on stdout.
void PrintRescoreReport(const RescoreReport& report, bool json);

// 1234567 -> "1,234,567".
std::string FormatCount(int64_t n);

// A CLI11 transform for every numeric flag: the text must be a decimal
// integer (an optional '-' and digits) and reaches CLI11's conversion with
// its leading zeros removed. CLI11 alone reads "010" as octal 8, "0x10" as
// hex and "0b1" as binary; custdb's numbers are decimal only, so "010" is
// 10 and "0x10" is refused naming the text.
CLI::Validator DecimalInteger();

// A CLI11 check for ids and day counts: a decimal integer > 0. (CLI11's
// PositiveNumber names a double range that reads like noise.)
CLI::Validator PositiveInteger();

// Prints "custdb `command`: `message`" to stderr and returns kExitUsage: for
// a flag value that is wrong before anything is opened or written.
int UsageError(const std::string& command, const std::string& message);

// Prints a failed engine call as `command` and returns its exit code:
// kExitUsage for kInvalidArgument (the engine rejected a value that came
// from the command line), kExitFailure for anything else.
int EngineError(const std::string& command, const Status& status);

// Parses the TIME value of `flag` (ISO-8601 UTC; a date alone is its
// midnight) into *out; leaves *out alone when the flag was not given. False
// after printing a usage error naming the flag and the text.
bool ParseTimeFlag(const std::string& command, const std::string& flag,
                   const std::optional<std::string>& text, int64_t* out);
bool ParseTimeFlag(const std::string& command, const std::string& flag,
                   const std::optional<std::string>& text,
                   std::optional<int64_t>* out);

// Parses value tier names (flag values already split at commas). False
// after printing a usage error naming `flag` and the unknown name.
bool ParseTierFlags(const std::string& command, const std::string& flag,
                    const std::vector<std::string>& names,
                    std::vector<ValueTier>* out);

// Time as ISO-8601 UTC, or null for 0 (no such time).
nlohmann::ordered_json TimeOrNull(int64_t ms);

// A customer with its derived attributes, the same fields for every command
// that lists customers (find, churn, view).
nlohmann::ordered_json CustomerJson(const CustomerRecord& record);

// Prints a column-aligned table of customers: id, code, tier, segment,
// lifecycle, orders, spend, last activity.
void PrintCustomerTable(const std::vector<CustomerRecord>& customers);

// Prints `j` indented, replacing invalid UTF-8 rather than throwing.
void PrintJson(const nlohmann::ordered_json& j);

// Shows rescore progress on one rewritten stderr line when stderr is a
// terminal; otherwise Fn() is empty and nothing is shown.
class TerminalProgress {
 public:
  explicit TerminalProgress(std::string label);
  ProgressFn Fn();
  void Clear();

 private:
  void Show(uint64_t done, uint64_t total);

  const std::string label_;
  const bool enabled_;
  std::mutex mu_;  // Guards the fields below: the engine may call from any
                   // thread.
  int64_t last_shown_ms_ = 0;
  bool shown_ = false;
};

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_COMMAND_UTIL_H_
