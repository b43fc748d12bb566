// Rescore and policy changes: bringing derived attributes up to a time, or
// onto a new policy.
//
// Database time. This is the one place the time model is defined; store.h,
// docs/OPERATIONS.md and the command-line help refer here.
//
// The database time D is the time customers' derived attributes are
// computed at: every write (create, order, interaction, merge), every
// policy change and the derivation on open derive at D. It is set by the
// last rescore's as_of, T, persisted with whether T was before the clock
// when it was set ("pinned"), and survives reopening:
//   - pinned (T was before the clock): D = T. A database of historical data
//     (the Online Retail file ends in 2011) is tiered as of its own time,
//     and writes to it keep to that time instead of jumping to the clock.
//   - otherwise (no rescore yet, or T at or after the clock): D = max(clock,
//     T): the clock, which a rescore may have run a little ahead of.
// A rescore at as_of:
//   - refuses, before writing anything, an as_of given more than one day
//     ahead of the clock unless `force` (kInvalidArgument "rescore.as_of:
//     <time> is N days ahead of the clock (<now>); pass --force if you mean
//     it"): a mistyped year would otherwise hold every customer in the future;
//   - incremental: refuses an as_of before D (kFailedPrecondition
//     "rescore.as_of: <time> is before the database time <D>; run a full
//     rescore (--full) to set the database time back"), since customers may
//     be derived as late as D and an incremental rescore only moves
//     customers forward;
//   - full: takes any as_of, earlier than D too, since it re-derives every
//     customer at as_of; this is how an operator sets the time back;
//   - then sets T = as_of, pinned exactly when as_of is before the clock. A
//     rescore at or after the clock (the default, "now") follows the clock
//     again.
// SetPolicy re-derives every customer at D, so changing the policy moves
// nobody in time.
#ifndef CUSTDB_RESCORE_H_
#define CUSTDB_RESCORE_H_

#include <cstdint>
#include <functional>
#include <optional>

namespace custdb {

// Called now and then with (customers done, customers to do).
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

struct RescoreOptions {
  // Default: the clock, or the database time if a forced rescore put it
  // ahead. Refusals and effect on the database time: see above.
  std::optional<int64_t> as_of_ms;
  // Full: re-derive every customer and, for a quantile policy, recompute
  // the breakpoints first. Otherwise only the customers whose derived
  // attributes change by as_of (found through the next-change index).
  bool full = false;
  ProgressFn progress;
  // Accept an as_of more than one day ahead of the clock.
  bool force = false;
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
