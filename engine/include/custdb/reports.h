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

// A second grouping, across the first. Callers may keep the numbers:
// never renumber.
enum class SummarySplit : uint8_t {
  kNone = 0,
  kOwnerChannel = 1,
  kRegion = 2,
};
const char* SummarySplitName(SummarySplit split);  // "none", "owner", "region"
bool ParseSummarySplit(const std::string& name, SummarySplit* out);

struct TierSummaryQuery {
  SummaryGroup by = SummaryGroup::kTier;
  // kOwnerChannel: the group's rows once per owner channel in scope (0 for
  // customers without an owner; with owner_channel_id and include_subtree,
  // each channel of the subtree separately). kRegion: once per region of
  // the customers in scope ("" for customers without a region). The
  // filters below apply either way.
  SummarySplit split_by = SummarySplit::kNone;
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
  // The row's split key: set under that split only.
  std::optional<uint64_t> owner_channel_id;  // kOwnerChannel; 0: no owner
  std::optional<std::string> region;         // kRegion; "": no region
};

// One row per value of the group, in the policy's order (tiers high to
// low, segments as listed, lifecycle stages in enum order), zero rows
// included. By segment, a last row named kNoSegmentRow counts the customers
// without a segment (prospects: no order yet). Read from counters only.
//
// Split, those rows repeat for each split key that has at least one
// customer in scope, keys ascending (owner ids numerically, 0 first;
// regions by byte order, "" first), so each key's rows are contiguous and
// add up, over the keys, to the unsplit rows. No customer in scope: no
// rows. By region without a region filter, the regions come from a range
// read of the counters, which costs more than the unsplit point reads.
//
// kInvalidArgument naming query.by or query.split_by for a value outside
// its enum; kNotFound for an unknown owner_channel_id.
inline constexpr char kNoSegmentRow[] = "(none)";
struct TierSummary {
  SummaryGroup by = SummaryGroup::kTier;
  SummarySplit split_by = SummarySplit::kNone;
  int64_t policy_version = 0;
  std::vector<TierSummaryRow> rows;
};

// --- ChannelReport ---------------------------------------------------------
// Read from per-(channel, day) counters kept in the same write as every
// order and interaction, so a report costs one counter key per channel and
// day, not a scan of orders. Days are UTC.
//
// Every figure depends only on the stored records, not on the order they
// were written in (Verify recomputes each from the records):
//  - an order counts on the day of its ts, whatever day it was paid,
//    refunded or cancelled: a refund or cancellation lowers the revenue of
//    the day the order was placed;
//  - a "buying customer" of a channel-day is a customer with at least one
//    sale order (in any status) through that channel on that day; it is
//    "new" if that day is the customer's first day with a sale order through
//    any channel (so a customer buying through two channels on its first
//    day is new to both), else "repeat": new + repeat = buying. A sale
//    order recorded late with an earlier day makes the customer's old
//    first-day buyer-days repeat ones;
//  - cross-channel counts follow the customer's current owner channel:
//    changing the owner re-attributes the customer's past orders;
//  - interactions without a channel (channel_id 0) count nowhere.
struct ChannelReportQuery {
  // 0: every channel, one row each (per day with by_day), each channel
  // alone (include_subtree is ignored). Otherwise that channel, with its
  // subtree when include_subtree, as one row (per day) for that channel.
  uint64_t channel_id = 0;
  bool include_subtree = true;
  // Whole days: a day counts when its midnight (UTC) lies in
  // [from_ms, to_ms), so a range that starts mid-day leaves that day out and
  // one that ends mid-day takes the whole last day. Each event counts on its
  // day: orders and interactions by ts, resolutions by resolved_at.
  int64_t from_ms = INT64_MIN;
  int64_t to_ms = INT64_MAX;
  // One row per day that has data, by day; else one total row (day_ms 0)
  // per channel, zero rows included.
  bool by_day = false;
};

struct ChannelReportRow {
  uint64_t channel_id = 0;
  int64_t day_ms = 0;  // midnight UTC of the day; 0 for totals
  // What the channel's orders add to customers' spend (the sum over all days
  // and channels equals the sum of total_spend_minor): sale orders once
  // paid, net of refunds, cancellations and credit notes.
  int64_t revenue_minor = 0;
  int64_t orders = 0;  // sale orders placed, whatever their status now
  // Distinct customers with a sale order that day; summed over the days
  // of a total, and over the channels of a subtree (customer-days).
  int64_t buying_customers = 0;
  int64_t new_customers = 0;        // buying on their first day of buying
  int64_t repeat_customers = 0;     // buying, having bought on an earlier day
  double repeat_customer_rate = 0;  // repeat / buying; 0 when none
  int64_t interactions = 0;
  int64_t complaints_opened = 0;    // by the complaint's ts
  int64_t complaints_resolved = 0;  // by resolved_at (tickets excluded)
  // Of the complaints resolved in the rows' days: the lower median of
  // resolved_at - ts (the middle one, or the smaller of the two middle
  // ones); none when no complaint was resolved.
  std::optional<int64_t> median_resolve_ms;
  std::optional<double> avg_satisfaction;  // sum / count; none when none
  // 100 x (promoters (9-10) - detractors (0-6)) / (promoters + passives
  // (7-8) + detractors); none when no interaction carried an NPS.
  std::optional<double> nps;
  // Sale orders placed through this channel by customers another channel
  // owns, and sale orders of customers this channel owns placed through
  // another one.
  int64_t cross_channel_in = 0;
  int64_t cross_channel_out = 0;
};

// GetChannelReport (store.h): kInvalidArgument if from_ms >= to_ms,
// kNotFound for an unknown channel_id. Reads one snapshot.
struct ChannelReport {
  std::vector<ChannelReportRow> rows;  // by channel, then day
};

// --- ChurnWatch ------------------------------------------------------------
// A report to its reader, but answered as a customer query: the engine
// implements it in engine/src/query/ (a scan of the recency index), not
// with the counter reports in engine/src/reports/.
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
// ViewCustomer (store.h): the customer as GetCustomer returns it and its
// newest orders and interactions (newest first, as ListOrders /
// ListInteractions). kNotFound for an unknown id.
inline constexpr uint32_t kViewRecentEvents = 20;
struct CustomerView {
  CustomerRecord customer;
  std::vector<Order> recent_orders;              // kViewRecentEvents newest
  std::vector<Interaction> recent_interactions;  // kViewRecentEvents newest
};

}  // namespace custdb

#endif  // CUSTDB_REPORTS_H_
