// TierEntries: a customer's tier_index entries and summary contributions.
#include "tiering/tier_entries.h"

#include <algorithm>
#include <iterator>

namespace custdb {
namespace {

using keys::TierTag;

// Every customer entry's tag, in key order.
constexpr TierTag kCustomerTags[] = {
    TierTag::kOwnerSpend, TierTag::kRegion,       TierTag::kSegment,
    TierTag::kLifecycle,  TierTag::kLastActivity, TierTag::kTier,
    TierTag::kNextChange,
};

uint8_t TierOf(const TierFacts& f) {
  return static_cast<uint8_t>(f.derived->value_tier);
}

bool HasEntry(TierTag tag, const TierFacts& f) {
  return tag != TierTag::kNextChange || f.derived->next_change_ms != INT64_MAX;
}

// The entry's key and value are built from the facts SameKey and
// SameValue compare, and from nothing else: AddTierIndexMoves relies on
// it, and tier_entries_test checks it against TierIndexEntries.
std::string KeyOf(TierTag tag, const TierFacts& f) {
  const uint64_t id = f.customer_id;
  switch (tag) {
    case TierTag::kOwnerSpend:
      return keys::OwnerSpendKey(f.owner_channel_id, f.spend_minor, id);
    case TierTag::kRegion:
      return keys::RegionKey(f.region, id);
    case TierTag::kSegment:
      return keys::SegmentKey(f.derived->segment, id);
    case TierTag::kLifecycle:
      return keys::LifecycleKey(static_cast<uint8_t>(f.derived->lifecycle), id);
    case TierTag::kLastActivity:
      return keys::LastActivityKey(TierOf(f), f.last_activity_ms, id);
    case TierTag::kTier:
      return keys::TierKey(TierOf(f), id);
    case TierTag::kNextChange:
      return keys::NextChangeKey(f.derived->next_change_ms, id);
    default:
      return std::string();  // not a customer entry
  }
}

std::string ValueOf(TierTag tag, const TierFacts& f) {
  if (tag != TierTag::kLastActivity) return std::string();
  return keys::ActivityValue(
      keys::ActivityFacts{f.owner_channel_id, f.spend_minor, f.has_orders});
}

bool SameKey(TierTag tag, const TierFacts& a, const TierFacts& b) {
  if (a.customer_id != b.customer_id) return false;
  switch (tag) {
    case TierTag::kOwnerSpend:
      return a.owner_channel_id == b.owner_channel_id &&
             a.spend_minor == b.spend_minor;
    case TierTag::kRegion:
      return a.region == b.region;
    case TierTag::kSegment:
      return a.derived->segment == b.derived->segment;
    case TierTag::kLifecycle:
      return a.derived->lifecycle == b.derived->lifecycle;
    case TierTag::kLastActivity:
      return TierOf(a) == TierOf(b) && a.last_activity_ms == b.last_activity_ms;
    case TierTag::kTier:
      return TierOf(a) == TierOf(b);
    case TierTag::kNextChange:
      return a.derived->next_change_ms == b.derived->next_change_ms;
    default:
      return false;
  }
}

bool SameValue(TierTag tag, const TierFacts& a, const TierFacts& b) {
  return tag != TierTag::kLastActivity ||
         (a.owner_channel_id == b.owner_channel_id &&
          a.spend_minor == b.spend_minor && a.has_orders == b.has_orders);
}

// The customer's contribution to each tier-summary key it counts in.
keys::CounterVec Contribution(const TierFacts& f, int sign) {
  // Groups ascend (tier < lifecycle < segment), so the slots do too.
  const uint16_t groups[] = {TierGroup(f.derived->value_tier),
                             LifecycleGroup(f.derived->lifecycle),
                             SegmentGroup(f.derived->segment)};
  keys::CounterVec contribution;
  contribution.reserve(2 * std::size(groups));
  for (uint16_t g : groups) {
    contribution.emplace_back(static_cast<uint16_t>(2 * g), sign);
    contribution.emplace_back(static_cast<uint16_t>(2 * g + 1),
                              sign * f.spend_minor);
  }
  return contribution;
}

void AddToScopes(const TierFacts& f, const keys::CounterVec& contribution,
                 CounterDeltas* deltas) {
  keys::AddCounterVec(&(*deltas)[keys::TierSummaryKey(
                          keys::SummaryScope::kOwner, f.owner_channel_id, "")],
                      contribution);
  keys::AddCounterVec(
      &(*deltas)[keys::TierSummaryKey(keys::SummaryScope::kOwnerRegion,
                                      f.owner_channel_id, f.region)],
      contribution);
}

}  // namespace

TierFacts FactsOf(const Customer& profile, const Aggregates& aggregates,
                  const Derived& derived) {
  TierFacts f;
  f.customer_id = profile.id;
  f.owner_channel_id = profile.owner_channel_id;
  f.region = profile.region;
  f.spend_minor = aggregates.total_spend_minor;
  f.last_activity_ms = aggregates.last_activity_ms;
  f.has_orders = aggregates.order_count >= 1;
  f.derived = &derived;
  return f;
}

std::vector<TierIndexEntry> TierIndexEntries(const TierFacts& f) {
  std::vector<TierIndexEntry> e;
  e.reserve(std::size(kCustomerTags));
  for (TierTag tag : kCustomerTags) {
    if (HasEntry(tag, f)) e.push_back({KeyOf(tag, f), ValueOf(tag, f)});
  }
  return e;
}

void AddTierIndexMoves(const TierFacts* before, const TierFacts* after,
                       std::vector<TierIndexMove>* moves) {
  for (TierTag tag : kCustomerTags) {
    const bool had = before != nullptr && HasEntry(tag, *before);
    const bool has = after != nullptr && HasEntry(tag, *after);
    if (had && has && SameKey(tag, *before, *after)) {
      if (!SameValue(tag, *before, *after)) {
        moves->push_back({KeyOf(tag, *after), ValueOf(tag, *after), true});
      }
      continue;
    }
    if (had) moves->push_back({KeyOf(tag, *before), std::string(), false});
    if (has) moves->push_back({KeyOf(tag, *after), ValueOf(tag, *after), true});
  }
}

void AddSummaryContribution(const TierFacts& f, int sign,
                            CounterDeltas* deltas) {
  AddToScopes(f, Contribution(f, sign), deltas);
}

void AddSummaryChange(const TierFacts* before, const TierFacts* after,
                      CounterDeltas* deltas) {
  if (before != nullptr && after != nullptr &&
      before->owner_channel_id == after->owner_channel_id &&
      before->region == after->region) {
    // The same two keys: one net contribution.
    keys::CounterVec change = Contribution(*after, +1);
    keys::AddCounterVec(&change, Contribution(*before, -1));
    if (!change.empty()) AddToScopes(*after, change, deltas);
    return;
  }
  if (before != nullptr) AddSummaryContribution(*before, -1, deltas);
  if (after != nullptr) AddSummaryContribution(*after, +1, deltas);
}

}  // namespace custdb
