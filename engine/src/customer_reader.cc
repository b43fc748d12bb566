#include "customer_reader.h"

#include "codec.h"
#include "keys.h"
#include "rocks_status.h"

namespace custdb {

Status ReadCustomerRecord(const Storage& storage, uint64_t customer_id,
                          std::optional<CustomerRecord>* out) {
  out->reset();
  const std::string key = keys::IdKey(customer_id);
  rocksdb::ColumnFamilyHandle* cfs[2] = {storage.cf(keys::kCustomersCf),
                                         storage.cf(keys::kAggregatesCf)};
  rocksdb::Slice key_slices[2] = {key, key};
  rocksdb::PinnableSlice values[2];
  rocksdb::Status statuses[2];
  storage.db()->MultiGet(rocksdb::ReadOptions(), 2, cfs, key_slices, values,
                         statuses);
  if (statuses[0].IsNotFound()) return Status::OK();
  for (const auto& s : statuses) {
    if (!s.ok()) return FromRocks(s, "reading customer");
  }
  CustomerRecord record;
  Status s = codec::Decode(values[0].ToStringView(), &record.profile);
  if (s.ok()) s = codec::Decode(values[1].ToStringView(), &record.aggregates);
  if (s.ok()) *out = std::move(record);
  return s;
}

}  // namespace custdb
