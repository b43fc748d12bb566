// custdb policy get | set: read the tier policy, or store a new version from
// a JSON file and re-derive every customer under it.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "commands.h"
#include "custdb/policy.h"
#include "policy_json.h"

namespace custdb {
namespace tools {
namespace {

constexpr char kGetCommand[] = "policy get";
constexpr char kSetCommand[] = "policy set";

std::string Breakpoints(const std::array<int64_t, 4>& b) {
  std::string out;
  for (size_t i = 0; i < b.size(); ++i) {
    out += (i ? ", " : "") + FormatCount(b[i]);
  }
  return out;
}

void PrintText(const TierPolicy& p) {
  std::cout << "version:        " << p.version << "\n"
            << "value tier:     high: spend >= "
            << FormatCount(p.high_min_spend_minor)
            << " minor, orders >= " << p.high_min_orders
            << "; medium: spend >= " << FormatCount(p.medium_min_spend_minor)
            << " minor, orders >= " << p.medium_min_orders << "\n"
            << "rfm mode:       "
            << (p.rfm_mode == RfmMode::kQuantile ? "quantile" : "fixed") << "\n"
            << "recency days:   " << Breakpoints(p.recency_days) << "\n"
            << "frequency:      " << Breakpoints(p.frequency_orders)
            << " orders\n"
            << "monetary:       " << Breakpoints(p.monetary_minor) << " minor\n"
            << "lifecycle days: new " << p.new_days << ", active "
            << p.active_days << ", at risk " << p.at_risk_days << "\n"
            << "churn days:     " << p.churn_days << "\n"
            << "loyalty points: " << p.loyalty_points_per_unit
            << " per 100 minor units of completed spend\n"
            << "segments:\n";
  char line[160];
  for (const SegmentRule& s : p.segments) {
    std::snprintf(line, sizeof(line), "  %-24s r %d..%d  f %d..%d  m %d..%d\n",
                  s.name.c_str(), s.r.min, s.r.max, s.f.min, s.f.max, s.m.min,
                  s.m.max);
    std::cout << line;
  }
}

// Reads and checks FILE; false after printing why (a usage error: nothing
// has been opened or written yet).
bool ReadPolicyFile(const std::string& path, TierPolicy* policy) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    UsageError(kSetCommand, "cannot read " + path);
    return false;
  }
  Result<TierPolicy> parsed = PolicyFromJson(text.str());
  if (!parsed.ok()) {
    UsageError(kSetCommand, path + ": " + parsed.status().message());
    return false;
  }
  // Checked here as well as by the engine, so that a bad file is reported
  // before the database is opened.
  const Status valid = ValidatePolicy(*parsed);
  if (!valid.ok()) {
    UsageError(kSetCommand, path + ": " + valid.message());
    return false;
  }
  *policy = std::move(parsed).value();
  return true;
}

}  // namespace

PolicyCommands AddPolicyCommand(CLI::App& app, PolicyFlags* get_flags,
                                PolicyFlags* set_flags) {
  CLI::App* policy =
      app.add_subcommand("policy", "Read or replace the tier policy");
  policy->require_subcommand(1);

  CLI::App* get = policy->add_subcommand("get", "Print the stored policy");
  get->add_option("--data", get_flags->data, kReadOnlyDataHelp)
      ->required()
      ->check(CLI::ExistingDirectory);
  get->add_flag("--json", get_flags->json,
                "Print as JSON (the format policy set reads)");

  CLI::App* set = policy->add_subcommand(
      "set",
      "Store FILE (JSON, see docs/OPERATIONS.md) as the next policy version "
      "and re-derive every customer at the database time");
  set->add_option("--data", set_flags->data, "Database directory (must exist)")
      ->required()
      ->check(CLI::ExistingDirectory);
  set->add_option("file", set_flags->file, "The policy as JSON")
      ->required()
      ->check(CLI::ExistingFile);
  set->add_flag("--json", set_flags->json, "Print the rescore report as JSON");
  return {get, set};
}

int RunPolicyGet(const PolicyFlags& flags) {
  std::unique_ptr<Engine> engine =
      OpenExistingDatabase(kGetCommand, flags.data, Access::kReadOnly);
  if (engine == nullptr) return kExitFailure;
  Result<TierPolicy> policy = engine->GetPolicy();
  if (!policy.ok()) return EngineError(kGetCommand, policy.status());
  if (flags.json) {
    PrintJson(PolicyToJson(*policy));
  } else {
    PrintText(*policy);
  }
  return kExitOk;
}

int RunPolicySet(const PolicyFlags& flags) {
  TierPolicy policy;
  if (!ReadPolicyFile(flags.file, &policy)) return kExitUsage;
  std::unique_ptr<Engine> engine =
      OpenExistingDatabase(kSetCommand, flags.data, Access::kReadWrite);
  if (engine == nullptr) return kExitFailure;
  TerminalProgress progress(kSetCommand);
  Result<RescoreReport> report = engine->SetPolicy(policy, progress.Fn());
  progress.Clear();
  if (!report.ok()) return EngineError(kSetCommand, report.status());
  PrintRescoreReport(*report, flags.json);
  return kExitOk;
}

}  // namespace tools
}  // namespace custdb
