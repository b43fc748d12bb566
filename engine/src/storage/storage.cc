// RocksDB open, column family tuning and the schema check.
#include "storage/storage.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <filesystem>

#include "storage/counter_guard.h"
#include "storage/counter_merge_operator.h"
#include "storage/rocks_status.h"

namespace custdb {
namespace {

namespace fs = std::filesystem;

constexpr size_t kTierIndexMemtableBytes = 1u << 20;
constexpr size_t kMaxSummaryOperands = 16;

// The skiplist memtables of tier_index and report_counters remember where
// the last insert of each key prefix went (the tag and the byte after it:
// a tier, segment or stage, a time's high byte), and start the next insert
// of that prefix there, climbing only as far as needed; without a hint
// every insert that is not next to the previous one searches from the top.
// A rescore writes each tag's keys in ascending order, an order's
// last-activity and next-change keys land near the previous order's, and
// every channel-day merge of a day goes to one key.
//
// RocksDB 7.8 uses these hints for range tombstones too, on the wrong
// skiplist (later versions check `table == table_`), which Debian's
// assertion-enabled build aborts on. Range deletions here start at a
// one-byte tag (DeleteTags), outside this transform's domain, so they
// never take a hint.
class InsertHintPrefix : public rocksdb::SliceTransform {
 public:
  static constexpr size_t kLength = 2;
  const char* Name() const override { return "custdb.InsertHintPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), kLength);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return key.size() > kLength;
  }
};

// The tuning of each family of column families. Every column family but
// meta has a prefix extractor and a hash-bucketed memtable: a write's
// inserts and reads then search a bucket holding one key's versions (point
// CFs: linked lists, which turn into skiplists when long) or one customer's
// history (skiplists), not one large skiplist, which cost half of
// RecordOrder's time. Scans across prefixes must set
// ReadOptions::total_order_seek (TotalOrder()). The measurements behind
// each choice: docs/DESIGN-NOTES.md, "Column-family tuning".

// A bucket array costs 8 bytes a bucket in every memtable: size it to the
// keys a memtable of the CF can hold.
size_t MemtableBuckets(keys::Cf cf) {
  return cf == keys::Cf::kChannels || cf == keys::Cf::kCounters ? 1 << 12
                                                                : 1 << 20;
}

// orders, interactions.
void TuneHistoryCf(keys::Cf cf, rocksdb::ColumnFamilyOptions* o,
                   rocksdb::BlockBasedTableOptions* t) {
  // Histories are read as ranges of one customer: prefix blooms on the
  // customer id, no whole-key filter.
  o->prefix_extractor.reset(
      rocksdb::NewFixedPrefixTransform(keys::kHistoryPrefixLength));
  o->memtable_factory.reset(
      rocksdb::NewHashSkipListRepFactory(MemtableBuckets(cf)));
  o->memtable_prefix_bloom_size_ratio = 0.05;
  t->whole_key_filtering = false;
}

// tier_index, report_counters.
void TuneOrderedCf(rocksdb::ColumnFamilyOptions* o) {
  // Read by ordered range scans (FindCustomers, Rescore, ChurnWatch): a
  // total-order iterator over a hash memtable would copy and sort the
  // whole memtable, so these CFs keep RocksDB's default skiplist. Every
  // order moves about three of its entries (six inserts with the
  // tombstones), and each insert into a large skiplist walks many levels
  // of cache misses: a small memtable stays in the CPU cache, for more
  // (small) flushes on the background threads.
  o->write_buffer_size = kTierIndexMemtableBytes;
  o->memtable_insert_with_hint_prefix_extractor =
      std::make_shared<InsertHintPrefix>();
  // Small memtables queue behind a slow flush of another CF (DbOptions):
  // sixteen hold 16 MiB.
  o->max_write_buffer_number = 16;
}

// customers, aggregates, indexes, counters, channels.
void TunePointCf(keys::Cf cf, rocksdb::ColumnFamilyOptions* o) {
  // Point lookups by id or identity. Ids are 8 bytes. Index and counter
  // keys are bucketed by up to their first 48 bytes, in practice the
  // whole key: identities share long prefixes ("\x02customer…" for every
  // e-mail), and a short prefix put them all in one bucket.
  const bool long_keys = cf == keys::Cf::kIndexes || cf == keys::Cf::kCounters;
  o->prefix_extractor.reset(
      rocksdb::NewCappedPrefixTransform(long_keys ? 48 : 8));
  // The indexes CF keeps the default skiplist: its keys are mostly order
  // and interaction ids, which arrive ascending and so insert at the end,
  // while flushing a hash memtable of them sorts it first, which cost far
  // more background CPU for the same RecordOrder latency.
  if (cf != keys::Cf::kIndexes) {
    o->memtable_factory.reset(
        rocksdb::NewHashLinkListRepFactory(MemtableBuckets(cf)));
  }
  // A memtable bloom makes a Get for an absent key (a new order id, a
  // free e-mail) skip the memtables without searching them. Customer and
  // aggregate records are read through the customer cache, so there it
  // only cost a random memory write per insert.
  if (long_keys) {
    o->memtable_prefix_bloom_size_ratio = 0.02;
    o->memtable_whole_key_filtering = true;
  }
}

// counters, report_counters: merged, never read-modify-written.
void TuneCounterCf(keys::Cf cf, rocksdb::ColumnFamilyOptions* o) {
  // Channel-day counters live in report_counters because a report reads
  // ranges of days: a total-order iterator over the counters CF's hash
  // memtable copied and sorted every merge operand in it.
  o->merge_operator = NewAddOperator();
  // Every order merges into its owner's two tier-summary keys: a read
  // would add up every operand still in the memtables. After this many,
  // RocksDB folds them into one value. Each merge first counts the key's
  // operands in the memtable, so the bound also bounds that walk (more
  // cost RecordOrder time, fewer were no faster). A channel-day key gets a
  // day's orders of one channel, few enough to add up when read, while
  // counting them cost each order time: no bound there.
  o->max_successive_merges =
      cf == keys::Cf::kCounters ? kMaxSummaryOperands : 0;
}

rocksdb::ColumnFamilyOptions CfOptions(keys::Cf cf,
                                       std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = std::move(cache);
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.format_version = 5;
  // Flushing a hash memtable first sorts it, which takes a while on a busy
  // machine; with RocksDB's default of two memtables, writers stalled
  // behind such a flush (custdb-bench ingest1000 p99.9).
  o.max_write_buffer_number = 4;
  switch (cf) {
    case keys::Cf::kOrders:
    case keys::Cf::kInteractions:
      TuneHistoryCf(cf, &o, &t);
      break;
    case keys::Cf::kTierIndex:
    case keys::Cf::kReportCounters:
      TuneOrderedCf(&o);
      break;
    case keys::Cf::kMeta:
    case keys::Cf::kDefault:
      break;
    case keys::Cf::kChannels:
    case keys::Cf::kCustomers:
    case keys::Cf::kAggregates:
    case keys::Cf::kIndexes:
    case keys::Cf::kCounters:
      TunePointCf(cf, &o);
      break;
  }
  if (cf == keys::Cf::kCounters || cf == keys::Cf::kReportCounters) {
    TuneCounterCf(cf, &o);
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

// Stages the deletion of every key whose first byte (its tag) lies in
// [first, last]. The begin key must stay one byte: see InsertHintPrefix.
rocksdb::Status DeleteTags(rocksdb::WriteBatch* batch,
                           rocksdb::ColumnFamilyHandle* cf, uint8_t first,
                           uint8_t last) {
  const std::string begin(1, static_cast<char>(first));
  // Tags stay below 0xff, so last + 1 is a key above every tagged one.
  const std::string end(1, static_cast<char>(last + 1));
  return batch->DeleteRange(cf, begin, end);
}

// RocksDB's info log for read-only opens: without one, RocksDB creates
// LOG in the database directory (renaming the old one), which fails on a
// read-only file system and changes a snapshot that should stay as it was.
class NullLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

// Why a read-only open cannot go on: the database needs a write first.
Status NeedsWrite(const std::string& what) {
  return Status::FailedPrecondition(
      what +
      ", which a read-only open cannot do; open the database (or a "
      "writable copy of it) read-write once first");
}

bool DirectoryHoldsFiles(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  return fs::is_directory(path, ec) && !fs::is_empty(path, ec);
}

bool ValidCurrency(const std::string& c) {
  if (c.size() != 3) return false;
  for (char ch : c) {
    if (ch < 'A' || ch > 'Z') return false;
  }
  return true;
}

// Whether `options.path` may be opened as asked: *exists tells whether it
// holds a database already; a missing directory is created.
Status CheckDirectory(const Options& options, bool* exists) {
  if (options.path.empty()) {
    return Status::InvalidArgument("options.path: is empty");
  }
  if (!options.base_currency.empty() && !ValidCurrency(options.base_currency)) {
    return Status::InvalidArgument("options.base_currency: '" +
                                   options.base_currency +
                                   "' is not an ISO 4217 code");
  }
  std::error_code ec;
  const std::string current = options.path + "/CURRENT";
  *exists = fs::exists(current, ec);
  if (!*exists && options.read_only) {
    return Status::NotFound("options.path: '" + options.path +
                            "' holds no custdb database (a read-only open "
                            "never creates one)");
  }
  if (*exists) {
    if (options.error_if_exists) {
      return Status::AlreadyExists("options.path: '" + options.path +
                                   "' already holds a database");
    }
    return Status::OK();
  }
  if (fs::exists(options.path, ec) && !fs::is_directory(options.path, ec)) {
    return Status::InvalidArgument("options.path: '" + options.path +
                                   "' is not a directory");
  }
  if (DirectoryHoldsFiles(options.path)) {
    return Status::InvalidArgument(
        "options.path: '" + options.path +
        "' is not empty and holds no custdb database; refusing to use it");
  }
  if (!options.create_if_missing) {
    return Status::NotFound("options.path: '" + options.path +
                            "' holds no custdb database "
                            "(create_if_missing is false)");
  }
  fs::create_directories(options.path, ec);
  if (ec) {
    return Status::IOError("options.path: cannot create '" + options.path +
                           "': " + ec.message());
  }
  return Status::OK();
}

// The column families of the existing database at `path`; kInvalidArgument
// if it is a RocksDB database but not a custdb one.
Status ListExisting(const std::string& path, std::vector<std::string>* out) {
  rocksdb::Status s =
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, out);
  if (!s.ok()) return FromRocks(s, "listing column families");
  bool has_meta = false;
  for (const auto& name : *out) has_meta |= name == "meta";
  if (!has_meta) {
    return Status::InvalidArgument("options.path: '" + path +
                                   "' is a RocksDB database but not a "
                                   "custdb one (no meta column family)");
  }
  return Status::OK();
}

// custdb's column families, then any others `existing` holds.
Status Descriptors(const Options& options,
                   const std::vector<std::string>& existing,
                   std::vector<rocksdb::ColumnFamilyDescriptor>* out) {
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  for (keys::Cf cf : keys::kAllColumnFamilies) {
    out->emplace_back(keys::ColumnFamilyName(cf), CfOptions(cf, cache));
  }
  if (options.read_only) {
    // OpenForReadOnly does not create missing column families.
    for (const auto& d : *out) {
      if (std::find(existing.begin(), existing.end(), d.name) ==
          existing.end()) {
        return NeedsWrite("column family " + d.name +
                          " is missing and must be created");
      }
    }
  }
  // Column families a later version (or an operator) added stay openable.
  for (const auto& name : existing) {
    bool known = false;
    for (const auto& d : *out) known |= d.name == name;
    if (!known) out->emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  return Status::OK();
}

rocksdb::DBOptions DbOptions(bool read_only) {
  rocksdb::DBOptions o;
  // Hash memtables take one writer at a time (RocksDB's write group
  // leader inserts for the whole group).
  o.allow_concurrent_memtable_write = false;
  o.create_if_missing = !read_only;
  o.create_missing_column_families = !read_only;
  // Two flush threads, not RocksDB's one per four jobs: flushing a large
  // hash memtable (indexes, orders) sorts it first and takes seconds,
  // during which tier_index's small memtables waited and writers stopped
  // (custdb-bench ingest1000 p99.9; docs/DESIGN-NOTES.md, "Column-family
  // tuning"). Setting both counts takes RocksDB's legacy split of
  // background threads.
  o.max_background_flushes = 2;
  o.max_background_compactions = 2;
  o.bytes_per_sync = 1 << 20;
  o.keep_log_file_num = 5;
  if (read_only) o.info_log = std::make_shared<NullLogger>();
  return o;
}

}  // namespace

Status Storage::Open(const Options& options, std::unique_ptr<Storage>* out) {
  bool exists = false;
  Status st = CheckDirectory(options, &exists);
  std::vector<std::string> existing;
  if (st.ok() && exists) st = ListExisting(options.path, &existing);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  if (st.ok()) st = Descriptors(options, existing, &descriptors);
  if (!st.ok()) return st;

  const rocksdb::DBOptions db_options = DbOptions(options.read_only);
  std::unique_ptr<Storage> storage(new Storage());
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, options.path, descriptors,
                                         &storage->handles_, &raw)
          : rocksdb::DB::Open(db_options, options.path, descriptors,
                              &storage->handles_, &raw);
  if (!s.ok()) return FromRocks(s, "opening '" + options.path + "'");
  storage->db_.reset(raw);

  st = storage->LoadMeta(options);
  if (!st.ok()) return st;
  *out = std::move(storage);
  return Status::OK();
}

// Initialises a new database or checks (and migrates) an existing one's
// meta, then finds the counter guard's bound.
Status Storage::LoadMeta(const Options& options) {
  uint64_t version = 0;
  Status st = ReadMetaNumber(keys::kMetaSchemaVersion, &version);
  if (!st.ok()) return st;
  if (version == 0 && options.read_only) {
    return NeedsWrite(
        "schema_version: is missing (the database's creation did not "
        "finish) and must be written");
  }
  st = version == 0 ? Initialize(options) : CheckMeta(options);
  // A read-only database writes no counters: no bound to find.
  uint64_t largest = 0;
  if (st.ok() && !options.read_only) {
    st = CounterGuard::LargestStored(*this, &largest);
  }
  if (!st.ok()) return st;
  counter_guard_ = std::make_unique<CounterGuard>(largest);
  return Status::OK();
}

// A new database, or one whose creation was cut off before its meta was
// written (then it holds no records either): write the schema version and
// the base currency.
Status Storage::Initialize(const Options& options) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(TotalOrder(), cf(keys::Cf::kCustomers)));
  it->SeekToFirst();
  if (it->Valid()) {
    return Status::Corruption("database has customers but no schema_version");
  }
  base_currency_ =
      options.base_currency.empty() ? "USD" : options.base_currency;
  schema_version_ = kSchemaVersion;
  rocksdb::WriteBatch batch;
  batch.Put(cf(keys::Cf::kMeta), std::string(keys::kMetaBaseCurrency),
            base_currency_);
  batch.Put(cf(keys::Cf::kMeta), std::string(keys::kMetaSchemaVersion),
            std::to_string(kSchemaVersion));
  return WriteSynced(&batch, "writing schema version");
}

Status Storage::CheckMeta(const Options& options) {
  uint64_t version = 0;
  Status st = ReadMetaNumber(keys::kMetaSchemaVersion, &version);
  if (!st.ok()) return st;
  if (version > static_cast<uint64_t>(kSchemaVersion)) {
    return Status::FailedPrecondition(
        "schema_version: " + std::to_string(version) +
        " is newer than this build supports (" +
        std::to_string(kSchemaVersion) + "); upgrade custdb");
  }
  if (version < static_cast<uint64_t>(kSchemaVersion) && options.read_only) {
    return NeedsWrite("schema_version: " + std::to_string(version) +
                      " is older than this build's " +
                      std::to_string(kSchemaVersion) + " and must be migrated");
  }
  if (version < static_cast<uint64_t>(kSchemaVersion)) {
    st = Migrate(version);
    if (!st.ok()) return st;
    version = kSchemaVersion;
  }
  schema_version_ = static_cast<int>(version);
  std::string currency;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(keys::Cf::kMeta),
                               std::string(keys::kMetaBaseCurrency), &currency);
  if (!s.ok()) return FromRocks(s, "reading base_currency");
  base_currency_ = currency;
  if (!options.base_currency.empty() &&
      options.base_currency != base_currency_) {
    return Status::InvalidArgument(
        "options.base_currency: '" + options.base_currency +
        "' differs from the database's " + base_currency_);
  }
  return Status::OK();
}

// Everything an older schema kept that this one does not, removed in one
// batch with the new version number, so an interrupted migration runs
// again on the next open.
Status Storage::Migrate(uint64_t from_version) {
  rocksdb::WriteBatch batch;
  rocksdb::Status s;
  if (from_version < 3) {
    // Schema 3 derives lifecycle and quantile scores by other rules: every
    // stored derivation is stale.
    s = batch.Put(cf(keys::Cf::kMeta), std::string(keys::kMetaRebuildTiering),
                  "1");
  }
  if (s.ok() && from_version < 2) {
    // Schema 2 changed the layout of last_activity entries and dropped the
    // global spend index, the buyer-day markers and two summary scopes:
    // the engine writes every customer's entries and counters anew when it
    // opens (ClearTiering, then EngineImpl::LoadTiering).
    const auto marker = static_cast<uint8_t>(keys::TierTag::kRetiredBuyerDay);
    s = DeleteTags(&batch, cf(keys::Cf::kTierIndex), marker, marker);
    if (s.ok()) {
      s = batch.Put(cf(keys::Cf::kMeta), std::string(keys::kMetaRebuildTiering),
                    "1");
    }
  }
  if (s.ok()) {
    s = batch.Put(cf(keys::Cf::kMeta), std::string(keys::kMetaSchemaVersion),
                  std::to_string(kSchemaVersion));
  }
  if (!s.ok()) return FromRocks(s, "staging the schema migration");
  return WriteSynced(&batch, "migrating schema " +
                                 std::to_string(from_version) + " to " +
                                 std::to_string(kSchemaVersion));
}

Status Storage::ClearTiering() {
  rocksdb::WriteBatch batch;
  rocksdb::Status s =
      DeleteTags(&batch, cf(keys::Cf::kTierIndex),
                 static_cast<uint8_t>(keys::TierTag::kOwnerSpend),
                 static_cast<uint8_t>(keys::TierTag::kNextChange));
  if (s.ok()) {
    const auto summary = static_cast<uint8_t>(keys::CounterTag::kTierSummary);
    s = DeleteTags(&batch, cf(keys::Cf::kCounters), summary, summary);
  }
  if (!s.ok()) return FromRocks(s, "staging the tier index clear");
  return WriteSynced(&batch, "clearing the tier index");
}

Status Storage::WriteSynced(rocksdb::WriteBatch* batch,
                            const std::string& what) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Write(wo, batch), what);
}

Status Storage::ReadMetaNumber(std::string_view name, uint64_t* value) const {
  std::string raw;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(keys::Cf::kMeta),
                               rocksdb::Slice(name.data(), name.size()), &raw);
  *value = 0;
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return FromRocks(s, "reading meta " + std::string(name));
  if (raw.empty() || raw.size() > 19) {
    return Status::Corruption("meta " + std::string(name) + ": '" + raw +
                              "' is not a number");
  }
  for (char c : raw) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return Status::Corruption("meta " + std::string(name) + ": '" + raw +
                                "' is not a number");
    }
  }
  *value = std::stoull(raw);
  return Status::OK();
}

rocksdb::ReadOptions TotalOrder() {
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  return ro;
}

Storage::~Storage() {
  if (!db_) return;
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->Close().PermitUncheckedError();
}

}  // namespace custdb
