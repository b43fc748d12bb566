// Tier policy: names, the default, and validation.
#include "custdb/policy.h"

#include <set>

#include "api/enum_names.h"
#include "api/text_checks.h"

namespace custdb {
namespace {

constexpr NamedValue<ValueTier> kTierNames[] = {{ValueTier::kLow, "low"},
                                                {ValueTier::kMedium, "medium"},
                                                {ValueTier::kHigh, "high"}};
static_assert(IsDense(kTierNames));

constexpr NamedValue<LifecycleStage> kStageNames[] = {
    {LifecycleStage::kProspect, "prospect"},
    {LifecycleStage::kNew, "new"},
    {LifecycleStage::kActive, "active"},
    {LifecycleStage::kAtRisk, "at_risk"},
    {LifecycleStage::kChurned, "churned"},
    {LifecycleStage::kReactivated, "reactivated"},
};
static_assert(IsDense(kStageNames));

constexpr NamedValue<RfmMode> kRfmModes[] = {
    {RfmMode::kFixed, "fixed"},
    {RfmMode::kQuantile, "quantile"},
};
static_assert(IsDense(kRfmModes));

bool InRange(const ScoreRange& range, int score) {
  return score >= range.min && score <= range.max;
}

bool Matches(const SegmentRule& rule, int r, int f, int m) {
  return InRange(rule.r, r) && InRange(rule.f, f) && InRange(rule.m, m);
}

std::string Cell(int r, int f, int m) {
  return "(r" + std::to_string(r) + ",f" + std::to_string(f) + ",m" +
         std::to_string(m) + ")";
}

void CheckAscending(const char* field, const std::array<int64_t, 4>& b,
                    std::vector<std::string>* problems) {
  for (size_t i = 1; i < b.size(); ++i) {
    if (b[i] <= b[i - 1]) {
      problems->push_back(std::string(field) + ": " + std::to_string(b[i]) +
                          " at [" + std::to_string(i) + "] is not above " +
                          std::to_string(b[i - 1]));
    }
  }
  if (b[0] < 0) {
    problems->push_back(std::string(field) + ": " + std::to_string(b[0]) +
                        " at [0] is negative");
  }
}

// Returns false (and reports it) if `range` is not within 1..5.
bool CheckRange(const std::string& field, const std::string& rule_name,
                const ScoreRange& range, std::vector<std::string>* problems) {
  if (range.min < 1 || range.max > 5 || range.min > range.max) {
    problems->push_back(field + ": " + std::to_string(range.min) + ".." +
                        std::to_string(range.max) + " of '" + rule_name +
                        "' is not a range within 1..5");
    return false;
  }
  return true;
}

void CheckSegments(const std::vector<SegmentRule>& rules,
                   std::vector<std::string>* problems) {
  if (rules.empty()) {
    problems->push_back("policy.segments: is empty");
    return;
  }
  std::set<std::string> names;
  std::vector<bool> valid_ranges(rules.size(), true);
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string field = "policy.segments[" + std::to_string(i) + "]";
    // `custdb find --segment` takes a comma list of these names.
    const Status name_ok =
        CheckText(field + ".name", rules[i].name, 1, 64, ",");
    if (!name_ok.ok()) {
      problems->push_back(name_ok.message());
    } else if (!names.insert(rules[i].name).second) {
      problems->push_back(field + ".name: '" + rules[i].name +
                          "' is a duplicate");
    }
    const std::string& name = rules[i].name;
    // Not short-circuited: each bad range is reported.
    const bool r_ok = CheckRange(field + ".r", name, rules[i].r, problems);
    const bool f_ok = CheckRange(field + ".f", name, rules[i].f, problems);
    const bool m_ok = CheckRange(field + ".m", name, rules[i].m, problems);
    valid_ranges[i] = r_ok && f_ok && m_ok;
  }
  // Over the 125 cells: which rule takes each (first match), and which
  // rules take none.
  std::vector<bool> takes_some(rules.size(), false);
  std::vector<std::string> uncovered;
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) {
      for (int m = 1; m <= 5; ++m) {
        size_t i = 0;
        while (i < rules.size() && !Matches(rules[i], r, f, m)) ++i;
        if (i == rules.size()) {
          uncovered.push_back(Cell(r, f, m));
        } else {
          takes_some[i] = true;
        }
      }
    }
  }
  if (!uncovered.empty()) {
    std::string list;
    for (size_t i = 0; i < uncovered.size() && i < 10; ++i) {
      list += (i ? " " : "") + uncovered[i];
    }
    if (uncovered.size() > 10) list += " …";
    problems->push_back("policy.segments: " + std::to_string(uncovered.size()) +
                        " score cells match no rule: " + list);
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    // A rule with a bad range is reported as such above: whether earlier
    // rules shadow it says nothing until its range is fixed.
    if (!takes_some[i] && valid_ranges[i]) {
      problems->push_back("policy.segments[" + std::to_string(i) + "] '" +
                          rules[i].name +
                          "' can never match: earlier rules take all its "
                          "cells");
    }
  }
}

}  // namespace

const char* ValueTierName(ValueTier tier) { return NameOf(kTierNames, tier); }

bool ParseValueTier(const std::string& name, ValueTier* out) {
  return ParseName(kTierNames, name, out);
}

const char* LifecycleStageName(LifecycleStage stage) {
  return NameOf(kStageNames, stage);
}

bool ParseLifecycleStage(const std::string& name, LifecycleStage* out) {
  return ParseName(kStageNames, name, out);
}

const char* RfmModeName(RfmMode mode) { return NameOf(kRfmModes, mode); }

bool ParseRfmMode(const std::string& name, RfmMode* out) {
  return ParseName(kRfmModes, name, out);
}

TierPolicy DefaultPolicy() {
  TierPolicy p;
  const ScoreRange any{1, 5};
  // The 5x5 recency x frequency grid; monetary does not split segments.
  p.segments = {
      {"Champions", {5, 5}, {4, 5}, any},
      {"Loyal", {3, 4}, {4, 5}, any},
      {"Potential Loyalist", {4, 5}, {2, 3}, any},
      {"New", {5, 5}, {1, 1}, any},
      {"Promising", {4, 4}, {1, 1}, any},
      {"Need Attention", {3, 3}, {3, 3}, any},
      {"About to Sleep", {3, 3}, {1, 2}, any},
      {"At Risk", {1, 2}, {3, 4}, any},
      {"Can't Lose Them", {1, 2}, {5, 5}, any},
      {"Hibernating", {1, 2}, {1, 2}, any},
  };
  return p;
}

Status ValidatePolicy(const TierPolicy& p) {
  std::vector<std::string> problems;
  if (p.medium_min_spend_minor < 0) {
    problems.push_back("policy.medium_min_spend_minor: " +
                       std::to_string(p.medium_min_spend_minor) +
                       " is negative");
  }
  if (p.high_min_spend_minor < p.medium_min_spend_minor) {
    problems.push_back("policy.high_min_spend_minor: " +
                       std::to_string(p.high_min_spend_minor) +
                       " is below policy.medium_min_spend_minor " +
                       std::to_string(p.medium_min_spend_minor));
  }
  if (p.medium_min_orders < 0 || p.high_min_orders < p.medium_min_orders) {
    problems.push_back(
        "policy.high_min_orders: " + std::to_string(p.high_min_orders) +
        " and policy.medium_min_orders: " +
        std::to_string(p.medium_min_orders) +
        " must satisfy 0 <= medium <= high");
  }
  if (p.rfm_mode != RfmMode::kFixed && p.rfm_mode != RfmMode::kQuantile) {
    problems.push_back(
        "policy.rfm_mode: " + std::to_string(static_cast<int>(p.rfm_mode)) +
        " is not a mode");
  }
  CheckAscending("policy.recency_days", p.recency_days, &problems);
  CheckAscending("policy.frequency_orders", p.frequency_orders, &problems);
  CheckAscending("policy.monetary_minor", p.monetary_minor, &problems);
  CheckSegments(p.segments, &problems);
  if (!(p.new_days > 0 && p.new_days <= p.active_days &&
        p.active_days < p.at_risk_days)) {
    problems.push_back("policy lifecycle days: new_days " +
                       std::to_string(p.new_days) + ", active_days " +
                       std::to_string(p.active_days) + ", at_risk_days " +
                       std::to_string(p.at_risk_days) +
                       " must satisfy 0 < new <= active < at_risk");
  }
  if (p.churn_days <= 0) {
    problems.push_back("policy.churn_days: " + std::to_string(p.churn_days) +
                       " is not positive");
  }
  if (p.loyalty_points_per_unit < 0) {
    problems.push_back("policy.loyalty_points_per_unit: " +
                       std::to_string(p.loyalty_points_per_unit) +
                       " is negative");
  }
  if (problems.empty()) return Status::OK();
  std::string message;
  for (size_t i = 0; i < problems.size(); ++i) {
    message += (i ? "; " : "") + problems[i];
  }
  return Status::InvalidArgument(message);
}

}  // namespace custdb
