// Meta and channel writes, flush and compaction, outside a WriteTxn.
#include "storage/storage_write.h"

#include <rocksdb/db.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <memory>
#include <system_error>
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

Status CreateCheckpoint(const Storage& storage, const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) return Status::InvalidArgument("checkpoint dir: is empty");
  std::error_code ec;
  // symlink_status: a dangling link at `dir` is still something there.
  if (fs::exists(fs::symlink_status(dir, ec))) {
    return Status::AlreadyExists("checkpoint dir: '" + dir +
                                 "' already exists");
  }
  fs::path parent = fs::path(dir).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec)) {
    return Status::IOError("checkpoint dir: '" + dir + "': its parent '" +
                           parent.string() + "' is not a directory");
  }
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status rs = rocksdb::Checkpoint::Create(storage.db(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: always flush first, so memtables written
  // without the WAL (ApplyBatchUnlogged) are in the copy too.
  if (rs.ok()) rs = checkpoint->CreateCheckpoint(dir, 0);
  if (rs.ok()) return Status::OK();
  Status s = FromRocks(rs, "checkpoint dir: '" + dir + "'");
  // A file-system failure is kIOError whatever RocksDB called it.
  return s.code() == StatusCode::kInvalidArgument ? Status::IOError(s.message())
                                                  : s;
}

void DisablePerfCounters() {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
}

}  // namespace custdb
