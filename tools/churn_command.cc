// custdb churn: customers who bought and then went quiet, from the recency
// index: how many, and the most valuable first.
#include <chrono>
#include <iostream>
#include <string>

#include "command_table.h"
#include "command_util.h"
#include "custdb/query.h"
#include "custdb/reports.h"
#include "custdb/time_format.h"

namespace custdb {
namespace tools {
namespace {

constexpr char kCommand[] = "churn";

// Now, to the whole second: the as_of printed stays readable.
int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() *
         1000;
}

void PrintWatch(const ChurnWatchQuery& query, const ChurnWatch& watch,
                bool json) {
  if (json) {
    nlohmann::ordered_json j;
    j["as_of"] = FormatIso8601(query.as_of_ms);
    j["count"] = watch.count;
    j["top"] = nlohmann::ordered_json::array();
    for (const CustomerRecord& r : watch.top) {
      j["top"].push_back(CustomerJson(r));
    }
    PrintJson(j);
    return;
  }
  std::cout << "as of " << FormatIso8601(query.as_of_ms) << ": "
            << FormatCount(watch.count) << " customers without activity";
  if (query.inactive_days > 0) {
    std::cout << " for " << query.inactive_days << " days";
  } else {
    std::cout << " for the policy's churn_days";
  }
  std::cout << "; top " << FormatCount(static_cast<int64_t>(watch.top.size()))
            << " by spend:\n";
  PrintCustomerTable(watch.top);
}

class ChurnCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("--as-of", as_of_,
                   "ISO-8601 UTC time (a date is its midnight); default now");
    cmd.add_option("--tier", tiers_,
                   "high, medium or low; repeat or use a comma list")
        ->delimiter(',');
    cmd.add_option("--inactive-days", query_.inactive_days,
                   "Days without activity; default the policy's churn_days")
        ->check(PositiveInteger())
        ->transform(DecimalInteger());
    cmd.add_option("--channel", query_.channel_id,
                   "Owner channel id (> 0), with its subtree")
        ->check(PositiveInteger())
        ->transform(DecimalInteger());
    cmd.add_option("--limit", query_.limit, "Customers listed, 1..10000")
        ->capture_default_str()
        ->check(CLI::Range(uint32_t{1}, kMaxQueryLimit))
        ->transform(DecimalInteger());
    cmd.add_flag("--json", json_, "Print as JSON");
  }

  int Check() override {
    query_.as_of_ms = NowMs();
    if (!ParseTimeFlag(kCommand, "--as-of", as_of_, &query_.as_of_ms)) {
      return kExitUsage;
    }
    if (!ParseTierFlags(kCommand, "--tier", tiers_, &query_.tiers)) {
      return kExitUsage;
    }
    return kExitOk;
  }

  int RunOnStore(Store& store) override {
    Result<ChurnWatch> watch = store.GetChurnWatch(query_);
    if (!watch.ok()) return EngineError(kCommand, watch.status());
    PrintWatch(query_, *watch, json_);
    return kExitOk;
  }

 private:
  std::optional<std::string> as_of_;  // ISO-8601 UTC; none: now
  std::vector<std::string> tiers_;
  bool json_ = false;
  // --inactive-days (0: the policy's churn_days), --channel and --limit
  // land here directly; Check adds the time and the tiers.
  ChurnWatchQuery query_;
};

}  // namespace

std::unique_ptr<Command> MakeChurnCommand() {
  return std::make_unique<ChurnCommand>();
}

}  // namespace tools
}  // namespace custdb
