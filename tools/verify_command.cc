// custdb verify: recompute aggregates, indexes and counters from the records
// and report every mismatch. Exit 0 only when there is none.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "command_table.h"
#include "command_util.h"

namespace custdb {
namespace tools {
namespace {

void PrintText(const std::string& dir, const VerifyReport& report) {
  std::cout << "database:       " << dir << "\n"
            << "checked:        " << FormatCount(report.customers_checked)
            << " customers, " << FormatCount(report.orders_checked)
            << " orders, " << FormatCount(report.interactions_checked)
            << " interactions, " << FormatCount(report.index_entries_checked)
            << " index entries\n"
            << "problems:       " << FormatCount(report.problems_found) << "\n";
  for (const VerifyProblem& p : report.problems) {
    std::cout << "  " << p.what << "\n";
  }
  if (report.problems_found > static_cast<int64_t>(report.problems.size())) {
    std::cout << "  … and "
              << FormatCount(report.problems_found -
                             static_cast<int64_t>(report.problems.size()))
              << " more\n";
  }
}

void PrintJson(const VerifyReport& report) {
  nlohmann::ordered_json j;
  j["ok"] = report.ok();
  j["customers_checked"] = report.customers_checked;
  j["orders_checked"] = report.orders_checked;
  j["interactions_checked"] = report.interactions_checked;
  j["index_entries_checked"] = report.index_entries_checked;
  j["problems_found"] = report.problems_found;
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  for (const VerifyProblem& p : report.problems) problems.push_back(p.what);
  j["problems"] = std::move(problems);
  tools::PrintJson(j);
}

class VerifyCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("--max-problems", max_problems_,
                   "How many problems to list (all are counted)")
        ->check(CLI::Range(size_t{0}, size_t{1000000}))
        ->transform(DecimalInteger());
    cmd.add_flag("--json", json_, "Print as JSON");
  }

  int RunOnEngine(Engine& engine, const std::string& dir) override {
    Result<VerifyReport> report = engine.Verify(max_problems_);
    if (!report.ok()) {
      std::cerr << "custdb verify: " << report.status().ToString() << "\n";
      return kExitFailure;
    }
    if (json_) {
      PrintJson(*report);
    } else {
      PrintText(dir, *report);
    }
    return report->ok() ? kExitOk : kExitProblemsFound;
  }

 private:
  size_t max_problems_ = 100;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeVerifyCommand() {
  return std::make_unique<VerifyCommand>();
}

}  // namespace tools
}  // namespace custdb
