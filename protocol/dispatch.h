// The server side of the protocol: what each operation needs (its access
// class and whether it is long), and Dispatch, which decodes a Store
// operation, calls the Store and encodes its result. Nothing about
// customers is decided here: the Store does it (DESIGN.md §1).
#ifndef CUSTDB_PROTOCOL_DISPATCH_H_
#define CUSTDB_PROTOCOL_DISPATCH_H_

#include "custdb/store.h"
#include "protocol/frame.h"

namespace custdb {
namespace protocol {

// The role an operation needs (a role includes the ones before it).
enum class OpAccess : uint8_t {
  kSession,  // Hello, Ping: any authenticated session
  kRead,     // reader, writer, admin
  kWrite,    // writer, admin
  kAdmin,    // admin: Compact, Flush, Checkpoint, SetPolicy, Rescore
};

struct OpInfo {
  const char* name;  // the union member's name, "GetCustomer"; "unknown"
  OpAccess access;
  // Runs on the server's worker pool, not the I/O thread (rescore, policy
  // change, full reports, compaction, checkpoint).
  bool long_running;
  // Handled by the session itself (Hello, Ping, ServerInfo, Stats,
  // Compact, Flush, Checkpoint), not by Dispatch.
  bool session_op;
  bool known;  // false for a member this build does not know
};
OpInfo DescribeOp(wire::Op op);

// The server's per-response limits (docs/PROTOCOL.md, "Limits").
struct DispatchOptions {
  // The most rows one response carries: a query or history asking for more
  // gets this many and a cursor for the rest.
  uint32_t max_rows = 10000;
  // The most events one ApplyBatch may carry; more: kResourceExhausted
  // naming ApplyBatch.events and the count, and nothing is applied.
  uint32_t max_batch_events = 10000;
};

// Runs the Store operation in `request` and returns its response frame
// (with the request's id): the Store's Status code and message unchanged,
// and its result when ok. kInvalidArgument naming the operation for a
// session op or an unknown one, and naming the field for a request whose
// fields are missing or out of range.
Frame Dispatch(Store& store, const wire::Request& request,
               const DispatchOptions& options = {});

}  // namespace protocol
}  // namespace custdb

#endif  // CUSTDB_PROTOCOL_DISPATCH_H_
