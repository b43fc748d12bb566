// What the passes of one Verify run share: the snapshot they read, the
// report they fill, and the vocabulary of their messages.
#ifndef CUSTDB_ENGINE_VERIFY_VERIFY_CONTEXT_H_
#define CUSTDB_ENGINE_VERIFY_VERIFY_CONTEXT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "custdb/engine.h"
#include "custdb/status.h"
#include "custdb/types.h"
#include "storage/identity_fields.h"  // kIdentityFields, for the passes
#include "storage/keys.h"
#include "storage/storage.h"
#include "storage/storage_read.h"

namespace custdb {

class ChannelCountersReplay;  // verify_channel_counters.h

class VerifyContext {
 public:
  // Takes a snapshot of `storage`; `report` receives the findings.
  VerifyContext(const Storage& storage, size_t max_problems,
                VerifyReport* report);
  // Releases the snapshot: every iterator must be gone by then.
  ~VerifyContext() = default;
  VerifyContext(const VerifyContext&) = delete;
  VerifyContext& operator=(const VerifyContext&) = delete;

  // Counts a problem; lists it while fewer than max_problems are listed.
  void Problem(std::string what);
  VerifyReport* report() { return report_; }
  // Keys found so far of each kind of record, for the record counters.
  int64_t& Records(keys::RecordKind kind) {
    return records_[static_cast<size_t>(kind)];
  }

  // A total-order iterator over `cf`, on the snapshot.
  StorageIterator Scan(keys::Cf cf) const;
  // Reads `key` on the snapshot; *found is false when it is absent. Other
  // read errors are returned, as FromRocks(error, context) (context
  // "verify: reading <cf name>" when empty).
  Status Get(keys::Cf cf, const std::string& key, std::string* value,
             bool* found, const std::string& context = {}) const;

 private:
  const Storage& storage_;
  const ScopedSnapshot snapshot_;
  const ReadView view_;
  size_t max_problems_;
  VerifyReport* report_;
  std::array<int64_t, 5> records_{};  // indexed by keys::RecordKind
};

// The passes, run in this order (the last compares the tallies of the
// first with the record counters).
// Customers and aggregates (both ways), each customer's aggregates
// recomputed from its histories, every history record against its key and
// its id index entry, identity index entries of each customer. Feeds each
// customer's records to `channel_replay`, which checks the channel-day
// counters last (verify_channel_counters.h).
Status VerifyCustomersAndHistories(VerifyContext* ctx,
                                   ChannelCountersReplay* channel_replay);
// Every entry of the indexes CF against the record it names.
Status VerifyIndexEntries(VerifyContext* ctx);
// Derived attributes, tier_index entries and tier-summary counters
// (verify_tiering.cc).
Status VerifyTiering(VerifyContext* ctx);
// Channel records, and every record counter against the records found.
Status VerifyRecordCounters(VerifyContext* ctx);

// --- the vocabulary of messages ----------------------------------------

// Bytes as hex for a message, shortened if long.
std::string Hex(std::string_view bytes);

// The two histories, described once so that one code path checks both.
struct HistoryKind {
  keys::Cf cf;
  keys::IndexTag id_tag;
  keys::RecordKind record_kind;
  const char* noun;        // "order"
  const char* index_name;  // "order-id index entry"
};
extern const HistoryKind kOrderHistory;
extern const HistoryKind kInteractionHistory;

// "order 5 (customer 3, ts 1700000000000)".
std::string Describe(const HistoryKind& kind,
                     const keys::HistoryKeyParts& parts);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_VERIFY_VERIFY_CONTEXT_H_
