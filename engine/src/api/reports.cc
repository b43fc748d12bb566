// Names of reports.h's enums.
#include "custdb/reports.h"

#include "api/enum_names.h"

namespace custdb {
namespace {

constexpr NamedValue<SummaryGroup> kSummaryGroups[] = {
    {SummaryGroup::kTier, "tier"},
    {SummaryGroup::kSegment, "segment"},
    {SummaryGroup::kLifecycle, "lifecycle"},
};
static_assert(IsDense(kSummaryGroups));

constexpr NamedValue<SummarySplit> kSummarySplits[] = {
    {SummarySplit::kNone, "none"},
    {SummarySplit::kOwnerChannel, "owner"},
    {SummarySplit::kRegion, "region"},
};
static_assert(IsDense(kSummarySplits));

}  // namespace

const char* SummaryGroupName(SummaryGroup group) {
  return NameOf(kSummaryGroups, group);
}

bool ParseSummaryGroup(const std::string& name, SummaryGroup* out) {
  return ParseName(kSummaryGroups, name, out);
}

const char* SummarySplitName(SummarySplit split) {
  return NameOf(kSummarySplits, split);
}

bool ParseSummarySplit(const std::string& name, SummarySplit* out) {
  return ParseName(kSummarySplits, name, out);
}

}  // namespace custdb
