// The counters column family's merge operator: values are i64 deltas (or
// counter vectors of them, keys.h CounterVec) that RocksDB adds up, so a
// write can bump counters without reading them.
#ifndef CUSTDB_ENGINE_STORAGE_COUNTER_MERGE_OPERATOR_H_
#define CUSTDB_ENGINE_STORAGE_COUNTER_MERGE_OPERATOR_H_

#include <rocksdb/merge_operator.h>

#include <memory>

namespace custdb {

// Name "custdb.add_i64" is stored in the OPTIONS file: never rename.
std::shared_ptr<rocksdb::MergeOperator> NewAddOperator();

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_COUNTER_MERGE_OPERATOR_H_
