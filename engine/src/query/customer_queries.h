// CustomerQueries: FindCustomers, Explain and GetChurnWatch over the tier
// indexes. ChurnWatch is declared with the reports in custdb/reports.h, but
// it is a query of the last_activity index, so its code is in query/
// (churn_watch.cc).
#ifndef CUSTDB_ENGINE_QUERY_CUSTOMER_QUERIES_H_
#define CUSTDB_ENGINE_QUERY_CUSTOMER_QUERIES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channel_registry.h"
#include "custdb/query.h"
#include "custdb/reports.h"
#include "custdb/status.h"
#include "customer_cache.h"
#include "customer_reads.h"
#include "query/customer_filter.h"
#include "query/query_planner.h"
#include "storage/storage.h"
#include "tiering/policy_state.h"

namespace custdb {

// State: reads only. The tier index of `storage` on its own snapshot; the
// customers through `cache` (pinned in place) or, on a miss, `reads`; the
// owner sets of `channels`; the policy (segments, tier spend) and rescore
// time of `policy`.
class CustomerQueries {
 public:
  CustomerQueries(const Storage& storage, const ChannelRegistry& channels,
                  const CustomerCache& cache, const PolicyState& policy,
                  CustomerReads& reads);

  Result<CustomerPage> FindCustomers(const CustomerQuery& query);
  Result<QueryPlan> Explain(const CustomerQuery& query);
  Result<ChurnWatch> GetChurnWatch(const ChurnWatchQuery& query);

 private:
  Status ResolveQuery(const CustomerQuery& query, CustomerFilter* filter,
                      TierSpend* tier_spend);
  // The customer as the query path checks it: the cached entry, whose
  // profile is shared, so rejecting a candidate copies nothing. *exists is
  // false for a customer erased since its index entry was read.
  Status ReadCandidate(uint64_t customer_id, CachedCustomer* out, bool* exists);
  // Reads the plan's index ranges on one snapshot and calls on_match with
  // each customer that passes `filter` and its key's tail, in the plan's
  // order, until on_match returns false. Adds the keys read and the
  // entries rejected by `filter` to *plan_out.
  // `wanted`: on_match returns false at the latest at the wanted-th match
  // (SIZE_MAX: never), so the scan reads no key past it.
  template <typename OnMatch>
  Status ScanIndex(const ScanPlan& plan, const CustomerFilter& filter,
                   size_t wanted, OnMatch&& on_match, QueryPlan* plan_out);
  // FindCustomers' steps: the cursor's resume point, the plan chosen, and
  // a page read in index order or kept sorted in a bounded heap.
  Status DecodeQueryCursor(const CustomerQuery& q, const std::string& hash,
                           std::optional<std::string>* after);
  ScanPlan ChooseQueryPlan(const CustomerQuery& q, const CustomerFilter& filter,
                           const TierSpend& tier_spend,
                           const std::optional<std::string>& after,
                           CustomerPage* page);
  Status IndexOrderPage(const CustomerQuery& q, const ScanPlan& plan,
                        const CustomerFilter& filter, CustomerPage* page,
                        std::string* last, bool* more);
  Status SortedPage(const CustomerQuery& q, const ScanPlan& plan,
                    const CustomerFilter& filter,
                    const std::optional<std::string>& after, CustomerPage* page,
                    std::string* last, bool* more);
  // GetChurnWatch's steps: the checks and the filter, then the count and
  // the best `limit` ids by spend from the keys alone.
  Status ChurnFilter(const ChurnWatchQuery& q, CustomerFilter* filter);
  Status CountChurned(const ChurnWatchQuery& q, const CustomerFilter& filter,
                      ChurnWatch* watch,
                      std::vector<std::pair<int64_t, uint64_t>>* best);

  const Storage& storage_;
  const ChannelRegistry& channels_;
  const CustomerCache& cache_;
  const PolicyState& policy_;
  CustomerReads& reads_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_QUERY_CUSTOMER_QUERIES_H_
