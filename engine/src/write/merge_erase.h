// MergeErase: MergeCustomers and EraseCustomer, each one transaction of the
// write protocol (write_pipeline.h RunLocked), so one atomic batch.
#ifndef CUSTDB_ENGINE_WRITE_MERGE_ERASE_H_
#define CUSTDB_ENGINE_WRITE_MERGE_ERASE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custdb/status.h"
#include "custdb/types.h"
#include "customer_reads.h"
#include "storage/storage.h"
#include "tiering/policy_state.h"
#include "write/write_pipeline.h"

namespace custdb {

// State: reads the customers through `reads` to learn their stripes, then
// changes them only inside `pipeline`'s RunLocked; reads their histories
// and aliases from `storage` under those locks; the clock of `policy` for
// the erasure audit.
class MergeErase {
 public:
  MergeErase(const Storage& storage, const PolicyState& policy,
             CustomerReads& reads, WritePipeline& pipeline);

  Status MergeCustomers(uint64_t survivor_id, uint64_t duplicate_id);
  Status EraseCustomer(uint64_t customer_id);

 private:
  // Both customers' histories and the duplicate's aliases, read under the
  // merge's locks (merge_erase.cc).
  struct MergeInputs;

  // The erase, under the locks of `seen`'s stripes. Sets *stale (and
  // discards) when the customer's identities changed since `seen`.
  Status EraseLocked(const CustomerRecord& seen, WriteTxn& txn, bool* stale);
  // The merge, under the locks of both customers' stripes; *stale as above.
  Status MergeLocked(const CustomerRecord& survivor_seen,
                     const CustomerRecord& duplicate_seen, WriteTxn& txn,
                     bool* stale);
  Status ReadMergeInputs(uint64_t survivor_id, uint64_t duplicate_id,
                         MergeInputs* in);
  // The duplicate's records move under the survivor's key, and the
  // channel-report contributions of both leave while the merged
  // customer's arrive.
  void MoveHistories(const Customer& survivor, const Customer& duplicate,
                     MergeInputs* in, WriteTxn& txn);
  // The survivor's aggregates, replayed from all its records.
  Status ReplayAggregates(uint64_t survivor_id, int64_t redeemed,
                          const MergeInputs& in, WriteTxn& txn);
  // The survivor takes the identities it lacks; the others, and the
  // duplicate's id and aliases, resolve to it.
  void MoveIdentities(const Customer& survivor, const Customer& duplicate,
                      const MergeInputs& in, WriteTxn& txn);

  const Storage& storage_;
  const PolicyState& policy_;
  CustomerReads& reads_;
  WritePipeline& pipeline_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_WRITE_MERGE_ERASE_H_
