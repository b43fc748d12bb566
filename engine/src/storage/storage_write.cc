// Meta and channel writes, flush and compaction, outside a WriteTxn.
#include "storage/storage_write.h"

#include <rocksdb/db.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/write_batch.h>

#include <vector>

#include "storage/keys.h"
#include "storage/rocks_status.h"
#include "storage/storage.h"

namespace custdb {
namespace {

rocksdb::Slice SliceOf(std::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

}  // namespace

Status WriteMeta(const Storage& storage, const std::vector<MetaChange>& changes,
                 bool sync, const std::string& context) {
  rocksdb::ColumnFamilyHandle* meta = storage.cf(keys::Cf::kMeta);
  rocksdb::WriteBatch batch;
  rocksdb::Status rs;
  for (const MetaChange& c : changes) {
    rs = c.value ? batch.Put(meta, SliceOf(c.name), SliceOf(*c.value))
                 : batch.Delete(meta, SliceOf(c.name));
    if (!rs.ok()) break;
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  if (rs.ok()) rs = storage.db()->Write(wo, &batch);
  return FromRocks(rs, context);
}

Status WriteChannelRecord(const Storage& storage, std::string_view key,
                          std::string_view value, bool count_new, bool sync) {
  rocksdb::WriteBatch batch;
  batch.Put(storage.cf(keys::Cf::kChannels), SliceOf(key), SliceOf(value));
  if (count_new) {
    batch.Merge(storage.cf(keys::Cf::kCounters),
                keys::RecordCountKey(keys::RecordKind::kChannel),
                keys::EncodeCounter(1));
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return FromRocks(storage.db()->Write(wo, &batch), "writing channel");
}

Status FlushAll(const Storage& storage) {
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  for (keys::Cf cf : keys::kAllColumnFamilies) {
    cfs.push_back(storage.cf(cf));
  }
  return FromRocks(storage.db()->Flush(rocksdb::FlushOptions(), cfs),
                   "flushing memtables");
}

Status CompactAll(const Storage& storage) {
  for (keys::Cf cf : keys::kAllColumnFamilies) {
    rocksdb::CompactRangeOptions o;
    Status s = FromRocks(
        storage.db()->CompactRange(o, storage.cf(cf), nullptr, nullptr),
        std::string("compacting ") + keys::ColumnFamilyName(cf));
    if (!s.ok()) return s;
  }
  return Status::OK();
}

void DisablePerfCounters() {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
}

}  // namespace custdb
