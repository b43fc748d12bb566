// Re-deriving a commit's customers and collecting their tiering moves.
#include "tiering/tier_changes.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "tiering/derive.h"

namespace custdb {

bool TierChanges::Rederive(const CommittedTiering* before,
                           const Customer& profile,
                           const Aggregates& aggregates, bool touched_only,
                           DerivedState* after) {
  Derived derived = Derive(aggregates, *tier_.policy, tier_.as_of_ms);
  const bool had_derived = before != nullptr && before->derived->present;
  // A re-derive later in time that changes nothing under the same policy
  // writes nothing: the stored attributes hold from their as_of until
  // next_change_ms, which lies after this as_of (Verify re-derives at the
  // stored as_of). A full rescore would otherwise rewrite every customer
  // and leave a compaction backlog behind it.
  if (had_derived && !tier_.rebuild && touched_only &&
      before->derived->policy_version == tier_.policy->version &&
      before->derived->as_of_ms <= tier_.as_of_ms &&
      before->derived->derived == derived) {
    return false;
  }
  after->present = true;
  after->derived = std::move(derived);
  after->as_of_ms = tier_.as_of_ms;
  after->policy_version = tier_.policy->version;

  const TierFacts facts_after = FactsOf(profile, aggregates, after->derived);
  // A record written before tiering has no entries yet.
  std::optional<TierFacts> facts_before;
  if (had_derived && !tier_.rebuild) {
    if (before->derived->derived != after->derived) ++derived_changes_;
    facts_before = FactsOf(*before->profile, *before->aggregates,
                           before->derived->derived);
  } else {
    ++derived_changes_;
  }
  const TierFacts* was = facts_before ? &*facts_before : nullptr;
  AddTierIndexMoves(was, &facts_after, &index_moves_);
  AddSummaryChange(was, &facts_after, &deltas_);
  return true;
}

void TierChanges::Remove(const CommittedTiering& before) {
  if (!before.derived->present) return;
  const TierFacts facts =
      FactsOf(*before.profile, *before.aggregates, before.derived->derived);
  AddTierIndexMoves(&facts, nullptr, &index_moves_);
  AddSummaryChange(&facts, nullptr, &deltas_);
}

std::vector<TierIndexMove> TierChanges::SortedIndexMoves() {
  std::stable_sort(index_moves_.begin(), index_moves_.end(),
                   [](const TierIndexMove& x, const TierIndexMove& y) {
                     return x.key < y.key;
                   });
  return std::move(index_moves_);
}

}  // namespace custdb
