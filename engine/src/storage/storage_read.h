// The read side of Storage for code outside storage/: a snapshot released
// on scope exit, how a read sees the database, and an iterator whose keys
// and values are string_views and whose errors are custdb Statuses.
#ifndef CUSTDB_ENGINE_STORAGE_STORAGE_READ_H_
#define CUSTDB_ENGINE_STORAGE_STORAGE_READ_H_

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

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

// A value read in place (Storage::Read): it points into RocksDB's block
// cache or memtable rather than being copied out. Valid until it is
// destroyed or read into again.
class PinnedValue {
 public:
  std::string_view view() const { return slice_.ToStringView(); }
  size_t size() const { return slice_.size(); }

 private:
  friend class Storage;
  rocksdb::PinnableSlice slice_;
};

// The values of one Storage::MultiGet, in the order of its keys, read in
// place as PinnedValue is.
class PinnedValues {
 public:
  size_t size() const { return values_.size(); }
  bool found(size_t i) const { return statuses_[i].ok(); }
  // Neither found nor absent: reading it failed; Error says how.
  bool failed(size_t i) const {
    return !statuses_[i].ok() && !statuses_[i].IsNotFound();
  }
  Status Error(size_t i, const std::string& context) const;
  std::string_view value(size_t i) const { return values_[i].ToStringView(); }

 private:
  friend class Storage;
  std::vector<rocksdb::PinnableSlice> values_;
  std::vector<rocksdb::Status> statuses_;
};

// What one Storage::Read found: the value, no value, or an error. A
// caller whose error context is built at run time makes it only when
// there is an error (Error), so a read allocates nothing for it.
class ReadOutcome {
 public:
  bool found() const { return s_.ok(); }
  bool absent() const { return s_.IsNotFound(); }
  // Not found and not absent: the read failed.
  bool failed() const { return !s_.ok() && !s_.IsNotFound(); }
  // FromRocks(the error, context). An absent key gives the NotFound error
  // RocksDB reported, for a read whose key must exist.
  Status Error(const std::string& context) const;

 private:
  friend class Storage;
  rocksdb::Status s_;
};

// Bounds of a Storage::ScanWithin. RocksDB keeps pointers to them, so they
// live, with the keys they view, as long as the iterator: on the caller's
// stack, so a scan allocates nothing for them (ScanRange's bound is on the
// heap). Not copyable.
class ScanBounds {
 public:
  ScanBounds() = default;
  ScanBounds(const ScanBounds&) = delete;
  ScanBounds& operator=(const ScanBounds&) = delete;

  // The first key a scan may return.
  ScanBounds& Lower(std::string_view key) {
    lower_ = rocksdb::Slice(key.data(), key.size());
    has_lower_ = true;
    return *this;
  }
  // The key a scan stops before.
  ScanBounds& Upper(std::string_view key) {
    upper_ = rocksdb::Slice(key.data(), key.size());
    has_upper_ = true;
    return *this;
  }
  // Only the keys that share the prefix extractor's prefix of the key
  // sought, as ScanPrefix; without it the scan is in total order, as Scan.
  ScanBounds& SamePrefix() {
    same_prefix_ = true;
    return *this;
  }

 private:
  friend class Storage;
  rocksdb::Slice lower_, upper_;
  bool has_lower_ = false, has_upper_ = false, same_prefix_ = false;
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
  // Backwards: the last key, the last key at or before `target`, the key
  // before this one.
  void SeekToLast() { it_->SeekToLast(); }
  void SeekForPrev(std::string_view target) {
    it_->SeekForPrev(rocksdb::Slice(target.data(), target.size()));
  }
  void Prev() { it_->Prev(); }
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
