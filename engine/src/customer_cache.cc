// CustomerCache on RocksDB's LRU cache: entries charged by their size.
#include "customer_cache.h"

#include "storage/keys.h"

namespace custdb {
namespace {

void DeleteEntry(const rocksdb::Slice& /*key*/, void* value) {
  delete static_cast<CachedCustomer*>(value);
}

// Approximate heap footprint, so the capacity means bytes.
size_t Charge(const CachedCustomer& r) {
  const Customer& p = *r.profile;
  size_t bytes = sizeof(CachedCustomer) + sizeof(Customer) + p.code.capacity() +
                 p.email.capacity() + p.phone.capacity() + p.name.capacity() +
                 p.region.capacity() +
                 r.aggregates.recent_order_ms.capacity() * sizeof(int64_t) +
                 r.derived.derived.segment_name.capacity();
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

bool CustomerCache::Lookup(uint64_t customer_id, CachedCustomer* out) const {
  if (!cache_) return false;
  const std::string key = keys::IdKey(customer_id);
  rocksdb::Cache::Handle* handle = cache_->Lookup(key);
  if (handle == nullptr) return false;
  *out = *static_cast<const CachedCustomer*>(cache_->Value(handle));
  cache_->Release(handle);
  return true;
}

bool CustomerCache::Pin(uint64_t customer_id, PinnedCustomer* out) const {
  out->Reset();
  if (!cache_) return false;
  rocksdb::Cache::Handle* handle = cache_->Lookup(keys::IdKey(customer_id));
  if (handle == nullptr) return false;
  out->cache_ = cache_.get();
  out->handle_ = handle;
  return true;
}

void CustomerCache::Put(const CachedCustomer& customer) {
  if (cache_) Put(CachedCustomer(customer));
}

void CustomerCache::Put(CachedCustomer&& customer) {
  if (!cache_) return;
  auto* entry = new CachedCustomer(std::move(customer));
  // Insert replaces an existing entry; on failure (capacity) it deletes
  // the value itself.
  cache_
      ->Insert(keys::IdKey(entry->profile->id), entry, Charge(*entry),
               &DeleteEntry)
      .PermitUncheckedError();
}

void CustomerCache::Erase(uint64_t customer_id) {
  if (cache_) cache_->Erase(keys::IdKey(customer_id));
}

}  // namespace custdb
