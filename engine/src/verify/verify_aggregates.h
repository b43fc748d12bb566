// Comparing a customer's stored Aggregates with the replayed ones, for
// Verify (the replay: write/aggregates_replay.h).
#ifndef CUSTDB_ENGINE_VERIFY_VERIFY_AGGREGATES_H_
#define CUSTDB_ENGINE_VERIFY_VERIFY_AGGREGATES_H_

#include <string>
#include <vector>

#include "custdb/types.h"

namespace custdb {

// "field: stored X, recomputed Y", one entry per field that differs
// (loyalty_redeemed excluded).
std::vector<std::string> DiffAggregates(const Aggregates& stored,
                                        const Aggregates& recomputed);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_VERIFY_VERIFY_AGGREGATES_H_
