// Reads one customer's profile and aggregates from RocksDB in one MultiGet,
// so both come from the same view.
#ifndef CUSTDB_ENGINE_STORAGE_CUSTOMER_READER_H_
#define CUSTDB_ENGINE_STORAGE_CUSTOMER_READER_H_

#include <cstdint>
#include <optional>

#include "custdb/status.h"
#include "custdb/types.h"
#include "storage/storage.h"
#include "tiering/derive.h"

namespace custdb {

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

// *out is empty if the customer does not exist; its derived attributes are
// reported at their stored as_of. Reads `snapshot` if not null.
Status ReadCustomerRecord(const Storage& storage, uint64_t customer_id,
                          std::optional<CustomerRecord>* out,
                          const rocksdb::Snapshot* snapshot = nullptr);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_CUSTOMER_READER_H_
