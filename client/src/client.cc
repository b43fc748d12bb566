// Client: STUB until the protocol work lands (every call fails).
#include "custdb/client.h"

#include <utility>

#include "client/src/transport.h"

namespace custdb {

Client::Client(std::shared_ptr<client::Transport> transport,
               std::shared_ptr<void> keep_alive)
    : keep_alive_(std::move(keep_alive)),
      async_(std::make_shared<AsyncClient>(std::move(transport))) {}

Client::~Client() = default;

namespace {
Status Pending() { return Status::Internal("client: not implemented"); }
}  // namespace

Status Client::PutChannel(const Channel&) { return Pending(); }

Result<Channel> Client::GetChannel(uint64_t) { return Pending(); }

Result<std::vector<Channel>> Client::ListChannels() { return Pending(); }

Result<uint64_t> Client::CreateCustomer(const Customer&) { return Pending(); }

Status Client::UpdateCustomer(uint64_t, const CustomerPatch&) {
  return Pending();
}

Result<CustomerRecord> Client::GetCustomer(uint64_t) { return Pending(); }

Result<CustomerRecord> Client::GetCustomerByCode(const std::string&) {
  return Pending();
}

Result<CustomerRecord> Client::GetCustomerByEmail(const std::string&) {
  return Pending();
}

Result<CustomerRecord> Client::GetCustomerByPhone(const std::string&) {
  return Pending();
}

Status Client::RecordOrder(const Order&) { return Pending(); }

Status Client::UpdateOrderStatus(uint64_t, OrderStatus) { return Pending(); }

Status Client::RefundOrder(uint64_t, int64_t) { return Pending(); }

Result<Order> Client::GetOrder(uint64_t) { return Pending(); }

Result<Page<Order>> Client::ListOrders(const HistoryQuery&) {
  return Pending();
}

Result<uint64_t> Client::RecordInteraction(const Interaction&) {
  return Pending();
}

Status Client::ResolveInteraction(uint64_t, int64_t) { return Pending(); }

Result<Interaction> Client::GetInteraction(uint64_t) { return Pending(); }

Result<Page<Interaction>> Client::ListInteractions(const HistoryQuery&) {
  return Pending();
}

Status Client::RedeemLoyaltyPoints(uint64_t, int64_t) { return Pending(); }

Status Client::ApplyBatch(const std::vector<Event>&, std::vector<Status>*,
                          std::vector<uint64_t>*) {
  return Pending();
}

Result<TierPolicy> Client::GetPolicy() { return Pending(); }

Result<RescoreReport> Client::SetPolicy(const TierPolicy&, const ProgressFn&) {
  return Pending();
}

Result<RescoreReport> Client::Rescore(const RescoreOptions&) {
  return Pending();
}

Result<CustomerPage> Client::FindCustomers(const CustomerQuery&) {
  return Pending();
}

Result<QueryPlan> Client::Explain(const CustomerQuery&) { return Pending(); }

Result<ChurnWatch> Client::GetChurnWatch(const ChurnWatchQuery&) {
  return Pending();
}

Result<TierSummary> Client::GetTierSummary(const TierSummaryQuery&) {
  return Pending();
}

Result<ChannelReport> Client::GetChannelReport(const ChannelReportQuery&) {
  return Pending();
}

Result<CustomerView> Client::ViewCustomer(uint64_t) { return Pending(); }

Status Client::MergeCustomers(uint64_t, uint64_t) { return Pending(); }

Status Client::EraseCustomer(uint64_t) { return Pending(); }

Status Client::Ping() { return Pending(); }

Result<EngineStats> Client::GetStats() { return Pending(); }

Status Client::Compact() { return Pending(); }

Status Client::Flush() { return Pending(); }

Status Client::Checkpoint(const std::string&) { return Pending(); }

}  // namespace custdb
