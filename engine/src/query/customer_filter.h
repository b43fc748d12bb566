// CustomerFilter: a CustomerQuery's filters after validation (segment names
// resolved to policy indexes, the owner channel expanded to its subtree),
// the check of one customer against them, and the order keys that sort and
// page query results.
#ifndef CUSTDB_ENGINE_QUERY_CUSTOMER_FILTER_H_
#define CUSTDB_ENGINE_QUERY_CUSTOMER_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custdb/query.h"
#include "custdb/types.h"

namespace custdb {

// Every list is sorted and free of duplicates; an empty list accepts any
// value. Ranges are inclusive unless named otherwise.
struct CustomerFilter {
  std::vector<ValueTier> tiers;
  std::vector<int> segments;  // indexes into the policy's segments
  std::vector<LifecycleStage> stages;
  std::vector<uint64_t> owners;  // owner_channel_id values
  std::optional<std::string> region;
  int64_t min_spend = INT64_MIN;
  int64_t max_spend = INT64_MAX;
  int64_t min_orders = INT64_MIN;
  int64_t max_orders = INT64_MAX;
  // last_activity_ms >= active_since; order_count >= 1 and
  // last_activity_ms < inactive_since. last_activity_ms 0 means "no
  // activity" (types.h) and passes neither.
  std::optional<int64_t> active_since;
  std::optional<int64_t> inactive_since;
};

// True if `customer` passes every filter of `filter`. Checks all of them,
// including those the index scan already bounds: the index is read on a
// snapshot and the record may be newer, and a returned customer must match
// as it is returned.
bool Matches(const CustomerFilter& filter, const Customer& profile,
             const Aggregates& aggregates, const Derived& derived);
inline bool Matches(const CustomerFilter& filter,
                    const CustomerRecord& customer) {
  return Matches(filter, customer.profile, customer.aggregates,
                 customer.derived);
}

// A byte string whose bytewise order is the order `order` asks for
// (kLastActivityDesc: the reverse of the bytewise order), unique per
// customer because it ends in the id. It equals the tail of the tier index
// key that sorts the same way (keys.h): ~spend · id for kSpendDesc,
// last_activity_ms · id for the last-activity orders, id for kId, so a
// cursor holds the same bytes whether its page came in index order or was
// sorted.
std::string OrderKey(CustomerOrder order, uint64_t customer_id,
                     const Aggregates& aggregates);
inline std::string OrderKey(CustomerOrder order,
                            const CustomerRecord& customer) {
  return OrderKey(order, customer.profile.id, customer.aggregates);
}
// The length of OrderKey for `order`.
size_t OrderKeyLength(CustomerOrder order);
// True if order key `a` comes before `b` in `order`.
bool OrderKeyBefore(CustomerOrder order, const std::string& a,
                    const std::string& b);

// A canonical encoding of the filter and order: two queries that select
// and sort alike encode alike. Cursors carry a hash of it.
std::string EncodeFilter(const CustomerFilter& filter, CustomerOrder order);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_QUERY_CUSTOMER_FILTER_H_
