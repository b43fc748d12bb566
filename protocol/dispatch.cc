// Dispatch: STUB until the protocol work lands.
#include "protocol/dispatch.h"

namespace custdb {
namespace protocol {

OpInfo DescribeOp(wire::Op op) {
  const char* name = wire::EnumNameOp(op);
  bool known = name != nullptr && *name != '\0';
  bool session = op == wire::Op::Hello || op == wire::Op::Ping;
  return OpInfo{known ? name : "unknown", OpAccess::kRead, false, session,
                known};
}

Frame Dispatch(Store&, const wire::Request& request) {
  return EncodeError(request.header()->id(),
                     Status::Internal("dispatch: not implemented"));
}

}  // namespace protocol
}  // namespace custdb
