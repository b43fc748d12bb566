// The query planner's rules (query_planner.h) and key range construction.
#include "query/query_planner.h"

#include <algorithm>
#include <initializer_list>

#include "storage/keys.h"

namespace custdb {
namespace {

using keys::TierTag;

struct Interval {
  int64_t lo;
  int64_t hi;  // inclusive
};

std::string TagPrefix(TierTag tag) {
  return std::string(1, static_cast<char>(tag));
}

// The smallest key above every key that starts with `prefix`. Tier index
// keys start with a tag below 0xff, so there is always one.
std::string Successor(std::string prefix) {
  while (!prefix.empty() && static_cast<uint8_t>(prefix.back()) == 0xff) {
    prefix.pop_back();
  }
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

std::string Num(int64_t v) {
  if (v == INT64_MIN) return "min";
  if (v == INT64_MAX) return "max";
  return std::to_string(v);
}

std::string IntervalText(const Interval& iv) {
  return "[" + Num(iv.lo) + ", " + Num(iv.hi) + "]";
}

// The filters `f` sets, less those the plan's ranges imply.
std::vector<std::string> Residual(const CustomerFilter& f,
                                  std::initializer_list<const char*> implied) {
  const std::pair<const char*, bool> set[] = {
      {"tiers", !f.tiers.empty()},
      {"segments", !f.segments.empty()},
      {"stages", !f.stages.empty()},
      {"owner", !f.owners.empty()},
      {"region", f.region.has_value()},
      {"spend", f.min_spend != INT64_MIN || f.max_spend != INT64_MAX},
      {"orders", f.min_orders != INT64_MIN || f.max_orders != INT64_MAX},
      {"active_since", f.active_since.has_value()},
      {"inactive_since", f.inactive_since.has_value()},
  };
  std::vector<std::string> out;
  for (const auto& [name, is_set] : set) {
    if (!is_set) continue;
    if (std::find_if(implied.begin(), implied.end(), [&](const char* i) {
          return std::string(i) == name;
        }) != implied.end()) {
      continue;
    }
    out.push_back(name);
  }
  return out;
}

bool TiersFold(const CustomerFilter& f, const TierSpend& ts) {
  return !f.tiers.empty() && ts.spend_only;
}

// [min_spend, max_spend], intersected with the tiers' spend ranges when
// they fold (query_planner.h), highest spend first (key order).
std::vector<Interval> SpendIntervals(const CustomerFilter& f,
                                     const TierSpend& ts) {
  const Interval base{f.min_spend, f.max_spend};
  std::vector<Interval> tier_ranges;
  if (!TiersFold(f, ts)) {
    tier_ranges.push_back(base);
  } else {
    for (auto it = f.tiers.rbegin(); it != f.tiers.rend(); ++it) {
      switch (*it) {
        case ValueTier::kHigh:
          tier_ranges.push_back({ts.high_min, INT64_MAX});
          break;
        case ValueTier::kMedium:
          tier_ranges.push_back({ts.medium_min, ts.high_min - 1});
          break;
        case ValueTier::kLow:
          tier_ranges.push_back({INT64_MIN, ts.medium_min - 1});
          break;
      }
    }
  }
  std::vector<Interval> out;
  for (const Interval& t : tier_ranges) {
    Interval iv{std::max(t.lo, base.lo), std::min(t.hi, base.hi)};
    if (iv.lo <= iv.hi) out.push_back(iv);
  }
  return out;
}

// Keys of `prefix` · ~spend · id with spend in `iv`.
IndexRange SpendRange(const std::string& prefix, const Interval& iv) {
  IndexRange r;
  r.lower = prefix;
  keys::PutI64(&r.lower, ~iv.hi);
  std::string last = prefix;
  keys::PutI64(&last, ~iv.lo);
  r.upper = Successor(std::move(last));
  r.prefix_length = prefix.size();
  return r;
}

IndexRange WholePrefix(const std::string& prefix) {
  return IndexRange{prefix, Successor(prefix), prefix.size()};
}

std::string SpendText(const std::vector<Interval>& intervals) {
  if (intervals.empty()) return "spend in nothing";
  std::string s = "spend in ";
  for (size_t i = 0; i < intervals.size(); ++i) {
    if (i > 0) s += " or ";
    s += IntervalText(intervals[i]);
  }
  return s;
}

// Spend order over every customer: owner_spend of every owner, merged by
// tail (~spend · id); keys.h says why there is no global spend index.
ScanPlan SpendPlan(const CustomerFilter& f, const TierSpend& ts,
                   CustomerOrder order,
                   const std::vector<uint64_t>& every_owner) {
  ScanPlan plan;
  plan.index = "spend";
  const std::vector<Interval> intervals = SpendIntervals(f, ts);
  for (uint64_t owner : every_owner) {
    std::string prefix = TagPrefix(TierTag::kOwnerSpend);
    keys::PutU64(&prefix, owner);
    for (const Interval& iv : intervals) {
      plan.ranges.push_back(SpendRange(prefix, iv));
    }
  }
  plan.bounds = "owner_spend of every owner (" +
                std::to_string(every_owner.size()) + "), " +
                SpendText(intervals);
  plan.index_order = order == CustomerOrder::kSpendDesc;
  plan.residual_filters = TiersFold(f, ts) ? Residual(f, {"spend", "tiers"})
                                           : Residual(f, {"spend"});
  return plan;
}

// An index of one byte per value · id (segment, lifecycle, tier): one
// range per value, merged by id.
template <typename T>
ScanPlan ByteValuePlan(const char* index, TierTag tag, const char* filter,
                       const std::vector<T>& values, int byte_offset,
                       const CustomerFilter& f, CustomerOrder order) {
  ScanPlan plan;
  plan.index = index;
  plan.bounds = std::string(index) + " in {";
  for (size_t i = 0; i < values.size(); ++i) {
    const int value = static_cast<int>(values[i]);
    std::string prefix = TagPrefix(tag);
    prefix.push_back(
        static_cast<char>(static_cast<uint8_t>(value + byte_offset)));
    plan.ranges.push_back(WholePrefix(prefix));
    plan.bounds += (i > 0 ? ", " : "") + std::to_string(value);
  }
  plan.bounds += "}";
  plan.index_order = order == CustomerOrder::kId;
  plan.residual_filters = Residual(f, {filter});
  return plan;
}

ScanPlan RegionPlan(const CustomerFilter& f, CustomerOrder order) {
  ScanPlan plan;
  plan.index = "region";
  std::string prefix = TagPrefix(TierTag::kRegion);
  keys::PutString(&prefix, *f.region);
  plan.ranges.push_back(WholePrefix(prefix));
  plan.bounds = "region = '" + *f.region + "'";
  plan.index_order = order == CustomerOrder::kId;
  plan.residual_filters = Residual(f, {"region"});
  return plan;
}

// Requires f.owners.
ScanPlan OwnerSpendPlan(const CustomerFilter& f, const TierSpend& ts) {
  ScanPlan plan;
  plan.index = "owner_spend";
  const std::vector<Interval> intervals = SpendIntervals(f, ts);
  plan.bounds = "owner in {";
  for (size_t i = 0; i < f.owners.size(); ++i) {
    std::string prefix = TagPrefix(TierTag::kOwnerSpend);
    keys::PutU64(&prefix, f.owners[i]);
    for (const Interval& iv : intervals) {
      plan.ranges.push_back(SpendRange(prefix, iv));
    }
    plan.bounds += (i > 0 ? ", " : "") + std::to_string(f.owners[i]);
  }
  plan.bounds += "} " + SpendText(intervals);
  plan.residual_filters = TiersFold(f, ts)
                              ? Residual(f, {"owner", "spend", "tiers"})
                              : Residual(f, {"owner", "spend"});
  return plan;
}

}  // namespace

TierSpend TierSpendOf(const TierPolicy& policy) {
  TierSpend ts;
  ts.spend_only = policy.high_min_orders <= 0 && policy.medium_min_orders <= 0;
  ts.medium_min = policy.medium_min_spend_minor;
  ts.high_min = policy.high_min_spend_minor;
  return ts;
}

ScanPlan LastActivityPlan(const CustomerFilter& f, bool reverse) {
  ScanPlan plan;
  plan.index = "last_activity";
  plan.reverse = reverse;
  // last_activity_ms 0 means "no activity" (types.h), which neither
  // active_since nor inactive_since lets pass.
  const bool bounded = f.active_since || f.inactive_since;
  const int64_t lo = f.active_since ? std::max<int64_t>(*f.active_since, 1)
                     : bounded      ? 1
                                    : INT64_MIN;
  // One range per value tier (the key's first part), the filter's tiers
  // when it names some.
  static const std::vector<ValueTier> kEveryTier = {
      ValueTier::kLow, ValueTier::kMedium, ValueTier::kHigh};
  const std::vector<ValueTier>& tiers = f.tiers.empty() ? kEveryTier : f.tiers;
  std::string tier_text;
  for (ValueTier tier : tiers) {
    std::string prefix = TagPrefix(TierTag::kLastActivity);
    prefix.push_back(static_cast<char>(tier));
    IndexRange r;
    r.prefix_length = prefix.size();
    r.lower = prefix;
    keys::PutI64(&r.lower, lo);
    if (f.inactive_since) {
      r.upper = prefix;
      keys::PutI64(&r.upper, *f.inactive_since);
    } else {
      r.upper = Successor(prefix);
    }
    if (r.lower < r.upper) plan.ranges.push_back(std::move(r));
    tier_text += (tier_text.empty() ? "" : ", ") +
                 std::to_string(static_cast<int>(tier));
  }
  plan.bounds =
      "tier in {" + tier_text + "}, last_activity_ms in [" + Num(lo) + ", " +
      (f.inactive_since ? std::to_string(*f.inactive_since) : "max]") +
      (f.inactive_since ? ")" : "");
  // inactive_since also asks for an order, which only the record shows.
  plan.residual_filters = f.tiers.empty()
                              ? Residual(f, {"active_since"})
                              : Residual(f, {"active_since", "tiers"});
  return plan;
}

std::vector<ScanPlan> CandidatePlans(const CustomerFilter& f,
                                     CustomerOrder order, const TierSpend& ts,
                                     const std::vector<uint64_t>& every_owner) {
  std::vector<ScanPlan> plans;
  if (!f.owners.empty()) {
    plans.push_back(OwnerSpendPlan(f, ts));
    plans.back().index_order = order == CustomerOrder::kSpendDesc;
  }
  if (f.region) plans.push_back(RegionPlan(f, order));
  if (!f.segments.empty()) {
    plans.push_back(ByteValuePlan("segment", TierTag::kSegment, "segments",
                                  f.segments, 1, f, order));
  }
  if (!f.stages.empty()) {
    plans.push_back(ByteValuePlan("lifecycle", TierTag::kLifecycle, "stages",
                                  f.stages, 0, f, order));
  }
  // Spend over every owner holds the same spend intervals as owner_spend
  // over all owners, not just the query's, so it is never the tighter one.
  const bool spend_weighed = f.owners.empty();
  if (!f.tiers.empty()) {
    if (order == CustomerOrder::kSpendDesc && TiersFold(f, ts)) {
      if (spend_weighed) plans.push_back(SpendPlan(f, ts, order, every_owner));
    } else {
      plans.push_back(
          ByteValuePlan("tier", TierTag::kTier, "tiers", f.tiers, 0, f, order));
    }
  }
  const bool by_activity = order == CustomerOrder::kLastActivityAsc ||
                           order == CustomerOrder::kLastActivityDesc;
  if (f.active_since || f.inactive_since || by_activity) {
    // Also rule 8 for the last-activity orders: the unbounded range.
    plans.push_back(
        LastActivityPlan(f, order == CustomerOrder::kLastActivityDesc));
    plans.back().index_order = by_activity;
    if (!by_activity) plans.back().reverse = false;
  }
  const bool spend_bounded =
      f.min_spend != INT64_MIN || f.max_spend != INT64_MAX;
  if (spend_bounded && spend_weighed) {
    plans.push_back(SpendPlan(f, ts, order, every_owner));
  }
  if (plans.empty()) {
    if (order == CustomerOrder::kId) {
      const std::vector<ValueTier> all = {ValueTier::kLow, ValueTier::kMedium,
                                          ValueTier::kHigh};
      plans.push_back(
          ByteValuePlan("tier", TierTag::kTier, "tiers", all, 0, f, order));
    } else {
      plans.push_back(SpendPlan(f, ts, order, every_owner));
    }
  }
  return plans;
}

ScanPlan PlanQuery(const CustomerFilter& f, CustomerOrder order,
                   const TierSpend& ts,
                   const std::vector<uint64_t>& every_owner) {
  return std::move(CandidatePlans(f, order, ts, every_owner).front());
}

size_t ChoosePlan(std::vector<ScanPlan>* candidates, uint32_t limit,
                  const KeyEstimate& estimate) {
  auto exact = [](const ScanPlan& p) {
    return p.index_order && p.residual_filters.empty();
  };
  if (candidates->size() == 1 || exact(candidates->front())) return 0;
  // Fewest ranges first, so the bound below prunes the plans of many
  // ranges (spend over every owner) after a few estimates.
  std::vector<size_t> by_ranges(candidates->size());
  for (size_t i = 0; i < by_ranges.size(); ++i) by_ranges[i] = i;
  std::stable_sort(by_ranges.begin(), by_ranges.end(), [&](size_t a, size_t b) {
    return (*candidates)[a].ranges.size() < (*candidates)[b].ranges.size();
  });
  size_t best = 0;
  uint64_t best_cost = UINT64_MAX;
  for (size_t i : by_ranges) {
    ScanPlan& plan = (*candidates)[i];
    const uint64_t cap = exact(plan) ? uint64_t{limit} + 1 : UINT64_MAX;
    uint64_t cost = 0;
    bool pruned = false;
    for (const IndexRange& r : plan.ranges) {
      cost += estimate(r);
      if (cost >= cap) {
        cost = cap;
        break;
      }
      // Reaching the best so far loses: a tie goes to the earlier rule,
      // and only then does this one still need its exact cost.
      if (cost > best_cost || (cost == best_cost && i > best)) {
        pruned = true;
        break;
      }
    }
    if (pruned) continue;
    plan.estimated_keys = static_cast<int64_t>(cost);
    if (cost < best_cost || (cost == best_cost && i < best)) {
      best = i;
      best_cost = cost;
    }
  }
  return best;
}

void ResumeAfter(const std::string& after, ScanPlan* plan) {
  std::vector<IndexRange> kept;
  for (IndexRange& r : plan->ranges) {
    const std::string prefix = r.lower.substr(0, r.prefix_length);
    if (!plan->reverse) {
      std::string start = prefix + after;
      start.push_back('\0');  // the first key after prefix · after
      if (start > r.lower) r.lower = std::move(start);
    } else {
      std::string end = prefix + after;
      if (end < r.upper) r.upper = std::move(end);
    }
    if (r.lower < r.upper) kept.push_back(std::move(r));
  }
  plan->ranges = std::move(kept);
}

}  // namespace custdb
