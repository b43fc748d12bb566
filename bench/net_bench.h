// custdb-bench --net: the server under many connections with pipelined
// requests, driven from one event loop through AsyncClient, the way
// redis-benchmark drives Redis, so the two can be compared in one run.
#ifndef CUSTDB_BENCH_NET_BENCH_H_
#define CUSTDB_BENCH_NET_BENCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "backend.h"
#include "custdb/status.h"
#include "dataset.h"
#include "latency.h"
#include "report.h"

namespace custdb {
namespace bench {

struct NetBenchConfig {
  // From NetOpNames(), in run order.
  std::vector<std::string> ops = {"get_customer", "record_order",
                                  "view_customer"};
  std::vector<int> connections = {1, 16, 50};
  // Requests each connection keeps outstanding (redis-benchmark's -P).
  std::vector<int> pipeline = {1, 16};
  // Requests per (op, connections, pipeline) cell (redis-benchmark's -n).
  size_t requests = 100000;
  // A cell stops sending after this many seconds even if `requests` have
  // not all been sent; what was answered is measured.
  double max_seconds = 60;
  // The server: a private one (its data directory goes under `dir`) or
  // remote.address.
  RemoteSettings remote;
  std::string dir = "/tmp";
  uint64_t seed = kDefaultSeed;  // of the random customer ids
  // One JSON object per cell on stdout; the table then goes to stderr.
  bool json = false;
};

// One measured cell.
struct NetRow {
  std::string op;
  int connections = 0;
  int pipeline = 0;
  // Not ok: the cell stopped at this error; what it measured until then
  // is not reported.
  Status status;
  uint64_t ops = 0;        // requests answered without error
  double seconds = 0;      // from the first request sent to the last answer
  LatencySummary latency;  // per request: sent to answered
  // CPU this process (the client side only: the server is another
  // process) used over `seconds`: near `seconds` means one core's worth,
  // the event loop thread was the limit, not the server.
  double client_cpu_seconds = 0;
  std::string note;  // "stopped by --net-seconds ..." or empty
};

// get_customer, record_order, view_customer.
const std::vector<std::string>& NetOpNames();

// Starts (or reaches) the server, loads `data` into it through
// custdb::Client (channels, customers, interactions, then every order in
// batches), then for each op × connections × pipeline opens that many
// AsyncClients of one connection each on one io_context, run by the
// calling thread, each keeping `pipeline` requests in flight until
// config.requests have been answered:
//   get_customer   GetCustomer of uniformly random existing customers;
//   record_order   RecordOrder of new orders (ids after the data set's)
//                  for random existing customers;
//   view_customer  ViewCustomer of random existing customers.
// The random ids come from config.seed, the same in every run. Prints a
// progress line per cell on stderr and the table at the end. Returns the
// first error of starting the server or loading the data; a failed cell
// is in `rows` (and the table) with its status, and the run goes on.
Status RunNetBench(const NetBenchConfig& config, const Dataset& data,
                   const DatasetSummary& summary, std::vector<NetRow>* rows);

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_NET_BENCH_H_
