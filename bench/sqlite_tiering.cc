// SQLite's answers to the tiering questions: GROUP BY, ORDER BY … LIMIT
// and NTILE over the customers, orders and interactions tables.
#include "sqlite_tiering.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "dataset.h"
#include "sqlite_customer_row.h"

namespace custdb {
namespace bench {
namespace {

// ?1 high_min_spend, ?2 medium_min_spend. Tier numbers are ValueTier's.
constexpr const char* kTierSummary =
    "SELECT CASE WHEN total_spend_minor >= ?1 THEN 3 "
    "WHEN total_spend_minor >= ?2 THEN 2 ELSE 1 END AS tier, "
    "COUNT(*), SUM(total_spend_minor) FROM customers GROUP BY tier";

// Every filter below is a spend range [?min, ?max), so that the indexes on
// (owner_channel_id, total_spend_minor DESC) and (last_activity_ms,
// total_spend_minor, order_count) answer them.
const std::string kTopBySpend =
    std::string("SELECT ") + kCustomerColumns +
    " FROM customers WHERE owner_channel_id = ?1 AND total_spend_minor >= ?2 "
    "AND total_spend_minor < ?3 ORDER BY total_spend_minor DESC, id LIMIT ?4";

// ?1 last activity before this, ?2/?3 spend range.
constexpr const char* kChurnWhere =
    " FROM customers WHERE last_activity_ms < ?1 AND total_spend_minor >= ?2 "
    "AND total_spend_minor < ?3 AND order_count > 0";
const std::string kChurnCount = std::string("SELECT COUNT(*)") + kChurnWhere;
const std::string kChurnTop = std::string("SELECT ") + kCustomerColumns +
                              kChurnWhere +
                              " ORDER BY total_spend_minor DESC, id LIMIT ?4";

constexpr const char* kChannelIds = "SELECT id FROM channels ORDER BY id";
// Per channel, for orders with ?1 <= ts_ms < ?2: revenue (sales that count
// as spend, net of refunds, minus credit notes), sale orders, and sale
// orders that are their customer's first (no earlier sale; ties by id).
constexpr const char* kChannelOrders =
    "SELECT channel_id, "
    "SUM(CASE WHEN kind = 2 THEN -amount_minor "
    "WHEN status IN (2, 3, 5) THEN amount_minor - refunded_minor ELSE 0 END), "
    "SUM(kind = 1), "
    "SUM(kind = 1 AND NOT EXISTS (SELECT 1 FROM orders p "
    "WHERE p.customer_id = o.customer_id AND p.ts_ms <= o.ts_ms "
    "AND p.kind = 1 AND (p.ts_ms < o.ts_ms OR p.id < o.id))) "
    "FROM orders o WHERE ts_ms >= ?1 AND ts_ms < ?2 GROUP BY channel_id";
// Buying customers summed over the days: distinct (customer, UTC day).
constexpr const char* kChannelBuyers =
    "SELECT channel_id, COUNT(*) FROM (SELECT DISTINCT channel_id, "
    "customer_id, ts_ms / 86400000 FROM orders "
    "WHERE ts_ms >= ?1 AND ts_ms < ?2 AND kind = 1) GROUP BY channel_id";
// Interactions, complaints opened, satisfaction sum and count, NPS
// promoters (9-10), passives (7-8) and detractors (0-6).
constexpr const char* kChannelInteractions =
    "SELECT channel_id, COUNT(*), SUM(kind = 6), "
    "IFNULL(SUM(satisfaction), 0), COUNT(satisfaction), "
    "IFNULL(SUM(nps >= 9), 0), IFNULL(SUM(nps BETWEEN 7 AND 8), 0), "
    "IFNULL(SUM(nps <= 6), 0) FROM interactions "
    "WHERE ts_ms >= ?1 AND ts_ms < ?2 GROUP BY channel_id";
// Complaints resolved in the period, by the time of their resolution.
constexpr const char* kChannelResolved =
    "SELECT channel_id, COUNT(*) FROM interactions "
    "WHERE resolved_at_ms >= ?1 AND resolved_at_ms < ?2 AND kind = 6 "
    "GROUP BY channel_id";

// Quintiles of recency (by last order time), frequency and spend over the
// customers with orders, and the lifecycle stage as of ?1 (LifecycleStage
// values; ?2..?4: new, active and at-risk days in ms).
constexpr const char* kRescore =
    "UPDATE customers SET r_score = s.r, f_score = s.f, m_score = s.m, "
    "lifecycle = CASE WHEN ?1 - customers.first_order_ms <= ?2 THEN 2 "
    "WHEN ?1 - customers.last_activity_ms <= ?3 THEN 3 "
    "WHEN ?1 - customers.last_activity_ms <= ?4 THEN 4 ELSE 5 END, "
    "scored_as_of_ms = ?1 "
    "FROM (SELECT id, NTILE(5) OVER (ORDER BY last_order_ms, id) AS r, "
    "NTILE(5) OVER (ORDER BY order_count, id) AS f, "
    "NTILE(5) OVER (ORDER BY total_spend_minor, id) AS m "
    "FROM customers WHERE order_count > 0) AS s WHERE customers.id = s.id";

}  // namespace

Status SqliteTiering::Prepare(sqlite3* db) {
  db_ = db;
  policy_ = DefaultPolicy();
  if (policy_.high_min_orders != 0 || policy_.medium_min_orders != 0) {
    return Status::InvalidArgument(
        "sqlite: tiers with an order minimum are not modelled");
  }
  const std::pair<Statement*, const char*> statements[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&tier_summary_, kTierSummary},
      {&top_by_spend_, kTopBySpend.c_str()},
      {&churn_count_, kChurnCount.c_str()},
      {&churn_top_, kChurnTop.c_str()},
      {&channel_ids_, kChannelIds},
      {&channel_orders_, kChannelOrders},
      {&channel_buyers_, kChannelBuyers},
      {&channel_interactions_, kChannelInteractions},
      {&channel_resolved_, kChannelResolved},
      {&rescore_, kRescore},
  };
  for (const auto& [statement, sql] : statements) {
    if (statement->Prepare(db_, sql) != SQLITE_OK) {
      return SqliteError(db_, std::string("prepare ") + sql);
    }
  }
  return Status::OK();
}

Status SqliteTiering::SpendRange(const std::vector<ValueTier>& tiers,
                                 int64_t* min, int64_t* max) const {
  // Tier t covers [bounds[t - 1], bounds[t]).
  const int64_t bounds[] = {INT64_MIN, policy_.medium_min_spend_minor,
                            policy_.high_min_spend_minor, INT64_MAX};
  if (tiers.empty()) {
    *min = INT64_MIN;
    *max = INT64_MAX;
    return Status::OK();
  }
  int lowest = 3, highest = 1;
  for (ValueTier t : tiers) {
    lowest = std::min(lowest, static_cast<int>(t));
    highest = std::max(highest, static_cast<int>(t));
  }
  for (int t = lowest; t <= highest; ++t) {
    if (std::find(tiers.begin(), tiers.end(), static_cast<ValueTier>(t)) ==
        tiers.end()) {
      return Status::InvalidArgument(
          "tiers: not adjacent, so not one spend range");
    }
  }
  *min = bounds[lowest - 1];
  *max = bounds[highest];
  return Status::OK();
}

Status SqliteTiering::ReadCustomers(Statement* s, const char* what,
                                    std::vector<CustomerRecord>* out) {
  out->clear();
  int rc;
  while ((rc = s->Step()) == SQLITE_ROW) {
    ReadCustomerRow(*s, &out->emplace_back());
  }
  s->Reset();
  return rc == SQLITE_DONE ? Status::OK() : SqliteError(db_, what);
}

Status SqliteTiering::GetTierSummary(TierSummary* out) {
  out->by = SummaryGroup::kTier;
  out->policy_version = 0;
  out->rows.clear();
  for (ValueTier t : {ValueTier::kHigh, ValueTier::kMedium, ValueTier::kLow}) {
    TierSummaryRow row;
    row.group = ValueTierName(t);
    out->rows.push_back(row);
  }
  Statement& s = tier_summary_;
  s.Int(1, policy_.high_min_spend_minor);
  s.Int(2, policy_.medium_min_spend_minor);
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    // Rows are high (3), medium (2), low (1).
    TierSummaryRow& row = out->rows[3 - s.ColumnInt(0)];
    row.customers = s.ColumnInt(1);
    row.spend_minor = s.ColumnInt(2);
  }
  s.Reset();
  return rc == SQLITE_DONE ? Status::OK() : SqliteError(db_, "tier summary");
}

Status SqliteTiering::TopBySpend(const TopSpendQuery& query,
                                 std::vector<CustomerRecord>* out) {
  int64_t min = 0, max = 0;
  Status st = SpendRange({query.tier}, &min, &max);
  if (!st.ok()) return st;
  Statement& s = top_by_spend_;
  s.Int(1, static_cast<int64_t>(query.owner_channel_id));
  s.Int(2, min);
  s.Int(3, max);
  s.Int(4, query.limit);
  return ReadCustomers(&s, "top by spend", out);
}

Status SqliteTiering::GetChurnWatch(const ChurnWatchQuery& query,
                                    ChurnWatch* out) {
  if (query.channel_id) {
    return Status::InvalidArgument("sqlite: churn watch by channel");
  }
  const int64_t days =
      query.inactive_days > 0 ? query.inactive_days : policy_.churn_days;
  const int64_t before = query.as_of_ms - days * kDayMs;
  int64_t min = 0, max = 0;
  Status st = SpendRange(query.tiers, &min, &max);
  if (!st.ok()) return st;
  Statement& count = churn_count_;
  count.Int(1, before);
  count.Int(2, min);
  count.Int(3, max);
  if (count.Step() != SQLITE_ROW) {
    count.Reset();
    return SqliteError(db_, "churn count");
  }
  out->count = count.ColumnInt(0);
  count.Reset();
  Statement& top = churn_top_;
  top.Int(1, before);
  top.Int(2, min);
  top.Int(3, max);
  top.Int(4, query.limit);
  return ReadCustomers(&top, "churn top", &out->top);
}

Status SqliteTiering::GetChannelReport(int64_t from_ms, int64_t to_ms,
                                       ChannelReport* out) {
  // Every channel gets a row, those without events too.
  std::map<uint64_t, ChannelReportRow> rows;
  int rc;
  while ((rc = channel_ids_.Step()) == SQLITE_ROW) {
    const auto id = static_cast<uint64_t>(channel_ids_.ColumnInt(0));
    rows[id].channel_id = id;
  }
  channel_ids_.Reset();
  if (rc != SQLITE_DONE) return SqliteError(db_, "channel ids");

  struct Part {
    Statement* statement;
    const char* what;
    void (*fill)(const Statement& s, ChannelReportRow* row);
  };
  const Part parts[] = {
      {&channel_orders_, "channel orders",
       [](const Statement& s, ChannelReportRow* r) {
         r->revenue_minor = s.ColumnInt(1);
         r->orders = s.ColumnInt(2);
         r->new_customers = s.ColumnInt(3);
       }},
      {&channel_buyers_, "channel buyers",
       [](const Statement& s, ChannelReportRow* r) {
         r->buying_customers = s.ColumnInt(1);
       }},
      {&channel_interactions_, "channel interactions",
       [](const Statement& s, ChannelReportRow* r) {
         r->interactions = s.ColumnInt(1);
         r->complaints_opened = s.ColumnInt(2);
         const int64_t satisfaction_count = s.ColumnInt(4);
         if (satisfaction_count > 0) {
           r->avg_satisfaction =
               static_cast<double>(s.ColumnInt(3)) / satisfaction_count;
         }
         const int64_t promoters = s.ColumnInt(5);
         const int64_t detractors = s.ColumnInt(7);
         const int64_t answers = promoters + s.ColumnInt(6) + detractors;
         if (answers > 0) {
           r->nps = 100.0 * static_cast<double>(promoters - detractors) /
                    static_cast<double>(answers);
         }
       }},
      {&channel_resolved_, "channel resolved",
       [](const Statement& s, ChannelReportRow* r) {
         r->complaints_resolved = s.ColumnInt(1);
       }},
  };
  for (const Part& part : parts) {
    Statement& s = *part.statement;
    s.Int(1, from_ms);
    s.Int(2, to_ms);
    while ((rc = s.Step()) == SQLITE_ROW) {
      auto it = rows.find(static_cast<uint64_t>(s.ColumnInt(0)));
      if (it != rows.end()) part.fill(s, &it->second);
    }
    s.Reset();
    if (rc != SQLITE_DONE) return SqliteError(db_, part.what);
  }
  out->rows.clear();
  for (auto& [id, row] : rows) out->rows.push_back(std::move(row));
  return Status::OK();
}

Status SqliteTiering::Rescore(int64_t as_of_ms, RescoreReport* out) {
  Status st = StepDone(db_, &begin_, "begin");
  if (!st.ok()) return st;
  Statement& s = rescore_;
  s.Int(1, as_of_ms);
  s.Int(2, policy_.new_days * kDayMs);
  s.Int(3, policy_.active_days * kDayMs);
  s.Int(4, policy_.at_risk_days * kDayMs);
  st = StepDone(db_, &s, "rescore");
  const uint64_t changed = static_cast<uint64_t>(sqlite3_changes(db_));
  if (st.ok()) st = StepDone(db_, &commit_, "commit");
  if (!st.ok()) {
    Status ignored = StepDone(db_, &rollback_, "rollback");
    (void)ignored;
    return st;
  }
  *out = RescoreReport();
  out->as_of_ms = as_of_ms;
  out->full = true;
  out->examined = changed;
  out->changed = changed;
  return Status::OK();
}

}  // namespace bench
}  // namespace custdb
