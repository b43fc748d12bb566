// Backend: one database under test, seen through the handful of operations
// the workloads need, and the table of backends custdb-bench can run.
//
// To add a backend: implement Backend in its own
// file, declare its Open function below and add a row to the table in
// backend.cc.
#ifndef CUSTDB_BENCH_BACKEND_H_
#define CUSTDB_BENCH_BACKEND_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "custdb/policy.h"
#include "custdb/reports.h"
#include "custdb/rescore.h"
#include "custdb/status.h"
#include "custdb/store.h"
#include "custdb/types.h"

namespace custdb {
namespace bench {

// top100's question: the `limit` customers of one owner channel in one
// value tier with the highest spend (ties: lower id first).
struct TopSpendQuery {
  uint64_t owner_channel_id = 0;
  ValueTier tier = ValueTier::kHigh;
  uint32_t limit = 100;
};

// Every method returns the backend's error as a Status; the workloads stop
// at the first error, because a benchmark with failed writes measures
// nothing. A Backend object is used from one thread; each further client
// thread gets its own from NewClient().
class Backend {
 public:
  virtual ~Backend() = default;

  // Another client of the same database, for another thread: custdb shares
  // its Store, SQLite opens another connection. Must not outlive this one.
  virtual Result<std::unique_ptr<Backend>> NewClient() = 0;

  // Creates or replaces `channels` in one atomic write.
  virtual Status PutChannels(const std::vector<Channel>& channels) = 0;
  // Creates `count` customers (ids given) in one atomic write.
  virtual Status CreateCustomers(const Customer* customers, size_t count) = 0;
  // Records one order and updates its customer's aggregates, atomically:
  // one commit per call.
  virtual Status RecordOrder(const Order& order) = 0;
  // Records `count` orders and their aggregate updates in one commit.
  virtual Status RecordOrders(const Order* orders, size_t count) = 0;
  // Records `count` interactions (ids given) and their aggregate updates
  // in one commit.
  virtual Status RecordInteractions(const Interaction* interactions,
                                    size_t count) = 0;
  // Reads a customer's profile and aggregates into `out`.
  virtual Status GetCustomer(uint64_t customer_id, CustomerRecord* out) = 0;
  // Reads the customer's `limit` newest orders, newest first (ties: higher
  // order id first), into `out`.
  virtual Status RecentOrders(uint64_t customer_id, uint32_t limit,
                              std::vector<Order>* out) = 0;

  // The tiering questions of issue 4. Value tiers are those of
  // DefaultPolicy(); "as of" times are explicit, never the wall clock.
  //
  // Customers and spend per value tier, high to low, empty tiers included.
  virtual Status GetTierSummary(TierSummary* out) = 0;
  virtual Status TopBySpend(const TopSpendQuery& query,
                            std::vector<CustomerRecord>* out) = 0;
  // Customers with an order and no activity in the query's inactive_days
  // before as_of, in its tiers: how many, and the first `limit` by spend
  // (ties: lower id first). channel_id is not used by the benchmark.
  virtual Status GetChurnWatch(const ChurnWatchQuery& query,
                               ChurnWatch* out) = 0;
  // One total row per channel, by channel id, for events in [from_ms,
  // to_ms). Filled: revenue, orders, buying and new customers,
  // interactions, complaints opened and resolved, average satisfaction and
  // NPS (see reports.h); the other fields are left to each backend.
  virtual Status GetChannelReport(int64_t from_ms, int64_t to_ms,
                                  ChannelReport* out) = 0;
  // Brings every customer's scores up to as_of: custdb's Rescore (only the
  // customers due unless `full`), SQLite's full NTILE(5) rescoring either
  // way. `out->examined` counts the customers rescored.
  virtual Status Rescore(int64_t as_of_ms, bool full, RescoreReport* out) = 0;
};

// How the remote backend reaches a server.
struct RemoteSettings {
  // HOST:PORT of a running `custdb serve` on an empty database (the
  // workloads load the data set with its ids, and compare their reads with
  // the other backends': start it with --clock-ms at kDataEndMs). Empty:
  // the backend starts a private server of its own.
  std::string address;
  // The token for Hello; empty for a server without a tokens file.
  std::string token;
  // The custdb executable to start when `address` is empty.
  std::string custdb_binary;
};

// Where a backend keeps its data.
struct BackendConfig {
  // A directory that does not exist yet, for the backend's files. The
  // caller removes it after the backend is destroyed.
  std::string dir;
  RemoteSettings remote;  // the remote backend's only
};

using BackendOpenFn =
    Result<std::unique_ptr<Backend>> (*)(const BackendConfig& config);

struct BackendInfo {
  const char* name;         // as given to --backends
  const char* description;  // one line for --help and the docs
  BackendOpenFn open;       // creates an empty database
};

// Any custdb::Store (the embedded Engine, later the TCP Client) as a
// Backend: one event per call to RecordOrder, ApplyBatch for the batches.
// Its clients call the same Store, which is thread-safe.
std::unique_ptr<Backend> MakeStoreBackend(std::unique_ptr<Store> store);

// The embedded custdb::Engine with default Options.
Result<std::unique_ptr<Backend>> OpenCustdbBackend(const BackendConfig& config);
// SQLite in WAL mode; see sqlite_backend.cc for the schema.
Result<std::unique_ptr<Backend>> OpenSqliteBackend(const BackendConfig& config);
// custdb::Client over TCP to config.remote.address, or to a `custdb serve`
// it starts on loopback with config.dir as its data directory and stops
// when the backend (the last of its clients) is destroyed. Each
// NewClient() connects another Client.
Result<std::unique_ptr<Backend>> OpenRemoteBackend(const BackendConfig& config);

// Every backend, in the order --help lists them.
const std::vector<BackendInfo>& Backends();
// nullptr if there is no backend of that name.
const BackendInfo* FindBackend(const std::string& name);

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_BACKEND_H_
