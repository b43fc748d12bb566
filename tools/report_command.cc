// custdb report tiers | channel: tier summaries and channel reports, read
// from the engine's counters.
#include <cstdio>
#include <iostream>
#include <string>

#include "commands.h"
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

}  // namespace

ReportCommands AddReportCommand(CLI::App& app, ReportTiersFlags* tiers,
                                ReportChannelFlags* channel) {
  CLI::App* report = app.add_subcommand(
      "report", "Tier summaries and channel reports (from counters)");
  report->require_subcommand(1);

  CLI::App* t = report->add_subcommand(
      "tiers", "Customers and spend per value tier, segment or lifecycle");
  t->add_option("--data", tiers->data, kReadOnlyDataHelp)
      ->required()
      ->check(CLI::ExistingDirectory);
  t->add_option("--by", tiers->by, "tier, segment or lifecycle")
      ->capture_default_str();
  t->add_option("--split", tiers->split,
                "owner or region: the rows once per owner channel or region")
      ->capture_default_str();
  AddChannelOptions(t, &tiers->channel, &tiers->no_subtree);
  t->add_option("--region", tiers->region, "Only customers in this region");
  t->add_flag("--json", tiers->json, "Print as JSON");

  CLI::App* c = report->add_subcommand(
      "channel", "Revenue, orders, buyers, complaints, NPS per channel");
  c->add_option("--data", channel->data, kReadOnlyDataHelp)
      ->required()
      ->check(CLI::ExistingDirectory);
  AddChannelOptions(c, &channel->channel, &channel->no_subtree);
  c->add_option("--from", channel->from,
                "First UTC day counted, YYYY-MM-DD (inclusive; a time must "
                "be a midnight)");
  c->add_option("--to", channel->to,
                "UTC day after the last one counted, YYYY-MM-DD (exclusive)");
  c->add_option("--by", channel->by, "day or total")->capture_default_str();
  c->add_flag("--json", channel->json, "Print as JSON");
  return {t, c};
}

int RunReportTiers(const ReportTiersFlags& flags) {
  TierSummaryQuery query;
  if (!ParseSummaryGroup(flags.by, &query.by)) {
    return UsageError(kTiersCommand, "--by: '" + flags.by +
                                         "' is not a grouping (tier, "
                                         "segment, lifecycle)");
  }
  if (!ParseSummarySplit(flags.split, &query.split_by)) {
    return UsageError(kTiersCommand, "--split: '" + flags.split +
                                         "' is not a split (none, owner, "
                                         "region)");
  }
  if (flags.no_subtree && !flags.channel) {
    return UsageError(kTiersCommand, "--no-subtree needs --channel");
  }
  query.owner_channel_id = flags.channel;
  query.include_subtree = !flags.no_subtree;
  query.region = flags.region;

  std::unique_ptr<Engine> engine =
      OpenExistingDatabase(kTiersCommand, flags.data, Access::kReadOnly);
  if (engine == nullptr) return kExitFailure;
  Result<TierSummary> summary = engine->GetTierSummary(query);
  if (!summary.ok()) return EngineError(kTiersCommand, summary.status());
  if (flags.json) {
    PrintTiersJson(*summary);
  } else {
    PrintTiersText(*summary);
  }
  return kExitOk;
}

int RunReportChannel(const ReportChannelFlags& flags) {
  ChannelReportQuery query;
  if (flags.by != "day" && flags.by != "total") {
    return UsageError(kChannelCommand,
                      "--by: '" + flags.by + "' is not day or total");
  }
  query.by_day = flags.by == "day";
  if (flags.no_subtree && !flags.channel) {
    return UsageError(kChannelCommand, "--no-subtree needs --channel");
  }
  query.channel_id = flags.channel.value_or(0);
  query.include_subtree = !flags.no_subtree;
  if (!ParseTimeFlag(kChannelCommand, "--from", flags.from, &query.from_ms) ||
      !ParseTimeFlag(kChannelCommand, "--to", flags.to, &query.to_ms)) {
    return kExitUsage;
  }
  // The counters hold whole UTC days, so a time of day could only be
  // rounded silently; dates (or explicit midnights) say what is counted.
  constexpr int64_t kDayMs = 86'400'000;
  const struct {
    const char* flag;
    const std::optional<std::string>& text;
    int64_t ms;
  } bounds[] = {{"--from", flags.from, query.from_ms},
                {"--to", flags.to, query.to_ms}};
  for (const auto& bound : bounds) {
    if (bound.text.has_value() && ((bound.ms % kDayMs) + kDayMs) % kDayMs) {
      return UsageError(kChannelCommand,
                        std::string(bound.flag) + ": '" + *bound.text +
                            "' has a time of day; channel reports count "
                            "whole UTC days: give a date YYYY-MM-DD");
    }
  }
  if (query.from_ms >= query.to_ms) {
    return UsageError(kChannelCommand,
                      "--from " + flags.from.value_or("(none)") +
                          " is not before --to " + flags.to.value_or("(none)") +
                          ": the range is empty");
  }

  std::unique_ptr<Engine> engine =
      OpenExistingDatabase(kChannelCommand, flags.data, Access::kReadOnly);
  if (engine == nullptr) return kExitFailure;
  Result<ChannelReport> report = engine->GetChannelReport(query);
  if (!report.ok()) return EngineError(kChannelCommand, report.status());
  if (flags.json) {
    PrintChannelJson(*report, query.by_day);
  } else {
    PrintChannelText(*report, query.by_day);
  }
  return kExitOk;
}

}  // namespace tools
}  // namespace custdb
