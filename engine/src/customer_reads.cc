// Customer reads: customers, events, histories, counts and statistics.
#include "customer_reads.h"

#include "api/messages.h"
#include "query/cursor.h"
#include "storage/codec.h"
#include "storage/customer_reader.h"
#include "storage/identity_fields.h"
#include "write/validate.h"

namespace custdb {

namespace {

Status CustomerNotFound(uint64_t customer_id) {
  return Status::NotFound(DoesNotExist("customer_id", customer_id));
}

CursorKind CursorKindOf(const HistoryKind& kind) {
  return static_cast<CursorKind>(kind.cursor_kind);
}
static_assert(kOrdersHistory.cursor_kind ==
                  static_cast<uint8_t>(CursorKind::kOrderHistory) &&
              kInteractionsHistory.cursor_kind ==
                  static_cast<uint8_t>(CursorKind::kInteractionHistory));

// The range a history cursor carries before its last key: the query's
// [from_ms, to_ms).
std::string CursorRange(const HistoryQuery& q) {
  std::string range;
  keys::PutI64(&range, q.from_ms);
  keys::PutI64(&range, q.to_ms);
  return range;
}

// The history key a cursor of `q` resumes after, checked step by step: of
// this kind, made for this range, a key of this customer inside [start,
// end). False for any other cursor.
bool CursorPosition(const HistoryKind& kind, const HistoryQuery& q,
                    const std::string& range, const std::string& start,
                    const std::string& end, std::string* position) {
  std::string decoded;
  if (!DecodeCursor(q.cursor, CursorKindOf(kind), &decoded)) return false;
  if (decoded.compare(0, range.size(), range) != 0) return false;
  *position = decoded.substr(range.size());
  keys::HistoryKeyParts parts;
  if (!keys::DecodeHistoryKey(*position, &parts)) return false;
  if (parts.customer_id != q.customer_id) return false;
  return *position >= start && *position < end;
}

}  // namespace

CustomerReads::CustomerReads(const Storage& storage, LockTable& locks,
                             CustomerCache& cache, const PolicyState& policy)
    : storage_(storage), locks_(locks), cache_(cache), policy_(policy) {}

Result<CustomerRecord> CustomerReads::ReadCustomer(uint64_t customer_id) {
  CachedCustomer cached;
  if (cache_.Lookup(customer_id, &cached)) {
    CustomerRecord record;
    record.profile = *cached.profile;
    record.aggregates = std::move(cached.aggregates);
    SetDerived(cached.derived, policy_.rescored_through(), &record);
    return record;
  }
  // Fill the miss under the customer's stripe lock: no write can commit
  // between the read and the cache insert, so the entry is current.
  LockTable::Guard guard(&locks_, {LockTable::StripeOf(customer_id)});
  std::optional<CustomerRecord> read;
  Status s = ReadCustomerRecord(storage_, customer_id, &read);
  if (!s.ok()) return s;
  if (!read) return CustomerNotFound(customer_id);
  DerivedState derived = DerivedOf(*read);
  read->derived_as_of_ms = ReportedAsOf(derived, policy_.rescored_through());
  cache_.Put({std::make_shared<const Customer>(read->profile), read->aggregates,
              std::move(derived)});
  return std::move(*read);
}

Result<CustomerRecord> CustomerReads::ReadCustomerAt(
    uint64_t customer_id, const ScopedSnapshot* snapshot) {
  std::optional<CustomerRecord> read;
  Status s =
      ReadCustomerRecord(storage_, customer_id, &read, ReadView{snapshot});
  if (!s.ok()) return s;
  if (!read) return CustomerNotFound(customer_id);
  read->derived_as_of_ms =
      ReportedAsOf(DerivedOf(*read), policy_.rescored_through());
  return std::move(*read);
}

Result<CustomerRecord> CustomerReads::ResolveCustomer(
    uint64_t customer_id, const ScopedSnapshot* snapshot) {
  auto read = [&](uint64_t id) {
    return snapshot ? ReadCustomerAt(id, snapshot) : ReadCustomer(id);
  };
  Result<CustomerRecord> record = read(customer_id);
  if (record.ok() || record.status().code() != StatusCode::kNotFound) {
    return record;
  }
  // The id of a customer merged into another resolves to the survivor.
  std::string survivor;
  ReadOutcome found =
      storage_.Read(keys::Cf::kIndexes,
                    keys::EventIdKey(keys::IndexTag::kMergedId, customer_id),
                    &survivor, ReadView{snapshot});
  uint64_t id = 0;
  if (found.found() && keys::DecodeIdKey(survivor, &id)) return read(id);
  return record;
}

Result<CustomerRecord> CustomerReads::ReadCustomerByIdentity(
    const IdentityField& field, const std::string& value) {
  std::string holder;
  ReadOutcome read = storage_.Read(
      keys::Cf::kIndexes, keys::IdentityKey(field.tag, value), &holder);
  // A value a merged customer had: it resolves to the survivor.
  if (read.absent()) {
    read = storage_.Read(keys::Cf::kIndexes,
                         keys::IdentityKey(field.alias_tag, value), &holder);
  }
  if (read.absent()) {
    return Status::NotFound("no customer has " + QuoteValue(value));
  }
  if (read.failed()) return read.Error("reading identity index");
  uint64_t id = 0;
  if (!keys::DecodeIdKey(holder, &id)) {
    return Status::Corruption("identity index entry is not an id");
  }
  return ReadCustomer(id);
}

Result<CustomerRecord> CustomerReads::GetCustomerByCode(
    const std::string& code) {
  return ReadCustomerByIdentity(*IdentityFieldOf(keys::IndexTag::kCustomerCode),
                                code);
}

Result<CustomerRecord> CustomerReads::GetCustomerByEmail(
    const std::string& email) {
  std::string normalized;
  Status s = NormalizeEmail("email", email, &normalized);
  if (!s.ok()) return s;
  return ReadCustomerByIdentity(
      *IdentityFieldOf(keys::IndexTag::kCustomerEmail), normalized);
}

Result<CustomerRecord> CustomerReads::GetCustomerByPhone(
    const std::string& phone) {
  std::string normalized;
  Status s = NormalizePhone("phone", phone, &normalized);
  if (!s.ok()) return s;
  return ReadCustomerByIdentity(
      *IdentityFieldOf(keys::IndexTag::kCustomerPhone), normalized);
}

template <typename T>
Result<T> CustomerReads::ReadEvent(uint64_t id) {
  const HistoryKind& kind = HistoryKindOf<T>();
  const std::string what = kind.noun;
  std::string history_key;
  ReadOutcome read = storage_.Read(
      keys::Cf::kIndexes, keys::EventIdKey(kind.id_tag, id), &history_key);
  if (read.absent()) {
    return Status::NotFound(DoesNotExist(what + "_id", id));
  }
  if (read.failed()) return read.Error("reading " + what + " index");
  PinnedValue value;
  read = storage_.Read(kind.cf, history_key, &value);
  // Absent too is an error here: the index names this key.
  if (!read.found()) {
    return read.Error("reading indexed " + what + " " + std::to_string(id));
  }
  T record;
  Status st = codec::Decode(value.view(), &record);
  if (!st.ok()) return st;
  return record;
}

template <typename T>
Result<Page<T>> CustomerReads::ListHistory(const HistoryQuery& q,
                                           const ScopedSnapshot* snapshot) {
  const HistoryKind& kind = HistoryKindOf<T>();
  if (q.limit == 0 || q.limit > kMaxHistoryLimit) {
    return Status::InvalidArgument(
        IsOutside("query.limit", q.limit, 1, kMaxHistoryLimit));
  }
  if (q.from_ms > q.to_ms) {
    return Status::InvalidArgument(
        IsAfter("query.from_ms", std::to_string(q.from_ms),
                "query.to_ms " + std::to_string(q.to_ms)));
  }
  // Newest first is ascending key order: the scan starts at the newest
  // allowed key (ts = to_ms - 1, largest id) and stops before the first
  // key older than from_ms.
  std::string start;
  if (q.to_ms != INT64_MIN) {
    start = keys::HistoryKey(q.customer_id, q.to_ms - 1, UINT64_MAX);
  } else {
    start = keys::HistoryKey(q.customer_id, INT64_MIN, 0) + '\xff';
  }
  std::string end = keys::HistoryKey(q.customer_id, q.from_ms, 0);
  end.push_back('\0');  // the key right after the oldest allowed one
  // A cursor carries the range it was made for, then the last key returned.
  const std::string range = CursorRange(q);
  if (!q.cursor.empty()) {
    std::string position;
    if (!CursorPosition(kind, q, range, start, end, &position)) {
      return Status::InvalidArgument("query.cursor: " + QuoteValue(q.cursor) +
                                     " does not belong to this query");
    }
    start = position + '\0';  // strictly after the last item returned
  }
  Page<T> page;
  if (start < end) {
    Status s = ScanHistory(start, end, range, q.limit, snapshot, &page);
    if (!s.ok()) return s;
  }
  // Histories exist only for existing customers, so only an empty page
  // needs the existence check.
  if (page.items.empty()) {
    std::string exists;
    ReadOutcome read =
        storage_.Read(keys::Cf::kAggregates, keys::IdKey(q.customer_id),
                      &exists, ReadView{snapshot});
    if (read.absent()) {
      return Status::NotFound(DoesNotExist("query.customer_id", q.customer_id));
    }
    if (read.failed()) return read.Error("reading customer");
  }
  return page;
}

template <typename T>
Status CustomerReads::ScanHistory(const std::string& start,
                                  const std::string& end,
                                  const std::string& range, uint32_t limit,
                                  const ScopedSnapshot* snapshot,
                                  Page<T>* page) {
  const HistoryKind& kind = HistoryKindOf<T>();
  ScanBounds bounds;
  bounds.Upper(end).SamePrefix();
  StorageIterator it = storage_.ScanWithin(kind.cf, bounds, ReadView{snapshot});
  std::string last_key;
  for (it.Seek(start); it.Valid(); it.Next()) {
    if (page->items.size() == limit) {
      page->next_cursor = EncodeCursor(CursorKindOf(kind), range + last_key);
      break;
    }
    T record;
    Status s = codec::Decode(it.value(), &record);
    if (!s.ok()) return s;
    page->items.push_back(std::move(record));
    last_key.assign(it.key());
  }
  return it.status("scanning history");
}

// The two kinds: GetOrder, GetInteraction, ListOrders, ListInteractions,
// and ViewCustomer (reports/report_reader.cc) at its snapshot.
template Result<Order> CustomerReads::ReadEvent<Order>(uint64_t);
template Result<Interaction> CustomerReads::ReadEvent<Interaction>(uint64_t);
template Result<Page<Order>> CustomerReads::ListHistory<Order>(
    const HistoryQuery&, const ScopedSnapshot*);
template Result<Page<Interaction>> CustomerReads::ListHistory<Interaction>(
    const HistoryQuery&, const ScopedSnapshot*);

// Orders and interactions are counted through their id index rather than
// kept in a counter: a counter merge on every RecordOrder cost a tenth of
// its time (docs/DESIGN-NOTES.md, "Record counts").
Result<RecordCounts> CustomerReads::Counts() {
  RecordCounts counts;
  struct {
    keys::RecordKind kind;
    int64_t* out;
  } counted[] = {{keys::RecordKind::kChannel, &counts.channels},
                 {keys::RecordKind::kCustomer, &counts.customers}};
  for (const auto& w : counted) {
    std::string value;
    ReadOutcome read = storage_.Read(keys::Cf::kCounters,
                                     keys::RecordCountKey(w.kind), &value);
    if (read.absent()) continue;
    if (read.failed()) return read.Error("reading counters");
    if (!keys::DecodeCounter(value, w.out)) {
      return Status::Corruption("record counter holds " +
                                std::to_string(value.size()) + " bytes");
    }
  }
  struct {
    keys::IndexTag tag;
    int64_t* out;
  } indexed[] = {{keys::IndexTag::kOrderId, &counts.orders},
                 {keys::IndexTag::kInteractionId, &counts.interactions}};
  for (const auto& w : indexed) {
    const std::string lower(1, static_cast<char>(w.tag));
    const std::string upper(1,
                            static_cast<char>(static_cast<uint8_t>(w.tag) + 1));
    ScanBounds bounds;
    bounds.Upper(upper);
    StorageIterator it = storage_.ScanWithin(keys::Cf::kIndexes, bounds);
    for (it.Seek(lower); it.Valid(); it.Next()) ++*w.out;
    Status s = it.status("counting records");
    if (!s.ok()) return s;
  }
  return counts;
}

Result<EngineStats> CustomerReads::Stats() {
  EngineStats stats;
  stats.base_currency = storage_.base_currency();
  stats.schema_version = storage_.schema_version();
  auto counts = Counts();
  if (!counts.ok()) return counts.status();
  stats.counts = *counts;
  for (keys::Cf cf : keys::kCustdbColumnFamilies) {
    stats.column_families.push_back(storage_.ColumnFamilyStatsOf(cf));
  }
  return stats;
}

Status CustomerReads::ForEachCustomer(
    const std::function<Status(const CustomerRecord&)>& fn) {
  // One pass over everything: kept out of the block cache (ReadView).
  ScopedSnapshot snapshot(storage_);
  const ReadView view{&snapshot, /*fill_cache=*/false};
  StorageIterator profiles = storage_.Scan(keys::Cf::kCustomers, view);
  StorageIterator aggregates = storage_.Scan(keys::Cf::kAggregates, view);
  Status s;
  aggregates.SeekToFirst();
  for (profiles.SeekToFirst(); s.ok() && profiles.Valid(); profiles.Next()) {
    // Both column families hold exactly the customer ids, in order.
    if (!aggregates.Valid() || aggregates.key() != profiles.key()) {
      s = Status::Corruption("customer and aggregates keys diverge");
      break;
    }
    CustomerRecord record;
    s = codec::Decode(profiles.value(), &record.profile);
    DerivedState derived;
    if (s.ok()) {
      s = codec::Decode(aggregates.value(), &record.aggregates, &derived);
    }
    SetDerived(derived, policy_.rescored_through(), &record);
    if (s.ok()) s = fn(record);
    aggregates.Next();
  }
  if (s.ok()) s = profiles.status("scanning customers");
  if (s.ok()) s = aggregates.status("scanning aggregates");
  return s;
}

}  // namespace custdb
