// custdb-microbench: Google Benchmark loops over the hot calls of the
// public API, on a small preloaded and flushed database (scale 0.01: 1,000
// customers, 10,000 orders) in a temporary directory. The reads run first,
// on the flushed data; RecordOrder runs last.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "custdb/engine.h"
#include "dataset.h"
#include "workloads.h"

namespace custdb {
namespace bench {
namespace {

// The preloaded database, opened on first use and removed at exit.
class MicroDb {
 public:
  static MicroDb& Get() {
    static MicroDb db;
    return db;
  }
  ~MicroDb() {
    engine_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  Engine* engine() { return engine_.get(); }
  const Dataset& data() const { return data_; }
  const Status& status() const { return status_; }
  // A fresh order id on every call.
  uint64_t NextOrderId() { return ++last_order_id_; }

 private:
  MicroDb() : data_(GenerateDataset({0.01, kDefaultSeed})) {
    std::string pattern = "/tmp/custdb-microbench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      status_ = Status::IOError("/tmp: cannot create a directory");
      return;
    }
    dir_ = pattern;
    Options options;
    options.path = dir_ + "/db";
    Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
    if (!engine.ok()) {
      status_ = engine.status();
      return;
    }
    engine_ = std::move(engine).value();
    status_ = Load();
    last_order_id_ = data_.orders.size();
  }

  Status Load() {
    for (const Channel& c : data_.channels) {
      Status s = engine_->PutChannel(c);
      if (!s.ok()) return s;
    }
    Status s = Apply(data_.customers);
    if (s.ok()) s = Apply(data_.orders);
    if (s.ok()) s = engine_->Flush();
    return s;
  }

  // Applies `records` in batches of kBatchSize events.
  template <typename T>
  Status Apply(const std::vector<T>& records) {
    std::vector<Event> events;
    std::vector<Status> statuses;
    for (size_t i = 0; i < records.size(); i += kBatchSize) {
      const size_t end = std::min(records.size(), i + kBatchSize);
      events.assign(records.begin() + i, records.begin() + end);
      Status s = engine_->ApplyBatch(events, &statuses);
      if (!s.ok()) return s;
      for (const Status& st : statuses) {
        if (!st.ok()) return st;
      }
    }
    return Status::OK();
  }

  Dataset data_;
  std::string dir_;
  std::unique_ptr<Engine> engine_;
  Status status_;
  uint64_t last_order_id_ = 0;
};

// Returns the engine, or marks `state` failed and returns nullptr.
Engine* EngineOrSkip(benchmark::State& state) {
  MicroDb& db = MicroDb::Get();
  if (!db.status().ok()) {
    state.SkipWithError(db.status().ToString().c_str());
    return nullptr;
  }
  return db.engine();
}

void BM_GetCustomer(benchmark::State& state) {
  Engine* engine = EngineOrSkip(state);
  if (engine == nullptr) return;
  const uint64_t customers = MicroDb::Get().data().customers.size();
  Random rng(1);
  for (auto _ : state) {
    Result<CustomerRecord> r = engine->GetCustomer(1 + rng.Below(customers));
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetCustomer);

void BM_ListRecentOrders(benchmark::State& state) {
  Engine* engine = EngineOrSkip(state);
  if (engine == nullptr) return;
  const uint64_t customers = MicroDb::Get().data().customers.size();
  Random rng(3);
  HistoryQuery query;
  query.limit = kRecentOrdersLimit;
  for (auto _ : state) {
    query.customer_id = 1 + rng.Below(customers);
    Result<Page<Order>> r = engine->ListOrders(query);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListRecentOrders);

// Last: it adds orders, which would change what the reads above measure.
void BM_RecordOrder(benchmark::State& state) {
  Engine* engine = EngineOrSkip(state);
  if (engine == nullptr) return;
  MicroDb& db = MicroDb::Get();
  const uint64_t customers = db.data().customers.size();
  Random rng(2);
  Order order = db.data().orders.back();
  for (auto _ : state) {
    order.id = db.NextOrderId();
    order.customer_id = 1 + rng.Below(customers);
    order.ts_ms += 1000;
    Status s = engine->RecordOrder(order);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordOrder);

}  // namespace
}  // namespace bench
}  // namespace custdb

BENCHMARK_MAIN();
