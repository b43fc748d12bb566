// One customer's profile and aggregates, read in one MultiGet.
#include "storage/customer_reader.h"

#include "storage/codec.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"

namespace custdb {

namespace {

Status ReadWith(const Storage& storage, uint64_t customer_id,
                const rocksdb::ReadOptions& ro,
                std::optional<CustomerRecord>* out) {
  out->reset();
  const std::string key = keys::IdKey(customer_id);
  rocksdb::ColumnFamilyHandle* cfs[2] = {storage.cf(keys::Cf::kCustomers),
                                         storage.cf(keys::Cf::kAggregates)};
  rocksdb::Slice key_slices[2] = {key, key};
  rocksdb::PinnableSlice values[2];
  rocksdb::Status statuses[2];
  storage.db()->MultiGet(ro, 2, cfs, key_slices, values, statuses);
  if (statuses[0].IsNotFound()) return Status::OK();
  for (const auto& s : statuses) {
    if (!s.ok()) return FromRocks(s, "reading customer");
  }
  CustomerRecord record;
  Status s = codec::Decode(values[0].ToStringView(), &record.profile);
  DerivedState derived;
  if (s.ok()) {
    s = codec::Decode(values[1].ToStringView(), &record.aggregates, &derived);
  }
  if (s.ok()) {
    SetDerived(derived, INT64_MIN, &record);
    *out = std::move(record);
  }
  return s;
}

}  // namespace

Status ReadCustomerRecord(const Storage& storage, uint64_t customer_id,
                          std::optional<CustomerRecord>* out,
                          const ReadView& view) {
  rocksdb::ReadOptions ro;
  if (view.snapshot != nullptr) ro.snapshot = view.snapshot->get();
  ro.fill_cache = view.fill_cache;
  return ReadWith(storage, customer_id, ro, out);
}

}  // namespace custdb
