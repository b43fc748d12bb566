// Runs the selected workloads on each selected backend, one backend at a
// time, each on a fresh database in a temporary directory.
#ifndef CUSTDB_BENCH_RUNNER_H_
#define CUSTDB_BENCH_RUNNER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backend.h"
#include "custdb/status.h"
#include "dataset.h"
#include "workloads.h"

namespace custdb {
namespace bench {

struct RunConfig {
  std::vector<std::string> backends;   // names from Backends(), in run order
  std::vector<std::string> workloads;  // names from Workloads()
  std::string dir = "/tmp";      // the run's temporary directory goes under it
  size_t read_ops = 100000;      // operations per read workload
  size_t threads = 1;            // client threads per ingest workload
  uint64_t seed = kDefaultSeed;  // of the read workloads' random keys
  RemoteSettings remote;         // for the remote backend
};

// One measured step: a workload, or a set-up step (load_customers,
// load_orders), on one backend.
struct ResultRow {
  std::string backend;
  std::string workload;
  // Not ok: the workload failed (e.g. the backend does not implement the
  // call yet); the measurement is then incomplete and not compared.
  Status status;
  Measurement measurement;
};

// For each backend in turn: opens an empty database under a new temporary
// directory in config.dir, runs load_customers and load_interactions, then
// the selected ingest workloads (the orders, in time order, split evenly
// between them, each run by config.threads client threads; if none is
// selected but a read workload is, the step load_orders loads them in
// batches), then the selected read workloads (from one thread); then
// closes and removes the database before the next backend starts, so that
// backends never compete for the machine. Calls `on_row` after each step,
// including a workload that failed (its row's status says why) and the run
// goes on with the next. Returns the first error of opening a database or
// of a set-up step, naming the backend and the step.
Status RunBenchmarks(const RunConfig& config, const Dataset& data,
                     const std::function<void(const ResultRow&)>& on_row);

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_RUNNER_H_
