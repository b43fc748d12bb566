// GetChurnWatch: customers idle past the churn cutoff, counted from the
// last_activity index entries alone.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "query/customer_queries.h"
#include "query/query_checks.h"
#include "storage/keys.h"
#include "storage/storage_read.h"

namespace custdb {

Status CustomerQueries::ChurnFilter(const ChurnWatchQuery& q,
                                    CustomerFilter* filter) {
  if (q.as_of_ms <= 0) {
    return Status::InvalidArgument(
        "query.as_of_ms: " + std::to_string(q.as_of_ms) + " is required (> 0)");
  }
  if (q.inactive_days < 0) {
    return Status::InvalidArgument(
        "query.inactive_days: " + std::to_string(q.inactive_days) +
        " is negative");
  }
  Status s = CheckLimit(q.limit);
  if (s.ok()) s = CheckTiers(q.tiers, &filter->tiers);
  if (s.ok() && q.channel_id) {
    s = channels_.OwnerSet("query.channel_id", *q.channel_id, Subtree::kInclude,
                           &filter->owners);
  }
  if (!s.ok()) return s;
  // filter->owners is ascending (OwnerSet: SubtreeOf sorts), as
  // binary_search in CountChurned needs.
  const std::shared_ptr<const TierPolicy> current = policy_.policy();
  const int64_t days =
      q.inactive_days == 0 ? current->churn_days : q.inactive_days;
  // as_of - days: clamp instead of overflowing for absurd day counts.
  const __int128 cutoff =
      static_cast<__int128>(q.as_of_ms) - static_cast<__int128>(days) * kDayMs;
  filter->inactive_since =
      cutoff < INT64_MIN ? INT64_MIN : static_cast<int64_t>(cutoff);
  return Status::OK();
}

// The best `limit` as (spend, id), spend descending then id, kept in
// *best: a max-heap whose front is the worst kept.
Status CustomerQueries::CountChurned(
    const ChurnWatchQuery& q, const CustomerFilter& filter, ChurnWatch* watch,
    std::vector<std::pair<int64_t, uint64_t>>* best) {
  using Candidate = std::pair<int64_t, uint64_t>;
  auto better = [](const Candidate& a, const Candidate& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  const ScanPlan plan = LastActivityPlan(filter, /*reverse=*/false);
  best->reserve(q.limit);
  ScopedSnapshot snapshot(storage_);
  StorageIterator it = storage_.Scan(keys::Cf::kTierIndex, ReadView{&snapshot});
  for (const IndexRange& r : plan.ranges) {
    for (it.Seek(r.lower); it.Valid() && it.key() < r.upper; it.Next()) {
      keys::ActivityFacts facts;
      uint64_t id = 0;
      if (!keys::DecodeActivityValue(it.value(), &facts) ||
          !keys::TierKeyCustomerId(it.key(), &id)) {
        return Status::Corruption(
            "last_activity entry of " + std::to_string(it.key().size()) + "+" +
            std::to_string(it.value().size()) + " bytes does not decode");
      }
      if (!facts.has_orders ||
          (!filter.owners.empty() &&
           !std::binary_search(filter.owners.begin(), filter.owners.end(),
                               facts.owner_channel_id))) {
        continue;
      }
      ++watch->count;
      const Candidate c{facts.spend_minor, id};
      if (best->size() == q.limit) {
        if (!better(c, best->front())) continue;
        std::pop_heap(best->begin(), best->end(), better);
        best->back() = c;
      } else {
        best->push_back(c);
      }
      std::push_heap(best->begin(), best->end(), better);
    }
  }
  Status s = it.status("churn watch: scanning");
  if (!s.ok()) return s;
  std::sort_heap(best->begin(), best->end(), better);
  return Status::OK();
}

// Counted from the last_activity entries alone: one range per tier asked,
// tier · [1, cutoff), whose entries are the answer but for the owner and
// has-orders checks their values answer (keys.h ActivityValue). Only the
// `limit` best by spend are then read, to be returned; one whose record no
// longer matches (changed since the scan) is left out of `top`.
Result<ChurnWatch> CustomerQueries::GetChurnWatch(const ChurnWatchQuery& q) {
  CustomerFilter filter;
  Status s = ChurnFilter(q, &filter);
  if (!s.ok()) return s;
  ChurnWatch watch;
  std::vector<std::pair<int64_t, uint64_t>> best;
  s = CountChurned(q, filter, &watch, &best);
  if (!s.ok()) return s;
  CachedCustomer c;
  for (const auto& candidate : best) {
    bool exists = false;
    s = ReadCandidate(candidate.second, &c, &exists);
    if (!s.ok()) return s;
    if (exists &&
        Matches(filter, *c.profile, c.aggregates, c.derived.derived)) {
      watch.top.push_back(RecordOf(c, policy_.rescored_through()));
    }
  }
  return watch;
}

}  // namespace custdb
