#include "customer_cache.h"

#include "keys.h"

namespace custdb {
namespace {

void DeleteRecord(const rocksdb::Slice& /*key*/, void* value) {
  delete static_cast<CustomerRecord*>(value);
}

// Approximate heap footprint, so the capacity means bytes.
size_t Charge(const CustomerRecord& r) {
  const Customer& p = r.profile;
  size_t bytes = sizeof(CustomerRecord) + p.code.capacity() +
                 p.email.capacity() + p.phone.capacity() + p.name.capacity() +
                 p.region.capacity() +
                 r.aggregates.recent_order_ms.capacity() * sizeof(int64_t);
  for (const auto& t : p.tags) bytes += sizeof(std::string) + t.capacity();
  for (const auto& [k, v] : p.attributes) {
    bytes += 64 + k.capacity() + v.capacity();
  }
  return bytes;
}

}  // namespace

CustomerCache::CustomerCache(size_t capacity_bytes) {
  if (capacity_bytes > 0) cache_ = rocksdb::NewLRUCache(capacity_bytes);
}

bool CustomerCache::Lookup(uint64_t customer_id, CustomerRecord* out) const {
  if (!cache_) return false;
  const std::string key = keys::IdKey(customer_id);
  rocksdb::Cache::Handle* handle = cache_->Lookup(key);
  if (handle == nullptr) return false;
  *out = *static_cast<const CustomerRecord*>(cache_->Value(handle));
  cache_->Release(handle);
  return true;
}

void CustomerCache::Put(const CustomerRecord& record) {
  if (!cache_) return;
  auto* copy = new CustomerRecord(record);
  // Insert replaces an existing entry; on failure (capacity) it deletes
  // the value itself.
  cache_
      ->Insert(keys::IdKey(record.profile.id), copy, Charge(*copy),
               &DeleteRecord)
      .PermitUncheckedError();
}

void CustomerCache::Erase(uint64_t customer_id) {
  if (cache_) cache_->Erase(keys::IdKey(customer_id));
}

}  // namespace custdb
