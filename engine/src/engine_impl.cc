// Engine open, channels and the write pipeline.
#include "engine_impl.h"

#include <rocksdb/db.h>
#include <rocksdb/perf_level.h>

#include <chrono>

#include "storage/codec.h"
#include "storage/counter_guard.h"
#include "storage/rocks_status.h"
#include "write/validate.h"
#include "write/write_txn.h"

namespace custdb {
namespace {

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Largest id of a u64-keyed range (the last key that starts with `prefix`),
// 0 if none.
Status LastId(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
              const std::string& prefix, uint64_t* id) {
  std::string upper = prefix;
  upper.append(8, '\xff');
  upper.push_back('\xff');
  rocksdb::ReadOptions ro = TotalOrder();
  rocksdb::Slice lower_bound(prefix);
  ro.iterate_lower_bound = &lower_bound;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf));
  it->SeekForPrev(upper);
  *id = 0;
  if (it->Valid()) {
    std::string_view key = it->key().ToStringView();
    key.remove_prefix(prefix.size());
    if (!keys::GetU64(&key, id)) *id = 0;
  }
  return FromRocks(it->status(), "finding the largest id");
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::Open(const Options& options) {
  std::unique_ptr<Engine> engine;
  Status s = EngineImpl::Open(options, &engine);
  if (!s.ok()) return s;
  return engine;
}

EngineImpl::EngineImpl(const Options& options, std::unique_ptr<Storage> storage)
    : options_(options),
      storage_(std::move(storage)),
      cache_(options.customer_cache_bytes),
      policy_state_(options.clock_ms ? options.clock_ms : SystemNowMs) {
  ctx_.channels = &channels_;
  ctx_.base_currency = &storage_->base_currency();
  ctx_.now_ms = options_.clock_ms ? options_.clock_ms : SystemNowMs;
}

Status EngineImpl::Open(const Options& options, std::unique_ptr<Engine>* out) {
  std::unique_ptr<Storage> storage;
  Status s = Storage::Open(options, &storage);
  if (!s.ok()) return s;
  std::unique_ptr<EngineImpl> engine(
      new EngineImpl(options, std::move(storage)));
  s = engine->LoadState();
  if (!s.ok()) return s;
  *out = std::move(engine);
  return Status::OK();
}

// Loads the channels and the id sequences. A sequence is the larger of its
// stored value and one past the largest id present, because concurrent
// commits may store their sequence values out of order.
// One past the larger of the stored sequence and the largest id on disk,
// saturated at kMaxId + 1 ("exhausted") so that ids written above kMaxId
// by an older version cannot wrap the sequence back to 1.
static uint64_t NextId(uint64_t stored, uint64_t last) {
  const uint64_t past_last = last >= kMaxId ? kMaxId + 1 : last + 1;
  return std::min(std::max<uint64_t>({stored, past_last, 1}), kMaxId + 1);
}

Status EngineImpl::LoadState() {
  rocksdb::DB* db = storage_->db();
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(TotalOrder(), storage_->cf(keys::Cf::kChannels)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Channel channel;
    Status s = codec::Decode(it->value().ToStringView(), &channel);
    if (!s.ok()) return s;
    channels_.Put(channel);
  }
  Status s = FromRocks(it->status(), "loading channels");
  if (!s.ok()) return s;

  uint64_t stored = 0, last = 0;
  s = storage_->ReadMetaNumber(keys::kMetaNextCustomerId, &stored);
  if (s.ok()) s = LastId(db, storage_->cf(keys::Cf::kCustomers), "", &last);
  if (!s.ok()) return s;
  next_customer_id_ = NextId(stored, last);

  s = storage_->ReadMetaNumber(keys::kMetaNextInteractionId, &stored);
  std::string prefix(1, static_cast<char>(keys::IndexTag::kInteractionId));
  if (s.ok()) s = LastId(db, storage_->cf(keys::Cf::kIndexes), prefix, &last);
  if (!s.ok()) return s;
  next_interaction_id_ = NextId(stored, last);
  return LoadTiering();
}

EngineImpl::~EngineImpl() {
  // Flushing on close leaves nothing for WAL recovery: unlogged writes are
  // kept, and tools that open the directory without custdb's merge
  // operator (ldb, sst_dump) need not replay counter merges. A read-only
  // engine wrote nothing to flush.
  if (!options_.read_only) Flush().ok();
}

Status EngineImpl::CheckWritable() const {
  if (!options_.read_only) return Status::OK();
  return Status::FailedPrecondition("database is open read-only");
}

// --- channels -------------------------------------------------------------

Status EngineImpl::PutChannel(const Channel& channel) {
  Status s = CheckWritable();
  if (s.ok()) s = ValidateChannel(channel);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(channel_write_mu_);
  s = channels_.CheckHierarchy(channel);
  if (!s.ok()) return s;
  rocksdb::WriteBatch batch;
  batch.Put(storage_->cf(keys::Cf::kChannels), keys::IdKey(channel.id),
            codec::Encode(channel));
  if (!channels_.Exists(channel.id)) {
    batch.Merge(storage_->cf(keys::Cf::kCounters),
                keys::RecordCountKey(keys::RecordKind::kChannel),
                keys::EncodeCounter(1));
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  // The channel count moves by at most 1: admitted like any counter write.
  CounterGuard::Ticket ticket = storage_->counter_guard()->Admit(1);
  s = FromRocks(storage_->db()->Write(wo, &batch), "writing channel");
  if (s.ok()) channels_.Put(channel);
  return s;
}

Result<Channel> EngineImpl::GetChannel(uint64_t channel_id) {
  auto channel = channels_.Get(channel_id);
  if (!channel) {
    return Status::NotFound("channel_id: " + std::to_string(channel_id) +
                            " does not exist");
  }
  return *channel;
}

Result<std::vector<Channel>> EngineImpl::ListChannels() {
  return channels_.List();
}

// --- the write pipeline ----------------------------------------------------

Status EngineImpl::AssignId(std::atomic<uint64_t>* next, const char* field,
                            uint64_t* id) {
  Status s = CheckIdRange(field, *id);
  if (!s.ok()) return s;
  uint64_t seen = next->load();
  if (*id != 0) {
    // kMaxId + 1 at most: the sequence cannot wrap.
    while (*id >= seen && !next->compare_exchange_weak(seen, *id + 1)) {
    }
    return Status::OK();
  }
  do {
    if (seen > kMaxId) {
      return Status::ResourceExhausted(
          std::string(field) + ": every id up to " + std::to_string(kMaxId) +
          " has been used or passed; ids are not reused, give one below the "
          "largest explicitly");
    }
  } while (!next->compare_exchange_weak(seen, seen + 1));
  *id = seen;
  return Status::OK();
}

Status EngineImpl::ReserveCustomerIds(uint64_t through) {
  Status s = CheckIdRange("through", through);
  if (!s.ok()) return s;
  uint64_t seen = next_customer_id_.load();
  while (through >= seen &&
         !next_customer_id_.compare_exchange_weak(seen, through + 1)) {
  }
  return Status::OK();
}

uint64_t EngineImpl::OwnerOf(keys::IndexTag tag, uint64_t id) {
  std::string value;
  rocksdb::Status s = storage_->db()->Get(rocksdb::ReadOptions(),
                                          storage_->cf(keys::Cf::kIndexes),
                                          keys::EventIdKey(tag, id), &value);
  keys::HistoryKeyParts parts;
  if (!s.ok() || !keys::DecodeHistoryKey(value, &parts)) return 0;
  return parts.customer_id;
}

// The owner read before locking can be stale by the time the locks are
// held: the record may be created meanwhile (an "order paid" racing "order
// placed") or moved by a merge. Holding the record's event stripe stops it
// being created, and holding its owner's stripe stops it being moved or
// erased, so an owner read again under the locks is final; if it differs
// from the one locked, the locks are taken again. Each retry means another
// write committed, so the loop ends.
void EngineImpl::LockOwners(const std::vector<OwnedRecord>& owned,
                            std::vector<size_t> stripes,
                            std::optional<LockTable::Guard>* guard) {
  if (owned.empty()) {
    guard->emplace(&locks_, std::move(stripes));
    return;
  }
  std::vector<uint64_t> owners(owned.size());
  for (;;) {
    std::vector<size_t> all = stripes;
    for (size_t k = 0; k < owned.size(); ++k) {
      owners[k] = OwnerOf(owned[k].tag, owned[k].id);
      if (owners[k] != 0) all.push_back(LockTable::StripeOf(owners[k]));
    }
    guard->emplace(&locks_, std::move(all));
    bool settled = true;
    for (size_t k = 0; k < owned.size() && settled; ++k) {
      settled = OwnerOf(owned[k].tag, owned[k].id) == owners[k];
    }
    if (settled) return;
    guard->reset();
  }
}

namespace {

// What the pipeline's first pass learns about one event.
struct Prepared {
  Status status;  // a field error found before locking
  std::optional<Customer> customer;
  std::optional<CustomerPatch> patch;
  std::optional<Interaction> interaction;
};

void AddIdentityStripes(keys::IndexTag tag, const std::string& value,
                        std::vector<size_t>* stripes) {
  if (!value.empty()) {
    stripes->push_back(LockTable::StripeOf(keys::IdentityKey(tag, value)));
  }
}

size_t EventStripe(keys::IndexTag tag, uint64_t id) {
  return LockTable::StripeOf(keys::EventIdKey(tag, id));
}

}  // namespace

Status EngineImpl::Write(const EventRef* events, size_t n, Status* statuses,
                         uint64_t* ids, bool unlogged) {
  // RocksDB counts perf-context metrics per thread by default (kEnableCount);
  // nothing reads them here, and they cost about 2% of RecordOrder.
  thread_local const bool perf_off =
      (rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable), true);
  (void)perf_off;
  Status writable = CheckWritable();
  if (!writable.ok()) {
    for (size_t i = 0; i < n; ++i) {
      statuses[i] = writable;
      ids[i] = 0;
    }
    return writable;
  }
  using keys::IndexTag;
  std::vector<Prepared> prepared(n);
  std::vector<size_t> stripes;
  stripes.reserve(n * 2 + 4);
  std::vector<OwnedRecord> owned;

  for (size_t i = 0; i < n; ++i) {
    Prepared& p = prepared[i];
    ids[i] = 0;
    if (auto* c = std::get_if<const Customer*>(&events[i])) {
      p.customer = **c;
      p.status = NormalizeAndValidateCustomer(&*p.customer);
      if (!p.status.ok()) continue;
      p.status = AssignId(&next_customer_id_, "customer.id", &p.customer->id);
      if (!p.status.ok()) continue;
      ids[i] = p.customer->id;
      stripes.push_back(LockTable::StripeOf(p.customer->id));
      AddIdentityStripes(IndexTag::kCustomerCode, p.customer->code, &stripes);
      AddIdentityStripes(IndexTag::kCustomerEmail, p.customer->email, &stripes);
      AddIdentityStripes(IndexTag::kCustomerPhone, p.customer->phone, &stripes);
    } else if (auto* o = std::get_if<const Order*>(&events[i])) {
      stripes.push_back(LockTable::StripeOf((*o)->customer_id));
      stripes.push_back(EventStripe(IndexTag::kOrderId, (*o)->id));
    } else if (auto* in = std::get_if<const Interaction*>(&events[i])) {
      p.interaction = **in;
      p.status =
          AssignId(&next_interaction_id_, "interaction.id", &p.interaction->id);
      if (!p.status.ok()) continue;
      ids[i] = p.interaction->id;
      stripes.push_back(LockTable::StripeOf(p.interaction->customer_id));
      stripes.push_back(
          EventStripe(IndexTag::kInteractionId, p.interaction->id));
    } else if (auto* r = std::get_if<const LoyaltyRedemption*>(&events[i])) {
      stripes.push_back(LockTable::StripeOf((*r)->customer_id));
    } else if (auto* patch = std::get_if<PatchRef>(&events[i])) {
      p.patch = *patch->patch;
      p.status = NormalizeAndValidatePatch(&*p.patch);
      if (!p.status.ok()) continue;
      stripes.push_back(LockTable::StripeOf(patch->customer_id));
      if (p.patch->code) {
        AddIdentityStripes(IndexTag::kCustomerCode, *p.patch->code, &stripes);
      }
      if (p.patch->email) {
        AddIdentityStripes(IndexTag::kCustomerEmail, *p.patch->email, &stripes);
      }
      if (p.patch->phone) {
        AddIdentityStripes(IndexTag::kCustomerPhone, *p.patch->phone, &stripes);
      }
    } else {
      // A change to an existing order or interaction locks the record's
      // owner, which is only known from the id index: see LockOwners.
      bool is_order =
          !std::holds_alternative<const InteractionResolution*>(events[i]);
      OwnedRecord r;
      r.tag = is_order ? IndexTag::kOrderId : IndexTag::kInteractionId;
      if (auto* ch = std::get_if<const OrderStatusChange*>(&events[i])) {
        r.id = (*ch)->order_id;
      } else if (auto* rf = std::get_if<const OrderRefund*>(&events[i])) {
        r.id = (*rf)->order_id;
      } else {
        r.id =
            std::get<const InteractionResolution*>(events[i])->interaction_id;
      }
      // A record this batch creates earlier is owned by its customer, whose
      // stripe is already taken; the index may still name another owner
      // (the create then fails as a duplicate), so it is read as well.
      stripes.push_back(EventStripe(r.tag, r.id));
      owned.push_back(r);
    }
  }

  std::optional<LockTable::Guard> guard;
  LockOwners(owned, std::move(stripes), &guard);
  // Read under the locks: a policy change switches the policy first and
  // then re-derives each customer under its lock, so no write can leave a
  // customer on the old policy behind it.
  const std::shared_ptr<const TierPolicy> policy = policy_state_.policy();
  WriteTxn txn(storage_.get(), &cache_,
               TierContext{policy.get(), policy_state_.WriteAsOf()});
  for (size_t i = 0; i < n; ++i) {
    Prepared& p = prepared[i];
    if (!p.status.ok()) {
      statuses[i] = p.status;
      continue;
    }
    const EventRef& e = events[i];
    Status s;
    if (p.customer) {
      s = ApplyCreateCustomer(ctx_, *p.customer, &txn);
      if (s.ok()) {
        txn.RaiseMetaNumber(keys::kMetaNextCustomerId, next_customer_id_);
      }
    } else if (p.patch) {
      s = ApplyUpdateCustomer(ctx_, std::get<PatchRef>(e).customer_id, *p.patch,
                              &txn);
    } else if (p.interaction) {
      s = ApplyRecordInteraction(ctx_, *p.interaction, &txn);
      if (s.ok()) {
        txn.RaiseMetaNumber(keys::kMetaNextInteractionId, next_interaction_id_);
      }
    } else if (auto* o = std::get_if<const Order*>(&e)) {
      s = ApplyRecordOrder(ctx_, **o, &txn);
    } else if (auto* ch = std::get_if<const OrderStatusChange*>(&e)) {
      s = ApplyOrderStatus(ctx_, **ch, &txn);
    } else if (auto* r = std::get_if<const OrderRefund*>(&e)) {
      s = ApplyRefund(ctx_, **r, &txn);
    } else if (auto* l = std::get_if<const LoyaltyRedemption*>(&e)) {
      s = ApplyRedemption(ctx_, **l, &txn);
    } else {
      s = ApplyResolution(ctx_, *std::get<const InteractionResolution*>(e),
                          &txn);
    }
    statuses[i] = s;
    if (!s.ok()) ids[i] = 0;
  }

  rocksdb::WriteOptions wo;
  wo.sync = options_.sync && !unlogged;
  wo.disableWAL = unlogged;
  Status commit = txn.Commit(wo);
  txn.UpdateCache(commit.ok());  // still under the stripe locks
  if (!commit.ok()) {
    for (size_t i = 0; i < n; ++i) {
      if (statuses[i].ok()) statuses[i] = commit;
      ids[i] = 0;
    }
    return commit;
  }
  if (unlogged) unflushed_unlogged_ = true;
  return Status::OK();
}

Status EngineImpl::WriteOne(EventRef event, uint64_t* id) {
  Status status;
  uint64_t assigned = 0;
  Status commit = Write(&event, 1, &status, &assigned, false);
  if (!commit.ok()) return commit;
  if (id != nullptr) *id = assigned;
  return status;
}

Status EngineImpl::ApplyEvents(const std::vector<Event>& events,
                               std::vector<Status>* statuses,
                               std::vector<uint64_t>* ids, bool unlogged) {
  std::vector<EventRef> refs;
  refs.reserve(events.size());
  for (const Event& e : events) {
    std::visit([&refs](const auto& v) { refs.push_back(&v); }, e);
  }
  statuses->assign(events.size(), Status::OK());
  std::vector<uint64_t> local_ids;
  if (ids == nullptr) ids = &local_ids;
  ids->assign(events.size(), 0);
  return Write(refs.data(), refs.size(), statuses->data(), ids->data(),
               unlogged);
}

Status EngineImpl::ApplyBatch(const std::vector<Event>& events,
                              std::vector<Status>* statuses,
                              std::vector<uint64_t>* ids) {
  return ApplyEvents(events, statuses, ids, false);
}

Status EngineImpl::ApplyBatchUnlogged(const std::vector<Event>& events,
                                      std::vector<Status>* statuses,
                                      std::vector<uint64_t>* ids) {
  return ApplyEvents(events, statuses, ids, true);
}

Result<uint64_t> EngineImpl::CreateCustomer(const Customer& customer) {
  uint64_t id = 0;
  Status s = WriteOne(&customer, &id);
  if (!s.ok()) return s;
  return id;
}

Status EngineImpl::UpdateCustomer(uint64_t customer_id,
                                  const CustomerPatch& patch) {
  return WriteOne(PatchRef{customer_id, &patch});
}

Status EngineImpl::RecordOrder(const Order& order) { return WriteOne(&order); }

Status EngineImpl::UpdateOrderStatus(uint64_t order_id, OrderStatus status) {
  OrderStatusChange change{order_id, status};
  return WriteOne(&change);
}

Status EngineImpl::RefundOrder(uint64_t order_id, int64_t amount_minor) {
  OrderRefund refund{order_id, amount_minor};
  return WriteOne(&refund);
}

Result<uint64_t> EngineImpl::RecordInteraction(const Interaction& interaction) {
  uint64_t id = 0;
  Status s = WriteOne(&interaction, &id);
  if (!s.ok()) return s;
  return id;
}

Status EngineImpl::RedeemLoyaltyPoints(uint64_t customer_id, int64_t points) {
  LoyaltyRedemption redemption{customer_id, points};
  return WriteOne(&redemption);
}

Status EngineImpl::ResolveInteraction(uint64_t interaction_id,
                                      int64_t resolved_at_ms) {
  InteractionResolution resolution{interaction_id, resolved_at_ms};
  return WriteOne(&resolution);
}

Status EngineImpl::Flush() {
  Status writable = CheckWritable();
  if (!writable.ok()) return writable;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  for (keys::Cf cf : keys::kAllColumnFamilies) {
    cfs.push_back(storage_->cf(cf));
  }
  Status s = FromRocks(storage_->db()->Flush(rocksdb::FlushOptions(), cfs),
                       "flushing memtables");
  if (s.ok()) unflushed_unlogged_ = false;
  return s;
}

Status EngineImpl::CompactAll() {
  Status writable = CheckWritable();
  if (!writable.ok()) return writable;
  for (keys::Cf cf : keys::kAllColumnFamilies) {
    rocksdb::CompactRangeOptions o;
    Status s = FromRocks(
        storage_->db()->CompactRange(o, storage_->cf(cf), nullptr, nullptr),
        std::string("compacting ") + keys::ColumnFamilyName(cf));
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace custdb
