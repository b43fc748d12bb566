// custdb-bench: runs the same customer/order workloads on custdb and on
// SQLite in one run and prints them side by side. See docs/BENCHMARKS.md.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "backend.h"
#include "dataset.h"
#include "latency.h"
#include "net_bench.h"
#include "remote_backend.h"
#include "report.h"
#include "runner.h"
#include "workloads.h"

namespace custdb {
namespace bench {
namespace {

std::vector<std::string> BackendNames() {
  std::vector<std::string> names;
  for (const BackendInfo& b : Backends()) names.push_back(b.name);
  return names;
}

std::vector<std::string> WorkloadNames() {
  std::vector<std::string> names;
  for (const Workload& w : Workloads()) names.push_back(w.name);
  return names;
}

std::string Listing() {
  std::string text = "backends:\n";
  for (const BackendInfo& b : Backends()) {
    text += "  " + std::string(b.name) + ": " + b.description + "\n";
  }
  text +=
      "workloads (run in this order, after load_customers and "
      "load_interactions):\n";
  for (const Workload& w : Workloads()) {
    text += "  " + std::string(w.name) + ": " + w.description + "\n";
  }
  return text;
}

// --net: the server under pipelined connections instead of the workloads.
int RunNet(NetBenchConfig net, const RunConfig& config, const Dataset& data,
           const DatasetSummary& summary, bool json) {
  net.remote = config.remote;
  net.dir = config.dir;
  net.seed = summary.seed;
  net.json = json;
  std::vector<NetRow> rows;
  Status s = RunNetBench(net, data, summary, &rows);
  if (!s.ok()) {
    std::fprintf(stderr, "custdb-bench: net: %s\n", s.ToString().c_str());
    return 1;
  }
  int failed = 0;
  for (const NetRow& r : rows) failed += r.status.ok() ? 0 : 1;
  if (failed > 0) {
    std::fprintf(stderr, "custdb-bench: net: %d of %zu cells failed\n", failed,
                 rows.size());
  }
  return failed == 0 ? 0 : 1;
}

int Run(int argc, char** argv) {
  double scale = 1.0;
  std::vector<std::string> backends = {"custdb", "sqlite"};
  std::vector<std::string> workloads = WorkloadNames();
  bool json = false;
  RunConfig config;
  size_t read_ops = 0;
  uint64_t data_seed = kDefaultSeed;

  CLI::App app{
      "custdb-bench: custdb and SQLite on the same customer/order data, "
      "side by side"};
  app.footer(Listing());
  app.add_option("--scale", scale,
                 "scale factor: 100,000 customers, 1,000,000 orders and "
                 "500,000 interactions per 1.0; 0.01 for a quick run")
      ->check(CLI::Range(0.0001, 100.0))
      ->capture_default_str();
  app.add_option("--backends", backends, "comma-separated backends")
      ->delimiter(',')
      ->check(CLI::IsMember(BackendNames()))
      ->capture_default_str();
  app.add_option("--workloads", workloads, "comma-separated workloads")
      ->delimiter(',')
      ->check(CLI::IsMember(WorkloadNames()))
      ->capture_default_str();
  app.add_flag("--json", json,
               "one JSON object per (backend, workload) on stdout; the "
               "table goes to stderr");
  app.add_option("--dir", config.dir,
                 "where the temporary databases go (removed at the end)")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  app.add_option("--read-ops", read_ops,
                 "operations per read workload (default: the customer "
                 "count, within 10,000..100,000)");
  app.add_option("--seed", data_seed, "seed of the data set and read keys")
      ->capture_default_str();
  app.add_option("--threads", config.threads,
                 "client threads per ingest workload, splitting its orders "
                 "(reads run from one thread)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--remote", config.remote.address,
                 "remote backend: HOST:PORT of a running custdb serve on an "
                 "empty database (default: start a private one on loopback)");
  app.add_option("--token", config.remote.token,
                 "remote backend: the token for Hello (default: none)");
  config.remote.custdb_binary = DefaultCustdbBinary();
  app.add_option("--custdb-binary", config.remote.custdb_binary,
                 "remote backend: the custdb executable to start")
      ->capture_default_str();
  bool net = false;
  NetBenchConfig net_config;
  app.add_flag("--net", net,
               "instead of the workloads: load the data into a custdb serve, "
               "then drive it with many pipelined connections from one event "
               "loop (the --net-* options)");
  app.add_option("--net-ops", net_config.ops, "--net: comma-separated ops")
      ->delimiter(',')
      ->check(CLI::IsMember(NetOpNames()))
      ->capture_default_str();
  app.add_option("--net-connections", net_config.connections,
                 "--net: connection counts, one cell each")
      ->delimiter(',')
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--net-pipeline", net_config.pipeline,
                 "--net: requests in flight per connection, one cell each")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--net-requests", net_config.requests,
                 "--net: requests per cell")
      ->check(CLI::Range(size_t{1}, size_t{100000000}))
      ->capture_default_str();
  app.add_option("--net-seconds", net_config.max_seconds,
                 "--net: a cell stops sending after this many seconds")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const Clock::time_point start = Clock::now();
  Dataset data = GenerateDataset({scale, data_seed});
  DatasetSummary summary;
  summary.scale = scale;
  summary.seed = data_seed;
  summary.channels = data.channels.size();
  summary.customers = data.customers.size();
  summary.orders = data.orders.size();
  summary.interactions = data.interactions.size();
  summary.top20_revenue_share = TopRevenueShare(data, 0.2);
  std::fprintf(stderr,
               "custdb-bench: generated %zu customers, %zu orders and %zu "
               "interactions in %.1f s; the top 20%% of customers bring "
               "%.1f%% of revenue\n",
               summary.customers, summary.orders, summary.interactions,
               Seconds(start, Clock::now()),
               100.0 * summary.top20_revenue_share);

  if (net) return RunNet(net_config, config, data, summary, json);
  config.backends = backends;
  config.workloads = workloads;
  config.seed = data_seed;
  config.read_ops =
      read_ops > 0 ? read_ops
                   : std::clamp<size_t>(data.customers.size(), 10000, 100000);
  Report report(summary, json);
  Status s = RunBenchmarks(config, data,
                           [&](const ResultRow& row) { report.Add(row); });
  if (!s.ok()) {
    std::fprintf(stderr, "custdb-bench: %s\n", s.ToString().c_str());
    return 1;
  }
  std::FILE* table = json ? stderr : stdout;
  std::fputc('\n', table);
  report.PrintTable(table);
  const std::vector<std::string> mismatches = report.Mismatches();
  for (const std::string& m : mismatches) {
    std::fprintf(stderr, "custdb-bench: backends disagree: %s\n", m.c_str());
  }
  const std::vector<std::string> failures = report.Failures();
  for (const std::string& f : failures) {
    std::fprintf(stderr, "custdb-bench: failed: %s\n", f.c_str());
  }
  return mismatches.empty() && failures.empty() ? 0 : 1;
}

}  // namespace
}  // namespace bench
}  // namespace custdb

int main(int argc, char** argv) { return custdb::bench::Run(argc, argv); }
