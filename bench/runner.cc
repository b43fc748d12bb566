// The order in which custdb-bench runs its steps, and the temporary
// directories it runs them in.
#include "runner.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <system_error>

#include "backend.h"
#include "latency.h"

namespace custdb {
namespace bench {
namespace {

struct Step {
  std::string name;
  WorkloadFn run;
  WorkloadInput input;
  // A set-up step's failure ends the backend's run: what follows would
  // measure an incomplete database. A workload's is reported and the run
  // goes on.
  bool setup;
};

// The steps, the same for every backend.
std::vector<Step> PlanSteps(const RunConfig& config, const Dataset& data) {
  std::vector<const Workload*> ingests, reads;
  for (const Workload& w : Workloads()) {
    bool selected = false;
    for (const std::string& name : config.workloads) selected |= name == w.name;
    if (!selected) continue;
    (w.kind == WorkloadKind::kIngest ? ingests : reads).push_back(&w);
  }
  WorkloadInput input;
  input.data = &data;
  std::vector<Step> steps = {
      {"load_customers", &LoadCustomers, input, true},
      {"load_interactions", &LoadInteractions, input, true}};
  const size_t orders = data.orders.size();
  input.threads = config.threads;
  for (size_t i = 0; i < ingests.size(); ++i) {
    input.orders_begin = orders * i / ingests.size();
    input.orders_end = orders * (i + 1) / ingests.size();
    steps.push_back({ingests[i]->name, ingests[i]->run, input, false});
  }
  input.threads = 1;
  if (ingests.empty() && !reads.empty()) {
    input.orders_begin = 0;
    input.orders_end = orders;
    steps.push_back({"load_orders", &IngestOrdersBatched, input, true});
  }
  input.orders_begin = input.orders_end = 0;
  for (const Workload* w : reads) {
    input.read_ops = w->max_ops > 0 ? std::min(config.read_ops, w->max_ops)
                                    : config.read_ops;
    // Same seed on every backend; another per workload.
    input.seed = config.seed ^ std::hash<std::string>()(w->name);
    steps.push_back({w->name, w->run, input, false});
  }
  return steps;
}

Status RunOnBackend(const BackendInfo& info, const RunConfig& config,
                    const std::string& dir, const std::vector<Step>& steps,
                    const std::function<void(const ResultRow&)>& on_row) {
  BackendConfig backend_config;
  backend_config.dir = dir;
  backend_config.remote = config.remote;
  Result<std::unique_ptr<Backend>> backend = info.open(backend_config);
  if (!backend.ok()) return backend.status();
  for (const Step& step : steps) {
    ResultRow row;
    row.backend = info.name;
    row.workload = step.name;
    const double cpu_start = ProcessCpuSeconds();
    Status s = step.run(backend->get(), step.input, &row.measurement);
    row.measurement.cpu_seconds = ProcessCpuSeconds() - cpu_start;
    if (!s.ok() && step.setup) {
      return Status(s.code(), step.name + ": " + s.message());
    }
    row.status = s;
    on_row(row);
  }
  return Status::OK();
}

}  // namespace

Status RunBenchmarks(const RunConfig& config, const Dataset& data,
                     const std::function<void(const ResultRow&)>& on_row) {
  std::string pattern = config.dir + "/custdb-bench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::IOError(config.dir + ": cannot create a directory");
  }
  const std::string run_dir = pattern;
  const std::vector<Step> steps = PlanSteps(config, data);
  Status result;
  for (const std::string& name : config.backends) {
    const BackendInfo* info = FindBackend(name);
    if (info == nullptr) {
      result = Status::InvalidArgument("--backends: unknown " + name);
      break;
    }
    result = RunOnBackend(*info, config, run_dir + "/" + name, steps, on_row);
    if (!result.ok()) {
      result = Status(result.code(), name + ": " + result.message());
      break;
    }
    std::error_code ec;
    std::filesystem::remove_all(run_dir + "/" + name, ec);
  }
  std::error_code ec;
  std::filesystem::remove_all(run_dir, ec);
  return result;
}

}  // namespace bench
}  // namespace custdb
