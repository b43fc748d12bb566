// TierSummary and ChannelReport from counters; CustomerView.
#include "reports/report_reader.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/messages.h"
#include "reports/channel_counters.h"
#include "storage/keys.h"
#include "storage/storage_read.h"

namespace custdb {
namespace {

// A report's sum over owners, regions, channels or days can leave i64
// even though every stored counter is within it (counter_guard.h).
Status TotalTooLarge(const char* report) {
  return Status::InvalidArgument(
      std::string(report) +
      ": a total exceeds the 64-bit range; ask for a narrower scope (one "
      "owner channel, region or a shorter date range)");
}

// What the counters hold for one row: summed counter vectors and the
// resolve times behind its median.
struct DayTotals {
  keys::CounterVec counters;
  std::vector<int64_t> resolve_ms;
};
using DaysTotals = std::map<int64_t, DayTotals>;  // by day_ms

// Reads channel-day counters and resolve-time entries on one snapshot.
// One iterator per column family serves every channel (a Seek each).
class ChannelDayReader {
 public:
  explicit ChannelDayReader(const Storage& storage)
      : snapshot_(storage),
        counters_(
            storage.Scan(keys::Cf::kReportCounters, ReadView{&snapshot_})),
        resolve_times_(
            storage.Scan(keys::Cf::kTierIndex, ReadView{&snapshot_})) {}

  // Adds the days of `channel_id` whose midnight lies in [from_ms, to_ms)
  // into *days.
  Status Read(uint64_t channel_id, int64_t from_ms, int64_t to_ms,
              DaysTotals* days) {
    // Days are whole midnights, so key(day) >= key(from_ms) iff
    // day >= from_ms: no rounding of the bounds (which could overflow).
    const std::string end = keys::ChannelDayKey(channel_id, to_ms);
    for (counters_.Seek(keys::ChannelDayKey(channel_id, from_ms));
         counters_.Valid() && counters_.key() < end; counters_.Next()) {
      uint64_t channel = 0;
      int64_t day = 0;
      keys::CounterVec vec;
      if (!keys::DecodeChannelDayKey(counters_.key(), &channel, &day) ||
          !keys::DecodeCounterVec(counters_.value(), &vec)) {
        return Status::Corruption("channel-day counter of channel " +
                                  std::to_string(channel_id) +
                                  " does not decode");
      }
      if (vec.empty()) continue;  // everything netted out: no data
      if (!keys::AddCounterVec(&(*days)[day].counters, vec)) {
        return TotalTooLarge("channel report");
      }
    }
    Status s = counters_.status("reading channel-day counters");
    if (!s.ok()) return s;
    const std::string tag(1, static_cast<char>(keys::TierTag::kResolveTime));
    std::string start = tag, stop = tag;
    keys::PutU64(&start, channel_id);
    keys::PutI64(&start, from_ms);
    keys::PutU64(&stop, channel_id);
    keys::PutI64(&stop, to_ms);
    for (resolve_times_.Seek(start);
         resolve_times_.Valid() && resolve_times_.key() < stop;
         resolve_times_.Next()) {
      uint64_t channel = 0, interaction = 0;
      int64_t day = 0, resolve_ms = 0;
      if (!keys::DecodeResolveTimeKey(resolve_times_.key(), &channel, &day,
                                      &resolve_ms, &interaction)) {
        return Status::Corruption("resolve-time entry of channel " +
                                  std::to_string(channel_id) +
                                  " does not decode");
      }
      (*days)[day].resolve_ms.push_back(resolve_ms);
    }
    return resolve_times_.status("reading resolve times");
  }

 private:
  ScopedSnapshot snapshot_;  // declared first: outlives the iterators
  StorageIterator counters_;
  StorageIterator resolve_times_;
};

// The counters behind one split key's rows (no key set: unsplit).
struct SummaryPart {
  std::optional<uint64_t> owner_channel_id;
  std::optional<std::string> region;
  keys::CounterVec counters;
};

// Each owner's tier-summary counters (scope kOwner, or kOwnerRegion of
// `region`), in the order of `owners`. One MultiGet reads every key as of
// one snapshot, so that a customer moving between two owners is counted
// once.
Status ReadOwnerCounters(const Storage& storage,
                         const std::vector<uint64_t>& owners,
                         const std::optional<std::string>& region,
                         std::vector<keys::CounterVec>* out) {
  std::vector<std::string> counter_keys;
  counter_keys.reserve(owners.size());
  for (uint64_t owner : owners) {
    counter_keys.push_back(
        region ? keys::TierSummaryKey(keys::SummaryScope::kOwnerRegion, owner,
                                      *region)
               : keys::TierSummaryKey(keys::SummaryScope::kOwner, owner, ""));
  }
  const size_t n = counter_keys.size();
  PinnedValues values;
  storage.MultiGet(keys::Cf::kCounters, counter_keys, &values);
  out->assign(n, {});
  for (size_t i = 0; i < n; ++i) {
    if (values.failed(i)) {
      return values.Error(i, "reading tier summary counters");
    }
    if (!values.found(i)) continue;
    if (!keys::DecodeCounterVec(values.value(i), &(*out)[i])) {
      return Status::Corruption("tier summary counter holds " +
                                std::to_string(values.value(i).size()) +
                                " bytes");
    }
  }
  return Status::OK();
}

// The kOwnerRegion counters of `owners` (ascending), summed per region.
// Which regions exist is not known up front, so each owner's keys are read
// as a range. One iterator sees one snapshot across all its seeks. The
// counters CF's hash memtable needs a total-order iterator to cross
// buckets, which sorts a copy of the memtable: the cost of this split.
Status ReadRegionCounters(const Storage& storage,
                          const std::vector<uint64_t>& owners,
                          std::map<std::string, keys::CounterVec>* out) {
  // The whole kOwnerRegion scope: no seek reads past it.
  const std::string lower = {
      static_cast<char>(keys::CounterTag::kTierSummary),
      static_cast<char>(keys::SummaryScope::kOwnerRegion)};
  std::string upper = lower;
  ++upper.back();
  ScanBounds bounds;
  bounds.Lower(lower).Upper(upper);
  StorageIterator it = storage.ScanWithin(keys::Cf::kCounters, bounds);
  for (uint64_t owner : owners) {
    const std::string prefix = keys::TierSummaryRegionPrefix(owner);
    for (it.Seek(prefix); it.Valid() && it.KeyStartsWith(prefix); it.Next()) {
      uint64_t key_owner = 0;
      std::string region;
      keys::CounterVec vec;
      if (!keys::DecodeTierSummaryRegionKey(it.key(), &key_owner, &region) ||
          !keys::DecodeCounterVec(it.value(), &vec)) {
        return Status::Corruption("tier summary counter of owner " +
                                  std::to_string(owner) + " does not decode");
      }
      if (!keys::AddCounterVec(&(*out)[region], vec)) {
        return TotalTooLarge("tier summary");
      }
    }
  }
  return it.status("reading tier summary counters by region");
}

// Appends the rows of `part` in the group's order. Slots follow keys.h
// (kSummaryTierBase …): customers in slot 2k, spend in 2k + 1.
void AppendSummaryRows(const TierPolicy& policy, SummaryGroup by,
                       const SummaryPart& part,
                       std::vector<TierSummaryRow>* rows) {
  auto slot = [&part](int k, int half) {
    const uint16_t wanted = static_cast<uint16_t>(2 * k + half);
    for (const auto& [i, v] : part.counters) {
      if (i == wanted) return v;
    }
    return int64_t{0};
  };
  auto add_row = [&](std::string name, int k) {
    TierSummaryRow row;
    row.group = std::move(name);
    row.customers = slot(k, 0);
    row.spend_minor = slot(k, 1);
    row.owner_channel_id = part.owner_channel_id;
    row.region = part.region;
    rows->push_back(std::move(row));
  };
  switch (by) {
    case SummaryGroup::kTier:
      for (ValueTier t :
           {ValueTier::kHigh, ValueTier::kMedium, ValueTier::kLow}) {
        add_row(ValueTierName(t),
                keys::kSummaryTierBase + static_cast<int>(t) - 1);
      }
      break;
    case SummaryGroup::kLifecycle:
      for (int stage = static_cast<int>(LifecycleStage::kProspect);
           stage <= static_cast<int>(LifecycleStage::kReactivated); ++stage) {
        add_row(LifecycleStageName(static_cast<LifecycleStage>(stage)),
                keys::kSummaryLifecycleBase + stage - 1);
      }
      break;
    case SummaryGroup::kSegment:
      for (size_t i = 0; i < policy.segments.size(); ++i) {
        add_row(policy.segments[i].name,
                keys::kSummarySegmentBase + 1 + static_cast<int>(i));
      }
      add_row(kNoSegmentRow, keys::kSummarySegmentBase);
      break;
  }
}

ChannelReportRow MakeRow(uint64_t channel_id, int64_t day_ms,
                         DayTotals* totals) {
  const keys::CounterVec& c = totals->counters;
  auto slot = [&c](keys::ChannelDaySlot s) { return SlotValue(c, s); };
  ChannelReportRow row;
  row.channel_id = channel_id;
  row.day_ms = day_ms;
  row.revenue_minor = slot(keys::kDayRevenue);
  row.orders = slot(keys::kDayOrders);
  row.buying_customers = slot(keys::kDayBuyingCustomers);
  row.new_customers = slot(keys::kDayNewCustomers);
  row.repeat_customers = slot(keys::kDayRepeatCustomers);
  if (row.buying_customers > 0) {
    row.repeat_customer_rate = static_cast<double>(row.repeat_customers) /
                               static_cast<double>(row.buying_customers);
  }
  row.interactions = slot(keys::kDayInteractions);
  row.complaints_opened = slot(keys::kDayComplaintsOpened);
  row.complaints_resolved = slot(keys::kDayComplaintsResolved);
  std::vector<int64_t>& times = totals->resolve_ms;
  if (!times.empty()) {
    auto mid = times.begin() + (times.size() - 1) / 2;  // the lower median
    std::nth_element(times.begin(), mid, times.end());
    row.median_resolve_ms = *mid;
  }
  if (const int64_t n = slot(keys::kDaySatisfactionCount); n > 0) {
    row.avg_satisfaction =
        static_cast<double>(slot(keys::kDaySatisfactionSum)) /
        static_cast<double>(n);
  }
  const int64_t promoters = slot(keys::kDayPromoters);
  const int64_t detractors = slot(keys::kDayDetractors);
  const int64_t rated = promoters + slot(keys::kDayPassives) + detractors;
  if (rated > 0) {
    row.nps = 100.0 * static_cast<double>(promoters - detractors) /
              static_cast<double>(rated);
  }
  row.cross_channel_in = slot(keys::kDayCrossChannelIn);
  row.cross_channel_out = slot(keys::kDayCrossChannelOut);
  return row;
}

}  // namespace

ReportReader::ReportReader(const Storage& storage,
                           const ChannelRegistry& channels,
                           const PolicyState& policy, CustomerReads& reads)
    : storage_(storage), channels_(channels), policy_(policy), reads_(reads) {}

// Reads one tier-summary counter per owner channel of the query (every
// owner, 0 included, without one; keys.h SummaryScope), or by region every
// region counter of those owners; no customer is read.
Result<TierSummary> ReportReader::GetTierSummary(const TierSummaryQuery& q) {
  const int by = static_cast<int>(q.by);
  if (by < static_cast<int>(SummaryGroup::kTier) ||
      by > static_cast<int>(SummaryGroup::kLifecycle)) {
    return Status::InvalidArgument("query.by: " + std::to_string(by) +
                                   " is not a summary group");
  }
  const int split = static_cast<int>(q.split_by);
  if (split > static_cast<int>(SummarySplit::kRegion)) {
    return Status::InvalidArgument("query.split_by: " + std::to_string(split) +
                                   " is not a summary split");
  }
  std::vector<uint64_t> owners;
  if (q.owner_channel_id) {
    Status s = channels_.OwnerSet(
        "query.owner_channel_id", *q.owner_channel_id,
        q.include_subtree ? Subtree::kInclude : Subtree::kExclude, &owners);
    if (!s.ok()) return s;
  } else {
    owners = channels_.OwnerIds();
  }
  // Both owner lists ascend (their contracts), so split rows come by
  // ascending key without a sort.
  const std::shared_ptr<const TierPolicy> policy = policy_.policy();

  std::vector<SummaryPart> parts;
  if (q.split_by == SummarySplit::kRegion && !q.region) {
    std::map<std::string, keys::CounterVec> regions;
    Status s = ReadRegionCounters(storage_, owners, &regions);
    if (!s.ok()) return s;
    for (auto& [region, counters] : regions) {
      // Zeros are dropped: a region all of whose customers left is empty.
      if (counters.empty()) continue;
      parts.push_back({std::nullopt, region, std::move(counters)});
    }
  } else {
    std::vector<keys::CounterVec> per_owner;
    Status s = ReadOwnerCounters(storage_, owners, q.region, &per_owner);
    if (!s.ok()) return s;
    if (q.split_by == SummarySplit::kOwnerChannel) {
      for (size_t i = 0; i < owners.size(); ++i) {
        if (per_owner[i].empty()) continue;
        parts.push_back({owners[i], std::nullopt, std::move(per_owner[i])});
      }
    } else {
      SummaryPart total;
      for (const keys::CounterVec& counters : per_owner) {
        if (!keys::AddCounterVec(&total.counters, counters)) {
          return TotalTooLarge("tier summary");
        }
      }
      if (q.split_by == SummarySplit::kRegion) total.region = *q.region;
      // Unsplit, the rows are there even when zero.
      if (q.split_by == SummarySplit::kNone || !total.counters.empty()) {
        parts.push_back(std::move(total));
      }
    }
  }

  TierSummary summary;
  summary.by = q.by;
  summary.split_by = q.split_by;
  summary.policy_version = policy->version;
  for (const SummaryPart& part : parts) {
    AppendSummaryRows(*policy, q.by, part, &summary.rows);
  }
  return summary;
}

Result<ChannelReport> ReportReader::GetChannelReport(
    const ChannelReportQuery& query) {
  if (query.from_ms >= query.to_ms) {
    return Status::InvalidArgument(
        "query.from_ms: " + std::to_string(query.from_ms) +
        " is not before query.to_ms " + std::to_string(query.to_ms));
  }
  if (query.channel_id != 0 && !channels_.Exists(query.channel_id)) {
    return Status::NotFound(DoesNotExist("query.channel_id", query.channel_id));
  }
  // Each row's channel and the channels whose counters it sums.
  std::vector<std::pair<uint64_t, std::vector<uint64_t>>> groups;
  if (query.channel_id == 0) {
    for (const Channel& c : channels_.List()) groups.push_back({c.id, {c.id}});
  } else if (query.include_subtree) {
    std::vector<uint64_t> members = channels_.SubtreeOf(query.channel_id);
    if (members.empty()) members.push_back(query.channel_id);
    groups.push_back({query.channel_id, std::move(members)});
  } else {
    groups.push_back({query.channel_id, {query.channel_id}});
  }

  ChannelDayReader reader(storage_);
  ChannelReport report;
  for (const auto& [row_channel, members] : groups) {
    DaysTotals days;
    for (uint64_t member : members) {
      Status s = reader.Read(member, query.from_ms, query.to_ms, &days);
      if (!s.ok()) return s;
    }
    if (query.by_day) {
      for (auto& [day, totals] : days) {
        report.rows.push_back(MakeRow(row_channel, day, &totals));
      }
      continue;
    }
    DayTotals total;
    for (auto& [day, totals] : days) {
      if (!keys::AddCounterVec(&total.counters, totals.counters)) {
        return TotalTooLarge("channel report");
      }
      total.resolve_ms.insert(total.resolve_ms.end(), totals.resolve_ms.begin(),
                              totals.resolve_ms.end());
    }
    report.rows.push_back(MakeRow(row_channel, 0, &total));
  }
  return report;
}

// One snapshot for the record and both histories, so the view never shows
// an order its aggregates do not count, or a merged customer's records half
// moved. The id resolves as in GetCustomer: a merged one to its survivor.
Result<CustomerView> ReportReader::ViewCustomer(uint64_t customer_id) {
  ScopedSnapshot snapshot(storage_);
  auto record = reads_.ResolveCustomer(customer_id, &snapshot);
  if (!record.ok()) return record.status();
  CustomerView view;
  view.customer = std::move(record).value();
  HistoryQuery recent;
  recent.customer_id = view.customer.profile.id;
  recent.limit = kViewRecentEvents;
  auto orders = reads_.ListHistory<Order>(recent, &snapshot);
  if (!orders.ok()) return orders.status();
  view.recent_orders = std::move(orders->items);
  auto interactions = reads_.ListHistory<Interaction>(recent, &snapshot);
  if (!interactions.ok()) return interactions.status();
  view.recent_interactions = std::move(interactions->items);
  return view;
}

}  // namespace custdb
