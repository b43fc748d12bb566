// EngineImpl: open and close, and the Engine overrides, each delegating to
// the class of its path.
#include "engine_impl.h"

#include <chrono>

#include "api/messages.h"
#include "storage/codec.h"
#include "storage/storage_write.h"
#include "verify/verify.h"

namespace custdb {
namespace {

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::Open(const Options& options) {
  std::unique_ptr<Engine> engine;
  Status s = EngineImpl::Open(options, &engine);
  if (!s.ok()) return s;
  return engine;
}

EngineImpl::EngineImpl(const Options& options, std::unique_ptr<Storage> storage)
    : options_(options),
      storage_(std::move(storage)),
      cache_(options.customer_cache_bytes),
      policy_state_(options.clock_ms ? options.clock_ms : SystemNowMs),
      core_{options_, *storage_, channels_, locks_, cache_, policy_state_},
      reads_(*storage_, locks_, cache_, policy_state_),
      write_(core_, options_.clock_ms ? options_.clock_ms : SystemNowMs),
      merge_erase_(*storage_, policy_state_, reads_, write_),
      rescorer_(options_, *storage_, locks_, policy_state_, write_),
      queries_(*storage_, channels_, cache_, policy_state_, reads_),
      reports_(*storage_, channels_, policy_state_, reads_) {}

Status EngineImpl::Open(const Options& options, std::unique_ptr<Engine>* out) {
  std::unique_ptr<Storage> storage;
  Status s = Storage::Open(options, &storage);
  if (!s.ok()) return s;
  std::unique_ptr<EngineImpl> engine(
      new EngineImpl(options, std::move(storage)));
  s = engine->LoadState();
  if (!s.ok()) return s;
  *out = std::move(engine);
  return Status::OK();
}

Status EngineImpl::LoadState() {
  StorageIterator it = storage_->Scan(keys::Cf::kChannels);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    Channel channel;
    Status s = codec::Decode(it.value(), &channel);
    if (!s.ok()) return s;
    channels_.Put(channel);
  }
  Status s = it.status("loading channels");
  if (s.ok()) s = write_.LoadSequences();
  if (!s.ok()) return s;
  return rescorer_.LoadTiering();
}

EngineImpl::~EngineImpl() {
  // Flushing on close leaves nothing for WAL recovery: unlogged writes are
  // kept, and tools that open the directory without custdb's merge
  // operator (ldb, sst_dump) need not replay counter merges. A read-only
  // engine wrote nothing to flush.
  if (!options_.read_only) Flush().ok();
}

// --- channels -------------------------------------------------------------

Status EngineImpl::PutChannel(const Channel& channel) {
  return write_.PutChannel(channel);
}

Result<Channel> EngineImpl::GetChannel(uint64_t channel_id) {
  auto channel = channels_.Get(channel_id);
  if (!channel) {
    return Status::NotFound(DoesNotExist("channel_id", channel_id));
  }
  return *channel;
}

Result<std::vector<Channel>> EngineImpl::ListChannels() {
  return channels_.List();
}

// --- customers, orders, interactions (write/write_pipeline.h,
// customer_reads.h) ----------------------------------------------------------

Result<uint64_t> EngineImpl::CreateCustomer(const Customer& customer) {
  uint64_t id = 0;
  Status s = write_.WriteOne(&customer, &id);
  if (!s.ok()) return s;
  return id;
}

Status EngineImpl::UpdateCustomer(uint64_t customer_id,
                                  const CustomerPatch& patch) {
  return write_.WriteOne(PatchRef{customer_id, &patch});
}

Result<CustomerRecord> EngineImpl::GetCustomer(uint64_t customer_id) {
  return reads_.ResolveCustomer(customer_id, nullptr);
}

Result<CustomerRecord> EngineImpl::GetCustomerByCode(const std::string& code) {
  return reads_.GetCustomerByCode(code);
}

Result<CustomerRecord> EngineImpl::GetCustomerByEmail(
    const std::string& email) {
  return reads_.GetCustomerByEmail(email);
}

Result<CustomerRecord> EngineImpl::GetCustomerByPhone(
    const std::string& phone) {
  return reads_.GetCustomerByPhone(phone);
}

Status EngineImpl::RecordOrder(const Order& order) {
  return write_.WriteOne(&order);
}

Status EngineImpl::UpdateOrderStatus(uint64_t order_id, OrderStatus status) {
  OrderStatusChange change{order_id, status};
  return write_.WriteOne(&change);
}

Status EngineImpl::RefundOrder(uint64_t order_id, int64_t amount_minor) {
  OrderRefund refund{order_id, amount_minor};
  return write_.WriteOne(&refund);
}

Result<Order> EngineImpl::GetOrder(uint64_t order_id) {
  return reads_.ReadEvent<Order>(order_id);
}

Result<Page<Order>> EngineImpl::ListOrders(const HistoryQuery& query) {
  return reads_.ListHistory<Order>(query);
}

Result<uint64_t> EngineImpl::RecordInteraction(const Interaction& interaction) {
  uint64_t id = 0;
  Status s = write_.WriteOne(&interaction, &id);
  if (!s.ok()) return s;
  return id;
}

Status EngineImpl::ResolveInteraction(uint64_t interaction_id,
                                      int64_t resolved_at_ms) {
  InteractionResolution resolution{interaction_id, resolved_at_ms};
  return write_.WriteOne(&resolution);
}

Result<Interaction> EngineImpl::GetInteraction(uint64_t interaction_id) {
  return reads_.ReadEvent<Interaction>(interaction_id);
}

Status EngineImpl::RedeemLoyaltyPoints(uint64_t customer_id, int64_t points) {
  LoyaltyRedemption redemption{customer_id, points};
  return write_.WriteOne(&redemption);
}

Result<Page<Interaction>> EngineImpl::ListInteractions(
    const HistoryQuery& query) {
  return reads_.ListHistory<Interaction>(query);
}

Status EngineImpl::ApplyBatch(const std::vector<Event>& events,
                              std::vector<Status>* statuses,
                              std::vector<uint64_t>* ids) {
  return write_.ApplyEvents(events, statuses, ids, Wal::kLogged);
}

Status EngineImpl::ApplyBatchUnlogged(const std::vector<Event>& events,
                                      std::vector<Status>* statuses,
                                      std::vector<uint64_t>* ids) {
  return write_.ApplyEvents(events, statuses, ids, Wal::kUnlogged);
}

Status EngineImpl::ReserveCustomerIds(uint64_t through) {
  return write_.ReserveCustomerIds(through);
}

// --- the whole database ---------------------------------------------------

Status EngineImpl::Flush() {
  Status writable = core_.CheckWritable();
  if (!writable.ok()) return writable;
  return FlushAll(*storage_);
}

Status EngineImpl::CompactAll() {
  Status writable = core_.CheckWritable();
  if (!writable.ok()) return writable;
  return custdb::CompactAll(*storage_);
}

Status EngineImpl::Checkpoint(const std::string& dir) {
  Status writable = core_.CheckWritable();
  if (!writable.ok()) return writable;
  return CreateCheckpoint(*storage_, dir);
}

Result<VerifyReport> EngineImpl::Verify(size_t max_problems) {
  VerifyReport report;
  Status s = VerifyDatabase(*storage_, max_problems, &report);
  if (!s.ok()) return s;
  return report;
}

Result<RecordCounts> EngineImpl::Counts() { return reads_.Counts(); }

Result<EngineStats> EngineImpl::Stats() { return reads_.Stats(); }

Status EngineImpl::ForEachCustomer(
    const std::function<Status(const CustomerRecord&)>& fn) {
  return reads_.ForEachCustomer(fn);
}

// --- tiering (tiering/rescorer.h) -----------------------------------------

Result<TierPolicy> EngineImpl::GetPolicy() { return rescorer_.GetPolicy(); }

Result<RescoreReport> EngineImpl::SetPolicy(const TierPolicy& policy,
                                            const ProgressFn& progress) {
  return rescorer_.SetPolicy(policy, progress);
}

Result<RescoreReport> EngineImpl::Rescore(const RescoreOptions& options) {
  return rescorer_.Rescore(options);
}

// --- queries and reports (query/customer_queries.h,
// reports/report_reader.h) ---------------------------------------------------

Result<CustomerPage> EngineImpl::FindCustomers(const CustomerQuery& query) {
  return queries_.FindCustomers(query);
}

Result<QueryPlan> EngineImpl::Explain(const CustomerQuery& query) {
  return queries_.Explain(query);
}

Result<ChurnWatch> EngineImpl::GetChurnWatch(const ChurnWatchQuery& query) {
  return queries_.GetChurnWatch(query);
}

Result<TierSummary> EngineImpl::GetTierSummary(const TierSummaryQuery& query) {
  return reports_.GetTierSummary(query);
}

Result<ChannelReport> EngineImpl::GetChannelReport(
    const ChannelReportQuery& query) {
  return reports_.GetChannelReport(query);
}

Result<CustomerView> EngineImpl::ViewCustomer(uint64_t customer_id) {
  return reports_.ViewCustomer(customer_id);
}

// --- merge and erase (write/merge_erase.h) --------------------------------

Status EngineImpl::MergeCustomers(uint64_t survivor_id, uint64_t duplicate_id) {
  return merge_erase_.MergeCustomers(survivor_id, duplicate_id);
}

Status EngineImpl::EraseCustomer(uint64_t customer_id) {
  return merge_erase_.EraseCustomer(customer_id);
}

}  // namespace custdb
