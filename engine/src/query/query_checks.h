// Checks and conversions the query paths share (customer_queries.cc,
// churn_watch.cc).
#ifndef CUSTDB_ENGINE_QUERY_QUERY_CHECKS_H_
#define CUSTDB_ENGINE_QUERY_QUERY_CHECKS_H_

#include <cstdint>
#include <vector>

#include "custdb/status.h"
#include "custdb/types.h"
#include "customer_cache.h"

namespace custdb {

// kInvalidArgument naming query.limit outside 1..kMaxQueryLimit.
Status CheckLimit(uint32_t limit);
// Appends `tiers` to *out, sorted and unique; kInvalidArgument naming
// query.tiers for a value that is not a tier.
Status CheckTiers(const std::vector<ValueTier>& tiers,
                  std::vector<ValueTier>* out);
// The record a query returns for a cached customer.
CustomerRecord RecordOf(const CachedCustomer& c, int64_t rescored_through);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_QUERY_QUERY_CHECKS_H_
