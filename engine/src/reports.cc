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

}  // namespace custdb
