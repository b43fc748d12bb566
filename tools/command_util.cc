// Helpers shared by the subcommands.
#include "command_util.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "custdb/time_format.h"

namespace custdb {
namespace tools {

std::string FormatCount(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -static_cast<uint64_t>(n)
                                            : static_cast<uint64_t>(n));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

CLI::Validator DecimalInteger() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
        if (text.size() == start ||
            text.find_first_not_of("0123456789", start) != std::string::npos) {
          return "'" + text + "' is not a decimal integer";
        }
        const size_t first = text.find_first_not_of('0', start);
        if (first == std::string::npos) {
          text = "0";
        } else {
          text = text.substr(0, start) + text.substr(first);
        }
        return "";
      },
      "INTEGER");
}

CLI::Validator PositiveInteger() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const bool digits =
            !text.empty() && text.size() <= 19 &&
            text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || text.find_first_not_of('0') == std::string::npos) {
          return "'" + text + "' is not a positive integer";
        }
        return "";
      },
      "POSITIVE");
}

int UsageError(const std::string& command, const std::string& message) {
  std::cerr << "custdb " << command << ": " << message << "\n";
  return kExitUsage;
}

int EngineError(const std::string& command, const Status& status) {
  std::cerr << "custdb " << command << ": " << status.ToString() << "\n";
  return status.code() == StatusCode::kInvalidArgument ? kExitUsage
                                                       : kExitFailure;
}

bool ParseTimeFlag(const std::string& command, const std::string& flag,
                   const std::optional<std::string>& text, int64_t* out) {
  if (!text) return true;
  // ParseIso8601's message names the field and the text at fault.
  Result<int64_t> ms = ParseIso8601(*text, flag);
  if (!ms.ok()) {
    UsageError(command, ms.status().message());
    return false;
  }
  *out = *ms;
  return true;
}

bool ParseTimeFlag(const std::string& command, const std::string& flag,
                   const std::optional<std::string>& text,
                   std::optional<int64_t>* out) {
  if (!text) return true;
  int64_t ms = 0;
  if (!ParseTimeFlag(command, flag, text, &ms)) return false;
  *out = ms;
  return true;
}

bool ParseTierFlags(const std::string& command, const std::string& flag,
                    const std::vector<std::string>& names,
                    std::vector<ValueTier>* out) {
  for (const std::string& name : names) {
    ValueTier tier;
    if (!ParseValueTier(name, &tier)) {
      UsageError(command, flag + ": '" + name +
                              "' is not a value tier (high, medium, low)");
      return false;
    }
    out->push_back(tier);
  }
  return true;
}

nlohmann::ordered_json TimeOrNull(int64_t ms) {
  return ms == 0 ? nlohmann::ordered_json(nullptr)
                 : nlohmann::ordered_json(FormatIso8601(ms));
}

nlohmann::ordered_json CustomerJson(const CustomerRecord& r) {
  const Derived& d = r.derived;
  nlohmann::ordered_json j;
  j["id"] = r.profile.id;
  j["code"] = r.profile.code;
  j["email"] = r.profile.email;
  j["phone"] = r.profile.phone;
  j["name"] = r.profile.name;
  j["region"] = r.profile.region;
  j["owner_channel"] = r.profile.owner_channel_id == 0
                           ? nlohmann::ordered_json(nullptr)
                           : nlohmann::ordered_json(r.profile.owner_channel_id);
  j["order_count"] = r.aggregates.order_count;
  j["spend_minor"] = r.aggregates.total_spend_minor;
  j["first_order_at"] = TimeOrNull(r.aggregates.first_order_ms);
  j["last_order_at"] = TimeOrNull(r.aggregates.last_order_ms);
  j["last_activity_at"] = TimeOrNull(r.aggregates.last_activity_ms);
  j["value_tier"] = ValueTierName(d.value_tier);
  // A prospect has no scores (0) and no segment (-1), derived.h: null.
  auto score = [](int s) {
    return s == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
  };
  j["r"] = score(d.r);
  j["f"] = score(d.f);
  j["m"] = score(d.m);
  j["segment"] = d.segment < 0 ? nlohmann::ordered_json(nullptr)
                               : nlohmann::ordered_json(d.segment_name);
  j["lifecycle"] = LifecycleStageName(d.lifecycle);
  j["churn_risk"] = d.churn_risk;
  j["loyalty_points"] = d.loyalty_points;
  j["derived_as_of"] = TimeOrNull(r.derived_as_of_ms);
  j["policy_version"] = r.policy_version;
  return j;
}

void PrintCustomerTable(const std::vector<CustomerRecord>& customers) {
  char line[256];
  std::snprintf(line, sizeof(line),
                "%10s  %-16s %-6s %-20s %-11s %7s %16s  %s\n", "id", "code",
                "tier", "segment", "lifecycle", "orders", "spend (minor)",
                "last activity");
  std::cout << line;
  for (const CustomerRecord& r : customers) {
    const std::string last = r.aggregates.last_activity_ms == 0
                                 ? "-"
                                 : FormatIso8601(r.aggregates.last_activity_ms);
    std::snprintf(
        line, sizeof(line), "%10llu  %-16s %-6s %-20s %-11s %7s %16s  %s\n",
        static_cast<unsigned long long>(r.profile.id),  // NOLINT: printf
        r.profile.code.empty() ? "-" : r.profile.code.c_str(),
        ValueTierName(r.derived.value_tier),
        r.derived.segment < 0 ? "-" : r.derived.segment_name.c_str(),
        LifecycleStageName(r.derived.lifecycle),
        FormatCount(r.aggregates.order_count).c_str(),
        FormatCount(r.aggregates.total_spend_minor).c_str(), last.c_str());
    std::cout << line;
  }
}

void PrintJson(const nlohmann::ordered_json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
            << "\n";
}

TerminalProgress::TerminalProgress(std::string label)
    : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) != 0) {}

ProgressFn TerminalProgress::Fn() {
  if (!enabled_) return nullptr;
  return [this](uint64_t done, uint64_t total) { Show(done, total); };
}

void TerminalProgress::Show(uint64_t done, uint64_t total) {
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now().time_since_epoch())
          .count();
  std::lock_guard<std::mutex> lock(mu_);
  // A few redraws a second, and always the last one.
  if (done < total && now_ms - last_shown_ms_ < 200) return;
  last_shown_ms_ = now_ms;
  std::fprintf(stderr, "\r\033[K%s: %s/%s customers", label_.c_str(),
               FormatCount(static_cast<int64_t>(done)).c_str(),
               FormatCount(static_cast<int64_t>(total)).c_str());
  shown_ = true;
}

void TerminalProgress::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  if (shown_) std::fprintf(stderr, "\r\033[K");
  shown_ = false;
}

}  // namespace tools
}  // namespace custdb
