// Percentiles of recorded latencies.
#include "latency.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>

namespace custdb {
namespace bench {
namespace {

// Nearest rank: the smallest sample with at least p of all samples <= it.
double PercentileUs(const std::vector<int64_t>& sorted, double p) {
  size_t rank = static_cast<size_t>(std::ceil(p * sorted.size()));
  size_t index = rank == 0 ? 0 : rank - 1;
  return sorted[std::min(index, sorted.size() - 1)] / 1000.0;
}

}  // namespace

LatencySummary LatencyRecorder::Summarize() const {
  LatencySummary s;
  s.samples = nanos_.size();
  if (nanos_.empty()) return s;
  std::vector<int64_t> sorted = nanos_;
  std::sort(sorted.begin(), sorted.end());
  long double total = 0;
  for (int64_t n : sorted) total += n;
  s.mean_us = static_cast<double>(total / sorted.size() / 1000.0L);
  s.p50_us = PercentileUs(sorted, 0.50);
  s.p99_us = PercentileUs(sorted, 0.99);
  s.p999_us = PercentileUs(sorted, 0.999);
  s.max_us = sorted.back() / 1000.0;
  return s;
}

double ProcessCpuSeconds() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const struct timeval& t) {
    return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace bench
}  // namespace custdb
