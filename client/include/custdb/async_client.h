// AsyncClient: the custdb API over TCP without blocking. Each call encodes
// its request, pipelines it on one of the pool's connections and calls
// `done` exactly once with the result, from the io_context the client was
// created on. The results, Status codes and messages are the ones the
// engine returns (custdb/store.h has the contract of each call); a call
// not answered within ClientOptions::request_timeout_ms gets kUnavailable.
// custdb::Client (client.h) is the blocking Store built on this class.
#ifndef CUSTDB_ASYNC_CLIENT_H_
#define CUSTDB_ASYNC_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "custdb/client_options.h"
#include "custdb/engine.h"
#include "custdb/session_info.h"
#include "custdb/store.h"

namespace boost {
namespace asio {
class io_context;
}  // namespace asio
}  // namespace boost

namespace custdb {

namespace client {
class Transport;
}  // namespace client

// What ApplyBatch fills in (Store::ApplyBatch).
struct BatchOutcome {
  std::vector<Status> statuses;
  std::vector<uint64_t> ids;
};

class AsyncClient {
 public:
  template <typename T>
  using Callback = std::function<void(Result<T>)>;
  using StatusCallback = std::function<void(Status)>;

  // Starts a pool of options.connections connections on `io` (each sends
  // Hello first) and calls `done` once every connection is up, or with
  // the first failure (kUnavailable, kUnauthenticated ...). `io` must
  // outlive the client and be run by the caller.
  static void Connect(boost::asio::io_context& io, const ClientOptions& options,
                      Callback<std::shared_ptr<AsyncClient>> done);

  // Over any transport (the pool above; in-process ones in tests).
  explicit AsyncClient(std::shared_ptr<client::Transport> transport);
  ~AsyncClient();

  // Store's operations, one for one.
  void PutChannel(const Channel& channel, StatusCallback done);
  void GetChannel(uint64_t channel_id, Callback<Channel> done);
  void ListChannels(Callback<std::vector<Channel>> done);
  void CreateCustomer(const Customer& customer, Callback<uint64_t> done);
  void UpdateCustomer(uint64_t customer_id, const CustomerPatch& patch,
                      StatusCallback done);
  void GetCustomer(uint64_t customer_id, Callback<CustomerRecord> done);
  void GetCustomerByCode(const std::string& code,
                         Callback<CustomerRecord> done);
  void GetCustomerByEmail(const std::string& email,
                          Callback<CustomerRecord> done);
  void GetCustomerByPhone(const std::string& phone,
                          Callback<CustomerRecord> done);
  void RecordOrder(const Order& order, StatusCallback done);
  void UpdateOrderStatus(uint64_t order_id, OrderStatus status,
                         StatusCallback done);
  void RefundOrder(uint64_t order_id, int64_t amount_minor,
                   StatusCallback done);
  void GetOrder(uint64_t order_id, Callback<Order> done);
  void ListOrders(const HistoryQuery& query, Callback<Page<Order>> done);
  void RecordInteraction(const Interaction& interaction,
                         Callback<uint64_t> done);
  void ResolveInteraction(uint64_t interaction_id, int64_t resolved_at_ms,
                          StatusCallback done);
  void GetInteraction(uint64_t interaction_id, Callback<Interaction> done);
  void ListInteractions(const HistoryQuery& query,
                        Callback<Page<Interaction>> done);
  void RedeemLoyaltyPoints(uint64_t customer_id, int64_t points,
                           StatusCallback done);
  // Statuses and ids as Store::ApplyBatch fills them.
  void ApplyBatch(const std::vector<Event>& events,
                  Callback<BatchOutcome> done);
  void GetPolicy(Callback<TierPolicy> done);
  void SetPolicy(const TierPolicy& policy, Callback<RescoreReport> done);
  void Rescore(const RescoreOptions& options, Callback<RescoreReport> done);
  void FindCustomers(const CustomerQuery& query, Callback<CustomerPage> done);
  void Explain(const CustomerQuery& query, Callback<QueryPlan> done);
  void GetChurnWatch(const ChurnWatchQuery& query, Callback<ChurnWatch> done);
  void GetTierSummary(const TierSummaryQuery& query,
                      Callback<TierSummary> done);
  void GetChannelReport(const ChannelReportQuery& query,
                        Callback<ChannelReport> done);
  void ViewCustomer(uint64_t customer_id, Callback<CustomerView> done);
  void MergeCustomers(uint64_t survivor_id, uint64_t duplicate_id,
                      StatusCallback done);
  void EraseCustomer(uint64_t customer_id, StatusCallback done);
  // Session and administration (the admin ones need an admin token).
  void Ping(StatusCallback done);
  void GetStats(Callback<EngineStats> done);
  void Compact(StatusCallback done);
  void Flush(StatusCallback done);
  // A RocksDB checkpoint in `dir` on the server's file system.
  void Checkpoint(const std::string& dir, StatusCallback done);

 private:
  std::shared_ptr<client::Transport> transport_;
};

}  // namespace custdb

#endif  // CUSTDB_ASYNC_CLIENT_H_
