// FromRocks: RocksDB statuses as custdb Status.
#include "storage/rocks_status.h"

namespace custdb {

Status FromRocks(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return Status::OK();
  std::string msg = context + ": " + s.ToString();
  switch (s.code()) {
    case rocksdb::Status::kNotFound:
      return Status(StatusCode::kNotFound, msg);
    case rocksdb::Status::kCorruption:
      return Status(StatusCode::kCorruption, msg);
    case rocksdb::Status::kInvalidArgument:
    case rocksdb::Status::kNotSupported:
      return Status(StatusCode::kInvalidArgument, msg);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain:
      return Status(StatusCode::kBusy, msg);
    case rocksdb::Status::kIOError:
      // Another process holding the LOCK file is "busy", not a disk fault.
      if (s.ToString().find("lock") != std::string::npos) {
        return Status(StatusCode::kBusy, msg);
      }
      return Status(StatusCode::kIOError, msg);
    default:
      return Status(StatusCode::kInternal, msg);
  }
}

}  // namespace custdb
