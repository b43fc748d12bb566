// custdb-microbench: Google Benchmark loops over the hot calls of the
// public API, on a small preloaded and flushed database (scale 0.01: 1,000
// customers, 10,000 orders) in a temporary directory. The reads run first,
// on the flushed data; RecordOrder runs last. BM_RocksDbMemtablePut
// measures the floor under every write: one memtable entry of the
// RocksDB custdb is linked with, without custdb.
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <algorithm>
#include <cstring>
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

// What one memtable entry costs in the RocksDB this build links (Debian's,
// with assertions on): a batch of 12 random 25-byte keys with empty values
// (an order writes about twelve entries) into a default skiplist memtable
// that already holds range(0) keys, WAL off unless range(1). Items are
// entries.
void BM_RocksDbMemtablePut(benchmark::State& state) {
  std::string dir = "/tmp/custdb-microbench-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    state.SkipWithError("/tmp: cannot create a directory");
    return;
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  options.write_buffer_size = 256 << 20;  // no flush while measuring
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir + "/db", &raw);
  if (!s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  Random rng(3);
  auto put_random = [&rng](rocksdb::WriteBatch* batch) {
    char key[25];
    key[0] = 0x21;
    for (int i = 0; i < 3; ++i) {
      const uint64_t r = rng.Below(UINT64_MAX);
      std::memcpy(key + 1 + 8 * i, &r, 8);
    }
    batch->Put(rocksdb::Slice(key, sizeof(key)), rocksdb::Slice()).ok();
  };
  rocksdb::WriteOptions unlogged;
  unlogged.disableWAL = true;
  for (int64_t done = 0; done < state.range(0); done += 1000) {
    rocksdb::WriteBatch batch;
    for (int i = 0; i < 1000; ++i) put_random(&batch);
    db->Write(unlogged, &batch).PermitUncheckedError();
  }
  rocksdb::WriteOptions wo;
  wo.disableWAL = state.range(1) == 0;
  constexpr int kEntriesPerWrite = 12;
  for (auto _ : state) {
    rocksdb::WriteBatch batch;
    for (int i = 0; i < kEntriesPerWrite; ++i) put_random(&batch);
    s = db->Write(wo, &batch);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kEntriesPerWrite);
  db.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
// 16,000 keys: about a 1 MiB memtable (tier_index's); 500,000: a large one.
BENCHMARK(BM_RocksDbMemtablePut)
    ->Args({16000, 0})
    ->Args({500000, 0})
    ->Args({16000, 1})
    ->Iterations(2000);

}  // namespace
}  // namespace bench
}  // namespace custdb

BENCHMARK_MAIN();
