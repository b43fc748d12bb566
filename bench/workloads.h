// The workloads custdb-bench runs, as one table: name -> function.
//
// To add a workload: write its function in workloads.cc (or a file of its
// own, as tiering_workloads.cc) and add a row to the table there. Ingest
// workloads receive a slice of the data set's orders; read workloads
// receive an operation count and a seed, and run after every order and
// interaction is loaded.
#ifndef CUSTDB_BENCH_WORKLOADS_H_
#define CUSTDB_BENCH_WORKLOADS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "backend.h"
#include "dataset.h"
#include "latency.h"

namespace custdb {
namespace bench {

enum class WorkloadKind {
  kIngest,  // writes a slice of the orders
  kRead,    // reads (or rescores) the fully loaded data, from one thread
};

struct WorkloadInput {
  const Dataset* data = nullptr;
  // kIngest: data->orders[orders_begin, orders_end), split between
  // `threads` client threads (the first uses the backend it is given, the
  // others one NewClient() each).
  size_t orders_begin = 0;
  size_t orders_end = 0;
  size_t threads = 1;
  // kRead: operations to run, and the seed of their random keys (the same
  // for every backend, so each reads the same customers in the same order).
  size_t read_ops = 0;
  uint64_t seed = 0;
};

struct Measurement {
  uint64_t ops = 0;    // events written or reads done
  double seconds = 0;  // wall time of the whole loop (of every thread)
  size_t threads = 1;  // client threads that ran the loop
  // CPU time of the whole process during the step, background threads
  // (RocksDB flushes and compactions) included. Set by the runner.
  double cpu_seconds = 0;
  uint64_t ops_per_call = 1;  // events per timed call: 1000 for batches
  LatencySummary latency;     // of each timed call, over all threads
  uint64_t rows = 0;          // rows the reads returned
  // A digest of what the reads returned. Every backend must produce the
  // same value for the same input; a difference means a wrong result.
  uint64_t check = 0;
  // Shown after the step's progress line and in its JSON ("rescored N
  // customers"); empty for most steps.
  std::string note;
};

using WorkloadFn = Status (*)(Backend* backend, const WorkloadInput& input,
                              Measurement* out);

struct Workload {
  const char* name;  // as given to --workloads
  WorkloadKind kind;
  const char* description;  // one line for --help and the docs
  WorkloadFn run;
  // kRead: at most this many operations (whole-database reports and
  // rescores are slow on SQLite); 0: --read-ops.
  size_t max_ops;
};

// Every workload, in the order they run.
const std::vector<Workload>& Workloads();
// nullptr if there is no workload of that name.
const Workload* FindWorkload(const std::string& name);

// Set-up steps, measured and reported like workloads.
// Puts the channels, then creates the customers in batches of 1,000.
Status LoadCustomers(Backend* backend, const WorkloadInput& input,
                     Measurement* out);
// Records the data set's interactions in batches of 1,000.
Status LoadInteractions(Backend* backend, const WorkloadInput& input,
                        Measurement* out);
// Records the input's orders in batches of 1,000 (ingest1000's body);
// with several threads, thread t takes batches t, t + threads, ...
Status IngestOrdersBatched(Backend* backend, const WorkloadInput& input,
                           Measurement* out);

constexpr size_t kBatchSize = 1000;
constexpr uint32_t kRecentOrdersLimit = 20;

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_WORKLOADS_H_
