// The counter range guard.
#include "storage/counter_guard.h"

#include <rocksdb/db.h>

#include <limits>
#include <memory>

#include "custdb/time_format.h"
#include "storage/rocks_status.h"
#include "storage/storage.h"

namespace custdb {
namespace {

constexpr uint64_t kI64Max = std::numeric_limits<int64_t>::max();

uint64_t Magnitude(int64_t v) {
  return v < 0 ? uint64_t{0} - static_cast<uint64_t>(v)
               : static_cast<uint64_t>(v);
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? ~uint64_t{0} : sum;
}

// "channel report counter revenue_minor of channel 3 on day 19723", ...
std::string CounterName(const CounterMerge& m, uint16_t slot) {
  if (m.cf == keys::Cf::kReportCounters) {
    uint64_t channel = 0;
    int64_t day = 0;
    if (keys::DecodeChannelDayKey(m.key, &channel, &day)) {
      return std::string("channel report counter ") +
             keys::ChannelDaySlotName(slot) + " of channel " +
             std::to_string(channel) + " on " +
             FormatIso8601(day).substr(0, 10);
    }
    return "channel report counter";
  }
  if (m.plain) return "record count";
  return std::string("tier summary ") +
         (slot % 2 == 0 ? "customer count" : "spend") + " (slot " +
         std::to_string(slot) + ")";
}

}  // namespace

CounterGuard::Ticket CounterGuard::Admit(uint64_t magnitude) {
  Ticket ticket;
  // The shared lock is taken before the bound grows: an exclusive holder
  // then sees every delta admitted under the bound already committed.
  ticket.shared_ = std::shared_lock<std::shared_mutex>(mu_);
  uint64_t seen = bound_.load(std::memory_order_relaxed);
  while (!bound_.compare_exchange_weak(seen, SaturatingAdd(seen, magnitude),
                                       std::memory_order_relaxed)) {
  }
  if (SaturatingAdd(seen, magnitude) <= kI64Max) return ticket;
  ticket.shared_.unlock();
  ticket.exclusive_ = std::unique_lock<std::shared_mutex>(mu_);
  return ticket;
}

uint64_t CounterGuard::MagnitudeOf(const std::vector<CounterMerge>& merges) {
  uint64_t total = 0;
  for (const CounterMerge& m : merges) {
    for (const auto& [slot, v] : m.delta) {
      total = SaturatingAdd(total, Magnitude(v));
    }
  }
  return total;
}

Status CounterGuard::CheckExactly(const Storage& storage,
                                  const std::vector<CounterMerge>& merges) {
  for (const CounterMerge& m : merges) {
    std::string value;
    rocksdb::Status rs = storage.db()->Get(rocksdb::ReadOptions(),
                                           storage.cf(m.cf), m.key, &value);
    keys::CounterVec current;
    if (rs.ok()) {
      if (!keys::DecodeCounterVec(value, &current)) {
        return Status::Corruption("undecodable counter value");
      }
    } else if (!rs.IsNotFound()) {
      return FromRocks(rs, "reading a counter");
    }
    for (const auto& [slot, delta] : m.delta) {
      int64_t now = 0;
      for (const auto& [s, v] : current) {
        if (s == slot) now = v;
      }
      int64_t sum = 0;
      if (__builtin_add_overflow(now, delta, &sum)) {
        return Status::InvalidArgument(
            CounterName(m, slot) + ": " + std::to_string(now) + " + " +
            std::to_string(delta) +
            " would leave the 64-bit range; the write is refused");
      }
    }
  }
  return Status::OK();
}

Status CounterGuard::LargestStored(const Storage& storage, uint64_t* out) {
  *out = 0;
  for (keys::Cf cf : {keys::Cf::kCounters, keys::Cf::kReportCounters}) {
    std::unique_ptr<rocksdb::Iterator> it(
        storage.db()->NewIterator(TotalOrder(), storage.cf(cf)));
    keys::CounterVec vec;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      // A damaged counter must not stop the open (Verify reports it):
      // its magnitude is unknown, so every write is checked exactly.
      if (!keys::DecodeCounterVec(it->value().ToStringView(), &vec)) {
        *out = ~uint64_t{0};
        continue;
      }
      for (const auto& [slot, v] : vec) {
        if (Magnitude(v) > *out) *out = Magnitude(v);
      }
    }
    Status s = FromRocks(it->status(), "reading counters");
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace custdb
