// IndexScan: reads a plan's key ranges of the tier_index CF as one stream,
// merged by the keys' tails (query_planner.h), counting the keys it reads.
#ifndef CUSTDB_ENGINE_QUERY_INDEX_SCAN_H_
#define CUSTDB_ENGINE_QUERY_INDEX_SCAN_H_

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "custdb/status.h"
#include "query/query_planner.h"

namespace custdb {

class IndexScan {
 public:
  // Positions every range at its first key (its last when `reverse`), so
  // each non-empty range has read one key before the first Next. Reads at
  // `snapshot` (may be null: each range's own implicit snapshot).
  IndexScan(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
            const rocksdb::Snapshot* snapshot,
            const std::vector<IndexRange>& ranges, bool reverse);
  ~IndexScan();
  IndexScan(const IndexScan&) = delete;
  IndexScan& operator=(const IndexScan&) = delete;

  bool Valid() const { return !heap_.empty(); }
  // The current key and its tail; valid until Next.
  std::string_view key() const;
  std::string_view tail() const;
  void Next();
  // The first error of any range's iterator; OK while none.
  Status status() const;
  // Index entries read so far, over all ranges.
  uint64_t keys_read() const { return keys_read_; }

 private:
  struct Source;
  bool Before(size_t a, size_t b) const;  // heap order: a after b
  void Advance(size_t source);

  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<size_t> heap_;  // sources with a current key
  bool reverse_;
  uint64_t keys_read_ = 0;
};

// The planner's KeyEstimate (query_planner.h) for the tier_index CF `cf`:
// RocksDB's count of the range's memtable entries plus its estimate of the
// range's SST bytes at kSstBytesPerEntry. Both are estimates (SST sizes are
// resolved to data blocks), good for ranking plans, not for counting.
// Tombstones count like keys: a scan reads past them too.
uint64_t EstimateIndexKeys(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                           const IndexRange& range);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_QUERY_INDEX_SCAN_H_
