// Striped locks: a fixed array of mutexes that customers, identities and
// event ids hash onto. A write locks every stripe it touches in ascending
// order, so two writes never deadlock and writes to unrelated customers
// rarely wait on each other.
#ifndef CUSTDB_ENGINE_LOCK_TABLE_H_
#define CUSTDB_ENGINE_LOCK_TABLE_H_

#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

namespace custdb {

class LockTable {
 public:
  static constexpr size_t kStripes = 4096;

  static size_t StripeOf(uint64_t id);
  static size_t StripeOf(std::string_view key);

  // Holds the given stripes (duplicates allowed) until destroyed.
  class Guard {
   public:
    Guard(LockTable* table, std::vector<size_t> stripes);
    ~Guard();
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    LockTable* table_;
    std::vector<size_t> stripes_;
  };

 private:
  // Each guards the read-modify-write of the records hashed onto it.
  std::mutex stripes_[kStripes];
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_LOCK_TABLE_H_
