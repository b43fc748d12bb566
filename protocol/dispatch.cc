// The dispatch table (docs/PROTOCOL.md, "Operations"): the role and the
// pool each operation needs, and Dispatch, the checks every Store request
// passes before its handler (dispatch_handlers.cc) runs.
#include "protocol/dispatch.h"

#include <exception>
#include <iterator>
#include <string>

#include "protocol/dispatch_handlers.h"

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

Frame Dispatch(Store& store, const wire::Request& request,
               const DispatchOptions& options) {
  // header is required, so a verified request has one; a caller that
  // skipped verification still gets an answer, not a crash.
  const uint64_t id = request.header() == nullptr ? 0 : request.header()->id();
  const wire::Op op = request.op_type();
  if (op == wire::Op::NONE) {
    return EncodeError(id, Status::InvalidArgument(
                               "request without an operation (op_type 0)"));
  }
  const OpInfo info = DescribeOp(op);
  if (!info.known) {
    return EncodeError(
        id, Status::InvalidArgument("unknown operation " +
                                    std::to_string(static_cast<int>(op)) +
                                    " (op_type)"));
  }
  const Handler handler = FindHandler(op);
  if (info.session_op || handler == nullptr) {
    return EncodeError(
        id, Status::InvalidArgument(std::string(info.name) +
                                    " is a session operation, which the "
                                    "server answers itself, not a Store one"));
  }
  // The verifier lets a member's tag through without its table.
  if (request.op() == nullptr) {
    return EncodeError(
        id, Status::InvalidArgument(std::string(info.name) +
                                    ": missing its request table (op)"));
  }
  // No exception crosses the protocol: one that escapes the Store (an
  // allocation failure) fails this request alone.
  try {
    return handler(store, id, request, options);
  } catch (const std::exception& e) {
    return EncodeError(
        id, Status::Internal(std::string(info.name) + ": " + e.what()));
  } catch (...) {
    return EncodeError(
        id, Status::Internal(std::string(info.name) + ": unknown exception"));
  }
}

}  // namespace protocol
}  // namespace custdb
