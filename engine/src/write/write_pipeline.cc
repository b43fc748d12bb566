// The write protocol (RunLocked's commit), the event pipeline: prepare
// each event before locking, apply it under the locks; and the id
// sequences.
#include "write/write_pipeline.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "storage/codec.h"
#include "storage/counter_guard.h"
#include "storage/identity_fields.h"
#include "storage/storage_write.h"
#include "write/validate.h"

namespace custdb {
namespace {

// Largest id of a u64-keyed range (the last key that starts with `prefix`),
// 0 if none.
Status LastId(const Storage& storage, keys::Cf cf, const std::string& prefix,
              uint64_t* id) {
  std::string upper = prefix;
  upper.append(8, '\xff');
  upper.push_back('\xff');
  ScanBounds bounds;
  bounds.Lower(prefix);
  StorageIterator it = storage.ScanWithin(cf, bounds);
  it.SeekForPrev(upper);
  *id = 0;
  if (it.Valid()) {
    std::string_view key = it.key();
    key.remove_prefix(prefix.size());
    if (!keys::GetU64(&key, id)) *id = 0;
  }
  return it.status("finding the largest id");
}

// One past the larger of the stored sequence and the largest id on disk,
// saturated at kMaxId + 1 ("exhausted") so that ids written above kMaxId
// by an older version cannot wrap the sequence back to 1.
uint64_t NextId(uint64_t stored, uint64_t last) {
  const uint64_t past_last = last >= kMaxId ? kMaxId + 1 : last + 1;
  return std::min(std::max<uint64_t>({stored, past_last, 1}), kMaxId + 1);
}

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

void AddCustomerStripes(const Customer& customer,
                        std::vector<size_t>* stripes) {
  stripes->push_back(LockTable::StripeOf(customer.id));
  for (const IdentityField& f : kIdentityFields) {
    AddIdentityStripes(f.tag, customer.*f.field, stripes);
  }
}

WritePipeline::WritePipeline(const EngineCore& core,
                             std::function<int64_t()> now_ms)
    : core_(core) {
  ctx_.channels = &core_.channels;
  ctx_.base_currency = &core_.storage.base_currency();
  ctx_.now_ms = std::move(now_ms);
}

// A sequence is the larger of its stored value and one past the largest id
// present, because concurrent commits may store their sequence values out
// of order.
Status WritePipeline::LoadSequences() {
  const Storage& storage = core_.storage;
  uint64_t stored = 0, last = 0;
  Status s = core_.storage.ReadMetaNumber(keys::kMetaNextCustomerId, &stored);
  if (s.ok()) s = LastId(storage, keys::Cf::kCustomers, "", &last);
  if (!s.ok()) return s;
  next_customer_id_ = NextId(stored, last);

  s = core_.storage.ReadMetaNumber(keys::kMetaNextInteractionId, &stored);
  std::string prefix(1, static_cast<char>(keys::IndexTag::kInteractionId));
  if (s.ok()) {
    s = LastId(storage, keys::Cf::kIndexes, prefix, &last);
  }
  if (!s.ok()) return s;
  next_interaction_id_ = NextId(stored, last);
  return Status::OK();
}

// --- channels -------------------------------------------------------------

Status WritePipeline::PutChannel(const Channel& channel) {
  Status s = CheckWritable();
  if (s.ok()) s = ValidateChannel(channel);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(channel_write_mu_);
  s = core_.channels.CheckHierarchy(channel);
  if (!s.ok()) return s;
  const bool count_new = !core_.channels.Exists(channel.id);
  // The channel count moves by at most 1: admitted like any counter write.
  CounterGuard::Ticket ticket = core_.storage.counter_guard()->Admit(1);
  s = WriteChannelRecord(core_.storage, keys::IdKey(channel.id),
                         codec::Encode(channel), count_new, core_.options.sync);
  if (s.ok()) core_.channels.Put(channel);
  return s;
}

// --- ids ------------------------------------------------------------------

Status WritePipeline::AssignId(std::atomic<uint64_t>* next, const char* field,
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

Status WritePipeline::ReserveCustomerIds(uint64_t through) {
  Status s = CheckIdRange("through", through);
  if (!s.ok()) return s;
  uint64_t seen = next_customer_id_.load();
  while (through >= seen &&
         !next_customer_id_.compare_exchange_weak(seen, through + 1)) {
  }
  return Status::OK();
}

// --- locking --------------------------------------------------------------

uint64_t WritePipeline::OwnerOf(keys::IndexTag tag, uint64_t id) {
  std::string value;
  ReadOutcome read =
      core_.storage.Read(keys::Cf::kIndexes, keys::EventIdKey(tag, id), &value);
  keys::HistoryKeyParts parts;
  if (!read.found() || !keys::DecodeHistoryKey(value, &parts)) return 0;
  return parts.customer_id;
}

// The owner read before locking can be stale by the time the locks are
// held: the record may be created meanwhile (an "order paid" racing "order
// placed") or moved by a merge. Holding the record's event stripe stops it
// being created, and holding its owner's stripe stops it being moved or
// erased, so an owner read again under the locks is final; if it differs
// from the one locked, the locks are taken again. Each retry means another
// write committed, so the loop ends.
void WritePipeline::LockOwners(const std::vector<OwnedRecord>& owned,
                               std::vector<size_t> stripes,
                               std::optional<LockTable::Guard>* guard) {
  if (owned.empty()) {
    guard->emplace(&core_.locks, std::move(stripes));
    return;
  }
  std::vector<uint64_t> owners(owned.size());
  for (;;) {
    std::vector<size_t> all = stripes;
    for (size_t k = 0; k < owned.size(); ++k) {
      owners[k] = OwnerOf(owned[k].tag, owned[k].id);
      if (owners[k] != 0) all.push_back(LockTable::StripeOf(owners[k]));
    }
    guard->emplace(&core_.locks, std::move(all));
    bool settled = true;
    for (size_t k = 0; k < owned.size() && settled; ++k) {
      settled = OwnerOf(owned[k].tag, owned[k].id) == owners[k];
    }
    if (settled) return;
    guard->reset();
  }
}

Status WritePipeline::CommitAndCache(WriteTxn* txn, Wal wal) {
  Status s = txn->Commit(CommitOptions(
      core_.options.sync && wal == Wal::kLogged, wal != Wal::kUnlogged));
  txn->UpdateCache(s.ok());  // still under the stripe locks
  return s;
}

// --- the event pipeline ---------------------------------------------------

// What the pipeline's first pass learns about one event: a field error
// found before locking, or the normalised copy the apply step uses.
struct WritePipeline::Prepared {
  Status status;
  std::optional<Customer> customer;
  std::optional<CustomerPatch> patch;
  std::optional<Interaction> interaction;
};

// The first pass, one overload per event type: validates what needs no
// database state and assigns ids. Events whose checks all need the
// database pass through unchanged.
class WritePipeline::Preparer {
 public:
  Preparer(WritePipeline* pipeline, Prepared* p, uint64_t* id)
      : pipeline_(pipeline), p_(*p), id_(*id) {}

  void operator()(const Customer* c) {
    p_.customer = *c;
    p_.status = NormalizeAndValidateCustomer(&*p_.customer);
    if (!p_.status.ok()) return;
    p_.status = pipeline_->AssignId(&pipeline_->next_customer_id_,
                                    "customer.id", &p_.customer->id);
    if (p_.status.ok()) id_ = p_.customer->id;
  }
  void operator()(const Interaction* in) {
    p_.interaction = *in;
    p_.status = pipeline_->AssignId(&pipeline_->next_interaction_id_,
                                    "interaction.id", &p_.interaction->id);
    if (p_.status.ok()) id_ = p_.interaction->id;
  }
  void operator()(const PatchRef& patch) {
    p_.patch = *patch.patch;
    p_.status = NormalizeAndValidatePatch(&*p_.patch);
  }
  template <typename Unchecked>
  void operator()(const Unchecked&) {}

 private:
  WritePipeline* pipeline_;
  Prepared& p_;
  uint64_t& id_;
};

// Which stripes an event takes, written once, one overload per event type:
// its customer, each identity value it claims, each event id it creates
// or changes. A change to an existing order or interaction also lists the
// record, whose owner's stripe LockOwners adds. Reads the normalised
// copies of `p`, so identities are locked as they will be stored.
class WritePipeline::StripesFor {
 public:
  StripesFor(const Prepared& p, std::vector<size_t>* stripes,
             std::vector<OwnedRecord>* owned)
      : p_(p), stripes_(*stripes), owned_(*owned) {}

  void operator()(const Customer*) {
    AddCustomerStripes(*p_.customer, &stripes_);
  }
  void operator()(const Order* o) {
    stripes_.push_back(LockTable::StripeOf(o->customer_id));
    stripes_.push_back(EventStripe(keys::IndexTag::kOrderId, o->id));
  }
  void operator()(const Interaction*) {
    stripes_.push_back(LockTable::StripeOf(p_.interaction->customer_id));
    stripes_.push_back(
        EventStripe(keys::IndexTag::kInteractionId, p_.interaction->id));
  }
  void operator()(const LoyaltyRedemption* r) {
    stripes_.push_back(LockTable::StripeOf(r->customer_id));
  }
  void operator()(const PatchRef& patch) {
    stripes_.push_back(LockTable::StripeOf(patch.customer_id));
    for (const IdentityField& f : kIdentityFields) {
      const std::optional<std::string>& value = (*p_.patch).*f.patch_field;
      if (value) AddIdentityStripes(f.tag, *value, &stripes_);
    }
  }
  // A change to an existing order or interaction locks the record's
  // owner, which is only known from the id index: see LockOwners.
  void operator()(const OrderStatusChange* ch) {
    Owned(keys::IndexTag::kOrderId, ch->order_id);
  }
  void operator()(const OrderRefund* rf) {
    Owned(keys::IndexTag::kOrderId, rf->order_id);
  }
  void operator()(const InteractionResolution* r) {
    Owned(keys::IndexTag::kInteractionId, r->interaction_id);
  }

 private:
  void Owned(keys::IndexTag tag, uint64_t id) {
    // A record this batch creates earlier is owned by its customer, whose
    // stripe is already taken; the index may still name another owner
    // (the create then fails as a duplicate), so it is read as well.
    stripes_.push_back(EventStripe(tag, id));
    owned_.push_back(OwnedRecord{tag, id});
  }

  const Prepared& p_;
  std::vector<size_t>& stripes_;
  std::vector<OwnedRecord>& owned_;
};

Status WritePipeline::ApplyPrepared(const EventRef& event, const Prepared& p,
                                    WriteTxn* txn) {
  struct Apply {
    WritePipeline* self;
    const Prepared& p;
    WriteTxn* txn;
    Status operator()(const Customer*) const {
      Status s = ApplyCreateCustomer(self->ctx_, *p.customer, txn);
      if (s.ok()) {
        txn->RaiseMetaNumber(keys::kMetaNextCustomerId,
                             self->next_customer_id_);
      }
      return s;
    }
    Status operator()(const PatchRef& patch) const {
      return ApplyUpdateCustomer(self->ctx_, patch.customer_id, *p.patch, txn);
    }
    Status operator()(const Interaction*) const {
      Status s = ApplyRecordInteraction(self->ctx_, *p.interaction, txn);
      if (s.ok()) {
        txn->RaiseMetaNumber(keys::kMetaNextInteractionId,
                             self->next_interaction_id_);
      }
      return s;
    }
    Status operator()(const Order* o) const {
      return ApplyRecordOrder(self->ctx_, *o, txn);
    }
    Status operator()(const OrderStatusChange* ch) const {
      return ApplyOrderStatus(self->ctx_, *ch, txn);
    }
    Status operator()(const OrderRefund* r) const {
      return ApplyRefund(self->ctx_, *r, txn);
    }
    Status operator()(const LoyaltyRedemption* l) const {
      return ApplyRedemption(self->ctx_, *l, txn);
    }
    Status operator()(const InteractionResolution* r) const {
      return ApplyResolution(self->ctx_, *r, txn);
    }
  };
  return std::visit(Apply{this, p, txn}, event);
}

Status WritePipeline::Write(const EventRef* events, size_t n, Status* statuses,
                            uint64_t* ids, Wal wal) {
  // RocksDB counts perf-context metrics per thread by default (kEnableCount);
  // nothing reads them here, and they cost RecordOrder time (numbers:
  // docs/DESIGN-NOTES.md, "Measured tuning").
  thread_local const bool perf_off = (DisablePerfCounters(), true);
  (void)perf_off;
  Status writable = CheckWritable();
  if (!writable.ok()) {
    for (size_t i = 0; i < n; ++i) {
      statuses[i] = writable;
      ids[i] = 0;
    }
    return writable;
  }
  std::vector<Prepared> prepared(n);
  std::vector<size_t> stripes;
  stripes.reserve(n * 2 + 4);
  std::vector<OwnedRecord> owned;
  for (size_t i = 0; i < n; ++i) {
    ids[i] = 0;
    std::visit(Preparer(this, &prepared[i], &ids[i]), events[i]);
    // An event refused here is not applied, so it takes no stripe.
    if (prepared[i].status.ok()) {
      std::visit(StripesFor(prepared[i], &stripes, &owned), events[i]);
    }
  }

  TxnOptions options;
  options.wal = wal;
  Status commit =
      RunLocked(std::move(stripes), owned, options, [&](WriteTxn* txn) {
        for (size_t i = 0; i < n; ++i) {
          const Prepared& p = prepared[i];
          Status s =
              p.status.ok() ? ApplyPrepared(events[i], p, txn) : p.status;
          statuses[i] = s;
          if (!s.ok()) ids[i] = 0;
        }
        return Status::OK();
      });
  if (!commit.ok()) {
    for (size_t i = 0; i < n; ++i) {
      if (statuses[i].ok()) statuses[i] = commit;
      ids[i] = 0;
    }
    return commit;
  }
  return Status::OK();
}

Status WritePipeline::WriteOne(EventRef event, uint64_t* id) {
  Status status;
  uint64_t assigned = 0;
  Status commit = Write(&event, 1, &status, &assigned, Wal::kLogged);
  if (!commit.ok()) return commit;
  if (id != nullptr) *id = assigned;
  return status;
}

Status WritePipeline::ApplyEvents(const std::vector<Event>& events,
                                  std::vector<Status>* statuses,
                                  std::vector<uint64_t>* ids, Wal wal) {
  std::vector<EventRef> refs;
  refs.reserve(events.size());
  for (const Event& e : events) {
    std::visit([&refs](const auto& v) { refs.push_back(&v); }, e);
  }
  statuses->assign(events.size(), Status::OK());
  std::vector<uint64_t> local_ids;
  if (ids == nullptr) ids = &local_ids;
  ids->assign(events.size(), 0);
  return Write(refs.data(), refs.size(), statuses->data(), ids->data(), wal);
}

}  // namespace custdb
