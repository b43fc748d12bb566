#include "tier_entries.h"

#include <algorithm>

namespace custdb {

TierFacts FactsOf(const Customer& profile, const Aggregates& aggregates,
                  const Derived& derived) {
  TierFacts f;
  f.customer_id = profile.id;
  f.owner_channel_id = profile.owner_channel_id;
  f.region = profile.region;
  f.spend_minor = aggregates.total_spend_minor;
  f.last_activity_ms = aggregates.last_activity_ms;
  f.has_orders = aggregates.order_count >= 1;
  f.derived = derived;
  return f;
}

std::vector<TierIndexEntry> TierIndexEntries(const TierFacts& f) {
  const uint64_t id = f.customer_id;
  const auto tier = static_cast<uint8_t>(f.derived.value_tier);
  std::vector<TierIndexEntry> e;
  e.reserve(7);
  auto add = [&e](std::string key, std::string value = std::string()) {
    e.push_back({std::move(key), std::move(value)});
  };
  add(keys::OwnerSpendKey(f.owner_channel_id, f.spend_minor, id));
  add(keys::RegionKey(f.region, id));
  add(keys::SegmentKey(f.derived.segment, id));
  add(keys::LifecycleKey(static_cast<uint8_t>(f.derived.lifecycle), id));
  add(keys::LastActivityKey(tier, f.last_activity_ms, id),
      keys::ActivityValue(keys::ActivityFacts{f.owner_channel_id, f.spend_minor,
                                              f.has_orders}));
  add(keys::TierKey(tier, id));
  if (f.derived.next_change_ms != INT64_MAX) {
    add(keys::NextChangeKey(f.derived.next_change_ms, id));
  }
  // Built in tag order, which is key order.
  return e;
}

void AddSummaryContribution(const TierFacts& f, int sign,
                            CounterDeltas* deltas) {
  // Groups ascend (tier < lifecycle < segment), so the slots do too.
  const uint16_t groups[] = {TierGroup(f.derived.value_tier),
                             LifecycleGroup(f.derived.lifecycle),
                             SegmentGroup(f.derived.segment)};
  keys::CounterVec contribution;
  for (uint16_t g : groups) {
    contribution.emplace_back(static_cast<uint16_t>(2 * g), sign);
    contribution.emplace_back(static_cast<uint16_t>(2 * g + 1),
                              sign * f.spend_minor);
  }
  const std::string scope_keys[] = {
      keys::TierSummaryKey(keys::SummaryScope::kOwner, f.owner_channel_id, ""),
      keys::TierSummaryKey(keys::SummaryScope::kOwnerRegion, f.owner_channel_id,
                           f.region)};
  for (const std::string& key : scope_keys) {
    keys::AddCounterVec(&(*deltas)[key], contribution);
  }
}

}  // namespace custdb
