// Striped locks: stripe hashing and the ordered lock of a stripe set.
#include "lock_table.h"

#include <algorithm>
#include <functional>

namespace custdb {

size_t LockTable::StripeOf(uint64_t id) {
  // Fibonacci hashing spreads sequential ids over all stripes.
  return static_cast<size_t>((id * 0x9E3779B97F4A7C15ull) >> 52) % kStripes;
}

size_t LockTable::StripeOf(std::string_view key) {
  return std::hash<std::string_view>()(key) % kStripes;
}

LockTable::Guard::Guard(LockTable* table, std::vector<size_t> stripes)
    : table_(table), stripes_(std::move(stripes)) {
  std::sort(stripes_.begin(), stripes_.end());
  stripes_.erase(std::unique(stripes_.begin(), stripes_.end()), stripes_.end());
  for (size_t s : stripes_) table_->stripes_[s].lock();
}

LockTable::Guard::~Guard() {
  for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) {
    table_->stripes_[*it].unlock();
  }
}

}  // namespace custdb
