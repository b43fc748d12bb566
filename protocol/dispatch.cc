// The dispatch table (docs/PROTOCOL.md, "Operations"): the role and the
// pool each operation needs. Dispatch itself is a STUB until the
// conversions land.
#include "protocol/dispatch.h"

#include <iterator>

namespace custdb {
namespace protocol {
namespace {

// Indexed by the union's member number minus one, so the table and the
// schema cannot drift: a static_assert checks its length.
constexpr OpInfo kOps[] = {
    {"Hello", OpAccess::kSession, false, true, true},
    {"Ping", OpAccess::kSession, false, true, true},
    {"ServerInfo", OpAccess::kRead, false, true, true},
    {"Stats", OpAccess::kRead, false, true, true},
    {"Compact", OpAccess::kAdmin, true, true, true},
    {"Flush", OpAccess::kAdmin, false, true, true},
    {"Checkpoint", OpAccess::kAdmin, true, true, true},
    {"PutChannel", OpAccess::kWrite, false, false, true},
    {"GetChannel", OpAccess::kRead, false, false, true},
    {"ListChannels", OpAccess::kRead, false, false, true},
    {"CreateCustomer", OpAccess::kWrite, false, false, true},
    {"UpdateCustomer", OpAccess::kWrite, false, false, true},
    {"GetCustomer", OpAccess::kRead, false, false, true},
    {"GetCustomerByCode", OpAccess::kRead, false, false, true},
    {"GetCustomerByEmail", OpAccess::kRead, false, false, true},
    {"GetCustomerByPhone", OpAccess::kRead, false, false, true},
    {"RecordOrder", OpAccess::kWrite, false, false, true},
    {"UpdateOrderStatus", OpAccess::kWrite, false, false, true},
    {"RefundOrder", OpAccess::kWrite, false, false, true},
    {"GetOrder", OpAccess::kRead, false, false, true},
    {"ListOrders", OpAccess::kRead, false, false, true},
    {"RecordInteraction", OpAccess::kWrite, false, false, true},
    {"ResolveInteraction", OpAccess::kWrite, false, false, true},
    {"GetInteraction", OpAccess::kRead, false, false, true},
    {"ListInteractions", OpAccess::kRead, false, false, true},
    {"RedeemLoyaltyPoints", OpAccess::kWrite, false, false, true},
    {"ApplyBatch", OpAccess::kWrite, false, false, true},
    {"GetPolicy", OpAccess::kRead, false, false, true},
    {"SetPolicy", OpAccess::kAdmin, true, false, true},
    {"Rescore", OpAccess::kAdmin, true, false, true},
    {"FindCustomers", OpAccess::kRead, false, false, true},
    {"Explain", OpAccess::kRead, false, false, true},
    {"GetChurnWatch", OpAccess::kRead, true, false, true},
    {"GetTierSummary", OpAccess::kRead, false, false, true},
    {"GetChannelReport", OpAccess::kRead, true, false, true},
    {"ViewCustomer", OpAccess::kRead, false, false, true},
    {"MergeCustomers", OpAccess::kWrite, false, false, true},
    {"EraseCustomer", OpAccess::kWrite, false, false, true},
};
static_assert(std::size(kOps) == static_cast<size_t>(wire::Op::MAX),
              "one row per member of union Op (schema/protocol.fbs)");

}  // namespace

OpInfo DescribeOp(wire::Op op) {
  const auto n = static_cast<size_t>(op);
  if (n == 0 || n > std::size(kOps)) {
    return OpInfo{"unknown", OpAccess::kAdmin, false, false, false};
  }
  return kOps[n - 1];
}

Frame Dispatch(Store&, const wire::Request& request, const DispatchOptions&) {
  return EncodeError(request.header()->id(),
                     Status::Internal("dispatch: not implemented"));
}

}  // namespace protocol
}  // namespace custdb
