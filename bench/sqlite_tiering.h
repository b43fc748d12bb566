// The tiering questions of issue 4 (tier summary, top customers by spend,
// churn watch, channel report, NTILE rescoring) asked of the SQLite
// backend's database the way a competent engineer would: GROUP BY and
// window functions over the tables, helped by the indexes the schema in
// sqlite_backend.cc adds for them.
#ifndef CUSTDB_BENCH_SQLITE_TIERING_H_
#define CUSTDB_BENCH_SQLITE_TIERING_H_

#include <sqlite3.h>

#include <cstdint>
#include <vector>

#include "backend.h"
#include "custdb/policy.h"
#include "sqlite_statement.h"

namespace custdb {
namespace bench {

// One connection's prepared tiering statements. Used from one thread.
class SqliteTiering {
 public:
  // Prepares the statements on `db`, which must outlive this object.
  // kInvalidArgument if the default policy's tiers are not spend ranges
  // (a tier with an order minimum), which the queries assume.
  Status Prepare(sqlite3* db);

  // As Backend's methods of the same names.
  Status GetTierSummary(TierSummary* out);
  Status TopBySpend(const TopSpendQuery& query,
                    std::vector<CustomerRecord>* out);
  Status GetChurnWatch(const ChurnWatchQuery& query, ChurnWatch* out);
  Status GetChannelReport(int64_t from_ms, int64_t to_ms, ChannelReport* out);
  // A full NTILE(5) rescoring of R, F and M, and the lifecycle stage as of
  // as_of, written back into the customers table in one transaction.
  Status Rescore(int64_t as_of_ms, RescoreReport* out);

 private:
  // [min, max) of total_spend_minor that makes up the given tiers (all if
  // empty); kInvalidArgument if they are not adjacent.
  Status SpendRange(const std::vector<ValueTier>& tiers, int64_t* min,
                    int64_t* max) const;
  // Reads the customers `s` returns (kCustomerColumns first) into `out`.
  Status ReadCustomers(Statement* s, const char* what,
                       std::vector<CustomerRecord>* out);

  sqlite3* db_ = nullptr;
  TierPolicy policy_;
  Statement begin_, commit_, rollback_;
  Statement tier_summary_, top_by_spend_;
  Statement churn_count_, churn_top_;
  Statement channel_ids_, channel_orders_, channel_buyers_;
  Statement channel_interactions_, channel_resolved_;
  Statement rescore_;
};

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_SQLITE_TIERING_H_
