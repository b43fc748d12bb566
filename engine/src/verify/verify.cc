// Verify: recomputes from the records what the write path maintains
// (aggregates, id and identity indexes, record counters, channel-day
// counters and complaint resolve-time entries) on one snapshot
// and reports every mismatch. This file holds the driver and the main
// pass, a merge walk of customers, aggregates and both histories: all are
// keyed by customer id first, so each is read once, in order.
#include "verify/verify.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

#include "api/messages.h"
#include "storage/codec.h"
#include "storage/keys.h"
#include "verify/verify_aggregates.h"
#include "verify/verify_channel_counters.h"
#include "verify/verify_context.h"
#include "write/aggregates_replay.h"

namespace custdb {
namespace {

std::string Num(uint64_t v) { return std::to_string(v); }
std::string Num(int64_t v) { return std::to_string(v); }

// An iterator over customers or aggregates that rests only on id keys.
struct IdScan {
  keys::Cf cf;
  StorageIterator it;
  uint64_t id = 0;  // of the current entry, when valid
  bool valid = false;
};

// An iterator over one history CF that rests only on history keys.
struct HistoryScan {
  const HistoryKind* kind;
  StorageIterator it;
  keys::HistoryKeyParts parts{};  // of the current record, when valid
  bool valid = false;
};

class CustomerWalk {
 public:
  CustomerWalk(VerifyContext* ctx, ChannelCountersReplay* channel_replay)
      : ctx_(ctx), channel_replay_(channel_replay) {}
  Status Run();

 private:
  void SettleIds(IdScan* scan);
  void SettleHistory(HistoryScan* scan);
  Status VerifyCustomer(uint64_t id);
  Status CheckProfile(uint64_t id, uint64_t* owner_channel_id);
  void CheckAggregates(uint64_t id, const AggregatesReplay& replay);
  Status CheckIdentitiesOf(uint64_t id, const Customer& customer);
  Status ConsumeHistory(HistoryScan* scan, uint64_t customer_id,
                        AggregatesReplay* replay);
  template <typename Record>
  Status CheckRecord(const HistoryScan& scan, Record* record, bool* decoded);
  Status CheckIdIndexOf(const HistoryScan& scan);

  bool HasProfile(uint64_t id) const {
    return profiles_.valid && profiles_.id == id;
  }
  bool HasAggregates(uint64_t id) const {
    return aggregates_.valid && aggregates_.id == id;
  }

  VerifyContext* ctx_;
  ChannelCountersReplay* channel_replay_;
  IdScan profiles_{keys::Cf::kCustomers, ctx_->Scan(keys::Cf::kCustomers)};
  IdScan aggregates_{keys::Cf::kAggregates, ctx_->Scan(keys::Cf::kAggregates)};
  HistoryScan orders_{&kOrderHistory, ctx_->Scan(kOrderHistory.cf)};
  HistoryScan interactions_{&kInteractionHistory,
                            ctx_->Scan(kInteractionHistory.cf)};
};

Status CustomerWalk::Run() {
  for (auto* scan : {&profiles_, &aggregates_}) {
    scan->it.SeekToFirst();
    SettleIds(scan);
  }
  for (auto* scan : {&orders_, &interactions_}) {
    scan->it.SeekToFirst();
    SettleHistory(scan);
  }
  Status s;
  // The union of both id sets, in order.
  while (s.ok() && (profiles_.valid || aggregates_.valid)) {
    uint64_t id = UINT64_MAX;
    for (const IdScan* scan : {&profiles_, &aggregates_}) {
      if (scan->valid) id = std::min(id, scan->id);
    }
    s = VerifyCustomer(id);
    for (auto* scan : {&profiles_, &aggregates_}) {
      if (scan->valid && scan->id == id) {
        scan->it.Next();
        SettleIds(scan);
      }
    }
  }
  // What is left belongs to no customer.
  if (s.ok()) s = ConsumeHistory(&orders_, UINT64_MAX, nullptr);
  if (s.ok()) s = ConsumeHistory(&interactions_, UINT64_MAX, nullptr);
  for (const StorageIterator* it :
       {&profiles_.it, &aggregates_.it, &orders_.it, &interactions_.it}) {
    if (s.ok()) s = it->status("verify: scanning");
  }
  return s;
}

void CustomerWalk::SettleIds(IdScan* scan) {
  for (scan->valid = false; scan->it.Valid(); scan->it.Next()) {
    std::string_view key = scan->it.key();
    if (keys::DecodeIdKey(key, &scan->id)) {
      scan->valid = true;
      return;
    }
    if (scan->cf == keys::Cf::kCustomers) {
      ++ctx_->Records(keys::RecordKind::kCustomer);
    }
    ctx_->Problem(std::string(keys::ColumnFamilyName(scan->cf)) + " key " +
                  Hex(key) + " is not a customer id");
  }
}

void CustomerWalk::SettleHistory(HistoryScan* scan) {
  for (scan->valid = false; scan->it.Valid(); scan->it.Next()) {
    ++ctx_->Records(scan->kind->record_kind);
    std::string_view key = scan->it.key();
    if (keys::DecodeHistoryKey(key, &scan->parts)) {
      scan->valid = true;
      return;
    }
    ctx_->Problem(std::string(keys::ColumnFamilyName(scan->kind->cf)) +
                  " key " + Hex(key) + " is not a history key");
  }
}

// One id of the walk: its profile, its aggregates (if each exists) and its
// histories, which also holds the records of any ids skipped before it.
Status CustomerWalk::VerifyCustomer(uint64_t id) {
  const bool has_profile = HasProfile(id);
  AggregatesReplay replay;
  AggregatesReplay* feed = has_profile ? &replay : nullptr;
  Status s = ConsumeHistory(&orders_, id, feed);
  if (s.ok()) s = ConsumeHistory(&interactions_, id, feed);
  if (!s.ok()) return s;
  if (!has_profile) {
    ctx_->Problem("aggregates entry of customer " + Num(id) +
                  " has no customer record");
    return Status::OK();
  }
  uint64_t owner = 0;
  s = CheckProfile(id, &owner);
  if (s.ok()) CheckAggregates(id, replay);
  channel_replay_->EndCustomer(owner);
  return s;
}

Status CustomerWalk::CheckProfile(uint64_t id, uint64_t* owner_channel_id) {
  ++ctx_->report()->customers_checked;
  ++ctx_->Records(keys::RecordKind::kCustomer);
  Customer customer;
  Status s = codec::Decode(profiles_.it.value(), &customer);
  if (!s.ok()) {
    ctx_->Problem("customer " + Num(id) +
                  ": profile does not decode: " + s.message());
    return Status::OK();
  }
  if (customer.id != id) {
    ctx_->Problem("customer " + Num(id) + ": profile holds id " +
                  Num(customer.id));
  }
  *owner_channel_id = customer.owner_channel_id;
  return CheckIdentitiesOf(id, customer);
}

void CustomerWalk::CheckAggregates(uint64_t id,
                                   const AggregatesReplay& replay) {
  const std::string who = "customer " + Num(id);
  if (!HasAggregates(id)) {
    ctx_->Problem(who + ": no aggregates entry");
    return;
  }
  Aggregates stored;
  Status s = codec::Decode(aggregates_.it.value(), &stored);
  if (!s.ok()) {
    ctx_->Problem("aggregates of " + who + " do not decode: " + s.message());
  } else if (!replay.status().ok()) {
    ctx_->Problem("aggregates of " + who +
                  " cannot be recomputed: " + replay.status().message());
  } else {
    for (const std::string& diff : DiffAggregates(stored, replay.result())) {
      ctx_->Problem("aggregates of " + who + ": " + diff);
    }
  }
}

// Each identity the customer holds has an index entry naming it.
Status CustomerWalk::CheckIdentitiesOf(uint64_t id, const Customer& customer) {
  for (const IdentityField& f : kIdentityFields) {
    const std::string& value = customer.*f.field;
    if (value.empty()) continue;
    std::string raw;
    bool found = false;
    Status s = ctx_->Get(keys::Cf::kIndexes, keys::IdentityKey(f.tag, value),
                         &raw, &found);
    if (!s.ok()) return s;
    const std::string what =
        "customer " + Num(id) + ": " + f.name + " " + QuoteValue(value);
    uint64_t holder = 0;
    if (!found) {
      ctx_->Problem(what + " has no index entry");
    } else if (!keys::DecodeIdKey(raw, &holder)) {
      ctx_->Problem(what + ": its index entry holds " + Hex(raw) +
                    ", not a customer id");
    } else if (holder != id) {
      ctx_->Problem(what + ": its index entry points to customer " +
                    Num(holder));
    }
  }
  return Status::OK();
}

// Checks the records of `scan` up to customer `customer_id` and feeds
// those of that customer to `replay`. Records of customers before it, or
// all when `replay` is null, belong to no customer.
Status CustomerWalk::ConsumeHistory(HistoryScan* scan, uint64_t customer_id,
                                    AggregatesReplay* replay) {
  for (; scan->valid && scan->parts.customer_id <= customer_id;
       scan->it.Next(), SettleHistory(scan)) {
    const bool owned =
        replay != nullptr && scan->parts.customer_id == customer_id;
    if (!owned) {
      ctx_->Problem(Describe(*scan->kind, scan->parts) +
                    ": its customer does not exist");
    }
    Status s;
    bool decoded = false;
    if (scan->kind == &kOrderHistory) {
      ++ctx_->report()->orders_checked;
      Order order;
      s = CheckRecord(*scan, &order, &decoded);
      if (decoded && owned) {
        replay->FeedOrder(order);
        channel_replay_->FeedOrder(order);
      }
    } else {
      ++ctx_->report()->interactions_checked;
      Interaction interaction;
      s = CheckRecord(*scan, &interaction, &decoded);
      if (decoded && owned) {
        replay->FeedInteraction(interaction);
        channel_replay_->FeedInteraction(interaction);
      }
    }
    if (!s.ok()) return s;
  }
  return Status::OK();
}

// The record under the scan decodes, agrees with its key, and its id
// index entry points to it.
template <typename Record>
Status CustomerWalk::CheckRecord(const HistoryScan& scan, Record* record,
                                 bool* decoded) {
  const keys::HistoryKeyParts& key = scan.parts;
  const std::string what = Describe(*scan.kind, key);
  Status s = codec::Decode(scan.it.value(), record);
  *decoded = s.ok();
  if (!s.ok()) {
    ctx_->Problem(what + ": record does not decode: " + s.message());
    return CheckIdIndexOf(scan);
  }
  auto mismatch = [&](const char* field, const std::string& in_record,
                      const std::string& in_key) {
    ctx_->Problem(what + ": record " + field + " " + in_record + " != key's " +
                  in_key);
  };
  if (record->customer_id != key.customer_id) {
    mismatch("customer_id", Num(record->customer_id), Num(key.customer_id));
  }
  if (record->ts_ms != key.ts_ms) {
    mismatch("ts_ms", Num(record->ts_ms), Num(key.ts_ms));
  }
  if (record->id != key.event_id) {
    mismatch("id", Num(record->id), Num(key.event_id));
  }
  return CheckIdIndexOf(scan);
}

Status CustomerWalk::CheckIdIndexOf(const HistoryScan& scan) {
  const HistoryKind& kind = *scan.kind;
  std::string target;
  bool found = false;
  Status s = ctx_->Get(keys::Cf::kIndexes,
                       keys::EventIdKey(kind.id_tag, scan.parts.event_id),
                       &target, &found);
  if (!s.ok()) return s;
  const std::string what = Describe(kind, scan.parts);
  keys::HistoryKeyParts points_to;
  if (!found) {
    ctx_->Problem(what + ": no " + kind.index_name);
  } else if (!keys::DecodeHistoryKey(target, &points_to)) {
    ctx_->Problem(what + ": its " + kind.index_name + " holds " + Hex(target) +
                  ", not a history key");
  } else if (target != scan.it.key()) {
    ctx_->Problem(what + ": its " + kind.index_name + " points to " +
                  Describe(kind, points_to));
  }
  return Status::OK();
}

}  // namespace

Status VerifyCustomersAndHistories(VerifyContext* ctx,
                                   ChannelCountersReplay* channel_replay) {
  return CustomerWalk(ctx, channel_replay).Run();
}

Status VerifyDatabase(const Storage& storage, size_t max_problems,
                      VerifyReport* report) {
  *report = VerifyReport();
  VerifyContext ctx(storage, max_problems, report);
  ChannelCountersReplay channel_replay;
  Status s = VerifyCustomersAndHistories(&ctx, &channel_replay);
  if (s.ok()) s = VerifyIndexEntries(&ctx);
  if (s.ok()) s = VerifyTiering(&ctx);
  if (s.ok()) s = VerifyRecordCounters(&ctx);
  if (s.ok()) s = channel_replay.Check(&ctx);
  return s;
}

}  // namespace custdb
