// WriteTxn: the staged state of one commit. Events of a batch are applied
// one after another to the same WriteTxn; each reads what earlier events
// staged (this transaction first, then the database), and everything is
// written by one rocksdb::WriteBatch in Commit. The caller holds the stripe
// locks of every customer and id it touches.
#ifndef CUSTDB_ENGINE_WRITE_WRITE_TXN_H_
#define CUSTDB_ENGINE_WRITE_WRITE_TXN_H_

#include <rocksdb/db.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "custdb/status.h"
#include "custdb/types.h"
#include "customer_cache.h"
#include "reports/channel_counters.h"
#include "storage/counter_guard.h"
#include "storage/keys.h"
#include "storage/storage.h"
#include "tiering/tier_changes.h"  // TierContext

namespace custdb {

class WriteTxn {
 public:
  // `cache` serves reads of customers and receives the committed records
  // (UpdateCache); the caller holds their stripe locks throughout. Every
  // customer whose profile or aggregates the transaction stages is
  // re-derived under `tier` at commit, and its tier_index entries and
  // tier-summary counters move in the same batch.
  WriteTxn(const Storage* storage, CustomerCache* cache,
           const TierContext& tier)
      : storage_(storage), cache_(cache), tier_(tier) {}

  // Reads: *out is empty when the record does not exist.
  Status GetCustomer(uint64_t id, std::optional<Customer>* out);
  // *out points into this transaction (null if the customer does not
  // exist); valid until the next Put for that customer.
  Status GetAggregates(uint64_t customer_id, const Aggregates** out);
  Status GetOrder(uint64_t order_id, std::optional<Order>* out);
  Status OrderExists(uint64_t order_id, bool* exists);
  Status GetInteraction(uint64_t id, std::optional<Interaction>* out);
  Status InteractionExists(uint64_t id, bool* exists);
  // *holder is the customer holding the identity, 0 if none.
  Status GetIdentityHolder(keys::IndexTag tag, const std::string& value,
                           uint64_t* holder);
  // The customer's owner_channel_id (0 if none or no such customer),
  // without copying its profile.
  Status GetOwnerChannel(uint64_t customer_id, uint64_t* owner);
  // The customer `id` was merged into, or 0 if it was not (committed
  // state: merges do not happen inside a batch).
  Status GetMergedInto(uint64_t id, uint64_t* survivor);
  // The customer's orders (any kind) with from_ms <= ts_ms < to_ms, staged
  // ones included, in no particular order.
  Status GetOrdersOf(uint64_t customer_id, int64_t from_ms, int64_t to_ms,
                     std::vector<Order>* out);

  // Staging. Call only once every check of the event has passed, so a
  // failed event never leaves anything behind.
  void PutCustomer(Customer customer);
  void PutAggregates(uint64_t customer_id, Aggregates aggregates);
  void PutOrder(Order order);
  void PutInteraction(Interaction interaction);
  // holder 0 removes the identity.
  void PutIdentity(keys::IndexTag tag, const std::string& value,
                   uint64_t holder);
  void AddCount(keys::RecordKind kind, int64_t delta);
  // Removes an existing customer's profile, aggregates, tier_index entries
  // and tier-summary contributions at commit (its histories, identities and
  // counters are the caller's to stage). kNotFound if it does not exist.
  Status RemoveCustomer(uint64_t customer_id);
  // Erase and merge: what leaves with a customer or moves to a survivor.
  // Each is written after the records staged above, in one batch with them.
  // Removes an order's history record and its order-id index entry.
  void DeleteOrder(std::string history_key, uint64_t order_id);
  void DeleteInteraction(std::string history_key, uint64_t interaction_id);
  // Removes only the history record at `history_key`: a merge moves the
  // order to the survivor, and PutOrder writes it under its new key and
  // points its id entry there.
  void DeleteOrderRecord(std::string history_key);
  void DeleteInteractionRecord(std::string history_key);
  // Makes `forward_key` (an alias identity key or a merged-id key of the
  // indexes CF) resolve to `survivor`, and lists it under the survivor
  // (keys.h AliasOfKey) so that a later merge or erase finds it.
  void PutAlias(uint64_t survivor, std::string forward_key);
  // As PutAlias, and removes the listing under `from`, which held it.
  void MoveAlias(uint64_t from, uint64_t survivor, std::string forward_key);
  // Removes an alias `holder` lists: the forward entry and the listing.
  void RemoveAlias(uint64_t holder, std::string forward_key);
  // The audit entry of an erased customer: its id and when, nothing else.
  void PutErasureAudit(uint64_t customer_id, int64_t erased_ms);
  // Re-derives an existing customer at commit even if nothing else of it
  // changes (Rescore, policy changes), and writes it only if its derived
  // attributes or policy version change. kNotFound if it does not exist.
  Status Touch(uint64_t customer_id);
  const TierContext& tier() const { return tier_; }
  // Customers whose derived attributes differ after Commit from before.
  uint64_t derived_changes() const { return derived_changes_; }
  // Channel-day counter deltas; each key gets one merge per commit, however
  // many events touched it.
  void AddChannelDays(ChannelDayDeltas deltas);
  // A channel-report entry of the tier_index CF (a complaint's resolve
  // time, keys.h TierTag::kResolveTime; empty value), put or removed. The
  // last call for a key decides.
  void PutResolveTimeEntry(std::string key);
  void DeleteResolveTimeEntry(std::string key);
  void RaiseMetaNumber(std::string_view name, uint64_t value);

  bool empty() const;
  // Writes everything staged in one atomic batch.
  Status Commit(const rocksdb::WriteOptions& write_options);
  // After Commit: puts every customer this transaction wrote into the
  // cache; after a failed commit, removes them.
  void UpdateCache(bool committed);

 private:
  // The committed record of a customer (cache, then database); null if
  // the customer does not exist.
  Status LoadCommitted(uint64_t id, const CachedCustomer** out);
  // As LoadCommitted, but kNotFound naming customer_id when absent.
  Status LoadExisting(uint64_t id, const CachedCustomer** out);

  Status GetEventKey(keys::IndexTag tag, uint64_t id,
                     std::optional<std::string>* history_key);

  // Derives every touched customer (tiering/tier_changes.h) and stages its
  // aggregates record, tier index moves and summary counter deltas into
  // `batch`.
  void StageTiering(rocksdb::WriteBatch* batch);
  // The parts of Commit, in the order they write: records (profiles,
  // tiering, histories, identities), then the counter merges of the record
  // counts and channel days, resolve-time and meta entries, removals.
  void StageRecords(rocksdb::WriteBatch* batch);
  void CollectCounterMerges();
  void StageEntries(rocksdb::WriteBatch* batch) const;
  // Stages what erase and merge removed or moved (DeleteOrder …
  // PutErasureAudit).
  void StageRemovals(rocksdb::WriteBatch* batch) const;

  const Storage* storage_;
  CustomerCache* cache_;
  const TierContext tier_;
  std::map<uint64_t, DerivedState> derived_after_;
  std::set<uint64_t> removed_;
  std::vector<CounterMerge> counter_merges_;  // staged by Commit
  uint64_t derived_changes_ = 0;
  // Committed records read so far (empty: no such customer).
  // Ordered maps: most transactions hold one event, and a hash map's bucket
  // array is one more allocation per map and write.
  std::map<uint64_t, std::optional<CachedCustomer>> committed_;
  std::map<uint64_t, Customer> customers_;
  std::map<uint64_t, Aggregates> aggregates_;
  // Customers staged only by Touch: nothing of theirs changed but time.
  std::set<uint64_t> touched_only_;
  std::map<uint64_t, Order> orders_;
  std::map<uint64_t, Interaction> interactions_;
  // Identity index key -> holder (0: removed).
  std::unordered_map<std::string, uint64_t> identities_;
  std::map<keys::RecordKind, int64_t> counts_;
  std::map<std::string, uint64_t, std::less<>> meta_numbers_;
  ChannelDayDeltas channel_days_;
  // Resolve-time keys of the tier_index CF -> put (true) or delete.
  std::map<std::string, bool> resolve_time_entries_;
  // Erase and merge (history keys, ids, alias keys).
  std::vector<std::string> deleted_orders_, deleted_interactions_;
  std::vector<uint64_t> deleted_order_ids_, deleted_interaction_ids_;
  // Alias forward keys (indexes CF) -> holder (0: removed); alias listings
  // (tier_index AliasOfKey) -> listed (true) or removed.
  std::map<std::string, uint64_t> aliases_;
  std::map<std::string, bool> alias_listings_;
  std::map<uint64_t, int64_t> erasure_audits_;  // customer id -> erased at
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_WRITE_WRITE_TXN_H_
