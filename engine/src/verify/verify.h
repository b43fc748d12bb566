// Verify: recomputes what the write path maintains from the records
// themselves and reports every mismatch.
#ifndef CUSTDB_ENGINE_VERIFY_VERIFY_H_
#define CUSTDB_ENGINE_VERIFY_VERIFY_H_

#include <cstddef>

#include "custdb/engine.h"
#include "custdb/status.h"
#include "storage/storage.h"

namespace custdb {

// See Engine::Verify. Reads one snapshot of `storage`.
Status VerifyDatabase(const Storage& storage, size_t max_problems,
                      VerifyReport* report);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_VERIFY_VERIFY_H_
