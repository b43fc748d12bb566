// custdb policy get | set: read the tier policy, or store a new version from
// a JSON file and re-derive every customer under it.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "command_table.h"
#include "command_util.h"
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
            << "rfm mode:       " << RfmModeName(p.rfm_mode) << "\n"
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

class PolicyGetCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_flag("--json", json_,
                 "Print as JSON (the format policy set reads)");
  }

  int RunOnStore(Store& store) override {
    Result<TierPolicy> policy = store.GetPolicy();
    if (!policy.ok()) return EngineError(kGetCommand, policy.status());
    if (json_) {
      PrintJson(PolicyToJson(*policy));
    } else {
      PrintText(*policy);
    }
    return kExitOk;
  }

 private:
  bool json_ = false;
};

class PolicySetCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("file", file_, "The policy as JSON")
        ->required()
        ->check(CLI::ExistingFile);
    cmd.add_flag("--json", json_, "Print the rescore report as JSON");
  }

  int Check() override {
    return ReadPolicyFile(file_, &policy_) ? kExitOk : kExitUsage;
  }

  int RunOnStore(Store& store) override {
    TerminalProgress progress(kSetCommand);
    Result<RescoreReport> report = store.SetPolicy(policy_, progress.Fn());
    progress.Clear();
    if (!report.ok()) return EngineError(kSetCommand, report.status());
    PrintRescoreReport(*report, json_);
    return kExitOk;
  }

 private:
  std::string file_;  // the policy as JSON (docs/OPERATIONS.md)
  bool json_ = false;
  TierPolicy policy_;  // read from file_ by Check
};

}  // namespace

std::unique_ptr<Command> MakePolicyGetCommand() {
  return std::make_unique<PolicyGetCommand>();
}

std::unique_ptr<Command> MakePolicySetCommand() {
  return std::make_unique<PolicySetCommand>();
}

}  // namespace tools
}  // namespace custdb
