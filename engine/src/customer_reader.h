// Reads one customer's profile and aggregates from RocksDB in one MultiGet,
// so both come from the same view.
#ifndef CUSTDB_ENGINE_CUSTOMER_READER_H_
#define CUSTDB_ENGINE_CUSTOMER_READER_H_

#include <cstdint>
#include <optional>

#include "custdb/status.h"
#include "custdb/types.h"
#include "derive.h"
#include "storage.h"

namespace custdb {

// A record's derived fields from / as a DerivedState (policy_version 0
// means "not derived yet": versions start at 1).
void SetDerived(const DerivedState& state, CustomerRecord* record);
DerivedState DerivedOf(const CustomerRecord& record);

// *out is empty if the customer does not exist.
Status ReadCustomerRecord(const Storage& storage, uint64_t customer_id,
                          std::optional<CustomerRecord>* out);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_CUSTOMER_READER_H_
