// custdb-bench --net: the server, the data load, the cells in order, and
// their table.
#include "net_bench.h"

#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>

#include "net_cell.h"
#include "remote_backend.h"
#include "workloads.h"

namespace custdb {
namespace bench {
namespace {

// The deadline of each --net request: a benchmark request slower than
// this is a failure, not a sample.
constexpr int kNetRequestTimeoutMs = 10000;

NetOp ToNetOp(const std::string& name) {
  if (name == "record_order") return NetOp::kRecordOrder;
  if (name == "view_customer") return NetOp::kViewCustomer;
  return NetOp::kGetCustomer;
}

// Channels, customers, interactions, then every order in batches of
// 1,000, through one custdb::Client: the runner's set-up steps.
Status LoadThroughClient(const ClientOptions& options, const Dataset& data) {
  Result<std::unique_ptr<Backend>> backend = ConnectClientBackend(options);
  if (!backend.ok()) return backend.status();
  WorkloadInput input;
  input.data = &data;
  input.orders_end = data.orders.size();
  const std::pair<const char*, WorkloadFn> steps[] = {
      {"load_customers", &LoadCustomers},
      {"load_interactions", &LoadInteractions},
      {"load_orders", &IngestOrdersBatched}};
  for (const auto& [name, run] : steps) {
    Measurement m;
    Status s = run(backend->get(), input, &m);
    if (!s.ok()) {
      return Status(s.code(), std::string(name) + ": " + s.message());
    }
    std::fprintf(stderr, "custdb-bench: net %-17s %9llu ops in %7.2f s\n", name,
                 static_cast<unsigned long long>(m.ops), m.seconds);
  }
  return Status::OK();
}

// The requests of one cell, drawn before it starts. Orders copy a data
// set order (its channel, time, amount) for a random customer, with ids
// that follow every id used so far.
void FillRequests(const NetBenchConfig& config, const Dataset& data,
                  NetCellSpec* spec, uint64_t* next_order_id) {
  Random rng(config.seed ^ (static_cast<uint64_t>(spec->op) << 32) ^
             (static_cast<uint64_t>(spec->connections) << 16) ^
             static_cast<uint64_t>(spec->pipeline));
  const uint64_t customers = data.customers.size();
  if (spec->op != NetOp::kRecordOrder) {
    spec->customer_ids.resize(config.requests);
    for (uint64_t& id : spec->customer_ids) id = 1 + rng.Below(customers);
    return;
  }
  spec->orders.resize(config.requests);
  for (size_t i = 0; i < spec->orders.size(); ++i) {
    Order& order = spec->orders[i];
    order = data.orders[i % data.orders.size()];
    order.id = (*next_order_id)++;
    order.customer_id = 1 + rng.Below(customers);
  }
}

void PrintProgress(const NetRow& row) {
  if (!row.status.ok()) {
    std::fprintf(stderr, "custdb-bench: net %-13s c=%-3d P=%-3d FAILED: %s\n",
                 row.op.c_str(), row.connections, row.pipeline,
                 row.status.ToString().c_str());
    return;
  }
  std::fprintf(stderr,
               "custdb-bench: net %-13s c=%-3d P=%-3d %9llu ops in %6.2f s "
               "= %9.0f ops/s; p50 %.1f us, p99 %.1f us, p99.9 %.1f us; "
               "client cpu %.2f s\n",
               row.op.c_str(), row.connections, row.pipeline,
               static_cast<unsigned long long>(row.ops), row.seconds,
               row.seconds > 0 ? row.ops / row.seconds : 0.0,
               row.latency.p50_us, row.latency.p99_us, row.latency.p999_us,
               row.client_cpu_seconds);
  if (!row.note.empty()) {
    std::fprintf(stderr, "custdb-bench: net %-13s c=%-3d P=%-3d %s\n",
                 row.op.c_str(), row.connections, row.pipeline,
                 row.note.c_str());
  }
}

void PrintJson(const NetRow& row, const DatasetSummary& summary) {
  nlohmann::json j = {{"mode", "net"},
                      {"op", row.op},
                      {"connections", row.connections},
                      {"pipeline", row.pipeline},
                      {"scale", summary.scale},
                      {"seed", summary.seed}};
  if (!row.status.ok()) {
    j["error"] = row.status.ToString();
  } else {
    j["ops"] = row.ops;
    j["seconds"] = row.seconds;
    j["ops_per_s"] = row.seconds > 0 ? row.ops / row.seconds : 0.0;
    j["p50_us"] = row.latency.p50_us;
    j["p99_us"] = row.latency.p99_us;
    j["p999_us"] = row.latency.p999_us;
    j["max_us"] = row.latency.max_us;
    j["mean_us"] = row.latency.mean_us;
    j["client_cpu_s"] = row.client_cpu_seconds;
    if (!row.note.empty()) j["note"] = row.note;
  }
  std::cout << j.dump() << std::endl;
}

// One row per cell; bench/net-vs-redis reads the columns by position.
void PrintTable(std::FILE* out, const std::string& server,
                const DatasetSummary& summary,
                const std::vector<NetRow>& rows) {
  std::fprintf(out,
               "net: %s; data scale %g, seed %llu: %zu customers, %zu "
               "orders, %zu interactions; one io_context thread, one "
               "AsyncClient connection per c\n\n",
               server.c_str(), summary.scale,
               static_cast<unsigned long long>(summary.seed), summary.customers,
               summary.orders, summary.interactions);
  std::fprintf(out, "%-13s %5s %8s %9s %7s %10s %9s %9s %9s %12s\n", "op",
               "conns", "pipeline", "ops", "seconds", "ops/s", "p50_us",
               "p99_us", "p999_us", "client_cpu_s");
  for (const NetRow& r : rows) {
    if (!r.status.ok()) {
      std::fprintf(out, "%-13s %5d %8d FAILED (%s)\n", r.op.c_str(),
                   r.connections, r.pipeline, r.status.ToString().c_str());
      continue;
    }
    std::fprintf(out,
                 "%-13s %5d %8d %9llu %7.2f %10.0f %9.1f %9.1f %9.1f %12.2f\n",
                 r.op.c_str(), r.connections, r.pipeline,
                 static_cast<unsigned long long>(r.ops), r.seconds,
                 r.seconds > 0 ? r.ops / r.seconds : 0.0, r.latency.p50_us,
                 r.latency.p99_us, r.latency.p999_us, r.client_cpu_seconds);
  }
}

Status RunCells(const NetBenchConfig& config, const Dataset& data,
                const DatasetSummary& summary, const RemoteServer& server,
                std::vector<NetRow>* rows) {
  Status s = LoadThroughClient(server.client_options, data);
  if (!s.ok()) return s;
  uint64_t next_order_id = data.orders.size() + 1;
  for (const std::string& op : config.ops) {
    for (int connections : config.connections) {
      for (int pipeline : config.pipeline) {
        NetCellSpec spec;
        spec.op = ToNetOp(op);
        spec.connections = connections;
        spec.pipeline = pipeline;
        spec.client_options = server.client_options;
        spec.client_options.request_timeout_ms = kNetRequestTimeoutMs;
        spec.max_seconds = config.max_seconds;
        FillRequests(config, data, &spec, &next_order_id);
        NetRow row;
        row.op = op;
        row.connections = connections;
        row.pipeline = pipeline;
        RunNetCell(spec, &row);
        PrintProgress(row);
        if (config.json) PrintJson(row, summary);
        rows->push_back(std::move(row));
      }
    }
  }
  const std::string where = server.process != nullptr
                                ? "private custdb serve (pid " +
                                      std::to_string(server.process->pid()) +
                                      ") at "
                                : "custdb serve at ";
  PrintTable(config.json ? stderr : stdout,
             where + server.client_options.host + ":" +
                 std::to_string(server.client_options.port),
             summary, *rows);
  return Status::OK();
}

}  // namespace

const std::vector<std::string>& NetOpNames() {
  static const std::vector<std::string> kNames = {
      "get_customer", "record_order", "view_customer"};
  return kNames;
}

Status RunNetBench(const NetBenchConfig& config, const Dataset& data,
                   const DatasetSummary& summary, std::vector<NetRow>* rows) {
  std::string pattern = config.dir + "/custdb-bench-net-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::IOError(config.dir + ": cannot create a directory");
  }
  const std::string run_dir = pattern;
  Status s;
  {
    Result<RemoteServer> server =
        StartRemoteServer(config.remote, run_dir + "/data");
    s = server.ok() ? RunCells(config, data, summary, *server, rows)
                    : server.status();
  }  // the private server stops here, before its directory goes
  std::error_code ec;
  std::filesystem::remove_all(run_dir, ec);
  return s;
}

}  // namespace bench
}  // namespace custdb
