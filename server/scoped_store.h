// ScopedStore: the Store a server session sees. It enforces the token's
// role and channel scope in the one place every remote operation passes
// through (RocksDB's StackableDB shape): readers read, writers also write,
// admins also change the policy and rescore; a token scoped to a channel
// sees and changes only customers owned by that channel's subtree, and
// queries and reports count only those. Out of scope: kPermissionDenied.
#ifndef CUSTDB_SERVER_SCOPED_STORE_H_
#define CUSTDB_SERVER_SCOPED_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "custdb/store.h"
#include "server/tokens.h"

namespace custdb {
namespace server {

class ScopedStore : public Store {
 public:
  // `base` must outlive this object.
  ScopedStore(Store* base, Principal principal);

  const Principal& principal() const { return principal_; }

  // Store: each checks role and scope, then calls base.
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

 private:
  Store* base_;
  Principal principal_;
};

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_SCOPED_STORE_H_
