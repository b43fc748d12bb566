// The one translation of RocksDB statuses into custdb Status.
#ifndef CUSTDB_ENGINE_STORAGE_ROCKS_STATUS_H_
#define CUSTDB_ENGINE_STORAGE_ROCKS_STATUS_H_

#include <rocksdb/status.h>

#include <string>

#include "custdb/status.h"

namespace custdb {

// `context` says what was being done, e.g. "write batch".
Status FromRocks(const rocksdb::Status& s, const std::string& context);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_ROCKS_STATUS_H_
