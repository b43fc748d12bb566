// custdb rescore: brings every customer's derived attributes (tier, RFM,
// segment, lifecycle, churn risk) up to a time, or recomputes them all.
#include <iostream>
#include <string>

#include "commands.h"
#include "custdb/time_format.h"

namespace custdb {
namespace tools {
namespace {

constexpr char kCommand[] = "rescore";

void PrintText(const RescoreReport& r) {
  std::cout << "as of:          " << FormatIso8601(r.as_of_ms) << "\n"
            << "mode:           " << (r.full ? "full" : "due customers only")
            << "\n"
            << "policy version: " << r.policy_version << "\n"
            << "examined:       "
            << FormatCount(static_cast<int64_t>(r.examined)) << " customers\n"
            << "changed:        "
            << FormatCount(static_cast<int64_t>(r.changed)) << " customers\n";
}

nlohmann::ordered_json RescoreReportJson(const RescoreReport& r) {
  nlohmann::ordered_json j;
  j["as_of"] = FormatIso8601(r.as_of_ms);
  j["full"] = r.full;
  j["policy_version"] = r.policy_version;
  j["examined"] = r.examined;
  j["changed"] = r.changed;
  return j;
}

}  // namespace

void PrintRescoreReport(const RescoreReport& report, bool json) {
  if (json) {
    PrintJson(RescoreReportJson(report));
  } else {
    PrintText(report);
  }
}

CLI::App* AddRescoreCommand(CLI::App& app, RescoreFlags* flags) {
  CLI::App* cmd = app.add_subcommand(
      "rescore",
      "Bring derived attributes (tier, RFM, segment, lifecycle, churn risk) "
      "up to a time");
  cmd->add_option("--data", flags->data, "Database directory (must exist)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--as-of", flags->as_of,
                  "ISO-8601 UTC time (a date is its midnight); default now. "
                  "Becomes the database time writes derive at; without "
                  "--full, not before it; at most a day ahead of the clock "
                  "without --force");
  cmd->add_flag("--full", flags->full,
                "Re-derive every customer (and recompute quantile "
                "breakpoints), not only those due");
  cmd->add_flag("--force", flags->force,
                "Allow an --as-of more than a day ahead of the clock");
  cmd->add_flag("--json", flags->json, "Print the report as JSON");
  return cmd;
}

int RunRescore(const RescoreFlags& flags) {
  RescoreOptions options;
  options.full = flags.full;
  options.force = flags.force;
  if (!ParseTimeFlag(kCommand, "--as-of", flags.as_of, &options.as_of_ms)) {
    return kExitUsage;
  }
  std::unique_ptr<Engine> engine =
      OpenExistingDatabase(kCommand, flags.data, Access::kReadWrite);
  if (engine == nullptr) return kExitFailure;

  TerminalProgress progress(kCommand);
  options.progress = progress.Fn();
  Result<RescoreReport> report = engine->Rescore(options);
  progress.Clear();
  if (!report.ok()) return EngineError(kCommand, report.status());
  PrintRescoreReport(*report, flags.json);
  return kExitOk;
}

}  // namespace tools
}  // namespace custdb
