// The subcommands of the `custdb` binary. Each Add*Command registers its
// flags on the app; the matching Run* runs it and returns the exit code.
// The commands only parse, call the engine library and print.
#ifndef CUSTDB_TOOLS_COMMANDS_H_
#define CUSTDB_TOOLS_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "custdb/rescore.h"
#include "custdb/status.h"

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

struct RescoreFlags {
  std::string data;
  std::optional<std::string> as_of;  // ISO-8601 UTC; none: engine's clock
  bool full = false;
  bool force = false;  // allow --as-of more than a day ahead of the clock
  bool json = false;
};
CLI::App* AddRescoreCommand(CLI::App& app, RescoreFlags* flags);
int RunRescore(const RescoreFlags& flags);
// A RescoreReport (of rescore or policy set) as text or JSON on stdout.
void PrintRescoreReport(const RescoreReport& report, bool json);

// `custdb report tiers` and `custdb report channel`.
struct ReportTiersFlags {
  std::string data;
  std::string by = "tier";
  std::string split = "none";
  std::optional<uint64_t> channel;
  bool no_subtree = false;
  std::optional<std::string> region;
  bool json = false;
};
struct ReportChannelFlags {
  std::string data;
  std::optional<uint64_t> channel;
  bool no_subtree = false;
  std::optional<std::string> from;  // ISO-8601 UTC; none: unbounded
  std::optional<std::string> to;
  std::string by = "total";
  bool json = false;
};
struct ReportCommands {
  CLI::App* tiers = nullptr;
  CLI::App* channel = nullptr;
};
ReportCommands AddReportCommand(CLI::App& app, ReportTiersFlags* tiers,
                                ReportChannelFlags* channel);
int RunReportTiers(const ReportTiersFlags& flags);
int RunReportChannel(const ReportChannelFlags& flags);

// Every CustomerQuery field as a flag; names are parsed in RunFind.
struct FindFlags {
  std::string data;
  std::vector<std::string> tiers;
  std::vector<std::string> segments;
  std::vector<std::string> stages;
  std::optional<uint64_t> channel;
  bool subtree = false;
  std::optional<std::string> region;
  std::optional<int64_t> min_spend;
  std::optional<int64_t> max_spend;
  std::optional<int64_t> min_orders;
  std::optional<int64_t> max_orders;
  std::optional<std::string> active_since;  // ISO-8601 UTC; none: no filter
  std::optional<std::string> inactive_since;
  std::string order = "spend_desc";
  uint32_t limit = 100;
  std::string cursor;
  bool explain = false;
  bool json = false;
};
CLI::App* AddFindCommand(CLI::App& app, FindFlags* flags);
int RunFind(const FindFlags& flags);

struct ChurnFlags {
  std::string data;
  std::optional<std::string> as_of;  // ISO-8601 UTC; none: now
  std::vector<std::string> tiers;
  int64_t inactive_days = 0;  // 0: the policy's churn_days
  std::optional<uint64_t> channel;
  uint32_t limit = 100;
  bool json = false;
};
CLI::App* AddChurnCommand(CLI::App& app, ChurnFlags* flags);
int RunChurn(const ChurnFlags& flags);

struct ViewFlags {
  std::string data;
  std::optional<uint64_t> id;
  std::optional<std::string> code;
  bool json = false;
};
CLI::App* AddViewCommand(CLI::App& app, ViewFlags* flags);
int RunView(const ViewFlags& flags);

// `custdb policy get` and `custdb policy set FILE`.
struct PolicyFlags {
  std::string data;
  std::string file;  // set: the policy as JSON (docs/OPERATIONS.md)
  bool json = false;
};
struct PolicyCommands {
  CLI::App* get = nullptr;
  CLI::App* set = nullptr;
};
PolicyCommands AddPolicyCommand(CLI::App& app, PolicyFlags* get_flags,
                                PolicyFlags* set_flags);
int RunPolicyGet(const PolicyFlags& flags);
int RunPolicySet(const PolicyFlags& flags);

// How a command opens its database. The commands that only read (stats,
// verify, export, view, find, report, churn, policy get) open it
// read-only (Options::read_only), so they work on a read-only mount or
// snapshot and leave every file in the directory as it was.
enum class Access { kReadOnly, kReadWrite };

// --data's help text for the commands that open read-only.
inline constexpr const char* kReadOnlyDataHelp =
    "Database directory (must exist); opened read-only, writing nothing, so "
    "a read-only mount or snapshot works";

// Opens the database in `dir`, which must exist already (never creates
// one). Prints why to stderr, as `command`, on failure.
std::unique_ptr<Engine> OpenExistingDatabase(const std::string& command,
                                             const std::string& dir,
                                             Access access);

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

#endif  // CUSTDB_TOOLS_COMMANDS_H_
