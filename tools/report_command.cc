// custdb report tiers | channel: tier summaries and channel reports, read
// from the engine's counters.
#include <cstdio>
#include <iostream>
#include <string>

#include "command_table.h"
#include "command_util.h"
#include "custdb/reports.h"
#include "custdb/time_format.h"

namespace custdb {
namespace tools {
namespace {

constexpr char kTiersCommand[] = "report tiers";
constexpr char kChannelCommand[] = "report channel";

void AddChannelOptions(CLI::App* cmd, std::optional<uint64_t>* channel,
                       bool* no_subtree) {
  cmd->add_option("--channel", *channel,
                  "Only this channel (a channel id > 0), with its subtree")
      ->check(PositiveInteger())
      ->transform(DecimalInteger());
  cmd->add_flag("--no-subtree", *no_subtree,
                "With --channel: that channel alone, not its descendants");
}

// The text of a row's split key. No owner and no region show as "(none)",
// as no segment does: a blank column would read as a missing value.
std::string SplitKeyText(const TierSummaryRow& row) {
  constexpr char kNone[] = "(none)";
  if (row.owner_channel_id) {
    return *row.owner_channel_id == 0 ? kNone
                                      : std::to_string(*row.owner_channel_id);
  }
  if (row.region) return row.region->empty() ? kNone : *row.region;
  return "";
}

void PrintTiersText(const TierSummary& summary) {
  const bool split = summary.split_by != SummarySplit::kNone;
  std::cout << "by " << SummaryGroupName(summary.by);
  if (split) std::cout << " and " << SummarySplitName(summary.split_by);
  std::cout << ", policy version " << summary.policy_version << "\n";
  char line[320];
  const std::string key_header =
      split ? SummarySplitName(summary.split_by) : "";
  auto print = [&](const std::string& key, const char* group,
                   const std::string& customers, const std::string& spend) {
    if (split) {
      std::snprintf(line, sizeof(line), "%-16s %-24s %12s %20s\n", key.c_str(),
                    group, customers.c_str(), spend.c_str());
    } else {
      std::snprintf(line, sizeof(line), "%-24s %12s %20s\n", group,
                    customers.c_str(), spend.c_str());
    }
    std::cout << line;
  };
  print(key_header, SummaryGroupName(summary.by), "customers", "spend (minor)");
  for (const TierSummaryRow& row : summary.rows) {
    print(SplitKeyText(row), row.group.c_str(), FormatCount(row.customers),
          FormatCount(row.spend_minor));
  }
}

void PrintTiersJson(const TierSummary& summary) {
  nlohmann::ordered_json j;
  j["by"] = SummaryGroupName(summary.by);
  j["split"] = SummarySplitName(summary.split_by);
  j["policy_version"] = summary.policy_version;
  j["rows"] = nlohmann::ordered_json::array();
  for (const TierSummaryRow& row : summary.rows) {
    nlohmann::ordered_json r;
    // As in the customers' JSON: no owner is null, no region "".
    if (row.owner_channel_id) {
      r["owner_channel"] = *row.owner_channel_id == 0
                               ? nlohmann::ordered_json(nullptr)
                               : nlohmann::ordered_json(*row.owner_channel_id);
    }
    if (row.region) r["region"] = *row.region;
    r["group"] = row.group;
    r["customers"] = row.customers;
    r["spend_minor"] = row.spend_minor;
    j["rows"].push_back(std::move(r));
  }
  PrintJson(j);
}

template <typename T>
nlohmann::ordered_json OrNull(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

std::string OptionalText(const std::optional<double>& v) {
  if (!v) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", *v);
  return text;
}

// Day of a per-day row ("2024-03-01"), "total" for a total row.
std::string DayText(const ChannelReportRow& row, bool by_day) {
  return by_day ? FormatIso8601(row.day_ms).substr(0, 10) : "total";
}

void PrintChannelText(const ChannelReport& report, bool by_day) {
  char line[256];
  std::snprintf(
      line, sizeof(line),
      "%8s %-10s %16s %8s %8s %6s %7s %7s %12s %10s %8s %7s %7s %7s\n",
      "channel", "day", "revenue (minor)", "orders", "buyers", "new", "repeat",
      "repeat%", "interactions", "complaints", "resolved", "avg sat", "nps",
      "x-in/out");
  std::cout << line;
  for (const ChannelReportRow& r : report.rows) {
    const std::string cross = std::to_string(r.cross_channel_in) + "/" +
                              std::to_string(r.cross_channel_out);
    std::snprintf(
        line, sizeof(line),
        "%8llu %-10s %16s %8s %8s %6s %7s %7.1f %12s %10s %8s %7s %7s %7s\n",
        static_cast<unsigned long long>(r.channel_id),  // NOLINT: printf
        DayText(r, by_day).c_str(), FormatCount(r.revenue_minor).c_str(),
        FormatCount(r.orders).c_str(), FormatCount(r.buying_customers).c_str(),
        FormatCount(r.new_customers).c_str(),
        FormatCount(r.repeat_customers).c_str(), r.repeat_customer_rate * 100,
        FormatCount(r.interactions).c_str(),
        FormatCount(r.complaints_opened).c_str(),
        FormatCount(r.complaints_resolved).c_str(),
        OptionalText(r.avg_satisfaction).c_str(), OptionalText(r.nps).c_str(),
        cross.c_str());
    std::cout << line;
  }
}

void PrintChannelJson(const ChannelReport& report, bool by_day) {
  nlohmann::ordered_json j;
  j["by"] = by_day ? "day" : "total";
  j["rows"] = nlohmann::ordered_json::array();
  for (const ChannelReportRow& r : report.rows) {
    nlohmann::ordered_json row;
    row["channel_id"] = r.channel_id;
    row["day"] = by_day ? nlohmann::ordered_json(DayText(r, true))
                        : nlohmann::ordered_json(nullptr);
    row["revenue_minor"] = r.revenue_minor;
    row["orders"] = r.orders;
    row["buying_customers"] = r.buying_customers;
    row["new_customers"] = r.new_customers;
    row["repeat_customers"] = r.repeat_customers;
    row["repeat_customer_rate"] = r.repeat_customer_rate;
    row["interactions"] = r.interactions;
    row["complaints_opened"] = r.complaints_opened;
    row["complaints_resolved"] = r.complaints_resolved;
    row["median_resolve_ms"] = OrNull(r.median_resolve_ms);
    row["avg_satisfaction"] = OrNull(r.avg_satisfaction);
    row["nps"] = OrNull(r.nps);
    row["cross_channel_in"] = r.cross_channel_in;
    row["cross_channel_out"] = r.cross_channel_out;
    j["rows"].push_back(std::move(row));
  }
  PrintJson(j);
}

class ReportTiersCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("--by", by_, "tier, segment or lifecycle")
        ->capture_default_str();
    cmd.add_option("--split", split_,
                   "owner or region: the rows once per owner channel or "
                   "region")
        ->capture_default_str();
    AddChannelOptions(&cmd, &channel_, &no_subtree_);
    cmd.add_option("--region", region_, "Only customers in this region");
    cmd.add_flag("--json", json_, "Print as JSON");
  }

  int Check() override {
    if (!ParseSummaryGroup(by_, &query_.by)) {
      return UsageError(kTiersCommand, "--by: '" + by_ +
                                           "' is not a grouping (tier, "
                                           "segment, lifecycle)");
    }
    if (!ParseSummarySplit(split_, &query_.split_by)) {
      return UsageError(kTiersCommand, "--split: '" + split_ +
                                           "' is not a split (none, owner, "
                                           "region)");
    }
    if (no_subtree_ && !channel_) {
      return UsageError(kTiersCommand, "--no-subtree needs --channel");
    }
    query_.owner_channel_id = channel_;
    query_.include_subtree = !no_subtree_;
    query_.region = region_;
    return kExitOk;
  }

  int RunOnStore(Store& store) override {
    Result<TierSummary> summary = store.GetTierSummary(query_);
    if (!summary.ok()) return EngineError(kTiersCommand, summary.status());
    if (json_) {
      PrintTiersJson(*summary);
    } else {
      PrintTiersText(*summary);
    }
    return kExitOk;
  }

 private:
  std::string by_ = "tier";
  std::string split_ = "none";
  std::optional<uint64_t> channel_;
  bool no_subtree_ = false;
  std::optional<std::string> region_;
  bool json_ = false;
  TierSummaryQuery query_;  // from the flags, by Check
};

class ReportChannelCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    AddChannelOptions(&cmd, &channel_, &no_subtree_);
    cmd.add_option("--from", from_,
                   "First UTC day counted, YYYY-MM-DD (inclusive; a time must "
                   "be a midnight)");
    cmd.add_option("--to", to_,
                   "UTC day after the last one counted, YYYY-MM-DD "
                   "(exclusive)");
    cmd.add_option("--by", by_, "day or total")->capture_default_str();
    cmd.add_flag("--json", json_, "Print as JSON");
  }

  int Check() override {
    if (by_ != "day" && by_ != "total") {
      return UsageError(kChannelCommand,
                        "--by: '" + by_ + "' is not day or total");
    }
    query_.by_day = by_ == "day";
    if (no_subtree_ && !channel_) {
      return UsageError(kChannelCommand, "--no-subtree needs --channel");
    }
    query_.channel_id = channel_.value_or(0);
    query_.include_subtree = !no_subtree_;
    if (!ParseTimeFlag(kChannelCommand, "--from", from_, &query_.from_ms) ||
        !ParseTimeFlag(kChannelCommand, "--to", to_, &query_.to_ms)) {
      return kExitUsage;
    }
    // The counters hold whole UTC days, so a time of day could only be
    // rounded silently; dates (or explicit midnights) say what is counted.
    constexpr int64_t kDayMs = 86'400'000;
    const struct {
      const char* flag;
      const std::optional<std::string>& text;
      int64_t ms;
    } bounds[] = {{"--from", from_, query_.from_ms},
                  {"--to", to_, query_.to_ms}};
    for (const auto& bound : bounds) {
      if (bound.text.has_value() && ((bound.ms % kDayMs) + kDayMs) % kDayMs) {
        return UsageError(kChannelCommand,
                          std::string(bound.flag) + ": '" + *bound.text +
                              "' has a time of day; channel reports count "
                              "whole UTC days: give a date YYYY-MM-DD");
      }
    }
    if (query_.from_ms >= query_.to_ms) {
      return UsageError(kChannelCommand, "--from " + from_.value_or("(none)") +
                                             " is not before --to " +
                                             to_.value_or("(none)") +
                                             ": the range is empty");
    }
    return kExitOk;
  }

  int RunOnStore(Store& store) override {
    Result<ChannelReport> report = store.GetChannelReport(query_);
    if (!report.ok()) return EngineError(kChannelCommand, report.status());
    if (json_) {
      PrintChannelJson(*report, query_.by_day);
    } else {
      PrintChannelText(*report, query_.by_day);
    }
    return kExitOk;
  }

 private:
  std::optional<uint64_t> channel_;
  bool no_subtree_ = false;
  std::optional<std::string> from_;  // ISO-8601 UTC; none: unbounded
  std::optional<std::string> to_;
  std::string by_ = "total";
  bool json_ = false;
  ChannelReportQuery query_;  // from the flags, by Check
};

}  // namespace

std::unique_ptr<Command> MakeReportTiersCommand() {
  return std::make_unique<ReportTiersCommand>();
}

std::unique_ptr<Command> MakeReportChannelCommand() {
  return std::make_unique<ReportChannelCommand>();
}

}  // namespace tools
}  // namespace custdb
