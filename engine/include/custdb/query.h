// FindCustomers: the tiering questions answered from the tier indexes.
// A planner picks the index with the tightest bounds for the filters; the
// remaining filters are checked on the facts stored in each index entry,
// so a query never reads customer records it does not return.
#ifndef CUSTDB_QUERY_H_
#define CUSTDB_QUERY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custdb/policy.h"
#include "custdb/types.h"

namespace custdb {

enum class CustomerOrder : uint8_t {
  kSpendDesc = 1,         // total_spend_minor descending, then id ascending
  kLastActivityAsc = 2,   // then id ascending
  kLastActivityDesc = 3,  // then id descending
  kId = 4,
};
const char* CustomerOrderName(CustomerOrder order);  // "spend_desc", …
bool ParseCustomerOrder(const std::string& name, CustomerOrder* out);

// Every filter is optional; a customer must pass all that are set.
// Lists match any of their values.
struct CustomerQuery {
  std::vector<ValueTier> tiers;
  std::vector<std::string> segments;  // names in the current policy
  std::vector<LifecycleStage> stages;
  // Owner channel; with include_subtree, also every descendant channel.
  std::optional<uint64_t> owner_channel_id;
  bool include_subtree = false;
  std::optional<std::string> region;
  std::optional<int64_t> min_spend_minor;  // inclusive
  std::optional<int64_t> max_spend_minor;  // inclusive
  std::optional<int64_t> min_orders;       // inclusive
  std::optional<int64_t> max_orders;       // inclusive
  // last_activity_ms >= active_since_ms (customers with no activity never
  // pass); last_activity_ms < inactive_since_ms (prospects never pass).
  std::optional<int64_t> active_since_ms;
  std::optional<int64_t> inactive_since_ms;
  CustomerOrder order = CustomerOrder::kSpendDesc;
  uint32_t limit = 100;  // 1..kMaxQueryLimit
  // Empty for the first page, else next_cursor of the previous page of the
  // same query (kInvalidArgument for a cursor of another query).
  std::string cursor;
};
constexpr uint32_t kMaxQueryLimit = 10000;

// How a query ran. keys_examined counts index entries read, including the
// one that proved the range ended (at most one more than needed).
struct QueryPlan {
  std::string index;   // e.g. "owner_spend", "segment", "last_activity"
  std::string bounds;  // the key range scanned, readable
  std::vector<std::string> residual_filters;  // checked per entry
  bool index_order = true;  // false: matches collected, then sorted
  uint64_t keys_examined = 0;
  uint64_t results = 0;
  std::string ToString() const;
};

struct CustomerPage {
  std::vector<CustomerRecord> customers;
  std::string next_cursor;  // empty when there is nothing more
  QueryPlan plan;
};

}  // namespace custdb

#endif  // CUSTDB_QUERY_H_
