// The customers table's columns as the SQLite backend selects them, and
// the CustomerRecord they fill: one list for every query that returns
// customers.
#ifndef CUSTDB_BENCH_SQLITE_CUSTOMER_ROW_H_
#define CUSTDB_BENCH_SQLITE_CUSTOMER_ROW_H_

#include <cstdint>

#include "custdb/types.h"
#include "sqlite_statement.h"

namespace custdb {
namespace bench {

// In the order ReadCustomerRow expects them.
constexpr const char* kCustomerColumns =
    "id, code, email, phone, name, region, gender, birth_year, "
    "acquisition_channel_id, owner_channel_id, created_at_ms, order_count, "
    "completed_order_count, total_spend_minor, first_order_ms, "
    "last_order_ms, last_interaction_ms, last_activity_ms, "
    "interaction_count, complaint_count, open_complaint_count, "
    "satisfaction_sum, satisfaction_count, last_nps, last_nps_ms, "
    "last_nps_id";

// Fills `out` from the current row of `s`, whose first columns are
// kCustomerColumns. Fields SQLite does not keep (tags, attributes, derived
// attributes) are left empty.
inline void ReadCustomerRow(const Statement& s, CustomerRecord* out) {
  Customer& p = out->profile;
  p.id = static_cast<uint64_t>(s.ColumnInt(0));
  s.ColumnText(1, &p.code);
  s.ColumnText(2, &p.email);
  s.ColumnText(3, &p.phone);
  s.ColumnText(4, &p.name);
  s.ColumnText(5, &p.region);
  p.gender = static_cast<Gender>(s.ColumnInt(6));
  p.birth_year = static_cast<int32_t>(s.ColumnInt(7));
  p.acquisition_channel_id = static_cast<uint64_t>(s.ColumnInt(8));
  p.owner_channel_id = static_cast<uint64_t>(s.ColumnInt(9));
  p.created_at_ms = s.ColumnInt(10);
  Aggregates& a = out->aggregates;
  a = Aggregates();
  a.order_count = s.ColumnInt(11);
  a.completed_order_count = s.ColumnInt(12);
  a.total_spend_minor = s.ColumnInt(13);
  a.first_order_ms = s.ColumnInt(14);
  a.last_order_ms = s.ColumnInt(15);
  a.last_interaction_ms = s.ColumnInt(16);
  a.last_activity_ms = s.ColumnInt(17);
  a.interaction_count = s.ColumnInt(18);
  a.complaint_count = s.ColumnInt(19);
  a.open_complaint_count = s.ColumnInt(20);
  a.satisfaction_sum = s.ColumnInt(21);
  a.satisfaction_count = s.ColumnInt(22);
  a.last_nps = static_cast<int32_t>(s.ColumnInt(23));
  a.last_nps_ms = s.ColumnInt(24);
  a.last_nps_id = static_cast<uint64_t>(s.ColumnInt(25));
}

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_SQLITE_CUSTOMER_ROW_H_
