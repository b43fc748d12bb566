// The deterministic benchmark data set: channels, customers, orders and
// interactions generated from a fixed seed, identical for every backend and
// every run.
#ifndef CUSTDB_BENCH_DATASET_H_
#define CUSTDB_BENCH_DATASET_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "custdb/types.h"

namespace custdb {
namespace bench {

// At scale factor 1.
constexpr size_t kCustomersPerScale = 100000;
constexpr size_t kOrdersPerScale = 1000000;
constexpr size_t kInteractionsPerScale = 500000;
constexpr uint64_t kDefaultSeed = 20240611;

// Orders fall in the two years that start here (2023-01-01T00:00:00Z).
constexpr int64_t kOrdersStartMs = 1672531200000;
constexpr int64_t kOrdersSpanMs = 730LL * 24 * 3600 * 1000;
// The data set's "now": every order and interaction (and every complaint's
// resolution) happens before it (2024-12-31T00:00:00Z). The tiering
// workloads ask their questions as of this time, and the custdb backend's
// clock stands here.
constexpr int64_t kDataEndMs = kOrdersStartMs + kOrdersSpanMs;
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

struct DatasetSpec {
  // Multiplies the counts above; > 0. 0.01 gives 1,000 customers, 10,000
  // orders and 5,000 interactions.
  double scale = 1.0;
  uint64_t seed = kDefaultSeed;
};

// Everything a backend is loaded with. Ids are dense and start at 1:
// customers[i].id == i + 1, orders[i].id == i + 1 and interactions[i].id ==
// i + 1. Channels come parents first. Orders and interactions are each
// sorted by ts_ms (ties by id), so loading them in vector order is a
// time-ordered event stream. Every order is a completed sale in the base
// currency (USD) without line items. Complaints and tickets that were
// closed carry their resolved_at_ms when recorded.
struct Dataset {
  std::vector<Channel> channels;
  std::vector<Customer> customers;
  std::vector<Order> orders;
  std::vector<Interaction> interactions;
};

// Generates the data set for `spec`. The same spec gives the same data with
// every standard library: std::mt19937_64's output is fixed by the
// standard, and the distributions are custdb's own, not the
// implementation-defined std:: ones.
//
// Skew: each customer has an order frequency and a basket size, both
// log-normal, so that about 20% of customers bring about 80% of revenue
// (see TopRevenueShare); many customers order rarely or never. The
// customers who order often are also the ones most often in touch.
Dataset GenerateDataset(const DatasetSpec& spec);

// The share (0..1) of total revenue brought by the `fraction` (0..1] of
// customers that spend the most.
double TopRevenueShare(const Dataset& data, double fraction);

// Deterministic random numbers on top of std::mt19937_64, with the same
// results on every standard library.
class Random {
 public:
  explicit Random(uint64_t seed);
  // Uniform in [0, 1).
  double Uniform();
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n);
  // Standard normal (Box-Muller).
  double Normal();

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;  // Normal() makes two values at a time
  double spare_ = 0;
};

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_DATASET_H_
