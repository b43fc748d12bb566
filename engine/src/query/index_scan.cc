// A k-way merge of tier index ranges, each read with RocksDB iterate bounds
// so no key outside a range is ever read.
#include "query/index_scan.h"

#include <algorithm>

#include "storage/rocks_status.h"
#include "storage/storage.h"

namespace custdb {
namespace {

// A tier_index entry's share of an SST file: keys of 10-30 bytes, mostly
// empty values, prefix-compressed and then Snappy-compressed in blocks.
// Measured at custdb-bench --scale 1 (docs/DESIGN-NOTES.md, "Choosing the
// plan").
constexpr uint64_t kSstBytesPerEntry = 12;

}  // namespace

struct IndexScan::Source {
  IndexRange range;
  rocksdb::Slice lower;  // point into range; ReadOptions keep pointers
  rocksdb::Slice upper;
  std::unique_ptr<rocksdb::Iterator> it;
  std::string_view tail() const {
    std::string_view k = it->key().ToStringView();
    return k.substr(std::min(range.prefix_length, k.size()));
  }
};

IndexScan::IndexScan(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                     const rocksdb::Snapshot* snapshot,
                     const std::vector<IndexRange>& ranges, bool reverse)
    : reverse_(reverse) {
  for (const IndexRange& r : ranges) {
    auto s = std::make_unique<Source>();
    s->range = r;
    s->lower = rocksdb::Slice(s->range.lower);
    s->upper = rocksdb::Slice(s->range.upper);
    rocksdb::ReadOptions ro = TotalOrder();
    ro.snapshot = snapshot;
    ro.iterate_lower_bound = &s->lower;
    ro.iterate_upper_bound = &s->upper;
    s->it.reset(db->NewIterator(ro, cf));
    if (reverse_) {
      s->it->SeekToLast();
    } else {
      s->it->Seek(s->lower);
    }
    sources_.push_back(std::move(s));
  }
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i]->it->Valid()) {
      ++keys_read_;
      heap_.push_back(i);
    }
  }
  std::make_heap(heap_.begin(), heap_.end(),
                 [this](size_t a, size_t b) { return Before(a, b); });
}

IndexScan::~IndexScan() = default;

// std::*_heap keep the largest element first; the next key to return must
// be "largest", so a comes before b in the heap's order when a's tail comes
// after b's in reading order.
bool IndexScan::Before(size_t a, size_t b) const {
  const std::string_view ta = sources_[a]->tail(), tb = sources_[b]->tail();
  return reverse_ ? ta < tb : tb < ta;
}

std::string_view IndexScan::key() const {
  return sources_[heap_.front()]->it->key().ToStringView();
}

std::string_view IndexScan::tail() const {
  return sources_[heap_.front()]->tail();
}

void IndexScan::Next() {
  auto cmp = [this](size_t a, size_t b) { return Before(a, b); };
  std::pop_heap(heap_.begin(), heap_.end(), cmp);
  const size_t source = heap_.back();
  heap_.pop_back();
  Advance(source);
  if (sources_[source]->it->Valid()) {
    heap_.push_back(source);
    std::push_heap(heap_.begin(), heap_.end(), cmp);
  }
}

void IndexScan::Advance(size_t source) {
  rocksdb::Iterator* it = sources_[source]->it.get();
  if (reverse_) {
    it->Prev();
  } else {
    it->Next();
  }
  if (it->Valid()) ++keys_read_;
}

Status IndexScan::status() const {
  for (const auto& s : sources_) {
    if (!s->it->status().ok()) {
      return FromRocks(s->it->status(), "scanning the tier index");
    }
  }
  return Status::OK();
}

uint64_t EstimateIndexKeys(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                           const IndexRange& range) {
  const rocksdb::Range r(range.lower, range.upper);
  uint64_t memtable_entries = 0;
  uint64_t memtable_bytes = 0;
  db->GetApproximateMemTableStats(cf, r, &memtable_entries, &memtable_bytes);
  rocksdb::SizeApproximationOptions files;
  files.include_memtables = false;
  files.include_files = true;
  uint64_t file_bytes = 0;
  // Fails only for options that ask for nothing; then the files count 0.
  db->GetApproximateSizes(files, cf, &r, 1, &file_bytes).PermitUncheckedError();
  return memtable_entries + file_bytes / kSstBytesPerEntry;
}

}  // namespace custdb
