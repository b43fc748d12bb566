// The writes outside a WriteTxn, for code outside storage/: meta values,
// one channel record, and the whole-database flush and compaction. Each is
// one RocksDB write (or call), its errors custdb Statuses.
#ifndef CUSTDB_ENGINE_STORAGE_STORAGE_WRITE_H_
#define CUSTDB_ENGINE_STORAGE_STORAGE_WRITE_H_

#include <rocksdb/options.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custdb/status.h"

namespace custdb {

class Storage;

// One meta value to put, or (no value) to delete.
struct MetaChange {
  std::string_view name;
  std::optional<std::string_view> value;
};

// Writes `changes` in one atomic batch, synced when `sync`. Errors are
// FromRocks(error, context).
Status WriteMeta(const Storage& storage, const std::vector<MetaChange>& changes,
                 bool sync, const std::string& context);

// Puts a channel record (`key` -> `value` in the channels CF) and, when
// `count_new`, adds 1 to the channel record count, in one batch. The
// caller admits the count through the CounterGuard first.
Status WriteChannelRecord(const Storage& storage, std::string_view key,
                          std::string_view value, bool count_new, bool sync);

// Flushes every column family's memtable ("flushing memtables").
Status FlushAll(const Storage& storage);
// Compacts every column family in turn ("compacting <cf name>").
Status CompactAll(const Storage& storage);
// A RocksDB checkpoint of the whole database in `dir`, after flushing
// every memtable (Engine::Checkpoint gives the errors).
Status CreateCheckpoint(const Storage& storage, const std::string& dir);

// The options a WriteTxn commits with: synced when `sync`, and without the
// write-ahead log when not `logged`.
inline rocksdb::WriteOptions CommitOptions(bool sync, bool logged) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  wo.disableWAL = !logged;
  return wo;
}

// Turns off RocksDB's per-thread perf-context counting on the calling
// thread: nothing reads them, and they cost RecordOrder time.
void DisablePerfCounters();

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_STORAGE_WRITE_H_
