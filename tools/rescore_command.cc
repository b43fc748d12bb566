// custdb rescore: brings every customer's derived attributes (tier, RFM,
// segment, lifecycle, churn risk) up to a time, or recomputes them all.
#include <iostream>
#include <string>

#include "command_table.h"
#include "command_util.h"
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

namespace {

class RescoreCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("--as-of", as_of_,
                   "ISO-8601 UTC time (a date is its midnight); default now. "
                   "Becomes the database time writes derive at; without "
                   "--full, not before it; at most a day ahead of the clock "
                   "without --force");
    cmd.add_flag("--full", full_,
                 "Re-derive every customer (and recompute quantile "
                 "breakpoints), not only those due");
    cmd.add_flag("--force", force_,
                 "Allow an --as-of more than a day ahead of the clock");
    cmd.add_flag("--json", json_, "Print the report as JSON");
  }

  int Check() override {
    options_.full = full_;
    options_.force = force_;
    if (!ParseTimeFlag(kCommand, "--as-of", as_of_, &options_.as_of_ms)) {
      return kExitUsage;
    }
    return kExitOk;
  }

  int RunOnStore(Store& store) override {
    TerminalProgress progress(kCommand);
    options_.progress = progress.Fn();
    Result<RescoreReport> report = store.Rescore(options_);
    progress.Clear();
    if (!report.ok()) return EngineError(kCommand, report.status());
    PrintRescoreReport(*report, json_);
    return kExitOk;
  }

 private:
  std::optional<std::string> as_of_;  // ISO-8601 UTC; none: engine's clock
  bool full_ = false;
  bool force_ = false;  // allow --as-of more than a day ahead of the clock
  bool json_ = false;
  RescoreOptions options_;  // from the flags, by Check
};

}  // namespace

std::unique_ptr<Command> MakeRescoreCommand() {
  return std::make_unique<RescoreCommand>();
}

}  // namespace tools
}  // namespace custdb
