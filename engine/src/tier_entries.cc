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
  f.derived = derived;
  return f;
}

std::vector<std::string> TierIndexKeys(const TierFacts& f) {
  const uint64_t id = f.customer_id;
  std::vector<std::string> k;
  k.reserve(8);
  k.push_back(keys::OwnerSpendKey(f.owner_channel_id, f.spend_minor, id));
  k.push_back(keys::RegionKey(f.region, id));
  k.push_back(keys::SegmentKey(f.derived.segment, id));
  k.push_back(
      keys::LifecycleKey(static_cast<uint8_t>(f.derived.lifecycle), id));
  k.push_back(keys::LastActivityKey(f.last_activity_ms, id));
  k.push_back(keys::TierKey(static_cast<uint8_t>(f.derived.value_tier), id));
  if (f.derived.next_change_ms != INT64_MAX) {
    k.push_back(keys::NextChangeKey(f.derived.next_change_ms, id));
  }
  std::sort(k.begin(), k.end());
  return k;
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
