// The read side of Storage for code outside storage/: a snapshot released
// on scope exit, how a read sees the database, and an iterator whose keys
// and values are string_views and whose errors are custdb Statuses.
#ifndef CUSTDB_ENGINE_STORAGE_STORAGE_READ_H_
#define CUSTDB_ENGINE_STORAGE_STORAGE_READ_H_

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <string_view>

#include "custdb/status.h"

namespace custdb {

class Storage;

// A consistent view of the database from construction until destruction,
// when it is released: every read given it sees the same state. Iterators
// read at it must be destroyed first. Not copyable or movable.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(const Storage& storage);
  ~ScopedSnapshot();
  ScopedSnapshot(const ScopedSnapshot&) = delete;
  ScopedSnapshot& operator=(const ScopedSnapshot&) = delete;

  // For the code that builds RocksDB ReadOptions itself (storage/, the
  // transaction, the index scan).
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

// How one read sees the database.
struct ReadView {
  // Null: the latest committed state.
  const ScopedSnapshot* snapshot = nullptr;
  // False for one pass over everything (Verify): the blocks it reads would
  // push the hot data out of the block cache.
  bool fill_cache = true;
};

// An iterator over one column family (Storage::Scan). Valid() is false at
// the end or on an error; status() tells which. Every call is a one-line
// delegation to RocksDB's iterator.
class StorageIterator {
 public:
  // The key a range scan stops before. RocksDB's ReadOptions point at its
  // slice, so it lives on the heap, as long as the iterator.
  struct UpperBound {
    explicit UpperBound(std::string k) : key(std::move(k)), slice(key) {}
    std::string key;
    rocksdb::Slice slice;
  };

  explicit StorageIterator(std::unique_ptr<rocksdb::Iterator> it,
                           std::unique_ptr<UpperBound> upper_bound = nullptr)
      : upper_bound_(std::move(upper_bound)), it_(std::move(it)) {}

  bool Valid() const { return it_->Valid(); }
  void SeekToFirst() { it_->SeekToFirst(); }
  void Seek(std::string_view target) {
    it_->Seek(rocksdb::Slice(target.data(), target.size()));
  }
  void Next() { it_->Next(); }
  // Valid until the next move.
  std::string_view key() const { return it_->key().ToStringView(); }
  std::string_view value() const { return it_->value().ToStringView(); }
  bool KeyStartsWith(std::string_view prefix) const {
    return it_->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
  }

  // OK at the end of a clean scan; else the error with `context` before
  // RocksDB's message (FromRocks).
  Status status(const std::string& context) const;
  // The error is corruption (e.g. the merge operator refused an operand).
  bool corrupted() const { return it_->status().IsCorruption(); }
  // RocksDB's description of the error ("OK" if none).
  std::string error_text() const { return it_->status().ToString(); }

 private:
  std::unique_ptr<UpperBound> upper_bound_;  // declared first: outlives it_
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_STORAGE_READ_H_
