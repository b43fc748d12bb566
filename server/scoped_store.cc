// ScopedStore: STUB until the auth work lands; delegates everything.
#include "server/scoped_store.h"

#include <utility>

namespace custdb {
namespace server {

ScopedStore::ScopedStore(Store* base, Principal principal)
    : base_(base), principal_(std::move(principal)) {}

Status ScopedStore::PutChannel(const Channel& channel) {
  return base_->PutChannel(channel);
}

Result<Channel> ScopedStore::GetChannel(uint64_t channel_id) {
  return base_->GetChannel(channel_id);
}

Result<std::vector<Channel>> ScopedStore::ListChannels() {
  return base_->ListChannels();
}

Result<uint64_t> ScopedStore::CreateCustomer(const Customer& customer) {
  return base_->CreateCustomer(customer);
}

Status ScopedStore::UpdateCustomer(uint64_t customer_id,
                                   const CustomerPatch& patch) {
  return base_->UpdateCustomer(customer_id, patch);
}

Result<CustomerRecord> ScopedStore::GetCustomer(uint64_t customer_id) {
  return base_->GetCustomer(customer_id);
}

Result<CustomerRecord> ScopedStore::GetCustomerByCode(const std::string& code) {
  return base_->GetCustomerByCode(code);
}

Result<CustomerRecord> ScopedStore::GetCustomerByEmail(
    const std::string& email) {
  return base_->GetCustomerByEmail(email);
}

Result<CustomerRecord> ScopedStore::GetCustomerByPhone(
    const std::string& phone) {
  return base_->GetCustomerByPhone(phone);
}

Status ScopedStore::RecordOrder(const Order& order) {
  return base_->RecordOrder(order);
}

Status ScopedStore::UpdateOrderStatus(uint64_t order_id, OrderStatus status) {
  return base_->UpdateOrderStatus(order_id, status);
}

Status ScopedStore::RefundOrder(uint64_t order_id, int64_t amount_minor) {
  return base_->RefundOrder(order_id, amount_minor);
}

Result<Order> ScopedStore::GetOrder(uint64_t order_id) {
  return base_->GetOrder(order_id);
}

Result<Page<Order>> ScopedStore::ListOrders(const HistoryQuery& query) {
  return base_->ListOrders(query);
}

Result<uint64_t> ScopedStore::RecordInteraction(
    const Interaction& interaction) {
  return base_->RecordInteraction(interaction);
}

Status ScopedStore::ResolveInteraction(uint64_t interaction_id,
                                       int64_t resolved_at_ms) {
  return base_->ResolveInteraction(interaction_id, resolved_at_ms);
}

Result<Interaction> ScopedStore::GetInteraction(uint64_t interaction_id) {
  return base_->GetInteraction(interaction_id);
}

Result<Page<Interaction>> ScopedStore::ListInteractions(
    const HistoryQuery& query) {
  return base_->ListInteractions(query);
}

Status ScopedStore::RedeemLoyaltyPoints(uint64_t customer_id, int64_t points) {
  return base_->RedeemLoyaltyPoints(customer_id, points);
}

Status ScopedStore::ApplyBatch(const std::vector<Event>& events,
                               std::vector<Status>* statuses,
                               std::vector<uint64_t>* ids) {
  return base_->ApplyBatch(events, statuses, ids);
}

Result<TierPolicy> ScopedStore::GetPolicy() { return base_->GetPolicy(); }

Result<RescoreReport> ScopedStore::SetPolicy(const TierPolicy& policy,
                                             const ProgressFn& progress) {
  return base_->SetPolicy(policy, progress);
}

Result<RescoreReport> ScopedStore::Rescore(const RescoreOptions& options) {
  return base_->Rescore(options);
}

Result<CustomerPage> ScopedStore::FindCustomers(const CustomerQuery& query) {
  return base_->FindCustomers(query);
}

Result<QueryPlan> ScopedStore::Explain(const CustomerQuery& query) {
  return base_->Explain(query);
}

Result<ChurnWatch> ScopedStore::GetChurnWatch(const ChurnWatchQuery& query) {
  return base_->GetChurnWatch(query);
}

Result<TierSummary> ScopedStore::GetTierSummary(const TierSummaryQuery& query) {
  return base_->GetTierSummary(query);
}

Result<ChannelReport> ScopedStore::GetChannelReport(
    const ChannelReportQuery& query) {
  return base_->GetChannelReport(query);
}

Result<CustomerView> ScopedStore::ViewCustomer(uint64_t customer_id) {
  return base_->ViewCustomer(customer_id);
}

Status ScopedStore::MergeCustomers(uint64_t survivor_id,
                                   uint64_t duplicate_id) {
  return base_->MergeCustomers(survivor_id, duplicate_id);
}

Status ScopedStore::EraseCustomer(uint64_t customer_id) {
  return base_->EraseCustomer(customer_id);
}

}  // namespace server
}  // namespace custdb
