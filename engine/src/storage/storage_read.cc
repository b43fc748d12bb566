// ScopedSnapshot, Storage's reads and the iterator's error translation.
#include "storage/storage_read.h"

#include <rocksdb/metadata.h>

#include "custdb/engine.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"
#include "storage/storage.h"

namespace custdb {
namespace {

rocksdb::ReadOptions ReadOptionsOf(const ReadView& view) {
  rocksdb::ReadOptions ro;
  if (view.snapshot != nullptr) ro.snapshot = view.snapshot->get();
  ro.fill_cache = view.fill_cache;
  return ro;
}

}  // namespace

ScopedSnapshot::ScopedSnapshot(const Storage& storage)
    : db_(storage.db()), snapshot_(db_->GetSnapshot()) {}

ScopedSnapshot::~ScopedSnapshot() { db_->ReleaseSnapshot(snapshot_); }

Status StorageIterator::status(const std::string& context) const {
  return FromRocks(it_->status(), context);
}

Status ReadOutcome::Error(const std::string& context) const {
  return FromRocks(s_, context);
}

Status Storage::Get(keys::Cf cf, std::string_view key, std::string* value,
                    bool* found, const ReadView& view,
                    std::string_view context) const {
  rocksdb::Status s = db_->Get(ReadOptionsOf(view), this->cf(cf),
                               rocksdb::Slice(key.data(), key.size()), value);
  *found = s.ok();
  if (s.IsNotFound()) return Status::OK();
  if (s.ok()) return Status::OK();
  return FromRocks(s, context.empty()
                          ? std::string("reading ") + keys::ColumnFamilyName(cf)
                          : std::string(context));
}

ReadOutcome Storage::Read(keys::Cf cf, std::string_view key, std::string* value,
                          const ReadView& view) const {
  ReadOutcome out;
  out.s_ = db_->Get(ReadOptionsOf(view), this->cf(cf),
                    rocksdb::Slice(key.data(), key.size()), value);
  return out;
}

ReadOutcome Storage::Read(keys::Cf cf, std::string_view key, PinnedValue* value,
                          const ReadView& view) const {
  ReadOutcome out;
  value->slice_.Reset();
  out.s_ = db_->Get(ReadOptionsOf(view), this->cf(cf),
                    rocksdb::Slice(key.data(), key.size()), &value->slice_);
  return out;
}

Status PinnedValues::Error(size_t i, const std::string& context) const {
  return FromRocks(statuses_[i], context);
}

void Storage::MultiGet(keys::Cf cf, const std::vector<std::string>& keys,
                       PinnedValues* values, const ReadView& view) const {
  const size_t n = keys.size();
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  values->values_.clear();
  values->values_.resize(n);
  values->statuses_.assign(n, rocksdb::Status());
  db_->MultiGet(ReadOptionsOf(view), this->cf(cf), n, slices.data(),
                values->values_.data(), values->statuses_.data());
}

StorageIterator Storage::Scan(keys::Cf cf, const ReadView& view) const {
  rocksdb::ReadOptions ro = ReadOptionsOf(view);
  ro.total_order_seek = true;
  return StorageIterator(
      std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, this->cf(cf))));
}

StorageIterator Storage::ScanPrefix(keys::Cf cf, const ReadView& view) const {
  rocksdb::ReadOptions ro = ReadOptionsOf(view);
  ro.prefix_same_as_start = true;
  return StorageIterator(
      std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, this->cf(cf))));
}

StorageIterator Storage::ScanRange(keys::Cf cf, std::string upper_bound,
                                   const ReadView& view) const {
  auto upper =
      std::make_unique<StorageIterator::UpperBound>(std::move(upper_bound));
  rocksdb::ReadOptions ro = ReadOptionsOf(view);
  ro.total_order_seek = true;
  ro.iterate_upper_bound = &upper->slice;
  return StorageIterator(
      std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, this->cf(cf))),
      std::move(upper));
}

ColumnFamilyStats Storage::ColumnFamilyStatsOf(keys::Cf cf) const {
  ColumnFamilyStats s;
  s.name = keys::ColumnFamilyName(cf);
  db_->GetIntProperty(this->cf(cf), "rocksdb.estimate-num-keys",
                      &s.estimate_num_keys);
  db_->GetIntProperty(this->cf(cf), "rocksdb.total-sst-files-size",
                      &s.sst_bytes);
  db_->GetIntProperty(this->cf(cf), "rocksdb.cur-size-all-mem-tables",
                      &s.memtable_bytes);
  rocksdb::ColumnFamilyMetaData meta;
  db_->GetColumnFamilyMetaData(this->cf(cf), &meta);
  s.num_files = meta.file_count;
  return s;
}

StorageIterator Storage::ScanWithin(keys::Cf cf, const ScanBounds& bounds,
                                    const ReadView& view) const {
  rocksdb::ReadOptions ro = ReadOptionsOf(view);
  if (bounds.same_prefix_) {
    ro.prefix_same_as_start = true;
  } else {
    ro.total_order_seek = true;
  }
  if (bounds.has_lower_) ro.iterate_lower_bound = &bounds.lower_;
  if (bounds.has_upper_) ro.iterate_upper_bound = &bounds.upper_;
  return StorageIterator(
      std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, this->cf(cf))));
}

}  // namespace custdb
