// Request frames of the Store operations and their results, client side.
#include "protocol/requests.h"

#include <string>
#include <utility>
#include <vector>

#include "protocol/convert_util.h"
#include "protocol/message.h"
#include "protocol/session.h"

namespace custdb {
namespace protocol {

// --- Requests ------------------------------------------------------------

Frame EncodePutChannel(const Channel& channel) {
  Builder b(256);
  auto op = wire::CreatePutChannel(b, ToWire(b, channel));
  return FinishRequest(b, wire::Op::PutChannel, op);
}

Frame EncodeGetChannel(uint64_t channel_id) {
  Builder b(64);
  return FinishRequest(b, wire::Op::GetChannel,
                       wire::CreateGetChannel(b, channel_id));
}

Frame EncodeListChannels() {
  Builder b(64);
  return FinishRequest(b, wire::Op::ListChannels, wire::CreateListChannels(b));
}

Frame EncodeCreateCustomer(const Customer& customer) {
  Builder b(512);
  auto op = wire::CreateCreateCustomer(b, ToWire(b, customer));
  return FinishRequest(b, wire::Op::CreateCustomer, op);
}

Frame EncodeUpdateCustomer(uint64_t customer_id, const CustomerPatch& patch) {
  Builder b(512);
  auto op = wire::CreateUpdateCustomer(b, customer_id, ToWire(b, patch));
  return FinishRequest(b, wire::Op::UpdateCustomer, op);
}

Frame EncodeGetCustomer(uint64_t customer_id) {
  Builder b(64);
  return FinishRequest(b, wire::Op::GetCustomer,
                       wire::CreateGetCustomer(b, customer_id));
}

// The lookups send their key even when it is empty, so the engine sees
// exactly what the caller passed.
Frame EncodeGetCustomerByCode(const std::string& code) {
  Builder b(64 + code.size());
  auto op = wire::CreateGetCustomerByCode(b, b.CreateString(code));
  return FinishRequest(b, wire::Op::GetCustomerByCode, op);
}

Frame EncodeGetCustomerByEmail(const std::string& email) {
  Builder b(64 + email.size());
  auto op = wire::CreateGetCustomerByEmail(b, b.CreateString(email));
  return FinishRequest(b, wire::Op::GetCustomerByEmail, op);
}

Frame EncodeGetCustomerByPhone(const std::string& phone) {
  Builder b(64 + phone.size());
  auto op = wire::CreateGetCustomerByPhone(b, b.CreateString(phone));
  return FinishRequest(b, wire::Op::GetCustomerByPhone, op);
}

Frame EncodeRecordOrder(const Order& order) {
  Builder b(256 + 64 * order.items.size());
  auto op = wire::CreateRecordOrder(b, ToWire(b, order));
  return FinishRequest(b, wire::Op::RecordOrder, op);
}

Frame EncodeUpdateOrderStatus(uint64_t order_id, OrderStatus status) {
  Builder b(64);
  return FinishRequest(
      b, wire::Op::UpdateOrderStatus,
      wire::CreateUpdateOrderStatus(b, order_id, static_cast<uint8_t>(status)));
}

Frame EncodeRefundOrder(uint64_t order_id, int64_t amount_minor) {
  Builder b(64);
  return FinishRequest(b, wire::Op::RefundOrder,
                       wire::CreateRefundOrder(b, order_id, amount_minor));
}

Frame EncodeGetOrder(uint64_t order_id) {
  Builder b(64);
  return FinishRequest(b, wire::Op::GetOrder,
                       wire::CreateGetOrder(b, order_id));
}

Frame EncodeListOrders(const HistoryQuery& query) {
  Builder b(128 + query.cursor.size());
  auto op = wire::CreateListOrders(b, ToWire(b, query));
  return FinishRequest(b, wire::Op::ListOrders, op);
}

Frame EncodeRecordInteraction(const Interaction& interaction) {
  Builder b(256 + interaction.note.size());
  auto op = wire::CreateRecordInteraction(b, ToWire(b, interaction));
  return FinishRequest(b, wire::Op::RecordInteraction, op);
}

Frame EncodeResolveInteraction(uint64_t interaction_id,
                               int64_t resolved_at_ms) {
  Builder b(64);
  return FinishRequest(
      b, wire::Op::ResolveInteraction,
      wire::CreateResolveInteraction(b, interaction_id, resolved_at_ms));
}

Frame EncodeGetInteraction(uint64_t interaction_id) {
  Builder b(64);
  return FinishRequest(b, wire::Op::GetInteraction,
                       wire::CreateGetInteraction(b, interaction_id));
}

Frame EncodeListInteractions(const HistoryQuery& query) {
  Builder b(128 + query.cursor.size());
  auto op = wire::CreateListInteractions(b, ToWire(b, query));
  return FinishRequest(b, wire::Op::ListInteractions, op);
}

Frame EncodeRedeemLoyaltyPoints(uint64_t customer_id, int64_t points) {
  Builder b(64);
  return FinishRequest(b, wire::Op::RedeemLoyaltyPoints,
                       wire::CreateRedeemLoyaltyPoints(b, customer_id, points));
}

Frame EncodeApplyBatch(const std::vector<Event>& events) {
  Builder b(128 + 128 * events.size());
  std::vector<Offset<wire::Event>> offsets;
  offsets.reserve(events.size());
  for (const Event& event : events) offsets.push_back(ToWire(b, event));
  auto op = wire::CreateApplyBatch(b, b.CreateVector(offsets));
  return FinishRequest(b, wire::Op::ApplyBatch, op);
}

Frame EncodeGetPolicy() {
  Builder b(64);
  return FinishRequest(b, wire::Op::GetPolicy, wire::CreateGetPolicy(b));
}

Result<Frame> EncodeSetPolicy(const TierPolicy& policy) {
  Status fits = FitsWire(policy);
  if (!fits.ok()) return fits;
  Builder b(512);
  auto op = wire::CreateSetPolicy(b, ToWire(b, policy));
  return FinishRequest(b, wire::Op::SetPolicy, op);
}

Frame EncodeRescore(const RescoreOptions& options) {
  Builder b(64);
  return FinishRequest(b, wire::Op::Rescore, ToWire(b, options));
}

Frame EncodeFindCustomers(const CustomerQuery& query) {
  Builder b(256 + query.cursor.size());
  auto op = wire::CreateFindCustomers(b, ToWire(b, query));
  return FinishRequest(b, wire::Op::FindCustomers, op);
}

Frame EncodeExplain(const CustomerQuery& query) {
  Builder b(256 + query.cursor.size());
  auto op = wire::CreateExplain(b, ToWire(b, query));
  return FinishRequest(b, wire::Op::Explain, op);
}

Frame EncodeGetChurnWatch(const ChurnWatchQuery& query) {
  Builder b(128);
  auto op = wire::CreateGetChurnWatch(b, ToWire(b, query));
  return FinishRequest(b, wire::Op::GetChurnWatch, op);
}

Frame EncodeGetTierSummary(const TierSummaryQuery& query) {
  Builder b(128);
  auto op = wire::CreateGetTierSummary(b, ToWire(b, query));
  return FinishRequest(b, wire::Op::GetTierSummary, op);
}

Frame EncodeGetChannelReport(const ChannelReportQuery& query) {
  Builder b(128);
  auto op = wire::CreateGetChannelReport(b, ToWire(b, query));
  return FinishRequest(b, wire::Op::GetChannelReport, op);
}

Frame EncodeViewCustomer(uint64_t customer_id) {
  Builder b(64);
  return FinishRequest(b, wire::Op::ViewCustomer,
                       wire::CreateViewCustomer(b, customer_id));
}

Frame EncodeMergeCustomers(uint64_t survivor_id, uint64_t duplicate_id) {
  Builder b(64);
  return FinishRequest(
      b, wire::Op::MergeCustomers,
      wire::CreateMergeCustomers(b, survivor_id, duplicate_id));
}

Frame EncodeEraseCustomer(uint64_t customer_id) {
  Builder b(64);
  return FinishRequest(b, wire::Op::EraseCustomer,
                       wire::CreateEraseCustomer(b, customer_id));
}

// --- Results -------------------------------------------------------------

namespace {

Status Lacks(const char* what) {
  return Status::Internal(std::string("response lacks its ") + what);
}

// A result the client cannot read is the server's fault, not the caller's.
Status Unreadable(const Status& s) {
  if (s.ok()) return s;
  return Status::Internal("response: " + s.message());
}

// Reads result member `R` (fetched by `get`) into *out with FromWire.
template <typename R, typename T, typename Get>
Status Read(const wire::Response& response, const char* name, Get get, T* out) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const R* result = get(response);
  if (result == nullptr) return Lacks(name);
  return Unreadable(FromWire(*result, name, out));
}

}  // namespace

Status DecodeResult(const wire::Response& response, Channel* out) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const wire::ChannelResult* r = response.result_as_ChannelResult();
  if (r == nullptr || r->channel() == nullptr) return Lacks("ChannelResult");
  return Unreadable(FromWire(*r->channel(), "ChannelResult.channel", out));
}

Status DecodeResult(const wire::Response& response, std::vector<Channel>* out) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const wire::ChannelList* r = response.result_as_ChannelList();
  if (r == nullptr) return Lacks("ChannelList");
  out->clear();
  if (r->channels() == nullptr) return Status::OK();
  out->resize(r->channels()->size());
  for (flatbuffers::uoffset_t i = 0; i < r->channels()->size(); ++i) {
    Status s =
        FromWire(*r->channels()->Get(i), "ChannelList.channels", &(*out)[i]);
    if (!s.ok()) return Unreadable(s);
  }
  return Status::OK();
}

Status DecodeResult(const wire::Response& response, uint64_t* id) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const wire::IdResult* r = response.result_as_IdResult();
  if (r == nullptr) return Lacks("IdResult");
  *id = r->id();
  return Status::OK();
}

Status DecodeResult(const wire::Response& response, CustomerRecord* out) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const wire::CustomerResult* r = response.result_as_CustomerResult();
  if (r == nullptr || r->record() == nullptr) return Lacks("CustomerResult");
  return Unreadable(FromWire(*r->record(), "CustomerResult.record", out));
}

Status DecodeResult(const wire::Response& response, Order* out) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const wire::OrderResult* r = response.result_as_OrderResult();
  if (r == nullptr || r->order() == nullptr) return Lacks("OrderResult");
  return Unreadable(FromWire(*r->order(), "OrderResult.order", out));
}

Status DecodeResult(const wire::Response& response, Page<Order>* out) {
  return Read<wire::OrderPage>(
      response, "OrderPage",
      [](const wire::Response& r) { return r.result_as_OrderPage(); }, out);
}

Status DecodeResult(const wire::Response& response, Interaction* out) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const wire::InteractionResult* r = response.result_as_InteractionResult();
  if (r == nullptr || r->interaction() == nullptr) {
    return Lacks("InteractionResult");
  }
  return Unreadable(
      FromWire(*r->interaction(), "InteractionResult.interaction", out));
}

Status DecodeResult(const wire::Response& response, Page<Interaction>* out) {
  return Read<wire::InteractionPage>(
      response, "InteractionPage",
      [](const wire::Response& r) { return r.result_as_InteractionPage(); },
      out);
}

Status DecodeResult(const wire::Response& response, BatchStatuses* out) {
  return Read<wire::BatchResult>(
      response, "BatchResult",
      [](const wire::Response& r) { return r.result_as_BatchResult(); }, out);
}

Status DecodeResult(const wire::Response& response, TierPolicy* out) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const wire::PolicyResult* r = response.result_as_PolicyResult();
  if (r == nullptr || r->policy() == nullptr) return Lacks("PolicyResult");
  return Unreadable(FromWire(*r->policy(), "PolicyResult.policy", out));
}

Status DecodeResult(const wire::Response& response, RescoreReport* out) {
  return Read<wire::RescoreResult>(
      response, "RescoreResult",
      [](const wire::Response& r) { return r.result_as_RescoreResult(); }, out);
}

Status DecodeResult(const wire::Response& response, CustomerPage* out) {
  return Read<wire::CustomerPage>(
      response, "CustomerPage",
      [](const wire::Response& r) { return r.result_as_CustomerPage(); }, out);
}

Status DecodeResult(const wire::Response& response, QueryPlan* out) {
  return Read<wire::QueryPlan>(
      response, "QueryPlan",
      [](const wire::Response& r) { return r.result_as_QueryPlan(); }, out);
}

Status DecodeResult(const wire::Response& response, ChurnWatch* out) {
  return Read<wire::ChurnWatchResult>(
      response, "ChurnWatchResult",
      [](const wire::Response& r) { return r.result_as_ChurnWatchResult(); },
      out);
}

Status DecodeResult(const wire::Response& response, TierSummary* out) {
  return Read<wire::TierSummaryResult>(
      response, "TierSummaryResult",
      [](const wire::Response& r) { return r.result_as_TierSummaryResult(); },
      out);
}

Status DecodeResult(const wire::Response& response, ChannelReport* out) {
  return Read<wire::ChannelReportResult>(
      response, "ChannelReportResult",
      [](const wire::Response& r) { return r.result_as_ChannelReportResult(); },
      out);
}

Status DecodeResult(const wire::Response& response, CustomerView* out) {
  return Read<wire::CustomerViewResult>(
      response, "CustomerViewResult",
      [](const wire::Response& r) { return r.result_as_CustomerViewResult(); },
      out);
}

}  // namespace protocol
}  // namespace custdb
