// PolicyState: the tier policy in force and the database time, the state
// every read and write path consults and only the rescore path changes.
#ifndef CUSTDB_ENGINE_TIERING_POLICY_STATE_H_
#define CUSTDB_ENGINE_TIERING_POLICY_STATE_H_

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>

#include "custdb/policy.h"

namespace custdb {

// Readers may call the const accessors from any thread at any time. A write
// path must read policy() and WriteAsOf() after taking its stripe locks: a
// rescore or policy change holds every stripe while it switches them (it
// waits for the writes in flight), so a locked writer sees one consistent
// pair. The setters are called only with rescore_mu() held.
class PolicyState {
 public:
  // `now_ms`: the engine's clock (Options::clock_ms or the system clock).
  explicit PolicyState(std::function<int64_t()> now_ms)
      : now_ms_(std::move(now_ms)) {}

  std::shared_ptr<const TierPolicy> policy() const {
    return std::atomic_load(&policy_);
  }
  // The database time (rescore.h): what writes, the policy change and the
  // open-time derivation derive at. The last rescore's as_of while pinned,
  // else the clock but never before the last rescore.
  int64_t WriteAsOf() const {
    const int64_t t = rescore_as_of_.load();
    return time_pinned_.load() ? t : std::max(now_ms_(), t);
  }
  int64_t now_ms() const { return now_ms_(); }
  int64_t rescore_as_of() const { return rescore_as_of_.load(); }
  bool time_pinned() const { return time_pinned_.load(); }
  // The as_of of the last rescore that finished (keys.h
  // kMetaRescoredThrough; INT64_MIN if none): every customer's next change
  // lies after it, so no due index entry (tag 0x28) is at or before it, and
  // every customer's derived attributes hold at it.
  int64_t rescored_through() const { return rescored_through_.load(); }

  // One Rescore or SetPolicy at a time.
  std::mutex& rescore_mu() { return rescore_mu_; }
  void set_policy(std::shared_ptr<const TierPolicy> policy) {
    std::atomic_store(&policy_, std::move(policy));
  }
  // keys.h kMetaRescoreAsOf and kMetaTimePinned, changed together.
  void set_time(int64_t as_of, bool pinned) {
    time_pinned_ = pinned;
    rescore_as_of_ = as_of;
  }
  void set_rescored_through(int64_t as_of) { rescored_through_ = as_of; }

 private:
  const std::function<int64_t()> now_ms_;
  std::shared_ptr<const TierPolicy> policy_;  // atomic_load / atomic_store
  std::atomic<int64_t> rescore_as_of_{0};
  std::atomic<bool> time_pinned_{false};
  std::atomic<int64_t> rescored_through_{INT64_MIN};
  std::mutex rescore_mu_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_TIERING_POLICY_STATE_H_
