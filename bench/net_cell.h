// One cell of custdb-bench --net: `connections` AsyncClients on one
// io_context, each keeping `pipeline` requests outstanding.
#ifndef CUSTDB_BENCH_NET_CELL_H_
#define CUSTDB_BENCH_NET_CELL_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "custdb/client_options.h"
#include "custdb/types.h"
#include "net_bench.h"

namespace custdb {
namespace bench {

enum class NetOp { kGetCustomer, kRecordOrder, kViewCustomer };

struct NetCellSpec {
  NetOp op = NetOp::kGetCustomer;
  int connections = 1;
  int pipeline = 1;
  // Where to connect; `connections` is overridden with 1 per AsyncClient.
  ClientOptions client_options;
  // Request i reads customer_ids[i] (get_customer, view_customer) or
  // records orders[i] (record_order); the one in use holds the cell's
  // request count.
  std::vector<uint64_t> customer_ids;
  std::vector<Order> orders;
  double max_seconds = 60;
};

// Connects, runs the cell on the calling thread and fills row->status,
// ops, seconds, latency and note (op, connections and pipeline are the
// caller's). Never hangs: the connections must be up within the client's
// connect timeout plus a grace period, and every request answered (the
// client's own deadline gives kUnavailable) within a grace period after
// the last was sent; otherwise the row fails with kUnavailable saying
// what was still waiting. A GetCustomer or ViewCustomer answered with
// another customer than asked is a kInternal failure: the answers have
// been matched to the wrong requests.
void RunNetCell(const NetCellSpec& spec, NetRow* row);

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_NET_CELL_H_
