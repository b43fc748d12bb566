// The handlers of the Store operations, one per member of union Op that
// Dispatch runs: decode the request table, call the Store, encode its
// result or its Status. Internal to Dispatch (dispatch.cc), which checks
// the operation and the presence of its table before calling one.
#ifndef CUSTDB_PROTOCOL_DISPATCH_HANDLERS_H_
#define CUSTDB_PROTOCOL_DISPATCH_HANDLERS_H_

#include <cstdint>

#include "custdb/store.h"
#include "protocol/dispatch.h"
#include "protocol/frame.h"

namespace custdb {
namespace protocol {

// Requires request.op_type() == the handler's operation and request.op()
// present. Returns the response frame for request `id`.
using Handler = Frame (*)(Store& store, uint64_t id,
                          const wire::Request& request,
                          const DispatchOptions& options);

// The handler of `op`, or nullptr for a session operation or one this
// build does not know.
Handler FindHandler(wire::Op op);

}  // namespace protocol
}  // namespace custdb

#endif  // CUSTDB_PROTOCOL_DISPATCH_HANDLERS_H_
