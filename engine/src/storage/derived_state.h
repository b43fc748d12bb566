// DerivedState: a customer's derived attributes as stored with its
// aggregates, and how a read reports them. Storage's half of tiering: the
// rules that compute them are tiering/derive.h.
#ifndef CUSTDB_ENGINE_STORAGE_DERIVED_STATE_H_
#define CUSTDB_ENGINE_STORAGE_DERIVED_STATE_H_

#include <cstdint>

#include "custdb/derived.h"
#include "custdb/types.h"

namespace custdb {

// Derived attributes as stored with a customer's aggregates: when and under
// which policy version they were derived. present is false for records
// written before tiering existed (they are re-derived when the engine opens).
struct DerivedState {
  bool present = false;
  Derived derived;
  int64_t as_of_ms = 0;
  int64_t policy_version = 0;
};

// The as_of a customer's derived attributes are reported at. They hold from
// their stored as_of until next_change_ms, and a rescore leaves a customer
// it would derive the same values for unwritten; so once a rescore as of
// `rescored_through` has finished, they are reported as of that time when
// it lies in that span. INT64_MIN reports the stored as_of.
int64_t ReportedAsOf(const DerivedState& state, int64_t rescored_through);

// A record's derived fields from / as a DerivedState (policy_version 0
// means "not derived yet": versions start at 1). SetDerived reports them at
// ReportedAsOf(state, rescored_through).
void SetDerived(const DerivedState& state, int64_t rescored_through,
                CustomerRecord* record);
DerivedState DerivedOf(const CustomerRecord& record);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_DERIVED_STATE_H_
