// Rescore and policy changes: bringing derived attributes up to a time, or
// onto a new policy.
#ifndef CUSTDB_RESCORE_H_
#define CUSTDB_RESCORE_H_

#include <cstdint>
#include <functional>
#include <optional>

namespace custdb {

// Called now and then with (customers done, customers to do).
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

struct RescoreOptions {
  // Default: the engine's clock. kInvalidArgument if before the as_of of
  // the last rescore.
  std::optional<int64_t> as_of_ms;
  // Full: re-derive every customer and, for a quantile policy, recompute
  // the breakpoints first. Otherwise only the customers whose derived
  // attributes change by as_of (found through the next-change index).
  bool full = false;
  ProgressFn progress;
};

struct RescoreReport {
  int64_t as_of_ms = 0;
  bool full = false;
  int64_t policy_version = 0;
  uint64_t examined = 0;  // customers whose attributes were recomputed
  uint64_t changed = 0;   // of those, customers whose attributes changed
};

}  // namespace custdb

#endif  // CUSTDB_RESCORE_H_
