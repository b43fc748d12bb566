// The stored tier policy, policy changes and Rescore.
#include "tiering/rescorer.h"

#include <algorithm>
#include <thread>

#include "api/messages.h"
#include "custdb/time_format.h"
#include "lock_table.h"
#include "storage/codec.h"
#include "storage/storage_write.h"
#include "tiering/quantiles.h"
#include "write/write_pipeline.h"

namespace custdb {
namespace {

constexpr size_t kRederiveBatch = 1000;
// Two lanes: the machines custdb is sized for have two cores, and more
// lanes would only queue behind RocksDB's single memtable writer.
constexpr size_t kRederiveLanes = 2;
// Fewer customers than this per lane are not worth a thread.
constexpr size_t kMinIdsPerLane = 256;
// How far ahead of the clock a rescore may go without RescoreOptions::force:
// enough for a job scheduled just before midnight in any time zone, far
// short of a mistyped year.
constexpr int64_t kMaxAheadOfClockMs = kDayMs;

}  // namespace

Rescorer::Rescorer(const Options& options, Storage& storage, LockTable& locks,
                   PolicyState& policy, WritePipeline& pipeline)
    : options_(options),
      storage_(storage),
      locks_(locks),
      policy_(policy),
      pipeline_(pipeline) {}

Result<TierPolicy> Rescorer::GetPolicy() { return *policy_.policy(); }

Status Rescorer::StorePolicy(const TierPolicy& policy) {
  Status s = WriteMeta(storage_, {{keys::kMetaPolicy, codec::Encode(policy)}},
                       options_.sync, "storing the policy");
  if (s.ok()) policy_.set_policy(std::make_shared<const TierPolicy>(policy));
  return s;
}

Status Rescorer::LoadTiering() {
  std::string raw;
  const ReadOutcome rs =
      storage_.Read(keys::Cf::kMeta, keys::kMetaPolicy, &raw);
  uint64_t as_of = 0;
  Status s = storage_.ReadMetaNumber(keys::kMetaRescoreAsOf, &as_of);
  if (!s.ok()) return s;
  uint64_t pinned = 0;
  s = storage_.ReadMetaNumber(keys::kMetaTimePinned, &pinned);
  if (!s.ok()) return s;
  policy_.set_time(static_cast<int64_t>(as_of), pinned != 0);
  uint64_t through = 0;
  s = storage_.ReadMetaNumber(keys::kMetaRescoredThrough, &through);
  if (!s.ok()) return s;
  if (through != 0) policy_.set_rescored_through(static_cast<int64_t>(through));
  uint64_t rebuild = 0;
  s = storage_.ReadMetaNumber(keys::kMetaRebuildTiering, &rebuild);
  if (!s.ok()) return s;
  bool derive_all = rebuild != 0;
  if (options_.read_only && rebuild != 0) {
    return Status::FailedPrecondition(
        "meta rebuild_tiering: the tier index must be rebuilt, which a "
        "read-only open cannot do; open the database (or a writable copy of "
        "it) read-write once first");
  }
  if (options_.read_only && rs.absent()) {
    return Status::FailedPrecondition(
        "meta policy: no tier policy is stored yet, and storing one and "
        "deriving every customer needs a read-write open; open the "
        "database (or a writable copy of it) read-write once first");
  }
  if (rs.found()) {
    TierPolicy policy;
    s = codec::Decode(raw, &policy);
    if (!s.ok()) return s;
    policy_.set_policy(std::make_shared<const TierPolicy>(policy));
  } else if (rs.absent()) {
    // A new database, or one written before tiering: store the default
    // policy and derive every customer under it.
    TierPolicy policy = DefaultPolicy();
    policy.version = 1;
    s = StorePolicy(policy);
    if (!s.ok()) return s;
    derive_all = true;
  } else {
    return rs.Error("reading the policy");
  }
  if (!derive_all) return Status::OK();
  // A rebuild starts from nothing each time, so one cut off by a crash is
  // simply run again on the next open.
  if (rebuild) s = storage_.ClearTiering();
  if (!s.ok()) return s;
  std::vector<uint64_t> ids;
  s = ListCustomers(&ids);
  RescoreReport report;
  if (s.ok())
    s = Rederive(ids, policy_.WriteAsOf(), nullptr, &report,
                 /*rebuild=*/rebuild != 0);
  if (!s.ok() || !rebuild) return s;
  return WriteMeta(storage_, {{keys::kMetaRebuildTiering, std::nullopt}},
                   /*sync=*/true, "finishing the tier index rebuild");
}

void Rescorer::WaitForWritesInFlight() {
  std::vector<size_t> all(LockTable::kStripes);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  LockTable::Guard barrier(&locks_, std::move(all));
}

Status Rescorer::ListCustomers(std::vector<uint64_t>* ids) {
  ids->clear();
  StorageIterator it = storage_.Scan(keys::Cf::kAggregates);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    uint64_t id = 0;
    if (keys::DecodeIdKey(it.key(), &id)) ids->push_back(id);
  }
  return it.status("listing customers");
}

Status Rescorer::RederiveLane(const std::vector<uint64_t>& ids, int64_t as_of,
                              bool rebuild, RederiveProgress* shared) {
  for (size_t start = 0; start < ids.size(); start += kRederiveBatch) {
    if (shared->failed.load()) return Status::OK();
    const size_t end = std::min(ids.size(), start + kRederiveBatch);
    std::vector<size_t> stripes;
    for (size_t i = start; i < end; ++i) {
      stripes.push_back(LockTable::StripeOf(ids[i]));
    }
    TxnOptions txn_options;
    txn_options.as_of_ms = as_of;
    txn_options.rebuild = rebuild;
    uint64_t examined = 0;
    uint64_t changed = 0;
    txn_options.derived_changes = &changed;
    Status s = pipeline_.RunLocked(std::move(stripes), {}, txn_options,
                                   [&](WriteTxn* txn) {
                                     for (size_t i = start; i < end; ++i) {
                                       Status s = txn->Touch(ids[i]);
                                       // A customer erased since the scan has
                                       // nothing to re-derive.
                                       if (!s.ok() && !s.IsNotFound()) return s;
                                       if (s.ok()) ++examined;
                                     }
                                     return Status::OK();
                                   });
    if (!s.ok()) return s;
    std::lock_guard<std::mutex> lock(shared->mu);
    shared->report->examined += examined;
    shared->report->changed += changed;
    shared->done += end - start;
    if (shared->progress) (*shared->progress)(shared->done, shared->total);
  }
  return Status::OK();
}

Status Rescorer::Rederive(const std::vector<uint64_t>& ids, int64_t as_of,
                          const ProgressFn& progress, RescoreReport* report,
                          bool rebuild) {
  // Deriving and staging a customer's entries takes about half of its
  // time and only the commit is serial in RocksDB, so the customers are
  // dealt to lanes that run side by side. A lane takes the customers of
  // every kRederiveLanes-th lock stripe, so lanes never wait on each
  // other's locks.
  const size_t lanes =
      ids.size() >= kMinIdsPerLane * 2 ? kRederiveLanes : size_t{1};
  std::vector<std::vector<uint64_t>> dealt(lanes);
  for (uint64_t id : ids) dealt[LockTable::StripeOf(id) % lanes].push_back(id);
  RederiveProgress shared;
  shared.report = report;
  shared.progress = progress ? &progress : nullptr;
  shared.total = ids.size();
  std::vector<Status> results(lanes);
  auto run = [&](size_t lane) {
    results[lane] = RederiveLane(dealt[lane], as_of, rebuild, &shared);
    if (!results[lane].ok()) shared.failed = true;
  };
  std::vector<std::thread> helpers;
  for (size_t lane = 1; lane < lanes; ++lane) helpers.emplace_back(run, lane);
  run(0);
  for (std::thread& t : helpers) t.join();
  for (const Status& s : results) {
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status Rescorer::CheckRescoreTime(const RescoreOptions& options, int64_t as_of,
                                  int64_t now, int64_t database_time) {
  // Checked before anything is written: a refused rescore changes nothing.
  // The default is exempt: a database time ahead was forced already.
  if (options.as_of_ms && !options.force && as_of > now &&
      as_of - now > kMaxAheadOfClockMs) {
    return Status::InvalidArgument(
        "rescore.as_of: " + FormatIso8601(as_of) + " is " +
        std::to_string((as_of - now) / kDayMs) + " days ahead of the clock (" +
        FormatIso8601(now) + "); pass --force if you mean it");
  }
  // Customers may be derived as late as the database time, and an
  // incremental rescore only moves customers forward: below it, it would
  // report success having changed nobody.
  if (!options.full && as_of < database_time) {
    return Status::FailedPrecondition(
        IsBefore("rescore.as_of", FormatIso8601(as_of),
                 "the database time " + FormatIso8601(database_time)) +
        "; run a full rescore (--full) to set the database time back");
  }
  return Status::OK();
}

Status Rescorer::MoveDatabaseTime(int64_t as_of, int64_t now) {
  // The database time moves first: writes from now on derive at as_of
  // (pinned, when as_of is before the clock) or later, so none can put a
  // customer behind this rescore. A full rescore that sets it back lowers
  // rescored_through with it, since customers written from now on may
  // next change before the old value.
  const bool pinned = as_of < now;
  const bool lower_through = as_of < policy_.rescored_through();
  const std::string as_of_text = std::to_string(as_of);
  std::vector<MetaChange> changes = {{keys::kMetaRescoreAsOf, as_of_text}};
  if (pinned != policy_.time_pinned()) {
    changes.push_back(
        {keys::kMetaTimePinned,
         pinned ? std::optional<std::string_view>("1") : std::nullopt});
  }
  if (lower_through)
    changes.push_back({keys::kMetaRescoredThrough, as_of_text});
  Status s =
      WriteMeta(storage_, changes, options_.sync, "storing the database time");
  if (!s.ok()) return s;
  if (lower_through) policy_.set_rescored_through(as_of);
  policy_.set_time(as_of, pinned);
  return Status::OK();
}

Status Rescorer::FullRescoreIds(int64_t as_of, const TierPolicy* change,
                                std::vector<uint64_t>* ids) {
  const std::shared_ptr<const TierPolicy> current = policy_.policy();
  TierPolicy next = change ? *change : *current;
  const bool quantile = next.rfm_mode == RfmMode::kQuantile;
  std::vector<int64_t> days, orders, spend;
  StorageIterator it = storage_.Scan(keys::Cf::kAggregates);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    uint64_t id = 0;
    if (!keys::DecodeIdKey(it.key(), &id)) continue;
    ids->push_back(id);
    if (!quantile) continue;
    Aggregates a;
    Status s = codec::Decode(it.value(), &a);
    if (!s.ok()) return s;
    if (a.order_count <= 0) continue;
    days.push_back(std::max<int64_t>(0, (as_of - a.last_order_ms) / kDayMs));
    orders.push_back(a.order_count);
    spend.push_back(a.total_spend_minor);
  }
  Status s = it.status("rescore: scanning aggregates");
  if (!s.ok()) return s;
  // With no buyer there is nothing to take quintiles of: the breakpoints
  // stay as they are (the operator's, on a policy change) until a full
  // rescore finds buyers.
  if (quantile && !orders.empty()) {
    next.recency_days = RecencyQuintileBreakpoints(std::move(days));
    next.frequency_orders = QuintileBreakpoints(std::move(orders));
    next.monetary_minor = QuintileBreakpoints(std::move(spend));
  }
  // One version per change: a policy change is stored once, with its
  // quintiles already in; a rescore stores a version only when the
  // quintiles moved.
  if (change == nullptr && next.recency_days == current->recency_days &&
      next.frequency_orders == current->frequency_orders &&
      next.monetary_minor == current->monetary_minor) {
    return Status::OK();
  }
  next.version = current->version + 1;
  s = StorePolicy(next);
  if (!s.ok()) return s;
  // A customer created after the scan above, by a write that read
  // the old policy, is not in `ids`: once the writes that may have
  // read it are done, list the customers again.
  WaitForWritesInFlight();
  return ListCustomers(ids);
}

Status Rescorer::DueIds(int64_t as_of, std::vector<uint64_t>* ids) {
  // The customers whose derived attributes change by as_of: Derive
  // promises none changes before its next_change_ms. None is due at or
  // before rescored_through, and starting there skips the tombstones
  // earlier rescores left below it.
  const std::string lower = keys::NextChangeKey(policy_.rescored_through(), 0);
  const std::string upper = keys::NextChangeKey(as_of, UINT64_MAX);
  ScanBounds bounds;
  bounds.Upper(upper);
  StorageIterator it = storage_.ScanWithin(keys::Cf::kTierIndex, bounds);
  for (it.Seek(lower); it.Valid(); it.Next()) {
    uint64_t id = 0;
    if (keys::TierKeyCustomerId(it.key(), &id)) ids->push_back(id);
  }
  return it.status("rescore: scanning the due index");
}

Status Rescorer::RescoreLocked(const RescoreOptions& options,
                               const TierPolicy* change,
                               RescoreReport* report) {
  const int64_t now = policy_.now_ms();
  const int64_t database_time = policy_.WriteAsOf();
  // Default "now", but never before a database time forced ahead of it.
  const int64_t as_of =
      options.as_of_ms ? *options.as_of_ms : std::max(now, database_time);
  Status s = CheckRescoreTime(options, as_of, now, database_time);
  if (!s.ok()) return s;
  report->as_of_ms = as_of;
  report->full = options.full;
  s = MoveDatabaseTime(as_of, now);
  if (!s.ok()) return s;
  // A write that read the earlier time holds its customer's stripe until
  // it has committed: once every stripe has been free, the scans below see
  // all such writes.
  WaitForWritesInFlight();
  std::vector<uint64_t> ids;
  s = options.full ? FullRescoreIds(as_of, change, &ids) : DueIds(as_of, &ids);
  if (!s.ok()) return s;
  s = Rederive(ids, as_of, options.progress, report, /*rebuild=*/false);
  report->policy_version = policy_.policy()->version;
  if (!s.ok()) return s;
  // Every customer due by as_of now has its next change after it, and
  // every write derives at as_of or later, so nothing becomes due again
  // at or before as_of.
  s = WriteMeta(storage_, {{keys::kMetaRescoredThrough, std::to_string(as_of)}},
                options_.sync, "storing the finished rescore's time");
  if (s.ok()) policy_.set_rescored_through(as_of);
  return s;
}

Result<RescoreReport> Rescorer::Rescore(const RescoreOptions& options) {
  Status writable = pipeline_.CheckWritable();
  if (!writable.ok()) return writable;
  std::lock_guard<std::mutex> lock(policy_.rescore_mu());
  RescoreReport report;
  Status s = RescoreLocked(options, nullptr, &report);
  if (!s.ok()) return s;
  return report;
}

Result<RescoreReport> Rescorer::SetPolicy(const TierPolicy& policy,
                                          const ProgressFn& progress) {
  Status s = pipeline_.CheckWritable();
  if (s.ok()) s = ValidatePolicy(policy);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(policy_.rescore_mu());
  // Stored by the full rescore, as one version with its quintiles (for a
  // quantile policy) already computed; re-derived at the database time,
  // the time every customer's attributes hold at, so none moves in time;
  // forced, as that time was accepted.
  RescoreOptions options;
  options.as_of_ms = policy_.WriteAsOf();
  options.full = true;
  options.force = true;
  options.progress = progress;
  RescoreReport report;
  s = RescoreLocked(options, &policy, &report);
  if (!s.ok()) return s;
  return report;
}

}  // namespace custdb
