// The client side of the Store operations: a request frame for each
// custdb::Store method (id 0: the transport stamps it), and the result
// read back from each verified response. The server side is Dispatch
// (dispatch.h) and the result encoders (results.h).
#ifndef CUSTDB_PROTOCOL_REQUESTS_H_
#define CUSTDB_PROTOCOL_REQUESTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "custdb/policy.h"
#include "custdb/query.h"
#include "custdb/reports.h"
#include "custdb/rescore.h"
#include "custdb/status.h"
#include "custdb/store.h"
#include "custdb/types.h"
#include "protocol/convert.h"
#include "protocol/frame.h"

namespace custdb {
namespace protocol {

// --- Requests --------------------------------------------------------------
Frame EncodePutChannel(const Channel& channel);
Frame EncodeGetChannel(uint64_t channel_id);
Frame EncodeListChannels();
Frame EncodeCreateCustomer(const Customer& customer);
Frame EncodeUpdateCustomer(uint64_t customer_id, const CustomerPatch& patch);
Frame EncodeGetCustomer(uint64_t customer_id);
Frame EncodeGetCustomerByCode(const std::string& code);
Frame EncodeGetCustomerByEmail(const std::string& email);
Frame EncodeGetCustomerByPhone(const std::string& phone);
Frame EncodeRecordOrder(const Order& order);
Frame EncodeUpdateOrderStatus(uint64_t order_id, OrderStatus status);
Frame EncodeRefundOrder(uint64_t order_id, int64_t amount_minor);
Frame EncodeGetOrder(uint64_t order_id);
Frame EncodeListOrders(const HistoryQuery& query);
Frame EncodeRecordInteraction(const Interaction& interaction);
Frame EncodeResolveInteraction(uint64_t interaction_id, int64_t resolved_at_ms);
Frame EncodeGetInteraction(uint64_t interaction_id);
Frame EncodeListInteractions(const HistoryQuery& query);
Frame EncodeRedeemLoyaltyPoints(uint64_t customer_id, int64_t points);
Frame EncodeApplyBatch(const std::vector<Event>& events);
Frame EncodeGetPolicy();
// kInvalidArgument (the engine's validation message) for a segment score
// bound the wire's ubyte cannot hold (FitsWire, convert.h).
Result<Frame> EncodeSetPolicy(const TierPolicy& policy);
// options.progress is not sent (it has no wire form).
Frame EncodeRescore(const RescoreOptions& options);
Frame EncodeFindCustomers(const CustomerQuery& query);
Frame EncodeExplain(const CustomerQuery& query);
Frame EncodeGetChurnWatch(const ChurnWatchQuery& query);
Frame EncodeGetTierSummary(const TierSummaryQuery& query);
Frame EncodeGetChannelReport(const ChannelReportQuery& query);
Frame EncodeViewCustomer(uint64_t customer_id);
Frame EncodeMergeCustomers(uint64_t survivor_id, uint64_t duplicate_id);
Frame EncodeEraseCustomer(uint64_t customer_id);

// --- Results -----------------------------------------------------------------
// Each fills *out from a verified response: the response's own Status
// (code and message unchanged) when it is not ok; kInternal "response
// lacks its <member>" for an ok response without the operation's result
// member, or naming what cannot be read in it.
Status DecodeResult(const wire::Response& response, Channel* out);
Status DecodeResult(const wire::Response& response, std::vector<Channel>* out);
Status DecodeResult(const wire::Response& response, uint64_t* id);  // IdResult
Status DecodeResult(const wire::Response& response, CustomerRecord* out);
Status DecodeResult(const wire::Response& response, Order* out);
Status DecodeResult(const wire::Response& response, Page<Order>* out);
Status DecodeResult(const wire::Response& response, Interaction* out);
Status DecodeResult(const wire::Response& response, Page<Interaction>* out);
Status DecodeResult(const wire::Response& response, BatchStatuses* out);
Status DecodeResult(const wire::Response& response, TierPolicy* out);
Status DecodeResult(const wire::Response& response, RescoreReport* out);
Status DecodeResult(const wire::Response& response, CustomerPage* out);
Status DecodeResult(const wire::Response& response, QueryPlan* out);
Status DecodeResult(const wire::Response& response, ChurnWatch* out);
Status DecodeResult(const wire::Response& response, TierSummary* out);
Status DecodeResult(const wire::Response& response, ChannelReport* out);
Status DecodeResult(const wire::Response& response, CustomerView* out);

}  // namespace protocol
}  // namespace custdb

#endif  // CUSTDB_PROTOCOL_REQUESTS_H_
