// The server side of the Store operations' results: the ok response frame
// for request `id` carrying each method's result, as its fixed member of
// union Result (docs/PROTOCOL.md, "Operations"). The client reads them back
// with DecodeResult (requests.h).
#ifndef CUSTDB_PROTOCOL_RESULTS_H_
#define CUSTDB_PROTOCOL_RESULTS_H_

#include <cstdint>
#include <vector>

#include "custdb/policy.h"
#include "custdb/query.h"
#include "custdb/reports.h"
#include "custdb/rescore.h"
#include "custdb/store.h"
#include "custdb/types.h"
#include "protocol/convert.h"
#include "protocol/frame.h"

namespace custdb {
namespace protocol {

Frame EncodeResult(uint64_t id, const Channel& channel);  // ChannelResult
Frame EncodeResult(uint64_t id, const std::vector<Channel>& channels);
Frame EncodeIdResult(uint64_t id, uint64_t result_id);  // IdResult
Frame EncodeResult(uint64_t id, const CustomerRecord& record);
Frame EncodeResult(uint64_t id, const Order& order);
Frame EncodeResult(uint64_t id, const Page<Order>& page);
Frame EncodeResult(uint64_t id, const Interaction& interaction);
Frame EncodeResult(uint64_t id, const Page<Interaction>& page);
Frame EncodeResult(uint64_t id, const BatchStatuses& batch);
Frame EncodeResult(uint64_t id, const TierPolicy& policy);  // PolicyResult
Frame EncodeResult(uint64_t id, const RescoreReport& report);
Frame EncodeResult(uint64_t id, const CustomerPage& page);
Frame EncodeResult(uint64_t id, const QueryPlan& plan);
Frame EncodeResult(uint64_t id, const ChurnWatch& watch);
Frame EncodeResult(uint64_t id, const TierSummary& summary);
Frame EncodeResult(uint64_t id, const ChannelReport& report);
Frame EncodeResult(uint64_t id, const CustomerView& view);

}  // namespace protocol
}  // namespace custdb

#endif  // CUSTDB_PROTOCOL_RESULTS_H_
