// custdb find: FindCustomers from the command line, every CustomerQuery
// field a flag; --explain prints the query plan instead of the customers.
#include <iostream>
#include <string>

#include "command_table.h"
#include "command_util.h"
#include "custdb/query.h"

namespace custdb {
namespace tools {
namespace {

constexpr char kCommand[] = "find";

// Every CustomerQuery field as a flag; names are parsed in BuildQuery.
struct FindFlags {
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

nlohmann::ordered_json PlanJson(const QueryPlan& plan) {
  nlohmann::ordered_json j;
  j["index"] = plan.index;
  j["bounds"] = plan.bounds;
  j["residual_filters"] = plan.residual_filters;
  j["index_order"] = plan.index_order;
  j["keys_examined"] = plan.keys_examined;
  j["keys_rejected"] = plan.keys_rejected;
  j["results"] = plan.results;
  j["candidates"] = nlohmann::ordered_json::array();
  for (const PlanCandidate& c : plan.candidates) {
    nlohmann::ordered_json cj;
    cj["index"] = c.index;
    cj["bounds"] = c.bounds;
    // null: chosen by the planner's rules alone, not estimated.
    cj["estimated_keys"] = c.estimated_keys < 0
                               ? nlohmann::ordered_json(nullptr)
                               : nlohmann::ordered_json(c.estimated_keys);
    j["candidates"].push_back(std::move(cj));
  }
  return j;
}

// "--min-spend 500 is above --max-spend 100" for an inverted range.
bool CheckRange(const char* min_flag, const std::optional<int64_t>& min,
                const char* max_flag, const std::optional<int64_t>& max) {
  if (min && max && *min > *max) {
    UsageError(kCommand, std::string(min_flag) + " " + std::to_string(*min) +
                             " is above " + max_flag + " " +
                             std::to_string(*max));
    return false;
  }
  return true;
}

// Fills `query` from the flags; false after printing what is wrong.
bool BuildQuery(const FindFlags& flags, CustomerQuery* query) {
  if (!ParseTierFlags(kCommand, "--tier", flags.tiers, &query->tiers)) {
    return false;
  }
  for (const std::string& name : flags.stages) {
    LifecycleStage stage;
    if (!ParseLifecycleStage(name, &stage)) {
      UsageError(kCommand, "--stage: '" + name +
                               "' is not a lifecycle stage (prospect, new, "
                               "active, at_risk, churned, reactivated)");
      return false;
    }
    query->stages.push_back(stage);
  }
  // Segment names belong to the stored policy: the engine checks them.
  query->segments = flags.segments;
  if (flags.subtree && !flags.channel) {
    UsageError(kCommand, "--subtree needs --channel");
    return false;
  }
  query->owner_channel_id = flags.channel;
  query->include_subtree = flags.subtree;
  query->region = flags.region;
  if (!CheckRange("--min-spend", flags.min_spend, "--max-spend",
                  flags.max_spend) ||
      !CheckRange("--min-orders", flags.min_orders, "--max-orders",
                  flags.max_orders)) {
    return false;
  }
  query->min_spend_minor = flags.min_spend;
  query->max_spend_minor = flags.max_spend;
  query->min_orders = flags.min_orders;
  query->max_orders = flags.max_orders;
  if (!ParseTimeFlag(kCommand, "--active-since", flags.active_since,
                     &query->active_since_ms) ||
      !ParseTimeFlag(kCommand, "--inactive-since", flags.inactive_since,
                     &query->inactive_since_ms)) {
    return false;
  }
  // Last activity must lie in [active_since, inactive_since).
  if (query->active_since_ms && query->inactive_since_ms &&
      *query->active_since_ms >= *query->inactive_since_ms) {
    UsageError(kCommand, "--active-since " + *flags.active_since +
                             " is not before --inactive-since " +
                             *flags.inactive_since + ": no customer can match");
    return false;
  }
  if (!ParseCustomerOrder(flags.order, &query->order)) {
    UsageError(kCommand, "--order: '" + flags.order +
                             "' is not an order (spend_desc, "
                             "last_activity_asc, last_activity_desc, id)");
    return false;
  }
  query->limit = flags.limit;
  query->cursor = flags.cursor;
  return true;
}

void PrintPage(const CustomerPage& page, bool json) {
  if (json) {
    nlohmann::ordered_json j;
    j["customers"] = nlohmann::ordered_json::array();
    for (const CustomerRecord& r : page.customers) {
      j["customers"].push_back(CustomerJson(r));
    }
    j["next_cursor"] = page.next_cursor.empty()
                           ? nlohmann::ordered_json(nullptr)
                           : nlohmann::ordered_json(page.next_cursor);
    j["plan"] = PlanJson(page.plan);
    PrintJson(j);
    return;
  }
  PrintCustomerTable(page.customers);
  std::cout << FormatCount(static_cast<int64_t>(page.customers.size()))
            << " customers";
  if (!page.next_cursor.empty()) {
    std::cout << "; more with --cursor " << page.next_cursor;
  }
  std::cout << "\n";
}

void PrintPlan(const QueryPlan& plan, bool json) {
  if (json) {
    PrintJson({{"plan", PlanJson(plan)}});
  } else {
    std::cout << plan.ToString() << "\n";
  }
}

class FindCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("--tier", flags_.tiers,
                   "high, medium or low; repeat or use a comma list")
        ->delimiter(',');
    cmd.add_option("--segment", flags_.segments,
                   "A segment name of the policy; repeat or use a comma list")
        ->delimiter(',');
    cmd.add_option("--stage", flags_.stages,
                   "prospect, new, active, at_risk, churned, reactivated; "
                   "repeat or use a comma list")
        ->delimiter(',');
    cmd.add_option("--channel", flags_.channel, "Owner channel id (> 0)")
        ->check(PositiveInteger())
        ->transform(DecimalInteger());
    cmd.add_flag("--subtree", flags_.subtree,
                 "With --channel: also its descendant channels");
    cmd.add_option("--region", flags_.region, "Customer region");
    cmd.add_option("--min-spend", flags_.min_spend,
                   "Lifetime spend >= this, in minor units")
        ->transform(DecimalInteger());
    cmd.add_option("--max-spend", flags_.max_spend,
                   "Lifetime spend <= this, in minor units")
        ->transform(DecimalInteger());
    cmd.add_option("--min-orders", flags_.min_orders, "Order count >= this")
        ->check(CLI::NonNegativeNumber)
        ->transform(DecimalInteger());
    cmd.add_option("--max-orders", flags_.max_orders, "Order count <= this")
        ->check(CLI::NonNegativeNumber)
        ->transform(DecimalInteger());
    cmd.add_option("--active-since", flags_.active_since,
                   "Last activity at or after this ISO-8601 UTC time");
    cmd.add_option("--inactive-since", flags_.inactive_since,
                   "Last activity before this time (excludes prospects)");
    cmd.add_option("--order", flags_.order,
                   "spend_desc, last_activity_asc, last_activity_desc or id")
        ->capture_default_str();
    cmd.add_option("--limit", flags_.limit, "Customers per page, 1..10000")
        ->capture_default_str()
        ->check(CLI::Range(uint32_t{1}, kMaxQueryLimit))
        ->transform(DecimalInteger());
    cmd.add_option("--cursor", flags_.cursor,
                   "next_cursor of the previous page of the same query");
    cmd.add_flag("--explain", flags_.explain,
                 "Print the query plan (index, bounds, keys examined) instead "
                 "of the customers");
    cmd.add_flag("--json", flags_.json, "Print as JSON");
  }

  int Check() override {
    return BuildQuery(flags_, &query_) ? kExitOk : kExitUsage;
  }

  int RunOnStore(Store& store) override {
    if (flags_.explain) {
      Result<QueryPlan> plan = store.Explain(query_);
      if (!plan.ok()) return EngineError(kCommand, plan.status());
      PrintPlan(*plan, flags_.json);
      return kExitOk;
    }
    Result<CustomerPage> page = store.FindCustomers(query_);
    if (!page.ok()) return EngineError(kCommand, page.status());
    PrintPage(*page, flags_.json);
    return kExitOk;
  }

 private:
  FindFlags flags_;
  CustomerQuery query_;  // from flags_, by Check
};

}  // namespace

std::unique_ptr<Command> MakeFindCommand() {
  return std::make_unique<FindCommand>();
}

}  // namespace tools
}  // namespace custdb
