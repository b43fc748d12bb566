// FindCustomers: the tiering questions answered from the tier indexes.
// A planner picks the index with the tightest bounds for the filters, by
// RocksDB's estimate of the keys in each candidate's ranges
// (engine/src/query_planner.h has the rules); the remaining filters are
// checked on each customer's record (profile, aggregates, derived), read
// through the customer cache.
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
  // last_activity_ms 0 is "no activity" (types.h) and passes neither.
  std::optional<int64_t> active_since_ms;
  std::optional<int64_t> inactive_since_ms;
  CustomerOrder order = CustomerOrder::kSpendDesc;
  uint32_t limit = 100;  // 1..kMaxQueryLimit
  // Empty for the first page, else next_cursor of the previous page of the
  // same query (kInvalidArgument for a cursor of another query).
  std::string cursor;
};
constexpr uint32_t kMaxQueryLimit = 10000;

// A plan the planner weighed: its index, key ranges and the keys it was
// expected to examine. -1 when it was not estimated in full: the rules
// alone decided (a single candidate, or a first candidate that reads in
// the query's order with no filter left to check), or its ranges were
// found to hold more than the chosen plan's before all were counted.
struct PlanCandidate {
  std::string index;
  std::string bounds;
  int64_t estimated_keys = -1;
};

// How a query ran. keys_examined counts index entries read. Ranges are read
// with iterate bounds, so no key outside them is read; an index-order query
// reads, beyond its results, the entries whose customer failed a filter
// (keys_rejected), one matching entry that proves a next page exists, and
// at most one key per range that was positioned but not reached. A query
// that is not in index order reads every entry of its ranges.
struct QueryPlan {
  std::string index;   // e.g. "owner_spend", "segment", "last_activity"
  std::string bounds;  // the key ranges scanned, readable
  // Filters the index ranges leave open. Every filter is checked on the
  // customer record, as it is read.
  std::vector<std::string> residual_filters;
  bool index_order = true;  // false: all matches read, the best kept
  uint64_t keys_examined = 0;
  uint64_t keys_rejected = 0;  // entries whose customer failed a filter
  uint64_t results = 0;
  // Every plan weighed, the one that ran included, in the planner's rule
  // order; the one with the fewest estimated keys ran (ties: the earliest).
  std::vector<PlanCandidate> candidates;
  std::string ToString() const;
};

struct CustomerPage {
  std::vector<CustomerRecord> customers;
  std::string next_cursor;  // empty when there is nothing more
  QueryPlan plan;
};

}  // namespace custdb

#endif  // CUSTDB_QUERY_H_
