// ScopedStore: the Store a server session sees. It enforces the token's
// role and channel scope in the one place every remote operation passes
// through (RocksDB's StackableDB shape). docs/PROTOCOL.md, "Authentication
// and channel scope", is the same contract seen from the wire.
//
// Role. Readers read (every getter, list, query and report, GetPolicy);
// writers also write (channels, customers, orders, interactions, loyalty,
// ApplyBatch, merge, erase); admins also SetPolicy and Rescore. Below it:
// kPermissionDenied "SetPolicy needs the admin role; this token is writer".
//
// Scope (principal.channel_id = C). The subtree is C and every channel below
// it through parent_id, read from the base store at each call, so
// re-parenting moves channels (and their customers) in or out at once. A
// customer is in scope when its owner channel is in the subtree (no owner:
// not); its orders and interactions follow it, whatever channel they went
// through. Anything else is kPermissionDenied "<field>: <value> is not in
// this token's scope (channel C and its subtree)".
//
// No existence leak: a customer, order, interaction or channel that does
// not exist gets that same refusal, word for word, as one outside the scope
// (only unscoped sessions see kNotFound), so a scoped token cannot probe for
// what lies outside. Uniqueness stays global, so that an id, code, email or
// phone is taken remains visible; an kAlreadyExists naming an outside holder
// names "a customer outside this token's scope" instead.
//
// Reads: GetCustomer/ByCode/ByEmail/ByPhone and ViewCustomer check the
// record they read; GetOrder/GetInteraction its customer; ListOrders/
// ListInteractions the query's customer; GetChannel the channel.
// ListChannels lists the subtree.
//
// Writes are checked before they reach the base, so a refused one writes
// nothing: CreateCustomer needs an owner in the subtree and an acquisition
// channel 0 or in it; UpdateCustomer the customer, and a patched owner
// (never 0) or acquisition channel in it; RecordOrder the customer and the
// order's channel; RecordInteraction the customer and a channel 0 or in it;
// UpdateOrderStatus, RefundOrder, ResolveInteraction, RedeemLoyaltyPoints
// and EraseCustomer the record's customer; MergeCustomers both customers.
// PutChannel may create or change channels below C only: never C, never a
// top-level one, never an existing outside channel (which would bring its
// customers in). ApplyBatch checks each event as its single call would,
// counting what earlier events of the batch create under ids the store
// does not hold yet; a refused event gets its kPermissionDenied in its own
// status and the rest are applied as one atomic batch, as ApplyBatch
// applies events that fail for any other reason. SetPolicy and Rescore
// change every customer: refused to any scoped token.
//
// Queries and reports are narrowed through their own owner filters, never
// filtered afterwards, so counts, limits, plans and cursors see only the
// scope: FindCustomers, Explain and GetTierSummary without owner_channel_id,
// and GetChurnWatch without channel_id, become C with its subtree; a filter
// naming a channel in the subtree stands; any other is refused.
// GetChannelReport of channel 0 keeps the subtree's rows (one per channel,
// so no row changes); of another channel, it must be in the subtree. A
// channel report counts what went through the channel, including orders
// there of customers owned outside (cross_channel_in): figures of the
// scope's own channels.
//
// Checks and the call they guard are separate reads: a write racing a
// concurrent re-parenting or owner change is judged as things stood at its
// check.
//
// Thread-safe as the base is; holds no state of its own beyond the
// principal.
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
