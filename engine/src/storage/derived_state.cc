// How a stored DerivedState is reported in a CustomerRecord.
#include "storage/derived_state.h"

namespace custdb {

int64_t ReportedAsOf(const DerivedState& state, int64_t rescored_through) {
  if (state.present && state.as_of_ms < rescored_through &&
      rescored_through < state.derived.next_change_ms) {
    return rescored_through;
  }
  return state.as_of_ms;
}

void SetDerived(const DerivedState& state, int64_t rescored_through,
                CustomerRecord* record) {
  record->derived = state.derived;
  record->derived_as_of_ms = ReportedAsOf(state, rescored_through);
  record->policy_version = state.present ? state.policy_version : 0;
}

DerivedState DerivedOf(const CustomerRecord& record) {
  DerivedState state;
  state.present = record.policy_version != 0;
  state.derived = record.derived;
  state.as_of_ms = record.derived_as_of_ms;
  state.policy_version = record.policy_version;
  return state;
}

}  // namespace custdb
