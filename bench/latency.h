// Per-operation latency recording and its percentiles.
#ifndef CUSTDB_BENCH_LATENCY_H_
#define CUSTDB_BENCH_LATENCY_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace custdb {
namespace bench {

using Clock = std::chrono::steady_clock;

struct LatencySummary {
  size_t samples = 0;
  double mean_us = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
};

// Collects one duration per operation. Recording is a vector append: no
// allocation once Reserve() has been called with the operation count.
// Not thread-safe: one recorder per thread.
class LatencyRecorder {
 public:
  void Reserve(size_t n) { nanos_.reserve(n); }
  void Record(Clock::time_point start, Clock::time_point end) {
    nanos_.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(end - start)
            .count());
  }
  // Adds `other`'s samples to this recorder's.
  void Merge(const LatencyRecorder& other) {
    nanos_.insert(nanos_.end(), other.nanos_.begin(), other.nanos_.end());
  }
  // Nearest-rank percentiles over every recorded sample.
  LatencySummary Summarize() const;

 private:
  std::vector<int64_t> nanos_;
};

// CPU time (user + system) the whole process has used so far, background
// threads included.
double ProcessCpuSeconds();

// Seconds between two time points.
inline double Seconds(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double>(end - start).count();
}

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_LATENCY_H_
