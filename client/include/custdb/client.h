// Client: the custdb Store over TCP. An application moves from embedded to
// remote by changing one constructor:
//
//   auto store = custdb::Engine::Open(options);             // embedded
//   auto store = custdb::Client::Connect(client_options);   // remote
//
// Every call blocks until the server answers or the per-call deadline
// passes (kUnavailable; a write whose connection died is "outcome unknown"
// and is never resent). Safe to call from many threads: calls are
// pipelined over a small pool of connections served by the client's own
// I/O thread. Built on AsyncClient (async_client.h).
#ifndef CUSTDB_CLIENT_H_
#define CUSTDB_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "custdb/async_client.h"
#include "custdb/client_options.h"
#include "custdb/engine.h"
#include "custdb/store.h"

namespace custdb {

class Client : public Store {
 public:
  // Connects (TCP, TLS when options.tls_ca_file is set, then Hello).
  // kUnavailable if the server cannot be reached in time,
  // kUnauthenticated for a token the server does not know.
  // `keep_alive`, when given, is destroyed after the client has closed its
  // connections and joined its I/O thread (a server a test started, say).
  static Result<std::unique_ptr<Client>> Connect(
      const ClientOptions& options, std::shared_ptr<void> keep_alive = nullptr);

  // Over any transport (tests); `keep_alive` is destroyed after the client
  // (the I/O thread that serves the transport, say).
  Client(std::shared_ptr<client::Transport> transport,
         std::shared_ptr<void> keep_alive = nullptr);
  ~Client() override;

  // What the server answered to Hello (role, scope, limits).
  const SessionInfo& session() const { return session_; }

  // Store.
  Status PutChannel(const Channel& channel) override;
  Result<Channel> GetChannel(uint64_t channel_id) override;
  Result<std::vector<Channel>> ListChannels() override;
  Result<uint64_t> CreateCustomer(const Customer& customer) override;
  Status UpdateCustomer(uint64_t customer_id,
                        const CustomerPatch& patch) override;
  Result<CustomerRecord> GetCustomer(uint64_t customer_id) override;
  Result<CustomerRecord> GetCustomerByCode(const std::string& code) override;
  Result<CustomerRecord> GetCustomerByEmail(const std::string& email) override;
  Result<CustomerRecord> GetCustomerByPhone(const std::string& phone) override;
  Status RecordOrder(const Order& order) override;
  Status UpdateOrderStatus(uint64_t order_id, OrderStatus status) override;
  Status RefundOrder(uint64_t order_id, int64_t amount_minor) override;
  Result<Order> GetOrder(uint64_t order_id) override;
  Result<Page<Order>> ListOrders(const HistoryQuery& query) override;
  Result<uint64_t> RecordInteraction(const Interaction& interaction) override;
  Status ResolveInteraction(uint64_t interaction_id,
                            int64_t resolved_at_ms) override;
  Result<Interaction> GetInteraction(uint64_t interaction_id) override;
  Result<Page<Interaction>> ListInteractions(
      const HistoryQuery& query) override;
  Status RedeemLoyaltyPoints(uint64_t customer_id, int64_t points) override;
  using Store::ApplyBatch;
  Status ApplyBatch(const std::vector<Event>& events,
                    std::vector<Status>* statuses,
                    std::vector<uint64_t>* ids) override;
  Result<TierPolicy> GetPolicy() override;
  // `progress` is not sent: it is called once, at the end.
  Result<RescoreReport> SetPolicy(const TierPolicy& policy,
                                  const ProgressFn& progress) override;
  Result<RescoreReport> Rescore(const RescoreOptions& options) override;
  Result<CustomerPage> FindCustomers(const CustomerQuery& query) override;
  Result<QueryPlan> Explain(const CustomerQuery& query) override;
  Result<ChurnWatch> GetChurnWatch(const ChurnWatchQuery& query) override;
  Result<TierSummary> GetTierSummary(const TierSummaryQuery& query) override;
  Result<ChannelReport> GetChannelReport(
      const ChannelReportQuery& query) override;
  Result<CustomerView> ViewCustomer(uint64_t customer_id) override;
  Status MergeCustomers(uint64_t survivor_id, uint64_t duplicate_id) override;
  Status EraseCustomer(uint64_t customer_id) override;

  // Session and administration.
  Status Ping();
  Result<EngineStats> GetStats();
  Status Compact();
  Status Flush();
  Status Checkpoint(const std::string& dir);

 private:
  std::shared_ptr<void> keep_alive_;  // destroyed after async_
  std::shared_ptr<AsyncClient> async_;
  SessionInfo session_;
};

}  // namespace custdb

#endif  // CUSTDB_CLIENT_H_
