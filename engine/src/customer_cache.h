// CustomerCache: decoded customer records (profile + aggregates) by id, on
// RocksDB's LRU cache. Every write reads its customer's aggregates first
// and every GetCustomer reads both column families; the cache turns both
// into a hash lookup.
//
// Coherence: an entry changes only under its customer's stripe lock
// (LockTable), either by the writer after its commit or by a reader that
// filled a miss while holding that lock, so a cached record is never older
// than what is committed.
#ifndef CUSTDB_ENGINE_CUSTOMER_CACHE_H_
#define CUSTDB_ENGINE_CUSTOMER_CACHE_H_

#include <rocksdb/cache.h>

#include <cstdint>
#include <memory>

#include "custdb/types.h"
#include "tiering/derive.h"

namespace custdb {

// A cached customer. The profile is immutable and shared, so the write
// path (which changes only aggregates) never copies it.
struct CachedCustomer {
  std::shared_ptr<const Customer> profile;
  Aggregates aggregates;
  DerivedState derived;
};

class CustomerCache;

// A cached entry held in the cache (neither evicted nor freed) while this
// lives, read in place instead of copied. A writer may replace the entry
// meanwhile: the pinned one stays the record as it was at the lookup.
class PinnedCustomer {
 public:
  PinnedCustomer() = default;
  ~PinnedCustomer() { Reset(); }
  PinnedCustomer(PinnedCustomer&& o) noexcept
      : cache_(o.cache_), handle_(o.handle_) {
    o.handle_ = nullptr;
  }
  PinnedCustomer& operator=(PinnedCustomer&& o) noexcept {
    if (this != &o) {
      Reset();
      cache_ = o.cache_;
      handle_ = o.handle_;
      o.handle_ = nullptr;
    }
    return *this;
  }
  PinnedCustomer(const PinnedCustomer&) = delete;
  PinnedCustomer& operator=(const PinnedCustomer&) = delete;

  bool has_value() const { return handle_ != nullptr; }
  const CachedCustomer& operator*() const {
    return *static_cast<const CachedCustomer*>(cache_->Value(handle_));
  }
  void Reset() {
    if (handle_ != nullptr) cache_->Release(handle_);
    handle_ = nullptr;
  }

 private:
  friend class CustomerCache;
  rocksdb::Cache* cache_ = nullptr;
  rocksdb::Cache::Handle* handle_ = nullptr;
};

class CustomerCache {
 public:
  // capacity_bytes 0 disables the cache (every Lookup misses).
  explicit CustomerCache(size_t capacity_bytes);

  // Copies the cached entry into *out; false on a miss.
  bool Lookup(uint64_t customer_id, CachedCustomer* out) const;
  // Pins the cached entry in *out, without copying it; false on a miss.
  bool Pin(uint64_t customer_id, PinnedCustomer* out) const;
  // Requires the customer's stripe lock.
  void Put(const CachedCustomer& customer);
  void Put(CachedCustomer&& customer);  // the write path's: no copy
  // Requires the customer's stripe lock.
  void Erase(uint64_t customer_id);

 private:
  std::shared_ptr<rocksdb::Cache> cache_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_CUSTOMER_CACHE_H_
