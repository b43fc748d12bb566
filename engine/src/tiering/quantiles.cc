// Quantile RFM breakpoints: the tie rule in quantiles.h.
#include "tiering/quantiles.h"

#include <algorithm>
#include <cstddef>
#include <limits>

namespace custdb {

std::array<int64_t, 4> QuintileBreakpoints(std::vector<int64_t> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  // The distinct values, ascending, each with the count of values below.
  std::vector<int64_t> distinct;
  std::vector<size_t> below;
  for (size_t i = 0; i < n; ++i) {
    if (i == 0 || values[i] != values[i - 1]) {
      distinct.push_back(values[i]);
      below.push_back(i);
    }
  }
  const size_t k = distinct.size();
  const int m = static_cast<int>(std::min<size_t>(k, 5));
  std::array<int64_t, 4> b{};
  int score = 0;
  for (size_t i = 0; i < k; ++i) {
    // below * 5 cannot overflow: n is a count of customers in memory.
    int target = 1 + static_cast<int>(below[i] * 5 / n);
    // i is 0-based here: k - 1 - i distinct values lie above u_i.
    const int needed = m - static_cast<int>(k - 1 - i);
    target = std::max(target, needed);
    const int next = i == 0 ? 1 : std::min(target, score + 1);
    if (next > score && next >= 2) b[next - 2] = distinct[i];
    score = next;
  }
  // Scores m + 1 .. 5 are unused: breakpoints just above the top value.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (int s = m + 1; s <= 5; ++s) {
    b[s - 2] =
        distinct.back() <= kMax - (s - m) ? distinct.back() + (s - m) : kMax;
  }
  // Only where that ran into INT64_MAX: push breakpoints down until they
  // ascend strictly again (the top values then score higher).
  for (int j = 2; j >= 0; --j) b[j] = std::min(b[j], b[j + 1] - 1);
  return b;
}

std::array<int64_t, 4> RecencyQuintileBreakpoints(std::vector<int64_t> days) {
  // Fewer days is better: score -days as a count, then mirror the
  // breakpoints. r = 1 + #{c <= -days} = 1 + #{-c >= days}, which is the
  // recency_days rule with recency_days[i] = -c[3 - i].
  for (int64_t& d : days) d = -d;
  const std::array<int64_t, 4> c = QuintileBreakpoints(std::move(days));
  std::array<int64_t, 4> b = {-c[3], -c[2], -c[1], -c[0]};
  // ValidatePolicy wants breakpoints >= 0: where unused scores found no
  // room below the fewest days, lift them (the freshest buyers then score
  // above m).
  for (int64_t j = 0; j < 4; ++j) {
    b[j] = std::max(b[j], j == 0 ? int64_t{0} : b[j - 1] + 1);
  }
  return b;
}

}  // namespace custdb
