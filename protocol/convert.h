// The conversions between the API's types (engine/include/custdb/) and the
// tables of schema/records.fbs and schema/protocol.fbs, both ways, shared
// by the server (Dispatch) and the client (requests.h).
//
// Lossless: every field travels, enums as their numbers (an unknown number
// reaches the engine, which names the field and the number), optional
// scalars as has_x + x, optional strings as absent or present, ids and
// amounts unchanged at their edges (0, kMaxId, 2^64-1, negatives).
//
// ToWire(builder, value) builds the table and returns its offset; the
// builder must not be inside another table. FromWire(table, field, out)
// fills *out (reset first) and returns kInvalidArgument naming
// `field` and what is wrong for the few things the wire can say and the
// API cannot hold: a repeated attribute key, a breakpoint list not 4 long,
// an event without a body. `field` is where the table sits in the request
// ("CreateCustomer.customer"), so a message names the path a client sent.
// EngineStats travels with the session messages (session.h).
#ifndef CUSTDB_PROTOCOL_CONVERT_H_
#define CUSTDB_PROTOCOL_CONVERT_H_

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
#include "custdb_schema/protocol_generated.h"

namespace custdb {
namespace protocol {

using Builder = flatbuffers::FlatBufferBuilder;
template <typename T>
using Offset = flatbuffers::Offset<T>;

// "<field>: missing": a table the operation needs is absent.
Status Missing(const std::string& field);

// --- Records (records.fbs) -----------------------------------------------
Offset<fb::Channel> ToWire(Builder& b, const Channel& channel);
Status FromWire(const fb::Channel& in, const std::string& field, Channel* out);

Offset<fb::Customer> ToWire(Builder& b, const Customer& customer);
// kInvalidArgument for an attribute key that repeats.
Status FromWire(const fb::Customer& in, const std::string& field,
                Customer* out);

Offset<fb::Order> ToWire(Builder& b, const Order& order);
Status FromWire(const fb::Order& in, const std::string& field, Order* out);

Offset<fb::Interaction> ToWire(Builder& b, const Interaction& interaction);
Status FromWire(const fb::Interaction& in, const std::string& field,
                Interaction* out);

// The profile and the aggregates with the derived attributes
// (has_derived set, derived_as_of_ms and policy_version beside them).
Offset<wire::CustomerRecord> ToWire(Builder& b, const CustomerRecord& record);
// An absent profile or state reads as the C++ defaults.
Status FromWire(const wire::CustomerRecord& in, const std::string& field,
                CustomerRecord* out);

// Segment score bounds travel as ubyte: FitsWire is kInvalidArgument
// (ValidatePolicy's own message) for a bound outside 0..255, which the
// engine would refuse anyway; ToWire requires FitsWire.
Status FitsWire(const TierPolicy& policy);
Offset<fb::TierPolicy> ToWire(Builder& b, const TierPolicy& policy);
// kInvalidArgument naming a breakpoint list that is not 4 long.
Status FromWire(const fb::TierPolicy& in, const std::string& field,
                TierPolicy* out);

Offset<wire::CustomerPatch> ToWire(Builder& b, const CustomerPatch& patch);
Status FromWire(const wire::CustomerPatch& in, const std::string& field,
                CustomerPatch* out);

// --- Requests' arguments (protocol.fbs) ----------------------------------
Offset<wire::HistoryQuery> ToWire(Builder& b, const HistoryQuery& query);
Status FromWire(const wire::HistoryQuery& in, const std::string& field,
                HistoryQuery* out);

Offset<wire::CustomerQuery> ToWire(Builder& b, const CustomerQuery& query);
Status FromWire(const wire::CustomerQuery& in, const std::string& field,
                CustomerQuery* out);

Offset<wire::ChurnWatchQuery> ToWire(Builder& b, const ChurnWatchQuery& query);
Status FromWire(const wire::ChurnWatchQuery& in, const std::string& field,
                ChurnWatchQuery* out);

Offset<wire::TierSummaryQuery> ToWire(Builder& b,
                                      const TierSummaryQuery& query);
Status FromWire(const wire::TierSummaryQuery& in, const std::string& field,
                TierSummaryQuery* out);

Offset<wire::ChannelReportQuery> ToWire(Builder& b,
                                        const ChannelReportQuery& query);
Status FromWire(const wire::ChannelReportQuery& in, const std::string& field,
                ChannelReportQuery* out);

// The Rescore request table is RescoreOptions without its progress
// callback, which has no wire form.
Offset<wire::Rescore> ToWire(Builder& b, const RescoreOptions& options);
Status FromWire(const wire::Rescore& in, const std::string& field,
                RescoreOptions* out);

Offset<wire::Event> ToWire(Builder& b, const Event& event);
// kInvalidArgument "<field>: ..." for a body that is absent or of a
// member this build does not know.
Status FromWire(const wire::Event& in, const std::string& field, Event* out);

// --- Results (protocol.fbs) ----------------------------------------------
Offset<wire::OrderPage> ToWire(Builder& b, const Page<Order>& page);
Status FromWire(const wire::OrderPage& in, const std::string& field,
                Page<Order>* out);

Offset<wire::InteractionPage> ToWire(Builder& b, const Page<Interaction>& page);
Status FromWire(const wire::InteractionPage& in, const std::string& field,
                Page<Interaction>* out);

Offset<wire::QueryPlan> ToWire(Builder& b, const QueryPlan& plan);
Status FromWire(const wire::QueryPlan& in, const std::string& field,
                QueryPlan* out);

Offset<wire::CustomerPage> ToWire(Builder& b, const CustomerPage& page);
Status FromWire(const wire::CustomerPage& in, const std::string& field,
                CustomerPage* out);

Offset<wire::ChurnWatchResult> ToWire(Builder& b, const ChurnWatch& watch);
Status FromWire(const wire::ChurnWatchResult& in, const std::string& field,
                ChurnWatch* out);

Offset<wire::TierSummaryResult> ToWire(Builder& b, const TierSummary& summary);
Status FromWire(const wire::TierSummaryResult& in, const std::string& field,
                TierSummary* out);

Offset<wire::ChannelReportResult> ToWire(Builder& b,
                                         const ChannelReport& report);
Status FromWire(const wire::ChannelReportResult& in, const std::string& field,
                ChannelReport* out);

Offset<wire::CustomerViewResult> ToWire(Builder& b, const CustomerView& view);
Status FromWire(const wire::CustomerViewResult& in, const std::string& field,
                CustomerView* out);

Offset<wire::RescoreResult> ToWire(Builder& b, const RescoreReport& report);
Status FromWire(const wire::RescoreResult& in, const std::string& field,
                RescoreReport* out);

// ApplyBatch's per-event statuses (code and message unchanged) and ids.
struct BatchStatuses {
  std::vector<Status> statuses;
  std::vector<uint64_t> ids;
};
Offset<wire::BatchResult> ToWire(Builder& b, const BatchStatuses& batch);
Status FromWire(const wire::BatchResult& in, const std::string& field,
                BatchStatuses* out);

}  // namespace protocol
}  // namespace custdb

#endif  // CUSTDB_PROTOCOL_CONVERT_H_
