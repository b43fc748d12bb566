// MergeCustomers and EraseCustomer. Each is one WriteTxn, so one atomic
// batch: records, histories, identity and alias entries, tier entries and
// counters move together.
#include "write/merge_erase.h"

#include <algorithm>

#include "api/messages.h"
#include "reports/channel_counters.h"
#include "storage/codec.h"
#include "storage/identity_fields.h"
#include "storage/storage_read.h"
#include "write/aggregates_replay.h"
#include "write/write_txn.h"

namespace custdb {
namespace {

template <typename T>
struct Stored {
  std::string key;
  T record;
};

template <typename T>
std::vector<T> RecordsOf(const std::vector<Stored<T>>& stored) {
  std::vector<T> out;
  out.reserve(stored.size());
  for (const auto& s : stored) out.push_back(s.record);
  return out;
}

// Every record of one customer's history, newest first.
template <typename T>
Status ReadHistory(const Storage& storage, keys::Cf cf, uint64_t customer_id,
                   std::vector<Stored<T>>* out) {
  const std::string prefix = keys::IdKey(customer_id);
  StorageIterator it = storage.ScanPrefix(cf);
  for (it.Seek(prefix); it.Valid() && it.KeyStartsWith(prefix); it.Next()) {
    Stored<T> s;
    s.key = std::string(it.key());
    Status st = codec::Decode(it.value(), &s.record);
    if (!st.ok()) return st;
    out->push_back(std::move(s));
  }
  return it.status("reading a history");
}

std::vector<size_t> StripesOf(const std::vector<CustomerRecord>& records) {
  std::vector<size_t> stripes;
  for (const CustomerRecord& r : records)
    AddCustomerStripes(r.profile, &stripes);
  return stripes;
}

bool SameIdentities(const Customer& a, const Customer& b) {
  for (const IdentityField& f : kIdentityFields) {
    if (a.*f.field != b.*f.field) return false;
  }
  return true;
}

// The alias entries (forward keys in the indexes CF) a survivor holds.
Status ReadAliases(const Storage& storage, uint64_t survivor,
                   std::vector<std::string>* forward_keys) {
  const std::string prefix = keys::AliasOfPrefix(survivor);
  const std::string upper = keys::AliasOfPrefix(survivor + 1);
  ScanBounds bounds;
  bounds.Upper(upper);
  StorageIterator it = storage.ScanWithin(keys::Cf::kTierIndex, bounds);
  for (it.Seek(prefix); it.Valid(); it.Next()) {
    forward_keys->push_back(std::string(it.key().substr(prefix.size())));
  }
  return it.status("reading aliases");
}

constexpr int kLockAttempts = 4;

// Returned by a locked step whose stripes went stale: discards the
// transaction, and the caller locks again (never returned to a caller).
Status Stale(bool* stale) {
  *stale = true;
  return Status::Busy("stripes changed");
}

}  // namespace

struct MergeErase::MergeInputs {
  std::vector<Stored<Order>> orders, dup_orders;
  std::vector<Stored<Interaction>> interactions, dup_interactions;
  std::vector<std::string> dup_aliases;
};

MergeErase::MergeErase(const Storage& storage, const PolicyState& policy,
                       CustomerReads& reads, WritePipeline& pipeline)
    : storage_(storage), policy_(policy), reads_(reads), pipeline_(pipeline) {}

// Lock-and-recheck, as merge does: the stripes come from a read before
// locking, and hold only while the identities they were computed from do.
Status MergeErase::EraseCustomer(uint64_t customer_id) {
  Status writable = pipeline_.CheckWritable();
  if (!writable.ok()) return writable;
  for (int attempt = 0; attempt < kLockAttempts; ++attempt) {
    Result<CustomerRecord> seen = reads_.ReadCustomer(customer_id);
    if (!seen.ok()) return seen.status();
    bool stale = false;
    Status s = pipeline_.RunLocked(
        StripesOf({*seen}), {}, TxnOptions(),
        [&](WriteTxn* txn) { return EraseLocked(*seen, *txn, &stale); });
    if (!stale) return s;
  }
  return Status::Busy("customer_id: " + std::to_string(customer_id) +
                      " kept changing its identities; erase not applied");
}

Status MergeErase::EraseLocked(const CustomerRecord& seen, WriteTxn& txn,
                               bool* stale) {
  const uint64_t customer_id = seen.profile.id;
  std::optional<Customer> current;
  Status s = txn.GetCustomer(customer_id, &current);
  if (!s.ok()) return s;
  if (!current) {
    return Status::NotFound(DoesNotExist("customer_id", customer_id));
  }
  // The identities decide the stripes: if they changed since the read,
  // lock again.
  if (!SameIdentities(*current, seen.profile)) return Stale(stale);

  std::vector<Stored<Order>> orders;
  std::vector<Stored<Interaction>> interactions;
  s = ReadHistory(storage_, keys::Cf::kOrders, customer_id, &orders);
  if (s.ok()) {
    s = ReadHistory(storage_, keys::Cf::kInteractions, customer_id,
                    &interactions);
  }
  std::vector<std::string> aliases;
  if (s.ok()) s = ReadAliases(storage_, customer_id, &aliases);
  if (s.ok()) s = txn.RemoveCustomer(customer_id);
  if (!s.ok()) return s;
  for (const auto& o : orders) {
    txn.DeleteOrder(o.key, o.record.id);
  }
  for (const auto& i : interactions) {
    txn.DeleteInteraction(i.key, i.record.id);
  }
  for (const IdentityField& f : kIdentityFields) {
    const std::string& v = (*current).*f.field;
    if (!v.empty()) txn.PutIdentity(f.tag, v, 0);
  }
  for (const std::string& forward : aliases) {
    txn.RemoveAlias(customer_id, forward);
  }
  // Its channel-report contributions leave with it.
  ChannelContribution gone =
      ContributionOf(current->owner_channel_id, RecordsOf(orders),
                     RecordsOf(interactions), -1);
  txn.AddChannelDays(std::move(gone.counters));
  for (const auto& key : gone.resolve_times) {
    txn.DeleteResolveTimeEntry(key);
  }
  txn.AddCount(keys::RecordKind::kCustomer, -1);
  // The audit entry: that and when this id was erased, nothing personal.
  txn.PutErasureAudit(customer_id, policy_.now_ms());
  return Status::OK();
}

Status MergeErase::MergeCustomers(uint64_t survivor_id, uint64_t duplicate_id) {
  Status writable = pipeline_.CheckWritable();
  if (!writable.ok()) return writable;
  if (survivor_id == duplicate_id) {
    return Status::InvalidArgument(
        "duplicate_id: " + std::to_string(duplicate_id) +
        " is the survivor itself");
  }
  for (int attempt = 0; attempt < kLockAttempts; ++attempt) {
    Result<CustomerRecord> survivor_seen = reads_.ReadCustomer(survivor_id);
    if (!survivor_seen.ok()) {
      return Status(survivor_seen.status().code(),
                    "survivor_id: " + survivor_seen.status().message());
    }
    Result<CustomerRecord> duplicate_seen = reads_.ReadCustomer(duplicate_id);
    if (!duplicate_seen.ok()) {
      return Status(duplicate_seen.status().code(),
                    "duplicate_id: " + duplicate_seen.status().message());
    }
    bool stale = false;
    Status s = pipeline_.RunLocked(
        StripesOf({*survivor_seen, *duplicate_seen}), {}, TxnOptions(),
        [&](WriteTxn* txn) {
          return MergeLocked(*survivor_seen, *duplicate_seen, *txn, &stale);
        });
    if (!stale) return s;
  }
  return Status::Busy("survivor_id " + std::to_string(survivor_id) +
                      " / duplicate_id " + std::to_string(duplicate_id) +
                      ": identities kept changing; merge not applied");
}

Status MergeErase::MergeLocked(const CustomerRecord& survivor_seen,
                               const CustomerRecord& duplicate_seen,
                               WriteTxn& txn, bool* stale) {
  const uint64_t survivor_id = survivor_seen.profile.id;
  const uint64_t duplicate_id = duplicate_seen.profile.id;
  std::optional<Customer> survivor, duplicate;
  Status s = txn.GetCustomer(survivor_id, &survivor);
  if (s.ok()) s = txn.GetCustomer(duplicate_id, &duplicate);
  if (!s.ok()) return s;
  if (!survivor || !duplicate) {
    return Status::NotFound(
        "survivor_id or duplicate_id: a customer "
        "was erased or merged meanwhile");
  }
  if (!SameIdentities(*survivor, survivor_seen.profile) ||
      !SameIdentities(*duplicate, duplicate_seen.profile)) {
    return Stale(stale);
  }
  const Aggregates* dup_aggregates = nullptr;
  const Aggregates* survivor_aggregates = nullptr;
  s = txn.GetAggregates(duplicate_id, &dup_aggregates);
  if (s.ok()) s = txn.GetAggregates(survivor_id, &survivor_aggregates);
  if (!s.ok()) return s;
  const int64_t redeemed =
      (dup_aggregates ? dup_aggregates->loyalty_redeemed : 0) +
      (survivor_aggregates ? survivor_aggregates->loyalty_redeemed : 0);

  MergeInputs in;
  s = ReadMergeInputs(survivor_id, duplicate_id, &in);
  if (!s.ok()) return s;
  MoveHistories(*survivor, *duplicate, &in, txn);
  s = ReplayAggregates(survivor_id, redeemed, in, txn);
  if (!s.ok()) return s;
  MoveIdentities(*survivor, *duplicate, in, txn);
  s = txn.RemoveCustomer(duplicate_id);
  if (!s.ok()) return s;
  txn.AddCount(keys::RecordKind::kCustomer, -1);
  return Status::OK();
}

Status MergeErase::ReadMergeInputs(uint64_t survivor_id, uint64_t duplicate_id,
                                   MergeInputs* in) {
  // Histories: the duplicate's records move under the survivor's key.
  Status s = ReadHistory(storage_, keys::Cf::kOrders, survivor_id, &in->orders);
  if (s.ok())
    s = ReadHistory(storage_, keys::Cf::kOrders, duplicate_id, &in->dup_orders);
  if (s.ok())
    s = ReadHistory(storage_, keys::Cf::kInteractions, survivor_id,
                    &in->interactions);
  if (s.ok())
    s = ReadHistory(storage_, keys::Cf::kInteractions, duplicate_id,
                    &in->dup_interactions);
  if (s.ok()) s = ReadAliases(storage_, duplicate_id, &in->dup_aliases);
  return s;
}

void MergeErase::MoveHistories(const Customer& survivor,
                               const Customer& duplicate, MergeInputs* in,
                               WriteTxn& txn) {
  const uint64_t survivor_id = survivor.id;
  auto& orders = in->orders;
  auto& interactions = in->interactions;
  // Channel reports: both customers' contributions leave, the merged
  // customer's arrive (buyer-days and new/repeat customers change when
  // two customers become one).
  std::vector<ChannelContribution> before;
  before.push_back(ContributionOf(survivor.owner_channel_id, RecordsOf(orders),
                                  RecordsOf(interactions), -1));
  before.push_back(ContributionOf(duplicate.owner_channel_id,
                                  RecordsOf(in->dup_orders),
                                  RecordsOf(in->dup_interactions), -1));
  for (auto& o : in->dup_orders) {
    txn.DeleteOrderRecord(o.key);
    o.record.customer_id = survivor_id;
    o.key = keys::HistoryKey(survivor_id, o.record.ts_ms, o.record.id);
    txn.PutOrder(o.record);
    orders.push_back(std::move(o));
  }
  for (auto& i : in->dup_interactions) {
    txn.DeleteInteractionRecord(i.key);
    i.record.customer_id = survivor_id;
    i.key = keys::HistoryKey(survivor_id, i.record.ts_ms, i.record.id);
    txn.PutInteraction(i.record);
    interactions.push_back(std::move(i));
  }
  // Newest first, as the replay requires.
  std::sort(orders.begin(), orders.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  std::sort(interactions.begin(), interactions.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  ChannelContribution after =
      ContributionOf(survivor.owner_channel_id, RecordsOf(orders),
                     RecordsOf(interactions), +1);
  for (ChannelContribution& c : before) {
    txn.AddChannelDays(std::move(c.counters));
    for (const auto& key : c.resolve_times) {
      txn.DeleteResolveTimeEntry(key);
    }
  }
  txn.AddChannelDays(std::move(after.counters));
  for (const auto& key : after.resolve_times) {
    txn.PutResolveTimeEntry(key);
  }
}

// Replayed with the write path's own rules, newest first (MoveHistories
// sorted them).
Status MergeErase::ReplayAggregates(uint64_t survivor_id, int64_t redeemed,
                                    const MergeInputs& in, WriteTxn& txn) {
  AggregatesReplay replay;
  for (const auto& o : in.orders) replay.FeedOrder(o.record);
  for (const auto& i : in.interactions) replay.FeedInteraction(i.record);
  if (!replay.status().ok()) return replay.status();
  Aggregates merged = replay.result();
  merged.loyalty_redeemed = redeemed;
  txn.PutAggregates(survivor_id, std::move(merged));
  return Status::OK();
}

void MergeErase::MoveIdentities(const Customer& survivor,
                                const Customer& duplicate_in,
                                const MergeInputs& in, WriteTxn& txn) {
  const uint64_t survivor_id = survivor.id;
  const uint64_t duplicate_id = duplicate_in.id;
  Customer duplicate = duplicate_in;
  // Identities: the survivor takes those it lacks; the others stay as
  // aliases that resolve to it.
  Customer next = survivor;
  for (const IdentityField& f : kIdentityFields) {
    const std::string value = duplicate.*f.field;
    if (value.empty()) continue;
    txn.PutIdentity(f.tag, value, 0);
    if ((next.*f.field).empty()) {
      next.*f.field = value;
      txn.PutIdentity(f.tag, value, survivor_id);
    } else {
      const std::string forward = keys::IdentityKey(f.alias_tag, value);
      txn.PutAlias(survivor_id, forward);
    }
  }
  txn.PutCustomer(std::move(next));
  const std::string merged_key =
      keys::EventIdKey(keys::IndexTag::kMergedId, duplicate_id);
  txn.PutAlias(survivor_id, merged_key);
  // Aliases the duplicate held (from earlier merges) now resolve to the
  // survivor too.
  for (const std::string& forward : in.dup_aliases) {
    txn.MoveAlias(duplicate_id, survivor_id, forward);
  }
}

}  // namespace custdb
