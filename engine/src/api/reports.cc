// Names of reports.h's enums.
#include "custdb/reports.h"

namespace custdb {

const char* SummaryGroupName(SummaryGroup group) {
  switch (group) {
    case SummaryGroup::kTier:
      return "tier";
    case SummaryGroup::kSegment:
      return "segment";
    case SummaryGroup::kLifecycle:
      return "lifecycle";
  }
  return "unknown";
}

bool ParseSummaryGroup(const std::string& name, SummaryGroup* out) {
  for (SummaryGroup g : {SummaryGroup::kTier, SummaryGroup::kSegment,
                         SummaryGroup::kLifecycle}) {
    if (name == SummaryGroupName(g)) {
      *out = g;
      return true;
    }
  }
  return false;
}

const char* SummarySplitName(SummarySplit split) {
  switch (split) {
    case SummarySplit::kNone:
      return "none";
    case SummarySplit::kOwnerChannel:
      return "owner";
    case SummarySplit::kRegion:
      return "region";
  }
  return "unknown";
}

bool ParseSummarySplit(const std::string& name, SummarySplit* out) {
  for (SummarySplit s : {SummarySplit::kNone, SummarySplit::kOwnerChannel,
                         SummarySplit::kRegion}) {
    if (name == SummarySplitName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

}  // namespace custdb
