// EngineCore: the state every path class shares, by reference. EngineImpl
// owns it; each path class (write/write_pipeline.h, write/merge_erase.h,
// tiering/rescorer.h, query/customer_queries.h, reports/report_reader.h,
// customer_reads.h) is given the parts its path may touch.
#ifndef CUSTDB_ENGINE_ENGINE_CORE_H_
#define CUSTDB_ENGINE_ENGINE_CORE_H_

#include "channel_registry.h"
#include "custdb/options.h"
#include "custdb/status.h"
#include "customer_cache.h"
#include "lock_table.h"
#include "storage/storage.h"
#include "tiering/policy_state.h"

namespace custdb {

struct EngineCore {
  const Options& options;
  Storage& storage;
  ChannelRegistry& channels;
  // A write path holds the stripes of every customer, identity value and
  // event id it reads or writes (write/write_pipeline.h RunLocked).
  LockTable& locks;
  // Changed only under the customer's stripe (customer_cache.h).
  CustomerCache& cache;
  // Read by a write only under its stripes (tiering/policy_state.h).
  PolicyState& policy;

  // kFailedPrecondition when opened with Options::read_only: every write
  // path calls it first, so a read-only engine refuses before validating.
  Status CheckWritable() const {
    if (!options.read_only) return Status::OK();
    return Status::FailedPrecondition("database is open read-only");
  }
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_ENGINE_CORE_H_
