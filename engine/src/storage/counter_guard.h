// CounterGuard: no counter (record counts, tier summary, channel report)
// is ever moved out of the i64 range; the write that would do it is
// refused instead (kInvalidArgument naming the counter), the behaviour the
// per-customer aggregates have too (aggregate_rules.h).
//
// Counters are RocksDB merges, written without reading them; reading each
// one before every write would add a Get on the hottest keys of the
// database. The guard keeps a bound instead: no counter's magnitude
// exceeds the largest found at open plus the sum of the magnitudes of all
// deltas admitted since. While that bound fits i64 (9.2e18: in practice
// always) a write needs no check. Once it does not, writes are admitted
// one at a time and each reads the counters it touches and checks them
// exactly. A write is admitted before its batch commits and holds its
// ticket until the commit returns, so an exact check never misses a delta
// admitted under the bound.
#ifndef CUSTDB_ENGINE_STORAGE_COUNTER_GUARD_H_
#define CUSTDB_ENGINE_STORAGE_COUNTER_GUARD_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "custdb/status.h"
#include "storage/keys.h"

namespace custdb {

class Storage;

// One counter merge a write is about to commit.
struct CounterMerge {
  keys::Cf cf = keys::Cf::kCounters;  // or keys::Cf::kReportCounters
  std::string key;
  keys::CounterVec delta;  // a plain counter is slot 0
  bool plain = false;      // encoded as one i64 (record counts)
};

class CounterGuard {
 public:
  explicit CounterGuard(uint64_t largest_at_open) : bound_(largest_at_open) {}

  // Held from admission until the write's commit returned.
  class Ticket {
   public:
    Ticket(Ticket&&) = default;
    // Whether the caller must check its counters exactly (CheckExactly).
    bool exact() const { return exclusive_.owns_lock(); }

   private:
    friend class CounterGuard;
    Ticket() = default;
    std::shared_lock<std::shared_mutex> shared_;
    std::unique_lock<std::shared_mutex> exclusive_;
  };

  // Admits a write whose counter deltas add up to `magnitude`.
  Ticket Admit(uint64_t magnitude);

  // The sum of the magnitudes of `merges`' deltas, saturated.
  static uint64_t MagnitudeOf(const std::vector<CounterMerge>& merges);

  // Reads every counter of `merges` and returns kInvalidArgument naming
  // the first that the delta would move out of i64.
  static Status CheckExactly(const Storage& storage,
                             const std::vector<CounterMerge>& merges);

  // The largest counter magnitude stored (for the bound at open); the top
  // of u64 if a counter does not decode.
  static Status LargestStored(const Storage& storage, uint64_t* out);

 private:
  std::atomic<uint64_t> bound_;
  std::shared_mutex mu_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_COUNTER_GUARD_H_
