// Engine: the embedded implementation of Store on a local RocksDB
// directory.
#ifndef CUSTDB_ENGINE_H_
#define CUSTDB_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "custdb/options.h"
#include "custdb/store.h"

namespace custdb {

// Exact record counts. Channels and customers are counters kept in the same
// write as each change; orders and interactions are counted from their id
// index, so Counts() takes time proportional to them (a scan of keys only,
// about 0.2 s per million orders).
struct RecordCounts {
  int64_t channels = 0;
  int64_t customers = 0;
  int64_t orders = 0;  // sale orders and credit notes
  int64_t interactions = 0;
};

// Storage figures of one column family, from RocksDB's properties.
struct ColumnFamilyStats {
  std::string name;
  uint64_t estimate_num_keys = 0;
  uint64_t sst_bytes = 0;
  uint64_t memtable_bytes = 0;
  uint64_t num_files = 0;
};

struct EngineStats {
  std::string base_currency;
  int schema_version = 0;
  RecordCounts counts;
  std::vector<ColumnFamilyStats> column_families;
};

// One inconsistency found by Verify.
struct VerifyProblem {
  std::string what;  // e.g. "aggregates of customer 17: order_count 3 != 4"
};

struct VerifyReport {
  int64_t customers_checked = 0;
  int64_t orders_checked = 0;
  int64_t interactions_checked = 0;
  int64_t index_entries_checked = 0;
  int64_t tier_entries_checked = 0;  // tier_index entries
  // Every mismatch found (capped at max_problems; problems_found counts all).
  std::vector<VerifyProblem> problems;
  int64_t problems_found = 0;
  bool ok() const { return problems_found == 0; }
};

class Engine : public Store {
 public:
  // Opens (or creates, per options) the database at options.path.
  // kInvalidArgument if the directory is not a custdb database or the base
  // currency differs; kFailedPrecondition if it was written by a newer
  // schema version; kIOError / kBusy (locked by another process) from the
  // file system.
  static Result<std::unique_ptr<Engine>> Open(const Options& options);

  // Flushes memtables and closes the database.
  ~Engine() override = default;

  // As ApplyBatch, but without the write-ahead log, for loading a database
  // that can be rebuilt from scratch: a crash before Flush() has returned
  // can leave the column families at different points (each keeps what
  // its own memtable flushes reached), and the database then fails Verify
  // and cannot be repaired by loading again. The importers (import.h) use
  // ApplyBatch, which costs them little (docs/BENCHMARKS.md).
  virtual Status ApplyBatchUnlogged(const std::vector<Event>& events,
                                    std::vector<Status>* statuses,
                                    std::vector<uint64_t>* ids) = 0;
  Status ApplyBatchUnlogged(const std::vector<Event>& events,
                            std::vector<Status>* statuses) {
    return ApplyBatchUnlogged(events, statuses, nullptr);
  }

  // Flushes every memtable to disk.
  virtual Status Flush() = 0;

  // Customer ids the engine assigns from now on are greater than `through`
  // (<= kMaxId, else kInvalidArgument). An importer calls it with the
  // largest id its input gives explicitly, so that a row without an id is
  // never assigned an id a later row names. Not persisted by itself: the
  // next assigned id is, when its customer is created.
  virtual Status ReserveCustomerIds(uint64_t through) = 0;

  // Compacts every column family.
  virtual Status CompactAll() = 0;

  // Writes a consistent copy of the database as of the call into `dir`,
  // which opens as a custdb database (Engine::Open) and passes Verify:
  // every memtable is flushed first (unlogged writes included), then the
  // files are hard-linked where `dir` is on the same file system and
  // copied otherwise (RocksDB's Checkpoint), so it costs little space
  // until the two diverge. `dir` must not exist; its parent must.
  // kInvalidArgument for an empty `dir`, kAlreadyExists if it exists,
  // kFailedPrecondition on a read-only engine, kIOError naming `dir` from
  // the file system (nothing is left at `dir` then). Safe to call while
  // other threads read and write; their writes after the flush are not in
  // the copy.
  virtual Status Checkpoint(const std::string& dir) = 0;

  // Recomputes every customer's aggregates from its histories, checks the
  // order/interaction id indexes and the code/email/phone indexes against
  // the records (both directions), the record counters against the
  // records, and recomputes every channel-day counter and complaint
  // resolve-time entry (ChannelReport's data) from the orders and
  // interactions, on one consistent snapshot, and reports every mismatch (up to
  // `max_problems` listed). Returns non-ok only if reading failed.
  virtual Result<VerifyReport> Verify(size_t max_problems = 100) = 0;

  virtual Result<RecordCounts> Counts() = 0;
  virtual Result<EngineStats> Stats() = 0;

  // Calls `fn` for every customer in id order; stops early and returns its
  // status if `fn` returns non-ok. Reads one consistent snapshot.
  virtual Status ForEachCustomer(
      const std::function<Status(const CustomerRecord&)>& fn) = 0;

  virtual const std::string& base_currency() const = 0;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_H_
