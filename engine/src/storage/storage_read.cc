// ScopedSnapshot, Storage's reads and the iterator's error translation.
#include "storage/storage_read.h"

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

Status Storage::Get(keys::Cf cf, std::string_view key, std::string* value,
                    bool* found, const ReadView& view,
                    const std::string& context) const {
  rocksdb::Status s = db_->Get(ReadOptionsOf(view), this->cf(cf),
                               rocksdb::Slice(key.data(), key.size()), value);
  *found = s.ok();
  if (s.IsNotFound()) return Status::OK();
  if (s.ok()) return Status::OK();
  return FromRocks(s, context.empty()
                          ? std::string("reading ") + keys::ColumnFamilyName(cf)
                          : context);
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

}  // namespace custdb
