// Derived: the tiering attributes of one customer, computed from its
// aggregates by Derive(aggregates, policy, as_of) (engine/src/derive.h) and
// stored with them, so every read and index sees the same values.
#ifndef CUSTDB_DERIVED_H_
#define CUSTDB_DERIVED_H_

#include <cstdint>
#include <string>

#include "custdb/policy.h"

namespace custdb {

struct Derived {
  ValueTier value_tier = ValueTier::kLow;
  // 1..5 (5 best); 0 for a prospect (order_count == 0).
  int r = 0;
  int f = 0;
  int m = 0;
  // Index into the policy's segments of the first matching rule; -1 for a
  // prospect. segment_name is that rule's name ("" for -1).
  int segment = -1;
  std::string segment_name;
  LifecycleStage lifecycle = LifecycleStage::kProspect;
  bool churn_risk = false;
  int64_t loyalty_points = 0;
  // The earliest time after as_of at which Derive would return a different
  // result with no new event (a recency breakpoint, a lifecycle threshold
  // or the churn threshold is crossed); INT64_MAX if none. Rescore visits
  // exactly the customers whose next_change_ms has passed.
  int64_t next_change_ms = INT64_MAX;
};

bool operator==(const Derived& a, const Derived& b);
inline bool operator!=(const Derived& a, const Derived& b) { return !(a == b); }

}  // namespace custdb

#endif  // CUSTDB_DERIVED_H_
