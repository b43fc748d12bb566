// Brute-force answers to the report questions of reports.h, computed from
// what the public API returns (stored records, GetCustomer) and following
// the header's definitions, nothing of the engine's counters or indexes.
// Shared by the report tests and the end-to-end tiering property test.
#ifndef CUSTDB_TESTS_SUPPORT_REPORT_BRUTE_FORCE_H_
#define CUSTDB_TESTS_SUPPORT_REPORT_BRUTE_FORCE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "custdb/store.h"
#include "support/test_util.h"

namespace custdb {
namespace test {

inline std::string ChannelRowToString(const ChannelReportRow& r) {
  std::string out =
      "{channel " + std::to_string(r.channel_id) + " day " +
      std::to_string(r.day_ms) + " revenue " + std::to_string(r.revenue_minor) +
      " orders " + std::to_string(r.orders) + " buying " +
      std::to_string(r.buying_customers) + " new " +
      std::to_string(r.new_customers) + " repeat " +
      std::to_string(r.repeat_customers) + " interactions " +
      std::to_string(r.interactions) + " opened " +
      std::to_string(r.complaints_opened) + " resolved " +
      std::to_string(r.complaints_resolved) + " median " +
      (r.median_resolve_ms ? std::to_string(*r.median_resolve_ms) : "none") +
      " sat " +
      (r.avg_satisfaction ? std::to_string(*r.avg_satisfaction) : "none") +
      " nps " + (r.nps ? std::to_string(*r.nps) : "none") + " in " +
      std::to_string(r.cross_channel_in) + " out " +
      std::to_string(r.cross_channel_out) + "}";
  return out;
}

inline ::testing::AssertionResult ChannelRowsEqual(
    const std::vector<ChannelReportRow>& want,
    const std::vector<ChannelReportRow>& got) {
  std::string w, g;
  for (const auto& r : want) w += "\n  " + ChannelRowToString(r);
  for (const auto& r : got) g += "\n  " + ChannelRowToString(r);
  bool same = want.size() == got.size();
  for (size_t i = 0; same && i < want.size(); ++i) {
    const ChannelReportRow &a = want[i], &b = got[i];
    auto near = [](const std::optional<double>& x,
                   const std::optional<double>& y) {
      return x.has_value() == y.has_value() && (!x || std::abs(*x - *y) < 1e-9);
    };
    same = a.channel_id == b.channel_id && a.day_ms == b.day_ms &&
           a.revenue_minor == b.revenue_minor && a.orders == b.orders &&
           a.buying_customers == b.buying_customers &&
           a.new_customers == b.new_customers &&
           a.repeat_customers == b.repeat_customers &&
           std::abs(a.repeat_customer_rate - b.repeat_customer_rate) < 1e-9 &&
           a.interactions == b.interactions &&
           a.complaints_opened == b.complaints_opened &&
           a.complaints_resolved == b.complaints_resolved &&
           a.median_resolve_ms == b.median_resolve_ms &&
           near(a.avg_satisfaction, b.avg_satisfaction) && near(a.nps, b.nps) &&
           a.cross_channel_in == b.cross_channel_in &&
           a.cross_channel_out == b.cross_channel_out;
  }
  if (same) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "want:" << w << "\ngot:" << g;
}

// The report computed from every stored record, following reports.h's
// definitions and nothing of the engine's.
class ChannelReportBruteForce {
 public:
  ChannelReportBruteForce(Store& store,
                          const std::vector<uint64_t>& customers) {
    auto channels = store.ListChannels();
    EXPECT_TRUE(channels.ok());
    for (const Channel& c : *channels) parent_[c.id] = c.parent_id;
    for (uint64_t id : customers) Load(store, id);
  }

  std::vector<ChannelReportRow> Report(const ChannelReportQuery& q) const {
    std::vector<std::pair<uint64_t, std::set<uint64_t>>> groups;
    for (const auto& [id, parent] : parent_) {
      if (q.channel_id == 0) groups.push_back({id, {id}});
    }
    if (q.channel_id != 0) {
      std::set<uint64_t> members;
      for (const auto& [id, parent] : parent_) {
        if (id == q.channel_id ||
            (q.include_subtree && Below(id, q.channel_id)))
          members.insert(id);
      }
      groups.push_back({q.channel_id, members});
    }
    std::vector<ChannelReportRow> rows;
    for (const auto& [row_channel, members] : groups) {
      std::map<int64_t, Sums> days;
      for (const auto& [key, sums] : sums_) {
        auto [channel, day] = key;
        if (members.count(channel) && day >= q.from_ms && day < q.to_ms) {
          days[q.by_day ? day : 0].Add(sums);
        }
      }
      if (!q.by_day && days.empty()) days[0];
      for (auto& [day, sums] : days) rows.push_back(sums.Row(row_channel, day));
    }
    return rows;
  }

 private:
  struct Sums {
    int64_t revenue = 0, orders = 0, buying = 0, fresh = 0, repeat = 0,
            interactions = 0, opened = 0, resolved = 0, sat_sum = 0,
            sat_count = 0, promoters = 0, passives = 0, detractors = 0, in = 0,
            out = 0;
    std::vector<int64_t> resolve_ms;
    void Add(const Sums& o) {
      revenue += o.revenue, orders += o.orders, buying += o.buying;
      fresh += o.fresh, repeat += o.repeat, interactions += o.interactions;
      opened += o.opened, resolved += o.resolved, sat_sum += o.sat_sum;
      sat_count += o.sat_count, promoters += o.promoters;
      passives += o.passives, detractors += o.detractors, in += o.in;
      out += o.out;
      resolve_ms.insert(resolve_ms.end(), o.resolve_ms.begin(),
                        o.resolve_ms.end());
    }
    ChannelReportRow Row(uint64_t channel, int64_t day) {
      ChannelReportRow r;
      r.channel_id = channel;
      r.day_ms = day;
      r.revenue_minor = revenue;
      r.orders = orders;
      r.buying_customers = buying;
      r.new_customers = fresh;
      r.repeat_customers = repeat;
      r.repeat_customer_rate =
          buying ? static_cast<double>(repeat) / static_cast<double>(buying)
                 : 0;
      r.interactions = interactions;
      r.complaints_opened = opened;
      r.complaints_resolved = resolved;
      if (!resolve_ms.empty()) {
        std::sort(resolve_ms.begin(), resolve_ms.end());
        r.median_resolve_ms = resolve_ms[(resolve_ms.size() - 1) / 2];
      }
      if (sat_count) r.avg_satisfaction = 1.0 * sat_sum / sat_count;
      if (int64_t n = promoters + passives + detractors) {
        r.nps = 100.0 * (promoters - detractors) / n;
      }
      r.cross_channel_in = in;
      r.cross_channel_out = out;
      return r;
    }
  };

  static int64_t Day(int64_t ts) { return ts - ((ts % kDay) + kDay) % kDay; }

  bool Below(uint64_t id, uint64_t ancestor) const {
    for (uint64_t at = parent_.at(id); at != 0; at = parent_.at(at)) {
      if (at == ancestor) return true;
    }
    return false;
  }

  Sums& At(uint64_t channel, int64_t ts) { return sums_[{channel, Day(ts)}]; }

  void Load(Store& store, uint64_t customer_id) {
    auto record = store.GetCustomer(customer_id);
    ASSERT_TRUE(record.ok());
    const uint64_t owner = record->profile.owner_channel_id;
    HistoryQuery q;
    q.customer_id = customer_id;
    q.limit = kMaxHistoryLimit;
    auto orders = store.ListOrders(q);
    ASSERT_TRUE(orders.ok());
    ASSERT_TRUE(orders->next_cursor.empty());
    std::set<std::pair<uint64_t, int64_t>> buyer_days;
    int64_t first_day = INT64_MAX;
    for (const Order& o : orders->items) {
      if (o.kind == OrderKind::kCreditNote) {
        At(o.channel_id, o.ts_ms).revenue -= o.amount_minor;
        continue;
      }
      const bool paid = o.status == OrderStatus::kPaid ||
                        o.status == OrderStatus::kCompleted ||
                        o.status == OrderStatus::kRefunded;
      Sums& s = At(o.channel_id, o.ts_ms);
      if (paid) s.revenue += o.amount_minor - o.refunded_minor;
      s.orders += 1;
      buyer_days.insert({o.channel_id, Day(o.ts_ms)});
      first_day = std::min(first_day, Day(o.ts_ms));
      if (owner != 0 && owner != o.channel_id) {
        s.in += 1;
        At(owner, o.ts_ms).out += 1;
      }
    }
    for (auto [channel, day] : buyer_days) {
      Sums& s = At(channel, day);
      s.buying += 1;
      (day == first_day ? s.fresh : s.repeat) += 1;
    }
    auto interactions = store.ListInteractions(q);
    ASSERT_TRUE(interactions.ok());
    for (const Interaction& i : interactions->items) {
      if (i.channel_id == 0) continue;
      Sums& s = At(i.channel_id, i.ts_ms);
      s.interactions += 1;
      if (i.satisfaction) s.sat_sum += *i.satisfaction, s.sat_count += 1;
      if (i.nps)
        (*i.nps >= 9   ? s.promoters
         : *i.nps >= 7 ? s.passives
                       : s.detractors) += 1;
      if (i.kind != InteractionKind::kComplaint) continue;
      s.opened += 1;
      if (i.resolved_at_ms) {
        Sums& r = At(i.channel_id, *i.resolved_at_ms);
        r.resolved += 1;
        r.resolve_ms.push_back(*i.resolved_at_ms - i.ts_ms);
      }
    }
  }

  std::map<uint64_t, uint64_t> parent_;
  std::map<std::pair<uint64_t, int64_t>, Sums> sums_;
};

// ChurnWatch over `all` (the live customers as GetCustomer returns them):
// buyers in `tiers` (all if empty) owned by one of `owners` (any if empty)
// whose last activity lies before as_of - days, best spend first.
inline ChurnWatch BruteChurnWatch(const std::vector<CustomerRecord>& all,
                                  const ChurnWatchQuery& q,
                                  const std::vector<uint64_t>& owners,
                                  int64_t days) {
  const int64_t cutoff = q.as_of_ms - days * kDay;
  std::vector<const CustomerRecord*> matched;
  for (const auto& c : all) {
    const bool tier_ok =
        q.tiers.empty() ||
        std::count(q.tiers.begin(), q.tiers.end(), c.derived.value_tier) > 0;
    const bool owner_ok =
        owners.empty() || std::count(owners.begin(), owners.end(),
                                     c.profile.owner_channel_id) > 0;
    if (c.aggregates.order_count >= 1 &&
        c.aggregates.last_activity_ms < cutoff && tier_ok && owner_ok) {
      matched.push_back(&c);
    }
  }
  std::sort(matched.begin(), matched.end(), [](auto* x, auto* y) {
    return std::make_tuple(-x->aggregates.total_spend_minor, x->profile.id) <
           std::make_tuple(-y->aggregates.total_spend_minor, y->profile.id);
  });
  ChurnWatch out;
  out.count = static_cast<int64_t>(matched.size());
  for (size_t k = 0; k < matched.size() && k < q.limit; ++k) {
    out.top.push_back(*matched[k]);
  }
  return out;
}

// TierSummary over `all` (the live customers as GetCustomer returns them)
// as reports.h defines it, of the customers owned by one of `owners` (any
// if empty) and in q.region (if set): every group row, zeros included,
// once unsplit, else once per owner or region that has a customer in
// scope, keys ascending.
inline TierSummary BruteTierSummary(const std::vector<CustomerRecord>& all,
                                    const TierPolicy& policy,
                                    const TierSummaryQuery& q,
                                    const std::vector<uint64_t>& owners) {
  std::vector<std::string> names;
  switch (q.by) {
    case SummaryGroup::kTier:
      names = {"high", "medium", "low"};
      break;
    case SummaryGroup::kLifecycle:
      names = {"prospect", "new",     "active",
               "at_risk",  "churned", "reactivated"};
      break;
    case SummaryGroup::kSegment:
      for (const auto& rule : policy.segments) names.push_back(rule.name);
      names.push_back(kNoSegmentRow);
      break;
  }
  // By (owner, region), so the map's order is the promised key order:
  // owners ascending, regions by bytes. Unsplit: one key, (0, "").
  using Key = std::pair<uint64_t, std::string>;
  std::map<Key, std::map<std::string, TierSummaryRow>> groups;
  if (q.split_by == SummarySplit::kNone) groups[{0, ""}];
  for (const auto& c : all) {
    if (!owners.empty() && std::count(owners.begin(), owners.end(),
                                      c.profile.owner_channel_id) == 0) {
      continue;
    }
    if (q.region && *q.region != c.profile.region) continue;
    const Key key = q.split_by == SummarySplit::kOwnerChannel
                        ? Key{c.profile.owner_channel_id, ""}
                    : q.split_by == SummarySplit::kRegion
                        ? Key{0, c.profile.region}
                        : Key{0, ""};
    const std::string group =
        q.by == SummaryGroup::kTier ? ValueTierName(c.derived.value_tier)
        : q.by == SummaryGroup::kLifecycle
            ? LifecycleStageName(c.derived.lifecycle)
        : c.derived.segment < 0 ? std::string(kNoSegmentRow)
                                : c.derived.segment_name;
    TierSummaryRow& row = groups[key][group];
    ++row.customers;
    row.spend_minor += c.aggregates.total_spend_minor;
  }
  TierSummary out;
  out.by = q.by;
  out.split_by = q.split_by;
  out.policy_version = policy.version;
  for (auto& [key, rows] : groups) {
    for (const auto& n : names) {
      TierSummaryRow row = rows[n];
      row.group = n;
      if (q.split_by == SummarySplit::kOwnerChannel) {
        row.owner_channel_id = key.first;
      }
      if (q.split_by == SummarySplit::kRegion) row.region = key.second;
      out.rows.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_SUPPORT_REPORT_BRUTE_FORCE_H_
