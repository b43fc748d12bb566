// The remote backend: the Store workloads over custdb::Client, each client
// thread on a Client (and a connection) of its own.
#include "remote_backend.h"

#include <memory>
#include <utility>

#include "custdb/client.h"
#include "custdb/engine.h"
#include "dataset.h"

#ifndef CUSTDB_BENCH_CUSTDB_BINARY
#define CUSTDB_BENCH_CUSTDB_BINARY "custdb"
#endif

namespace custdb {
namespace bench {
namespace {

// Generous: the slowest bench call (rescore_full at scale 1 over the wire)
// must not be cut off; a hung server still ends the run, eventually.
constexpr int kRequestTimeoutMs = 10 * 60 * 1000;

// A Store backend over one Client, which keeps the server process alive:
// MakeStoreBackend's own NewClient() would share the Client, where each
// thread should have its own connection, as each SQLite thread has.
class RemoteBackend : public Backend {
 public:
  RemoteBackend(RemoteServer server, std::unique_ptr<Backend> store)
      : server_(std::move(server)), store_(std::move(store)) {}

  Result<std::unique_ptr<Backend>> NewClient() override {
    Result<std::unique_ptr<Backend>> store =
        ConnectClientBackend(server_.client_options);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Backend>(
        std::make_unique<RemoteBackend>(server_, std::move(store).value()));
  }

  Status PutChannels(const std::vector<Channel>& channels) override {
    return store_->PutChannels(channels);
  }
  Status CreateCustomers(const Customer* customers, size_t count) override {
    return store_->CreateCustomers(customers, count);
  }
  Status RecordOrder(const Order& order) override {
    return store_->RecordOrder(order);
  }
  Status RecordOrders(const Order* orders, size_t count) override {
    return store_->RecordOrders(orders, count);
  }
  Status RecordInteractions(const Interaction* interactions,
                            size_t count) override {
    return store_->RecordInteractions(interactions, count);
  }
  Status GetCustomer(uint64_t customer_id, CustomerRecord* out) override {
    return store_->GetCustomer(customer_id, out);
  }
  Status RecentOrders(uint64_t customer_id, uint32_t limit,
                      std::vector<Order>* out) override {
    return store_->RecentOrders(customer_id, limit, out);
  }
  Status GetTierSummary(TierSummary* out) override {
    return store_->GetTierSummary(out);
  }
  Status TopBySpend(const TopSpendQuery& query,
                    std::vector<CustomerRecord>* out) override {
    return store_->TopBySpend(query, out);
  }
  Status GetChurnWatch(const ChurnWatchQuery& query, ChurnWatch* out) override {
    return store_->GetChurnWatch(query, out);
  }
  Status GetChannelReport(int64_t from_ms, int64_t to_ms,
                          ChannelReport* out) override {
    return store_->GetChannelReport(from_ms, to_ms, out);
  }
  Status Rescore(int64_t as_of_ms, bool full, RescoreReport* out) override {
    return store_->Rescore(as_of_ms, full, out);
  }

 private:
  RemoteServer server_;             // destroyed last: after the Client
  std::unique_ptr<Backend> store_;  // the Client, as a Backend
};

// An empty custdb database in `dir`, closed again for the server to open.
Status CreateEmptyDatabase(const std::string& dir) {
  Options options;
  options.path = dir;
  options.create_if_missing = true;
  options.error_if_exists = true;
  Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) {
    return Status(engine.status().code(), "creating the server's database: " +
                                              engine.status().message());
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Backend>> ConnectClientBackend(
    const ClientOptions& options) {
  Result<std::unique_ptr<Client>> client = Client::Connect(options);
  if (!client.ok()) {
    return Status(client.status().code(), "connecting to custdb serve at " +
                                              options.host + ":" +
                                              std::to_string(options.port) +
                                              ": " + client.status().message());
  }
  return MakeStoreBackend(std::move(client).value());
}

std::string DefaultCustdbBinary() { return CUSTDB_BENCH_CUSTDB_BINARY; }

Result<RemoteServer> StartRemoteServer(const RemoteSettings& settings,
                                       const std::string& dir) {
  RemoteServer server;
  ClientOptions& options = server.client_options;
  options.token = settings.token;
  options.connections = 1;
  options.request_timeout_ms = kRequestTimeoutMs;
  options.client_name = "custdb-bench";
  if (!settings.address.empty()) {
    Status s = ParseHostPort(settings.address, "--remote", &options.host,
                             &options.port);
    if (!s.ok()) return s;
    return server;
  }
  // custdb serve opens a database, it does not create one.
  Status created = CreateEmptyDatabase(dir);
  if (!created.ok()) return created;
  ServerProcessOptions process_options;
  process_options.binary = settings.custdb_binary.empty()
                               ? DefaultCustdbBinary()
                               : settings.custdb_binary;
  process_options.data_dir = dir;
  process_options.clock_ms = kDataEndMs;
  Result<std::unique_ptr<ServerProcess>> process =
      ServerProcess::Start(process_options);
  if (!process.ok()) return process.status();
  server.process = std::move(process).value();
  options.host = server.process->host();
  options.port = server.process->port();
  return server;
}

Result<std::unique_ptr<Backend>> OpenRemoteBackend(
    const BackendConfig& config) {
  Result<RemoteServer> server = StartRemoteServer(config.remote, config.dir);
  if (!server.ok()) return server.status();
  Result<std::unique_ptr<Backend>> store =
      ConnectClientBackend(server->client_options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Backend>(std::make_unique<RemoteBackend>(
      std::move(server).value(), std::move(store).value()));
}

}  // namespace bench
}  // namespace custdb
