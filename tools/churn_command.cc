// custdb churn: customers who bought and then went quiet, from the recency
// index: how many, and the most valuable first.
#include <chrono>
#include <iostream>
#include <string>

#include "commands.h"
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

}  // namespace

CLI::App* AddChurnCommand(CLI::App& app, ChurnFlags* flags) {
  CLI::App* cmd = app.add_subcommand(
      "churn", "Customers with orders but no activity for a while, by spend");
  cmd->add_option("--data", flags->data, kReadOnlyDataHelp)
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--as-of", flags->as_of,
                  "ISO-8601 UTC time (a date is its midnight); default now");
  cmd->add_option("--tier", flags->tiers,
                  "high, medium or low; repeat or use a comma list")
      ->delimiter(',');
  cmd->add_option("--inactive-days", flags->inactive_days,
                  "Days without activity; default the policy's churn_days")
      ->check(PositiveInteger())
      ->transform(DecimalInteger());
  cmd->add_option("--channel", flags->channel,
                  "Owner channel id (> 0), with its subtree")
      ->check(PositiveInteger())
      ->transform(DecimalInteger());
  cmd->add_option("--limit", flags->limit, "Customers listed, 1..10000")
      ->capture_default_str()
      ->check(CLI::Range(uint32_t{1}, kMaxQueryLimit))
      ->transform(DecimalInteger());
  cmd->add_flag("--json", flags->json, "Print as JSON");
  return cmd;
}

int RunChurn(const ChurnFlags& flags) {
  ChurnWatchQuery query;
  query.as_of_ms = NowMs();
  if (!ParseTimeFlag(kCommand, "--as-of", flags.as_of, &query.as_of_ms)) {
    return kExitUsage;
  }
  if (!ParseTierFlags(kCommand, "--tier", flags.tiers, &query.tiers)) {
    return kExitUsage;
  }
  query.inactive_days = flags.inactive_days;
  query.channel_id = flags.channel;
  query.limit = flags.limit;

  std::unique_ptr<Engine> engine =
      OpenExistingDatabase(kCommand, flags.data, Access::kReadOnly);
  if (engine == nullptr) return kExitFailure;
  Result<ChurnWatch> watch = engine->GetChurnWatch(query);
  if (!watch.ok()) return EngineError(kCommand, watch.status());
  PrintWatch(query, *watch, flags.json);
  return kExitOk;
}

}  // namespace tools
}  // namespace custdb
