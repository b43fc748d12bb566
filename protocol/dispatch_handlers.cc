// One handler per Store operation, and the table Dispatch finds them in.
#include "protocol/dispatch_handlers.h"

#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "protocol/convert.h"
#include "protocol/convert_util.h"
#include "protocol/results.h"
#include "protocol/session.h"

namespace custdb {
namespace protocol {
namespace {

// --- Answers: the Store's Status unchanged, or its result -----------------

Frame Answer(uint64_t id, const Status& status) {
  return status.ok() ? EncodeOk(id) : EncodeError(id, status);
}

template <typename T>
Frame Answer(uint64_t id, const Result<T>& result) {
  if (!result.ok()) return EncodeError(id, result.status());
  return EncodeResult(id, *result);
}

Frame AnswerId(uint64_t id, const Result<uint64_t>& result) {
  if (!result.ok()) return EncodeError(id, result.status());
  return EncodeIdResult(id, *result);
}

// A table the operation cannot do without: absent is "<field>: missing".
template <typename W, typename T>
Status Required(const W* table, const std::string& field, T* out) {
  if (table == nullptr) return Missing(field);
  return FromWire(*table, field, out);
}

// A limit above max_rows that the engine would accept is lowered to
// max_rows (the cursor pages the rest); one the engine refuses (0, above
// its maximum) is left for the engine to name.
uint32_t Lowered(uint32_t limit, uint32_t engine_max,
                 const DispatchOptions& options) {
  if (options.max_rows > 0 && limit > options.max_rows && limit <= engine_max) {
    return options.max_rows;
  }
  return limit;
}

// --- Channels ------------------------------------------------------------

Frame PutChannel(Store& store, uint64_t id, const wire::Request& request,
                 const DispatchOptions&) {
  Channel channel;
  Status s = Required(request.op_as_PutChannel()->channel(),
                      "PutChannel.channel", &channel);
  if (!s.ok()) return EncodeError(id, s);
  return Answer(id, store.PutChannel(channel));
}

Frame GetChannel(Store& store, uint64_t id, const wire::Request& request,
                 const DispatchOptions&) {
  return Answer(id, store.GetChannel(request.op_as_GetChannel()->channel_id()));
}

Frame ListChannels(Store& store, uint64_t id, const wire::Request&,
                   const DispatchOptions&) {
  return Answer(id, store.ListChannels());
}

// --- Customers -----------------------------------------------------------

Frame CreateCustomer(Store& store, uint64_t id, const wire::Request& request,
                     const DispatchOptions&) {
  Customer customer;
  Status s = Required(request.op_as_CreateCustomer()->customer(),
                      "CreateCustomer.customer", &customer);
  if (!s.ok()) return EncodeError(id, s);
  return AnswerId(id, store.CreateCustomer(customer));
}

Frame UpdateCustomer(Store& store, uint64_t id, const wire::Request& request,
                     const DispatchOptions&) {
  const wire::UpdateCustomer* op = request.op_as_UpdateCustomer();
  CustomerPatch patch;
  Status s = Required(op->patch(), "UpdateCustomer.patch", &patch);
  if (!s.ok()) return EncodeError(id, s);
  return Answer(id, store.UpdateCustomer(op->customer_id(), patch));
}

Frame GetCustomer(Store& store, uint64_t id, const wire::Request& request,
                  const DispatchOptions&) {
  return Answer(id,
                store.GetCustomer(request.op_as_GetCustomer()->customer_id()));
}

Frame GetCustomerByCode(Store& store, uint64_t id, const wire::Request& request,
                        const DispatchOptions&) {
  return Answer(id, store.GetCustomerByCode(
                        Str(request.op_as_GetCustomerByCode()->code())));
}

Frame GetCustomerByEmail(Store& store, uint64_t id,
                         const wire::Request& request, const DispatchOptions&) {
  return Answer(id, store.GetCustomerByEmail(
                        Str(request.op_as_GetCustomerByEmail()->email())));
}

Frame GetCustomerByPhone(Store& store, uint64_t id,
                         const wire::Request& request, const DispatchOptions&) {
  return Answer(id, store.GetCustomerByPhone(
                        Str(request.op_as_GetCustomerByPhone()->phone())));
}

// --- Orders --------------------------------------------------------------

Frame RecordOrder(Store& store, uint64_t id, const wire::Request& request,
                  const DispatchOptions&) {
  Order order;
  Status s = Required(request.op_as_RecordOrder()->order(), "RecordOrder.order",
                      &order);
  if (!s.ok()) return EncodeError(id, s);
  return Answer(id, store.RecordOrder(order));
}

Frame UpdateOrderStatus(Store& store, uint64_t id, const wire::Request& request,
                        const DispatchOptions&) {
  const wire::UpdateOrderStatus* op = request.op_as_UpdateOrderStatus();
  return Answer(
      id, store.UpdateOrderStatus(op->order_id(),
                                  static_cast<OrderStatus>(op->status())));
}

Frame RefundOrder(Store& store, uint64_t id, const wire::Request& request,
                  const DispatchOptions&) {
  const wire::RefundOrder* op = request.op_as_RefundOrder();
  return Answer(id, store.RefundOrder(op->order_id(), op->amount_minor()));
}

Frame GetOrder(Store& store, uint64_t id, const wire::Request& request,
               const DispatchOptions&) {
  return Answer(id, store.GetOrder(request.op_as_GetOrder()->order_id()));
}

Frame ListOrders(Store& store, uint64_t id, const wire::Request& request,
                 const DispatchOptions& options) {
  HistoryQuery query;
  Status s =
      Required(request.op_as_ListOrders()->query(), "ListOrders.query", &query);
  if (!s.ok()) return EncodeError(id, s);
  query.limit = Lowered(query.limit, kMaxHistoryLimit, options);
  return Answer(id, store.ListOrders(query));
}

// --- Interactions and loyalty --------------------------------------------

Frame RecordInteraction(Store& store, uint64_t id, const wire::Request& request,
                        const DispatchOptions&) {
  Interaction interaction;
  Status s = Required(request.op_as_RecordInteraction()->interaction(),
                      "RecordInteraction.interaction", &interaction);
  if (!s.ok()) return EncodeError(id, s);
  return AnswerId(id, store.RecordInteraction(interaction));
}

Frame ResolveInteraction(Store& store, uint64_t id,
                         const wire::Request& request, const DispatchOptions&) {
  const wire::ResolveInteraction* op = request.op_as_ResolveInteraction();
  return Answer(
      id, store.ResolveInteraction(op->interaction_id(), op->resolved_at_ms()));
}

Frame GetInteraction(Store& store, uint64_t id, const wire::Request& request,
                     const DispatchOptions&) {
  return Answer(id, store.GetInteraction(
                        request.op_as_GetInteraction()->interaction_id()));
}

Frame ListInteractions(Store& store, uint64_t id, const wire::Request& request,
                       const DispatchOptions& options) {
  HistoryQuery query;
  Status s = Required(request.op_as_ListInteractions()->query(),
                      "ListInteractions.query", &query);
  if (!s.ok()) return EncodeError(id, s);
  query.limit = Lowered(query.limit, kMaxHistoryLimit, options);
  return Answer(id, store.ListInteractions(query));
}

Frame RedeemLoyaltyPoints(Store& store, uint64_t id,
                          const wire::Request& request,
                          const DispatchOptions&) {
  const wire::RedeemLoyaltyPoints* op = request.op_as_RedeemLoyaltyPoints();
  return Answer(id, store.RedeemLoyaltyPoints(op->customer_id(), op->points()));
}

// --- Batch ---------------------------------------------------------------

Frame ApplyBatch(Store& store, uint64_t id, const wire::Request& request,
                 const DispatchOptions& options) {
  const auto* events = request.op_as_ApplyBatch()->events();
  const size_t n = events == nullptr ? 0 : events->size();
  // Counted before anything is decoded: an oversized batch costs no more
  // than its verification.
  if (n > options.max_batch_events) {
    return EncodeError(
        id, Status::ResourceExhausted("ApplyBatch of " + std::to_string(n) +
                                      " events is over the limit of " +
                                      std::to_string(options.max_batch_events) +
                                      " (max_batch_events)"));
  }
  std::vector<Event> decoded(n);
  for (size_t i = 0; i < n; ++i) {
    Status s =
        FromWire(*events->Get(static_cast<flatbuffers::uoffset_t>(i)),
                 "ApplyBatch.events[" + std::to_string(i) + "]", &decoded[i]);
    if (!s.ok()) return EncodeError(id, s);
  }
  BatchStatuses batch;
  Status s = store.ApplyBatch(decoded, &batch.statuses, &batch.ids);
  if (!s.ok()) return EncodeError(id, s);
  return EncodeResult(id, batch);
}

// --- Policy and time -----------------------------------------------------

Frame GetPolicy(Store& store, uint64_t id, const wire::Request&,
                const DispatchOptions&) {
  return Answer(id, store.GetPolicy());
}

Frame SetPolicy(Store& store, uint64_t id, const wire::Request& request,
                const DispatchOptions&) {
  TierPolicy policy;
  Status s = Required(request.op_as_SetPolicy()->policy(), "SetPolicy.policy",
                      &policy);
  if (!s.ok()) return EncodeError(id, s);
  // Progress has no wire form: the answer comes when the rescore is done.
  return Answer(id, store.SetPolicy(policy, nullptr));
}

Frame Rescore(Store& store, uint64_t id, const wire::Request& request,
              const DispatchOptions&) {
  RescoreOptions rescore;
  Status s = FromWire(*request.op_as_Rescore(), "Rescore", &rescore);
  if (!s.ok()) return EncodeError(id, s);
  return Answer(id, store.Rescore(rescore));
}

// --- Queries and reports -------------------------------------------------

Frame FindCustomers(Store& store, uint64_t id, const wire::Request& request,
                    const DispatchOptions& options) {
  CustomerQuery query;
  Status s = Required(request.op_as_FindCustomers()->query(),
                      "FindCustomers.query", &query);
  if (!s.ok()) return EncodeError(id, s);
  query.limit = Lowered(query.limit, kMaxQueryLimit, options);
  return Answer(id, store.FindCustomers(query));
}

Frame Explain(Store& store, uint64_t id, const wire::Request& request,
              const DispatchOptions& options) {
  CustomerQuery query;
  Status s =
      Required(request.op_as_Explain()->query(), "Explain.query", &query);
  if (!s.ok()) return EncodeError(id, s);
  // The plan of the query FindCustomers would run.
  query.limit = Lowered(query.limit, kMaxQueryLimit, options);
  return Answer(id, store.Explain(query));
}

Frame GetChurnWatch(Store& store, uint64_t id, const wire::Request& request,
                    const DispatchOptions& options) {
  ChurnWatchQuery query;
  Status s = Required(request.op_as_GetChurnWatch()->query(),
                      "GetChurnWatch.query", &query);
  if (!s.ok()) return EncodeError(id, s);
  query.limit = Lowered(query.limit, kMaxQueryLimit, options);
  return Answer(id, store.GetChurnWatch(query));
}

Frame GetTierSummary(Store& store, uint64_t id, const wire::Request& request,
                     const DispatchOptions&) {
  TierSummaryQuery query;
  Status s = Required(request.op_as_GetTierSummary()->query(),
                      "GetTierSummary.query", &query);
  if (!s.ok()) return EncodeError(id, s);
  return Answer(id, store.GetTierSummary(query));
}

Frame GetChannelReport(Store& store, uint64_t id, const wire::Request& request,
                       const DispatchOptions&) {
  ChannelReportQuery query;
  Status s = Required(request.op_as_GetChannelReport()->query(),
                      "GetChannelReport.query", &query);
  if (!s.ok()) return EncodeError(id, s);
  return Answer(id, store.GetChannelReport(query));
}

Frame ViewCustomer(Store& store, uint64_t id, const wire::Request& request,
                   const DispatchOptions&) {
  return Answer(
      id, store.ViewCustomer(request.op_as_ViewCustomer()->customer_id()));
}

// --- Merge and erasure ---------------------------------------------------

Frame MergeCustomers(Store& store, uint64_t id, const wire::Request& request,
                     const DispatchOptions&) {
  const wire::MergeCustomers* op = request.op_as_MergeCustomers();
  return Answer(id,
                store.MergeCustomers(op->survivor_id(), op->duplicate_id()));
}

Frame EraseCustomer(Store& store, uint64_t id, const wire::Request& request,
                    const DispatchOptions&) {
  return Answer(
      id, store.EraseCustomer(request.op_as_EraseCustomer()->customer_id()));
}

// --- The table -----------------------------------------------------------

struct HandlerEntry {
  wire::Op op;
  Handler handler;
};

// Every Store operation, in union order from the first one; the session
// operations before PutChannel are the server's own.
constexpr wire::Op kFirstStoreOp = wire::Op::PutChannel;
constexpr HandlerEntry kHandlers[] = {
    {wire::Op::PutChannel, &PutChannel},
    {wire::Op::GetChannel, &GetChannel},
    {wire::Op::ListChannels, &ListChannels},
    {wire::Op::CreateCustomer, &CreateCustomer},
    {wire::Op::UpdateCustomer, &UpdateCustomer},
    {wire::Op::GetCustomer, &GetCustomer},
    {wire::Op::GetCustomerByCode, &GetCustomerByCode},
    {wire::Op::GetCustomerByEmail, &GetCustomerByEmail},
    {wire::Op::GetCustomerByPhone, &GetCustomerByPhone},
    {wire::Op::RecordOrder, &RecordOrder},
    {wire::Op::UpdateOrderStatus, &UpdateOrderStatus},
    {wire::Op::RefundOrder, &RefundOrder},
    {wire::Op::GetOrder, &GetOrder},
    {wire::Op::ListOrders, &ListOrders},
    {wire::Op::RecordInteraction, &RecordInteraction},
    {wire::Op::ResolveInteraction, &ResolveInteraction},
    {wire::Op::GetInteraction, &GetInteraction},
    {wire::Op::ListInteractions, &ListInteractions},
    {wire::Op::RedeemLoyaltyPoints, &RedeemLoyaltyPoints},
    {wire::Op::ApplyBatch, &ApplyBatch},
    {wire::Op::GetPolicy, &GetPolicy},
    {wire::Op::SetPolicy, &SetPolicy},
    {wire::Op::Rescore, &Rescore},
    {wire::Op::FindCustomers, &FindCustomers},
    {wire::Op::Explain, &Explain},
    {wire::Op::GetChurnWatch, &GetChurnWatch},
    {wire::Op::GetTierSummary, &GetTierSummary},
    {wire::Op::GetChannelReport, &GetChannelReport},
    {wire::Op::ViewCustomer, &ViewCustomer},
    {wire::Op::MergeCustomers, &MergeCustomers},
    {wire::Op::EraseCustomer, &EraseCustomer},
};

constexpr bool HandlersInUnionOrder() {
  for (size_t i = 0; i < std::size(kHandlers); ++i) {
    if (static_cast<size_t>(kHandlers[i].op) !=
        static_cast<size_t>(kFirstStoreOp) + i) {
      return false;
    }
  }
  return true;
}
static_assert(std::size(kHandlers) == static_cast<size_t>(wire::Op::MAX) -
                                          static_cast<size_t>(kFirstStoreOp) +
                                          1,
              "one handler per Store member of union Op");
static_assert(HandlersInUnionOrder(), "kHandlers follows union Op's order");

}  // namespace

Handler FindHandler(wire::Op op) {
  const auto n = static_cast<size_t>(op);
  const auto first = static_cast<size_t>(kFirstStoreOp);
  if (n < first || n - first >= std::size(kHandlers)) return nullptr;
  return kHandlers[n - first].handler;
}

}  // namespace protocol
}  // namespace custdb
