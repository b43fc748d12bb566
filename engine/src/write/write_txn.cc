// Staged reads and writes of one commit.
#include "write/write_txn.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "api/messages.h"
#include "storage/codec.h"
#include "storage/customer_reader.h"
#include "storage/rocks_status.h"
#include "tiering/tier_changes.h"

namespace custdb {
namespace {

using keys::Cf;

constexpr size_t kInitialBatchBytes = 1024;

Status ReadValue(const Storage* storage, keys::Cf cf, const std::string& key,
                 rocksdb::PinnableSlice* value, bool* found) {
  rocksdb::Status s =
      storage->db()->Get(rocksdb::ReadOptions(), storage->cf(cf), key, value);
  *found = s.ok();
  if (s.IsNotFound()) return Status::OK();
  return FromRocks(s, std::string("reading ") + keys::ColumnFamilyName(cf));
}

template <typename T>
Status ReadRecord(const Storage* storage, keys::Cf cf, const std::string& key,
                  std::optional<T>* out) {
  rocksdb::PinnableSlice value;
  bool found = false;
  Status s = ReadValue(storage, cf, key, &value, &found);
  out->reset();
  if (!s.ok() || !found) return s;
  T record;
  s = codec::Decode(value.ToStringView(), &record);
  if (s.ok()) *out = std::move(record);
  return s;
}

}  // namespace

Status WriteTxn::LoadCommitted(uint64_t id, const CachedCustomer** out) {
  auto it = committed_.find(id);
  if (it == committed_.end()) {
    std::optional<CachedCustomer> entry;
    CachedCustomer cached;
    if (cache_->Lookup(id, &cached)) {
      entry = std::move(cached);
    } else {
      std::optional<CustomerRecord> record;
      Status s = ReadCustomerRecord(*storage_, id, &record);
      if (!s.ok()) return s;
      if (record) {
        DerivedState derived = DerivedOf(*record);
        entry = CachedCustomer{
            std::make_shared<const Customer>(std::move(record->profile)),
            std::move(record->aggregates), std::move(derived)};
      }
    }
    it = committed_.emplace(id, std::move(entry)).first;
  }
  *out = it->second ? &*it->second : nullptr;
  return Status::OK();
}

Status WriteTxn::GetCustomer(uint64_t id, std::optional<Customer>* out) {
  auto it = customers_.find(id);
  if (it != customers_.end()) {
    *out = it->second;
    return Status::OK();
  }
  const CachedCustomer* record = nullptr;
  Status s = LoadCommitted(id, &record);
  out->reset();
  if (s.ok() && record != nullptr) *out = *record->profile;
  return s;
}

Status WriteTxn::GetAggregates(uint64_t customer_id, const Aggregates** out) {
  auto it = aggregates_.find(customer_id);
  if (it != aggregates_.end()) {
    *out = &it->second;
    return Status::OK();
  }
  const CachedCustomer* record = nullptr;
  Status s = LoadCommitted(customer_id, &record);
  *out = s.ok() && record != nullptr ? &record->aggregates : nullptr;
  return s;
}

Status WriteTxn::GetEventKey(keys::IndexTag tag, uint64_t id,
                             std::optional<std::string>* history_key) {
  rocksdb::PinnableSlice value;
  bool found = false;
  Status s = ReadValue(storage_, keys::Cf::kIndexes, keys::EventIdKey(tag, id),
                       &value, &found);
  history_key->reset();
  if (s.ok() && found) *history_key = value.ToString();
  return s;
}

Status WriteTxn::GetMergedInto(uint64_t id, uint64_t* survivor) {
  std::optional<std::string> value;
  Status s = GetEventKey(keys::IndexTag::kMergedId, id, &value);
  *survivor = 0;
  if (s.ok() && value && !keys::DecodeIdKey(*value, survivor)) {
    s = Status::Corruption("merged id " + std::to_string(id) +
                           ": undecodable survivor");
  }
  return s;
}

Status WriteTxn::OrderExists(uint64_t order_id, bool* exists) {
  if (orders_.count(order_id)) {
    *exists = true;
    return Status::OK();
  }
  std::optional<std::string> key;
  Status s = GetEventKey(keys::IndexTag::kOrderId, order_id, &key);
  *exists = key.has_value();
  return s;
}

Status WriteTxn::GetOrder(uint64_t order_id, std::optional<Order>* out) {
  auto it = orders_.find(order_id);
  if (it != orders_.end()) {
    *out = it->second;
    return Status::OK();
  }
  std::optional<std::string> key;
  Status s = GetEventKey(keys::IndexTag::kOrderId, order_id, &key);
  out->reset();
  if (!s.ok() || !key) return s;
  s = ReadRecord(storage_, keys::Cf::kOrders, *key, out);
  if (s.ok() && !out->has_value()) {
    return Status::Corruption("order " + std::to_string(order_id) +
                              " is indexed but its record is missing");
  }
  return s;
}

Status WriteTxn::InteractionExists(uint64_t id, bool* exists) {
  if (interactions_.count(id)) {
    *exists = true;
    return Status::OK();
  }
  std::optional<std::string> key;
  Status s = GetEventKey(keys::IndexTag::kInteractionId, id, &key);
  *exists = key.has_value();
  return s;
}

Status WriteTxn::GetInteraction(uint64_t id, std::optional<Interaction>* out) {
  auto it = interactions_.find(id);
  if (it != interactions_.end()) {
    *out = it->second;
    return Status::OK();
  }
  std::optional<std::string> key;
  Status s = GetEventKey(keys::IndexTag::kInteractionId, id, &key);
  out->reset();
  if (!s.ok() || !key) return s;
  s = ReadRecord(storage_, keys::Cf::kInteractions, *key, out);
  if (s.ok() && !out->has_value()) {
    return Status::Corruption("interaction " + std::to_string(id) +
                              " is indexed but its record is missing");
  }
  return s;
}

Status WriteTxn::GetIdentityHolder(keys::IndexTag tag, const std::string& value,
                                   uint64_t* holder) {
  std::string key = keys::IdentityKey(tag, value);
  auto it = identities_.find(key);
  if (it != identities_.end()) {
    *holder = it->second;
    return Status::OK();
  }
  rocksdb::PinnableSlice raw;
  bool found = false;
  Status s = ReadValue(storage_, keys::Cf::kIndexes, key, &raw, &found);
  *holder = 0;
  if (!s.ok() || !found) return s;
  if (!keys::DecodeIdKey(raw.ToStringView(), holder)) {
    return Status::Corruption("identity index entry holds " +
                              std::to_string(raw.size()) + " bytes, not an id");
  }
  return Status::OK();
}

Status WriteTxn::GetOwnerChannel(uint64_t customer_id, uint64_t* owner) {
  *owner = 0;
  auto it = customers_.find(customer_id);
  if (it != customers_.end()) {
    *owner = it->second.owner_channel_id;
    return Status::OK();
  }
  const CachedCustomer* record = nullptr;
  Status s = LoadCommitted(customer_id, &record);
  if (s.ok() && record != nullptr) *owner = record->profile->owner_channel_id;
  return s;
}

Status WriteTxn::GetOrdersOf(uint64_t customer_id, int64_t from_ms,
                             int64_t to_ms, std::vector<Order>* out) {
  out->clear();
  if (from_ms >= to_ms) return Status::OK();
  // Newest first: from the newest allowed key to just past the oldest.
  const std::string start =
      keys::HistoryKey(customer_id, to_ms - 1, UINT64_MAX);
  std::string end = keys::HistoryKey(customer_id, from_ms, 0);
  end.push_back('\0');
  rocksdb::ReadOptions ro;
  rocksdb::Slice end_slice(end);
  ro.iterate_upper_bound = &end_slice;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(
      storage_->db()->NewIterator(ro, storage_->cf(keys::Cf::kOrders)));
  std::map<uint64_t, Order> found;
  for (it->Seek(start); it->Valid(); it->Next()) {
    Order order;
    Status s = codec::Decode(it->value().ToStringView(), &order);
    if (!s.ok()) return s;
    found[order.id] = std::move(order);
  }
  Status s = FromRocks(it->status(), "scanning orders");
  if (!s.ok()) return s;
  // Staged versions replace the committed ones.
  for (const auto& [id, order] : orders_) {
    if (order.customer_id == customer_id && order.ts_ms >= from_ms &&
        order.ts_ms < to_ms) {
      found[id] = order;
    }
  }
  for (auto& entry : found) out->push_back(std::move(entry.second));
  return Status::OK();
}

void WriteTxn::PutCustomer(Customer customer) {
  const uint64_t id = customer.id;
  touched_only_.erase(id);
  customers_[id] = std::move(customer);
}

void WriteTxn::PutAggregates(uint64_t customer_id, Aggregates aggregates) {
  touched_only_.erase(customer_id);
  aggregates_[customer_id] = std::move(aggregates);
}

void WriteTxn::PutOrder(Order order) {
  const uint64_t id = order.id;
  orders_[id] = std::move(order);
}

void WriteTxn::PutInteraction(Interaction interaction) {
  const uint64_t id = interaction.id;
  interactions_[id] = std::move(interaction);
}

void WriteTxn::PutIdentity(keys::IndexTag tag, const std::string& value,
                           uint64_t holder) {
  identities_[keys::IdentityKey(tag, value)] = holder;
}

Status WriteTxn::LoadExisting(uint64_t customer_id,
                              const CachedCustomer** out) {
  Status s = LoadCommitted(customer_id, out);
  if (s.ok() && *out == nullptr) {
    return Status::NotFound(DoesNotExist("customer_id", customer_id));
  }
  return s;
}

Status WriteTxn::RemoveCustomer(uint64_t customer_id) {
  const CachedCustomer* record = nullptr;
  Status s = LoadExisting(customer_id, &record);
  if (!s.ok()) return s;
  customers_.erase(customer_id);
  aggregates_.erase(customer_id);
  removed_.insert(customer_id);
  return Status::OK();
}

void WriteTxn::DeleteOrder(std::string history_key, uint64_t order_id) {
  deleted_orders_.push_back(std::move(history_key));
  deleted_order_ids_.push_back(order_id);
}

void WriteTxn::DeleteInteraction(std::string history_key,
                                 uint64_t interaction_id) {
  deleted_interactions_.push_back(std::move(history_key));
  deleted_interaction_ids_.push_back(interaction_id);
}

void WriteTxn::DeleteOrderRecord(std::string history_key) {
  deleted_orders_.push_back(std::move(history_key));
}

void WriteTxn::DeleteInteractionRecord(std::string history_key) {
  deleted_interactions_.push_back(std::move(history_key));
}

void WriteTxn::PutAlias(uint64_t survivor, std::string forward_key) {
  alias_listings_[keys::AliasOfKey(survivor, forward_key)] = true;
  aliases_[std::move(forward_key)] = survivor;
}

void WriteTxn::MoveAlias(uint64_t from, uint64_t survivor,
                         std::string forward_key) {
  alias_listings_[keys::AliasOfKey(from, forward_key)] = false;
  PutAlias(survivor, std::move(forward_key));
}

void WriteTxn::RemoveAlias(uint64_t holder, std::string forward_key) {
  alias_listings_[keys::AliasOfKey(holder, forward_key)] = false;
  aliases_[std::move(forward_key)] = 0;
}

void WriteTxn::PutErasureAudit(uint64_t customer_id, int64_t erased_ms) {
  erasure_audits_[customer_id] = erased_ms;
}

Status WriteTxn::Touch(uint64_t customer_id) {
  if (aggregates_.count(customer_id)) return Status::OK();
  const CachedCustomer* record = nullptr;
  Status s = LoadExisting(customer_id, &record);
  if (!s.ok()) return s;
  aggregates_[customer_id] = record->aggregates;
  touched_only_.insert(customer_id);
  return Status::OK();
}

void WriteTxn::StageTiering(rocksdb::WriteBatch* batch) {
  auto cf = [this](keys::Cf id) { return storage_->cf(id); };
  auto view = [](std::string_view v) {
    return rocksdb::Slice(v.data(), v.size());
  };
  auto committed = [this](uint64_t id) -> std::optional<CommittedTiering> {
    auto base = committed_.find(id);
    if (base == committed_.end() || !base->second) return std::nullopt;
    const CachedCustomer& c = *base->second;
    return CommittedTiering{c.profile.get(), &c.aggregates, &c.derived};
  };
  std::vector<uint64_t> touched;
  for (const auto& entry : customers_) touched.push_back(entry.first);
  for (const auto& entry : aggregates_) {
    if (!customers_.count(entry.first)) touched.push_back(entry.first);
  }
  TierChanges changes(tier_);
  for (uint64_t id : touched) {
    const std::optional<CommittedTiering> before = committed(id);
    auto p = customers_.find(id);
    auto a = aggregates_.find(id);
    const Customer* profile = p != customers_.end()
                                  ? &p->second
                                  : (before ? before->profile : nullptr);
    const Aggregates* aggregates =
        a != aggregates_.end() ? &a->second
                               : (before ? before->aggregates : nullptr);
    if (profile == nullptr || aggregates == nullptr) continue;
    DerivedState after;
    if (!changes.Rederive(before ? &*before : nullptr, *profile, *aggregates,
                          touched_only_.count(id) != 0, &after)) {
      continue;
    }
    DerivedState& stored = derived_after_[id] = std::move(after);
    batch->Put(cf(keys::Cf::kAggregates), keys::IdKey(id),
               view(codec::EncodeView(*aggregates, stored)));
  }
  for (uint64_t id : removed_) {
    const std::optional<CommittedTiering> before = committed(id);
    if (!before) continue;
    batch->Delete(cf(keys::Cf::kCustomers), keys::IdKey(id));
    batch->Delete(cf(keys::Cf::kAggregates), keys::IdKey(id));
    changes.Remove(*before);
  }
  derived_changes_ += changes.derived_changes();
  for (const TierIndexMove& move : changes.SortedIndexMoves()) {
    if (move.put) {
      batch->Put(cf(keys::Cf::kTierIndex), move.key, move.value);
    } else {
      batch->Delete(cf(keys::Cf::kTierIndex), move.key);
    }
  }
  // Counters are merged by Commit once CounterGuard admitted them.
  for (auto& [key, vec] : changes.summary_deltas()) {
    if (vec.empty()) continue;
    counter_merges_.push_back(
        {keys::Cf::kCounters, key, std::move(vec), false});
  }
}

void WriteTxn::AddCount(keys::RecordKind kind, int64_t delta) {
  counts_[kind] += delta;
}

void WriteTxn::AddChannelDays(ChannelDayDeltas deltas) {
  if (channel_days_.empty()) {
    channel_days_ = std::move(deltas);  // the usual single-event case
  } else {
    AddDeltas(&channel_days_, deltas);
  }
}

void WriteTxn::PutResolveTimeEntry(std::string key) {
  resolve_time_entries_[std::move(key)] = true;
}

void WriteTxn::DeleteResolveTimeEntry(std::string key) {
  resolve_time_entries_[std::move(key)] = false;
}

void WriteTxn::RaiseMetaNumber(std::string_view name, uint64_t value) {
  auto it = meta_numbers_.find(name);
  if (it == meta_numbers_.end()) {
    meta_numbers_.emplace(std::string(name), value);
  } else if (value > it->second) {
    it->second = value;
  }
}

bool WriteTxn::empty() const {
  return customers_.empty() && aggregates_.empty() && orders_.empty() &&
         interactions_.empty() && identities_.empty() && counts_.empty() &&
         meta_numbers_.empty() && removed_.empty() && channel_days_.empty() &&
         resolve_time_entries_.empty() && deleted_orders_.empty() &&
         deleted_interactions_.empty() && aliases_.empty() &&
         alias_listings_.empty() && erasure_audits_.empty();
}

void WriteTxn::StageRecords(rocksdb::WriteBatch* batch) {
  auto cf = [this](keys::Cf id) { return storage_->cf(id); };
  auto view = [](std::string_view v) {
    return rocksdb::Slice(v.data(), v.size());
  };
  for (const auto& [id, c] : customers_) {
    batch->Put(cf(keys::Cf::kCustomers), keys::IdKey(id),
               view(codec::EncodeView(c)));
  }
  StageTiering(batch);
  for (const auto& [id, o] : orders_) {
    std::string key = keys::HistoryKey(o.customer_id, o.ts_ms, id);
    batch->Put(cf(keys::Cf::kOrders), key, view(codec::EncodeView(o)));
    batch->Put(cf(keys::Cf::kIndexes),
               keys::EventIdKey(keys::IndexTag::kOrderId, id), key);
  }
  for (const auto& [id, i] : interactions_) {
    std::string key = keys::HistoryKey(i.customer_id, i.ts_ms, id);
    batch->Put(cf(keys::Cf::kInteractions), key, view(codec::EncodeView(i)));
    batch->Put(cf(keys::Cf::kIndexes),
               keys::EventIdKey(keys::IndexTag::kInteractionId, id), key);
  }
  for (const auto& [key, holder] : identities_) {
    if (holder == 0) {
      batch->Delete(cf(keys::Cf::kIndexes), key);
    } else {
      batch->Put(cf(keys::Cf::kIndexes), key, keys::IdKey(holder));
    }
  }
}

void WriteTxn::CollectCounterMerges() {
  for (const auto& [kind, delta] : counts_) {
    if (delta != 0) {
      counter_merges_.push_back({keys::Cf::kCounters,
                                 keys::RecordCountKey(kind),
                                 {{0, delta}},
                                 true});
    }
  }
  for (const auto& [channel_day, delta] : channel_days_) {
    counter_merges_.push_back(
        {keys::Cf::kReportCounters,
         keys::ChannelDayKey(channel_day.first, channel_day.second), delta,
         false});
  }
}

void WriteTxn::StageEntries(rocksdb::WriteBatch* batch) const {
  auto cf = [this](keys::Cf id) { return storage_->cf(id); };
  for (const auto& [key, put] : resolve_time_entries_) {
    if (put) {
      batch->Put(cf(keys::Cf::kTierIndex), key, rocksdb::Slice());
    } else {
      batch->Delete(cf(keys::Cf::kTierIndex), key);
    }
  }
  for (const auto& [name, value] : meta_numbers_) {
    batch->Put(cf(keys::Cf::kMeta), name, std::to_string(value));
  }
}

Status WriteTxn::Commit(const rocksdb::WriteOptions& write_options) {
  if (empty()) return Status::OK();
  // Reserved up front: growing the batch from empty reallocated it several
  // times per single-event write.
  rocksdb::WriteBatch batch(kInitialBatchBytes);
  auto cf = [this](keys::Cf id) { return storage_->cf(id); };
  StageRecords(&batch);  // and the summary counters (StageTiering)
  CollectCounterMerges();
  StageEntries(&batch);
  StageRemovals(&batch);
  // Every counter this commit moves, admitted and merged last; the ticket
  // is held until the write returns (counter_guard.h).
  CounterGuard* guard = storage_->counter_guard();
  CounterGuard::Ticket ticket =
      guard->Admit(CounterGuard::MagnitudeOf(counter_merges_));
  if (ticket.exact()) {
    Status s = CounterGuard::CheckExactly(*storage_, counter_merges_);
    if (!s.ok()) return s;
  }
  for (const CounterMerge& m : counter_merges_) {
    batch.Merge(cf(m.cf), m.key,
                m.plain ? keys::EncodeCounter(
                              m.delta.empty() ? 0 : m.delta.front().second)
                        : keys::EncodeCounterVec(m.delta));
  }
  return FromRocks(storage_->db()->Write(write_options, &batch),
                   "committing write batch");
}

void WriteTxn::StageRemovals(rocksdb::WriteBatch* batch) const {
  auto cf = [this](keys::Cf id) { return storage_->cf(id); };
  for (const std::string& key : deleted_orders_) {
    batch->Delete(cf(keys::Cf::kOrders), key);
  }
  for (uint64_t id : deleted_order_ids_) {
    batch->Delete(cf(keys::Cf::kIndexes),
                  keys::EventIdKey(keys::IndexTag::kOrderId, id));
  }
  for (const std::string& key : deleted_interactions_) {
    batch->Delete(cf(keys::Cf::kInteractions), key);
  }
  for (uint64_t id : deleted_interaction_ids_) {
    batch->Delete(cf(keys::Cf::kIndexes),
                  keys::EventIdKey(keys::IndexTag::kInteractionId, id));
  }
  for (const auto& [forward, holder] : aliases_) {
    if (holder == 0) {
      batch->Delete(cf(keys::Cf::kIndexes), forward);
    } else {
      batch->Put(cf(keys::Cf::kIndexes), forward, keys::IdKey(holder));
    }
  }
  for (const auto& [key, listed] : alias_listings_) {
    if (listed) {
      batch->Put(cf(keys::Cf::kTierIndex), key, rocksdb::Slice());
    } else {
      batch->Delete(cf(keys::Cf::kTierIndex), key);
    }
  }
  for (const auto& [id, erased_ms] : erasure_audits_) {
    batch->Put(cf(keys::Cf::kMeta), keys::ErasureAuditKey(id),
               std::to_string(erased_ms));
  }
}

void WriteTxn::UpdateCache(bool committed) {
  auto refresh = [this, committed](uint64_t id) {
    if (!committed) {
      cache_->Erase(id);
      return;
    }
    // The transaction is done: its records move into the cache.
    CachedCustomer entry;
    auto base = committed_.find(id);
    const bool have_base = base != committed_.end() && base->second;
    if (have_base) entry = std::move(*base->second);
    auto p = customers_.find(id);
    if (p != customers_.end()) {
      entry.profile = std::make_shared<const Customer>(std::move(p->second));
    }
    auto a = aggregates_.find(id);
    const bool have_aggregates = a != aggregates_.end() || have_base;
    if (a != aggregates_.end()) entry.aggregates = std::move(a->second);
    auto d = derived_after_.find(id);
    if (d != derived_after_.end()) entry.derived = std::move(d->second);
    if (!entry.profile || !have_aggregates) {
      cache_->Erase(id);
      return;
    }
    cache_->Put(std::move(entry));
  };
  for (const auto& entry : customers_) refresh(entry.first);
  for (const auto& entry : aggregates_) {
    if (!customers_.count(entry.first)) refresh(entry.first);
  }
  for (uint64_t id : removed_) cache_->Erase(id);
}

}  // namespace custdb
