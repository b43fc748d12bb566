// Reports: tier summaries and channel reports from counters, churn watch
// from the recency index, and the customer view.
#ifndef CUSTDB_REPORTS_H_
#define CUSTDB_REPORTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custdb/policy.h"
#include "custdb/types.h"

namespace custdb {

// --- TierSummary -----------------------------------------------------------
enum class SummaryGroup : uint8_t { kTier = 1, kSegment = 2, kLifecycle = 3 };
const char* SummaryGroupName(SummaryGroup group);  // "tier", …
bool ParseSummaryGroup(const std::string& name, SummaryGroup* out);

struct TierSummaryQuery {
  SummaryGroup by = SummaryGroup::kTier;
  // Only customers owned by this channel (and its subtree when
  // include_subtree), and/or living in this region.
  std::optional<uint64_t> owner_channel_id;
  bool include_subtree = true;
  std::optional<std::string> region;
};

struct TierSummaryRow {
  std::string group;  // "high", "Champions", "at_risk", …
  int64_t customers = 0;
  int64_t spend_minor = 0;
};

// One row per value of the group, in the policy's order (tiers high to
// low, segments as listed, lifecycle stages in enum order), zero rows
// included. By segment, a last row named kNoSegmentRow counts the customers
// without a segment (prospects: no order yet). Read from counters only.
inline constexpr char kNoSegmentRow[] = "(none)";
struct TierSummary {
  SummaryGroup by = SummaryGroup::kTier;
  int64_t policy_version = 0;
  std::vector<TierSummaryRow> rows;
};

// --- ChannelReport ---------------------------------------------------------
struct ChannelReportQuery {
  // 0: every channel, one row each (per day with by_day). Otherwise that
  // channel, with its subtree when include_subtree, as one row (per day).
  uint64_t channel_id = 0;
  bool include_subtree = true;
  int64_t from_ms = INT64_MIN;  // [from_ms, to_ms), by the event's ts
  int64_t to_ms = INT64_MAX;
  bool by_day = false;
};

struct ChannelReportRow {
  uint64_t channel_id = 0;
  int64_t day_ms = 0;         // midnight UTC of the day; 0 for totals
  int64_t revenue_minor = 0;  // sale amounts net of refunds and credit notes
  int64_t orders = 0;         // sale orders placed
  // Distinct customers with a sale order that day; summed over the days
  // of a total (customer-days).
  int64_t buying_customers = 0;
  int64_t new_customers = 0;     // first order ever placed through the channel
  int64_t repeat_customers = 0;  // buying customers who had ordered before
  double repeat_customer_rate = 0;  // repeat / buying; 0 when none
  int64_t interactions = 0;
  int64_t complaints_opened = 0;
  int64_t complaints_resolved = 0;
  std::optional<int64_t> median_resolve_ms;  // of complaints resolved
  std::optional<double> avg_satisfaction;
  std::optional<double> nps;  // % promoters - % detractors
  // Orders placed through this channel by customers another channel owns,
  // and orders of customers this channel owns placed through another one.
  int64_t cross_channel_in = 0;
  int64_t cross_channel_out = 0;
};

struct ChannelReport {
  std::vector<ChannelReportRow> rows;  // by channel, then day
};

// --- ChurnWatch ------------------------------------------------------------
struct ChurnWatchQuery {
  int64_t as_of_ms = 0;                // required
  std::vector<ValueTier> tiers;        // empty: all
  int64_t inactive_days = 0;           // 0: the policy's churn_days
  std::optional<uint64_t> channel_id;  // owner channel, with its subtree
  uint32_t limit = 100;                // 1..kMaxQueryLimit (query.h)
};

// Customers with at least one order and no activity in the inactive_days
// before as_of (last_activity_ms < as_of - inactive_days days), in `tiers`
// and owned by channel_id's subtree when set: how many, and the first
// `limit` by spend descending (then id). kInvalidArgument for as_of_ms <= 0,
// negative inactive_days or a limit outside 1..kMaxQueryLimit; kNotFound for
// an unknown channel_id.
struct ChurnWatch {
  int64_t count = 0;
  std::vector<CustomerRecord> top;
};

// --- CustomerView ----------------------------------------------------------
struct CustomerView {
  CustomerRecord customer;
  std::vector<Order> recent_orders;              // 20 newest
  std::vector<Interaction> recent_interactions;  // 20 newest
};

}  // namespace custdb

#endif  // CUSTDB_REPORTS_H_
