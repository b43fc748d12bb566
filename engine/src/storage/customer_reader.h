// Reads one customer's profile and aggregates from RocksDB in one MultiGet,
// so both come from the same view.
#ifndef CUSTDB_ENGINE_STORAGE_CUSTOMER_READER_H_
#define CUSTDB_ENGINE_STORAGE_CUSTOMER_READER_H_

#include <cstdint>
#include <optional>

#include "custdb/status.h"
#include "custdb/types.h"
#include "storage/derived_state.h"  // SetDerived, DerivedOf: every reader
#include "storage/storage.h"

namespace custdb {

// *out is empty if the customer does not exist; its derived attributes are
// reported at their stored as_of. Reads as `view` sees the database.
Status ReadCustomerRecord(const Storage& storage, uint64_t customer_id,
                          std::optional<CustomerRecord>* out,
                          const ReadView& view = {});

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_CUSTOMER_READER_H_
