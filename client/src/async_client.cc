// AsyncClient: each Store operation as encode, send, decode.
#include "custdb/async_client.h"

#include <utility>

#include "client/src/transport.h"
#include "protocol/dispatch.h"
#include "protocol/requests.h"
#include "protocol/session.h"

namespace custdb {
namespace {

// A write is every operation whose role is writer or admin: the transport
// never resends one whose outcome is unknown (docs/PROTOCOL.md,
// "Retrying").
bool IsWrite(wire::Op op) {
  const protocol::OpAccess access = protocol::DescribeOp(op).access;
  return access == protocol::OpAccess::kWrite ||
         access == protocol::OpAccess::kAdmin;
}

wire::Op OpOf(const protocol::Frame& request) {
  return flatbuffers::GetSizePrefixedRoot<wire::Request>(request.data())
      ->op_type();
}

// The response frame the transport hands back is already verified
// (transport.h), so its root is read in place.
const wire::Response& ResponseOf(const protocol::Frame& frame) {
  return *flatbuffers::GetSizePrefixedRoot<wire::Response>(frame.data());
}

}  // namespace

AsyncClient::AsyncClient(std::shared_ptr<client::Transport> transport)
    : transport_(std::move(transport)) {}

AsyncClient::~AsyncClient() = default;

namespace {

// Sends `request` and answers `done` with the result of type T read from
// the response.
template <typename T>
void Call(client::Transport& transport, protocol::Frame request,
          AsyncClient::Callback<T> done) {
  const bool is_write = IsWrite(OpOf(request));
  transport.Send(std::move(request), is_write,
                 [done = std::move(done)](Result<protocol::Frame> response) {
                   if (!response.ok()) return done(response.status());
                   T value{};
                   Status s =
                       protocol::DecodeResult(ResponseOf(*response), &value);
                   if (!s.ok()) return done(std::move(s));
                   done(std::move(value));
                 });
}

// As Call, for operations answered by a status alone.
void CallStatus(client::Transport& transport, protocol::Frame request,
                AsyncClient::StatusCallback done) {
  const bool is_write = IsWrite(OpOf(request));
  transport.Send(std::move(request), is_write,
                 [done = std::move(done)](Result<protocol::Frame> response) {
                   if (!response.ok()) return done(response.status());
                   done(protocol::ResponseStatus(ResponseOf(*response)));
                 });
}

}  // namespace

void AsyncClient::PutChannel(const Channel& channel, StatusCallback done) {
  CallStatus(*transport_, protocol::EncodePutChannel(channel), std::move(done));
}

void AsyncClient::GetChannel(uint64_t channel_id, Callback<Channel> done) {
  Call(*transport_, protocol::EncodeGetChannel(channel_id), std::move(done));
}

void AsyncClient::ListChannels(Callback<std::vector<Channel>> done) {
  Call(*transport_, protocol::EncodeListChannels(), std::move(done));
}

void AsyncClient::CreateCustomer(const Customer& customer,
                                 Callback<uint64_t> done) {
  Call(*transport_, protocol::EncodeCreateCustomer(customer), std::move(done));
}

void AsyncClient::UpdateCustomer(uint64_t customer_id,
                                 const CustomerPatch& patch,
                                 StatusCallback done) {
  CallStatus(*transport_, protocol::EncodeUpdateCustomer(customer_id, patch),
             std::move(done));
}

void AsyncClient::GetCustomer(uint64_t customer_id,
                              Callback<CustomerRecord> done) {
  Call(*transport_, protocol::EncodeGetCustomer(customer_id), std::move(done));
}

void AsyncClient::GetCustomerByCode(const std::string& code,
                                    Callback<CustomerRecord> done) {
  Call(*transport_, protocol::EncodeGetCustomerByCode(code), std::move(done));
}

void AsyncClient::GetCustomerByEmail(const std::string& email,
                                     Callback<CustomerRecord> done) {
  Call(*transport_, protocol::EncodeGetCustomerByEmail(email), std::move(done));
}

void AsyncClient::GetCustomerByPhone(const std::string& phone,
                                     Callback<CustomerRecord> done) {
  Call(*transport_, protocol::EncodeGetCustomerByPhone(phone), std::move(done));
}

void AsyncClient::RecordOrder(const Order& order, StatusCallback done) {
  CallStatus(*transport_, protocol::EncodeRecordOrder(order), std::move(done));
}

void AsyncClient::UpdateOrderStatus(uint64_t order_id, OrderStatus status,
                                    StatusCallback done) {
  CallStatus(*transport_, protocol::EncodeUpdateOrderStatus(order_id, status),
             std::move(done));
}

void AsyncClient::RefundOrder(uint64_t order_id, int64_t amount_minor,
                              StatusCallback done) {
  CallStatus(*transport_, protocol::EncodeRefundOrder(order_id, amount_minor),
             std::move(done));
}

void AsyncClient::GetOrder(uint64_t order_id, Callback<Order> done) {
  Call(*transport_, protocol::EncodeGetOrder(order_id), std::move(done));
}

void AsyncClient::ListOrders(const HistoryQuery& query,
                             Callback<Page<Order>> done) {
  Call(*transport_, protocol::EncodeListOrders(query), std::move(done));
}

void AsyncClient::RecordInteraction(const Interaction& interaction,
                                    Callback<uint64_t> done) {
  Call(*transport_, protocol::EncodeRecordInteraction(interaction),
       std::move(done));
}

void AsyncClient::ResolveInteraction(uint64_t interaction_id,
                                     int64_t resolved_at_ms,
                                     StatusCallback done) {
  CallStatus(*transport_,
             protocol::EncodeResolveInteraction(interaction_id, resolved_at_ms),
             std::move(done));
}

void AsyncClient::GetInteraction(uint64_t interaction_id,
                                 Callback<Interaction> done) {
  Call(*transport_, protocol::EncodeGetInteraction(interaction_id),
       std::move(done));
}

void AsyncClient::ListInteractions(const HistoryQuery& query,
                                   Callback<Page<Interaction>> done) {
  Call(*transport_, protocol::EncodeListInteractions(query), std::move(done));
}

void AsyncClient::RedeemLoyaltyPoints(uint64_t customer_id, int64_t points,
                                      StatusCallback done) {
  CallStatus(*transport_,
             protocol::EncodeRedeemLoyaltyPoints(customer_id, points),
             std::move(done));
}

void AsyncClient::ApplyBatch(const std::vector<Event>& events,
                             Callback<BatchOutcome> done) {
  Call<protocol::BatchStatuses>(
      *transport_, protocol::EncodeApplyBatch(events),
      [done = std::move(done)](Result<protocol::BatchStatuses> batch) {
        if (!batch.ok()) return done(batch.status());
        BatchOutcome outcome;
        outcome.statuses = std::move(batch->statuses);
        outcome.ids = std::move(batch->ids);
        done(std::move(outcome));
      });
}

void AsyncClient::GetPolicy(Callback<TierPolicy> done) {
  Call(*transport_, protocol::EncodeGetPolicy(), std::move(done));
}

void AsyncClient::SetPolicy(const TierPolicy& policy,
                            Callback<RescoreReport> done) {
  Result<protocol::Frame> request = protocol::EncodeSetPolicy(policy);
  if (!request.ok()) return done(request.status());
  Call(*transport_, std::move(request).value(), std::move(done));
}

void AsyncClient::Rescore(const RescoreOptions& options,
                          Callback<RescoreReport> done) {
  Call(*transport_, protocol::EncodeRescore(options), std::move(done));
}

void AsyncClient::FindCustomers(const CustomerQuery& query,
                                Callback<CustomerPage> done) {
  Call(*transport_, protocol::EncodeFindCustomers(query), std::move(done));
}

void AsyncClient::Explain(const CustomerQuery& query,
                          Callback<QueryPlan> done) {
  Call(*transport_, protocol::EncodeExplain(query), std::move(done));
}

void AsyncClient::GetChurnWatch(const ChurnWatchQuery& query,
                                Callback<ChurnWatch> done) {
  Call(*transport_, protocol::EncodeGetChurnWatch(query), std::move(done));
}

void AsyncClient::GetTierSummary(const TierSummaryQuery& query,
                                 Callback<TierSummary> done) {
  Call(*transport_, protocol::EncodeGetTierSummary(query), std::move(done));
}

void AsyncClient::GetChannelReport(const ChannelReportQuery& query,
                                   Callback<ChannelReport> done) {
  Call(*transport_, protocol::EncodeGetChannelReport(query), std::move(done));
}

void AsyncClient::ViewCustomer(uint64_t customer_id,
                               Callback<CustomerView> done) {
  Call(*transport_, protocol::EncodeViewCustomer(customer_id), std::move(done));
}

void AsyncClient::MergeCustomers(uint64_t survivor_id, uint64_t duplicate_id,
                                 StatusCallback done) {
  CallStatus(*transport_,
             protocol::EncodeMergeCustomers(survivor_id, duplicate_id),
             std::move(done));
}

void AsyncClient::EraseCustomer(uint64_t customer_id, StatusCallback done) {
  CallStatus(*transport_, protocol::EncodeEraseCustomer(customer_id),
             std::move(done));
}

void AsyncClient::Ping(StatusCallback done) {
  CallStatus(*transport_, protocol::EncodePing(), std::move(done));
}

void AsyncClient::GetStats(Callback<EngineStats> done) {
  transport_->Send(protocol::EncodeStats(), /*is_write=*/false,
                   [done = std::move(done)](Result<protocol::Frame> response) {
                     if (!response.ok()) return done(response.status());
                     done(protocol::DecodeStatsResult(ResponseOf(*response)));
                   });
}

void AsyncClient::Compact(StatusCallback done) {
  CallStatus(*transport_, protocol::EncodeCompact(), std::move(done));
}

void AsyncClient::Flush(StatusCallback done) {
  CallStatus(*transport_, protocol::EncodeFlush(), std::move(done));
}

void AsyncClient::Checkpoint(const std::string& dir, StatusCallback done) {
  CallStatus(*transport_, protocol::EncodeCheckpoint(dir), std::move(done));
}

}  // namespace custdb
