// The field-by-field diff of two Aggregates.
#include "verify/verify_aggregates.h"

namespace custdb {
namespace {

std::string ToString(int64_t v) { return std::to_string(v); }

std::string ToString(const std::vector<int64_t>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(v[i]);
  }
  return out + "]";
}

template <typename T>
void Compare(const char* field, const T& stored, const T& recomputed,
             std::vector<std::string>* diffs) {
  if (stored == recomputed) return;
  diffs->push_back(std::string(field) + ": stored " + ToString(stored) +
                   ", recomputed " + ToString(recomputed));
}

}  // namespace

std::vector<std::string> DiffAggregates(const Aggregates& s,
                                        const Aggregates& r) {
  std::vector<std::string> d;
  Compare("order_count", s.order_count, r.order_count, &d);
  Compare("completed_order_count", s.completed_order_count,
          r.completed_order_count, &d);
  Compare("total_spend_minor", s.total_spend_minor, r.total_spend_minor, &d);
  Compare("completed_spend_minor", s.completed_spend_minor,
          r.completed_spend_minor, &d);
  Compare("first_order_ms", s.first_order_ms, r.first_order_ms, &d);
  Compare("last_order_ms", s.last_order_ms, r.last_order_ms, &d);
  Compare("recent_order_ms", s.recent_order_ms, r.recent_order_ms, &d);
  Compare("last_interaction_ms", s.last_interaction_ms, r.last_interaction_ms,
          &d);
  Compare("last_activity_ms", s.last_activity_ms, r.last_activity_ms, &d);
  Compare("interaction_count", s.interaction_count, r.interaction_count, &d);
  Compare("complaint_count", s.complaint_count, r.complaint_count, &d);
  Compare("open_complaint_count", s.open_complaint_count,
          r.open_complaint_count, &d);
  Compare("satisfaction_sum", s.satisfaction_sum, r.satisfaction_sum, &d);
  Compare("satisfaction_count", s.satisfaction_count, r.satisfaction_count, &d);
  Compare<int64_t>("last_nps", s.last_nps, r.last_nps, &d);
  Compare("last_nps_ms", s.last_nps_ms, r.last_nps_ms, &d);
  Compare("last_nps_id", s.last_nps_id, r.last_nps_id, &d);
  return d;
}

}  // namespace custdb
