// Opening custdb's RocksDB database: column families and their tuning, the
// schema check, and the meta values read at open.
#ifndef CUSTDB_ENGINE_STORAGE_STORAGE_H_
#define CUSTDB_ENGINE_STORAGE_STORAGE_H_

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "custdb/options.h"
#include "custdb/status.h"
#include "storage/keys.h"
#include "storage/storage_read.h"

namespace custdb {

// ReadOptions for iterators that cross key prefixes (whole-CF scans):
// every CF but meta has a prefix extractor and hash-bucketed memtables, so
// iterators are bounded to one prefix unless asked for total order.
rocksdb::ReadOptions TotalOrder();

// The schema this build writes; it opens this and older versions, and
// migrates older ones when it opens them (Storage::Migrate).
//  1: the first.
//  2: no global spend index, buyer-day markers, or all / region
//     tier-summary scopes (keys.h kRetired*).
//  3: the derivation rules of issue 12 (lifecycle `new` counts from the
//     first order; quantile ties): same layout, but every customer's
//     derived attributes, tier entries and summary counters are rebuilt
//     when a schema 2 database is opened.
inline constexpr int kSchemaVersion = 3;

class CounterGuard;
struct ColumnFamilyStats;

class Storage {
 public:
  // Opens or creates the database per `options`. See Engine::Open for the
  // errors.
  static Status Open(const Options& options, std::unique_ptr<Storage>* out);
  ~Storage();

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(keys::Cf id) const {
    return handles_[static_cast<size_t>(id)];
  }
  const std::string& base_currency() const { return base_currency_; }
  int schema_version() const { return schema_version_; }
  // Every commit that moves counters is admitted here (counter_guard.h).
  CounterGuard* counter_guard() const { return counter_guard_.get(); }

  // Deletes every customer's tier_index entries and every tier-summary
  // counter (before a rebuild: keys.h kMetaRebuildTiering).
  Status ClearTiering();

  // Reads `key` of `cf` into *value as `view` sees it; *found is false
  // (and the result OK) when it is absent. Other errors are
  // FromRocks(error, context), context "reading <cf name>" when empty.
  Status Get(keys::Cf cf, std::string_view key, std::string* value, bool* found,
             const ReadView& view = {}, std::string_view context = {}) const;
  // As Get, leaving the error's context to the caller (ReadOutcome), and
  // reading the value in place (PinnedValue) or into *value.
  ReadOutcome Read(keys::Cf cf, std::string_view key, std::string* value,
                   const ReadView& view = {}) const;
  ReadOutcome Read(keys::Cf cf, std::string_view key, PinnedValue* value,
                   const ReadView& view = {}) const;
  // Reads every key of `keys` in one batch, all as one state of the
  // database: values->value(i) is keys[i]'s (found(i) false when absent,
  // failed(i) on an error).
  void MultiGet(keys::Cf cf, const std::vector<std::string>& keys,
                PinnedValues* values, const ReadView& view = {}) const;
  // Iterators over `cf` as `view` sees it, positioned by a Seek:
  //  Scan       the whole column family in key order (total order: it
  //             crosses key prefixes; see TotalOrder()).
  //  ScanPrefix the keys that share the prefix extractor's prefix of the
  //             key sought (one customer's history); the caller still
  //             checks the prefix where a CF's prefix is longer than it.
  //  ScanRange  as Scan, ending before `upper_bound`.
  StorageIterator Scan(keys::Cf cf, const ReadView& view = {}) const;
  StorageIterator ScanPrefix(keys::Cf cf, const ReadView& view = {}) const;
  StorageIterator ScanRange(keys::Cf cf, std::string upper_bound,
                            const ReadView& view = {}) const;
  //  ScanWithin as Scan, or ScanPrefix, within `bounds` (see ScanBounds);
  //             SeekForPrev needs a lower bound to stop at.
  StorageIterator ScanWithin(keys::Cf cf, const ScanBounds& bounds,
                             const ReadView& view = {}) const;

  // The size figures RocksDB keeps of `cf` (EngineStats).
  ColumnFamilyStats ColumnFamilyStatsOf(keys::Cf cf) const;

  // Reads a decimal meta value; 0 when absent.
  Status ReadMetaNumber(std::string_view name, uint64_t* value) const;

 private:
  Storage() = default;
  Status LoadMeta(const Options& options);
  Status Initialize(const Options& options);
  Status CheckMeta(const Options& options);
  Status Migrate(uint64_t from_version);
  Status WriteSynced(rocksdb::WriteBatch* batch, const std::string& what);

  std::unique_ptr<rocksdb::DB> db_;
  // Indexed by keys::Cf; extra column families follow.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::string base_currency_;
  int schema_version_ = 0;
  std::unique_ptr<CounterGuard> counter_guard_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_STORAGE_H_
