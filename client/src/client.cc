// Client: the blocking Store over AsyncClient, one promise per call.
#include "custdb/client.h"

#include <future>
#include <utility>

#include "client/src/transport.h"

namespace custdb {
namespace {

// Starts an AsyncClient call and waits for its answer. The wait needs no
// deadline of its own: the transport answers every request exactly once,
// by its deadline at the latest (transport.h).
template <typename T, typename Start>
Result<T> Await(Start start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  std::future<Result<T>> answer = promise->get_future();
  start([promise](Result<T> result) { promise->set_value(std::move(result)); });
  return answer.get();
}

template <typename Start>
Status AwaitStatus(Start start) {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> answer = promise->get_future();
  start([promise](Status status) { promise->set_value(std::move(status)); });
  return answer.get();
}

}  // namespace

Client::Client(std::shared_ptr<client::Transport> transport,
               std::shared_ptr<void> keep_alive)
    : keep_alive_(std::move(keep_alive)),
      async_(std::make_shared<AsyncClient>(std::move(transport))) {}

Client::~Client() = default;

Status Client::PutChannel(const Channel& channel) {
  return AwaitStatus([&](auto done) { async_->PutChannel(channel, done); });
}

Result<Channel> Client::GetChannel(uint64_t channel_id) {
  return Await<Channel>(
      [&](auto done) { async_->GetChannel(channel_id, done); });
}

Result<std::vector<Channel>> Client::ListChannels() {
  return Await<std::vector<Channel>>(
      [&](auto done) { async_->ListChannels(done); });
}

Result<uint64_t> Client::CreateCustomer(const Customer& customer) {
  return Await<uint64_t>(
      [&](auto done) { async_->CreateCustomer(customer, done); });
}

Status Client::UpdateCustomer(uint64_t customer_id,
                              const CustomerPatch& patch) {
  return AwaitStatus(
      [&](auto done) { async_->UpdateCustomer(customer_id, patch, done); });
}

Result<CustomerRecord> Client::GetCustomer(uint64_t customer_id) {
  return Await<CustomerRecord>(
      [&](auto done) { async_->GetCustomer(customer_id, done); });
}

Result<CustomerRecord> Client::GetCustomerByCode(const std::string& code) {
  return Await<CustomerRecord>(
      [&](auto done) { async_->GetCustomerByCode(code, done); });
}

Result<CustomerRecord> Client::GetCustomerByEmail(const std::string& email) {
  return Await<CustomerRecord>(
      [&](auto done) { async_->GetCustomerByEmail(email, done); });
}

Result<CustomerRecord> Client::GetCustomerByPhone(const std::string& phone) {
  return Await<CustomerRecord>(
      [&](auto done) { async_->GetCustomerByPhone(phone, done); });
}

Status Client::RecordOrder(const Order& order) {
  return AwaitStatus([&](auto done) { async_->RecordOrder(order, done); });
}

Status Client::UpdateOrderStatus(uint64_t order_id, OrderStatus status) {
  return AwaitStatus(
      [&](auto done) { async_->UpdateOrderStatus(order_id, status, done); });
}

Status Client::RefundOrder(uint64_t order_id, int64_t amount_minor) {
  return AwaitStatus(
      [&](auto done) { async_->RefundOrder(order_id, amount_minor, done); });
}

Result<Order> Client::GetOrder(uint64_t order_id) {
  return Await<Order>([&](auto done) { async_->GetOrder(order_id, done); });
}

Result<Page<Order>> Client::ListOrders(const HistoryQuery& query) {
  return Await<Page<Order>>(
      [&](auto done) { async_->ListOrders(query, done); });
}

Result<uint64_t> Client::RecordInteraction(const Interaction& interaction) {
  return Await<uint64_t>(
      [&](auto done) { async_->RecordInteraction(interaction, done); });
}

Status Client::ResolveInteraction(uint64_t interaction_id,
                                  int64_t resolved_at_ms) {
  return AwaitStatus([&](auto done) {
    async_->ResolveInteraction(interaction_id, resolved_at_ms, done);
  });
}

Result<Interaction> Client::GetInteraction(uint64_t interaction_id) {
  return Await<Interaction>(
      [&](auto done) { async_->GetInteraction(interaction_id, done); });
}

Result<Page<Interaction>> Client::ListInteractions(const HistoryQuery& query) {
  return Await<Page<Interaction>>(
      [&](auto done) { async_->ListInteractions(query, done); });
}

Status Client::RedeemLoyaltyPoints(uint64_t customer_id, int64_t points) {
  return AwaitStatus([&](auto done) {
    async_->RedeemLoyaltyPoints(customer_id, points, done);
  });
}

Status Client::ApplyBatch(const std::vector<Event>& events,
                          std::vector<Status>* statuses,
                          std::vector<uint64_t>* ids) {
  Result<BatchOutcome> outcome =
      Await<BatchOutcome>([&](auto done) { async_->ApplyBatch(events, done); });
  if (!outcome.ok()) return outcome.status();
  if (statuses != nullptr) *statuses = std::move(outcome->statuses);
  if (ids != nullptr) *ids = std::move(outcome->ids);
  return Status::OK();
}

Result<TierPolicy> Client::GetPolicy() {
  return Await<TierPolicy>([&](auto done) { async_->GetPolicy(done); });
}

namespace {

// Progress has no wire form: the one report a remote caller can have is
// the end, all done.
void ReportEnd(const ProgressFn& progress,
               const Result<RescoreReport>& report) {
  if (progress && report.ok()) progress(report->examined, report->examined);
}

}  // namespace

Result<RescoreReport> Client::SetPolicy(const TierPolicy& policy,
                                        const ProgressFn& progress) {
  Result<RescoreReport> report =
      Await<RescoreReport>([&](auto done) { async_->SetPolicy(policy, done); });
  ReportEnd(progress, report);
  return report;
}

Result<RescoreReport> Client::Rescore(const RescoreOptions& options) {
  Result<RescoreReport> report =
      Await<RescoreReport>([&](auto done) { async_->Rescore(options, done); });
  ReportEnd(options.progress, report);
  return report;
}

Result<CustomerPage> Client::FindCustomers(const CustomerQuery& query) {
  return Await<CustomerPage>(
      [&](auto done) { async_->FindCustomers(query, done); });
}

Result<QueryPlan> Client::Explain(const CustomerQuery& query) {
  return Await<QueryPlan>([&](auto done) { async_->Explain(query, done); });
}

Result<ChurnWatch> Client::GetChurnWatch(const ChurnWatchQuery& query) {
  return Await<ChurnWatch>(
      [&](auto done) { async_->GetChurnWatch(query, done); });
}

Result<TierSummary> Client::GetTierSummary(const TierSummaryQuery& query) {
  return Await<TierSummary>(
      [&](auto done) { async_->GetTierSummary(query, done); });
}

Result<ChannelReport> Client::GetChannelReport(
    const ChannelReportQuery& query) {
  return Await<ChannelReport>(
      [&](auto done) { async_->GetChannelReport(query, done); });
}

Result<CustomerView> Client::ViewCustomer(uint64_t customer_id) {
  return Await<CustomerView>(
      [&](auto done) { async_->ViewCustomer(customer_id, done); });
}

Status Client::MergeCustomers(uint64_t survivor_id, uint64_t duplicate_id) {
  return AwaitStatus([&](auto done) {
    async_->MergeCustomers(survivor_id, duplicate_id, done);
  });
}

Status Client::EraseCustomer(uint64_t customer_id) {
  return AwaitStatus(
      [&](auto done) { async_->EraseCustomer(customer_id, done); });
}

Status Client::Ping() {
  return AwaitStatus([&](auto done) { async_->Ping(done); });
}

Result<EngineStats> Client::GetStats() {
  return Await<EngineStats>([&](auto done) { async_->GetStats(done); });
}

Status Client::Compact() {
  return AwaitStatus([&](auto done) { async_->Compact(done); });
}

Status Client::Flush() {
  return AwaitStatus([&](auto done) { async_->Flush(done); });
}

Status Client::Checkpoint(const std::string& dir) {
  return AwaitStatus([&](auto done) { async_->Checkpoint(dir, done); });
}

}  // namespace custdb
