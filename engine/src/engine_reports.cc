// Engine: TierSummary and ChannelReport from counters; CustomerView.
#include "engine_impl.h"
#include "keys.h"
#include "rocks_status.h"

namespace custdb {

// Reads one tier-summary counter per owner channel of the query (or the
// one of its scope), summed; no customer is read. Slots follow keys.h
// (kSummaryTierBase …): customers in slot 2k, spend in 2k + 1.
Result<TierSummary> EngineImpl::GetTierSummary(const TierSummaryQuery& q) {
  const int by = static_cast<int>(q.by);
  if (by < static_cast<int>(SummaryGroup::kTier) ||
      by > static_cast<int>(SummaryGroup::kLifecycle)) {
    return Status::InvalidArgument("query.by: " + std::to_string(by) +
                                   " is not a summary group");
  }
  std::vector<std::string> counter_keys;
  if (q.owner_channel_id) {
    std::vector<uint64_t> owners;
    Status s = OwnerSet("query.owner_channel_id", *q.owner_channel_id,
                        q.include_subtree, &owners);
    if (!s.ok()) return s;
    for (uint64_t owner : owners) {
      counter_keys.push_back(
          q.region
              ? keys::TierSummaryKey(keys::SummaryScope::kOwnerRegion, owner,
                                     *q.region)
              : keys::TierSummaryKey(keys::SummaryScope::kOwner, owner, ""));
    }
  } else {
    counter_keys.push_back(
        q.region
            ? keys::TierSummaryKey(keys::SummaryScope::kRegion, 0, *q.region)
            : keys::TierSummaryKey(keys::SummaryScope::kAll, 0, ""));
  }
  const std::shared_ptr<const TierPolicy> policy = this->policy();

  keys::CounterVec total;
  rocksdb::DB* db = storage_->db();
  // One snapshot, so that the channels of a subtree are summed as of one
  // moment (a customer moving between them is counted once).
  const rocksdb::Snapshot* snapshot = db->GetSnapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  Status s;
  for (const std::string& key : counter_keys) {
    std::string value;
    rocksdb::Status rs =
        db->Get(ro, storage_->cf(keys::kCountersCf), key, &value);
    if (rs.IsNotFound()) continue;
    if (!rs.ok()) {
      s = FromRocks(rs, "reading tier summary counters");
      break;
    }
    keys::CounterVec slots;
    if (!keys::DecodeCounterVec(value, &slots)) {
      s = Status::Corruption("tier summary counter holds " +
                             std::to_string(value.size()) + " bytes");
      break;
    }
    keys::AddCounterVec(&total, slots);
  }
  db->ReleaseSnapshot(snapshot);
  if (!s.ok()) return s;

  auto slot = [&total](int k, int half) {
    const uint16_t wanted = static_cast<uint16_t>(2 * k + half);
    for (const auto& [i, v] : total) {
      if (i == wanted) return v;
    }
    return int64_t{0};
  };
  TierSummary summary;
  summary.by = q.by;
  summary.policy_version = policy->version;
  auto add_row = [&](std::string name, int k) {
    summary.rows.push_back({std::move(name), slot(k, 0), slot(k, 1)});
  };
  switch (q.by) {
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
      for (size_t i = 0; i < policy->segments.size(); ++i) {
        add_row(policy->segments[i].name,
                keys::kSummarySegmentBase + 1 + static_cast<int>(i));
      }
      add_row(kNoSegmentRow, keys::kSummarySegmentBase);
      break;
  }
  return summary;
}

Result<ChannelReport> EngineImpl::GetChannelReport(
    const ChannelReportQuery& /*query*/) {
  return Status::Internal("ChannelReport: not built yet");
}

Result<CustomerView> EngineImpl::ViewCustomer(uint64_t /*customer_id*/) {
  return Status::Internal("ViewCustomer: not built yet");
}

}  // namespace custdb
