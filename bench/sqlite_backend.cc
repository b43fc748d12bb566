// SQLite as a benchmark backend, set up the way a competent engineer would
// for this workload: WAL journal, synchronous=NORMAL, a 256 MiB page cache
// (custdb's default block cache), checkpoints every 10,000 WAL pages rather
// than 1,000 (random index and aggregate updates dirty many pages, and the
// default checkpoint rate cost about a third of SQLite's ingest rate in our
// runs), prepared statements, foreign keys on, unique indexes on code, email
// and phone, orders and interactions indexed by (customer_id, ts_ms), the
// customer's aggregate columns updated in the same transaction as each
// order or interaction insert, and the indexes that the tiering questions
// need (see the schema and sqlite_tiering.h), maintained by every write as
// custdb maintains its own.
// Concurrent writers each get their own connection (NewClient) to the same
// file, start every write with BEGIN IMMEDIATE and wait for the write lock
// in a busy handler instead of failing.
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "backend.h"
#include "sqlite_customer_row.h"
#include "sqlite_statement.h"
#include "sqlite_tiering.h"

namespace custdb {
namespace bench {
namespace {

// How long a connection waits for another's write lock before SQLITE_BUSY,
// which fails the run.
constexpr int kBusyTimeoutMs = 5000;

// Run on every connection.
constexpr const char* kPragmas = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;
PRAGMA cache_size = -262144;
PRAGMA temp_store = MEMORY;
PRAGMA wal_autocheckpoint = 10000;
)sql";

constexpr const char* kSchema = R"sql(
CREATE TABLE channels (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  type INTEGER NOT NULL,
  parent_id INTEGER NOT NULL,
  region TEXT NOT NULL,
  active INTEGER NOT NULL
);
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  code TEXT UNIQUE,
  email TEXT UNIQUE,
  phone TEXT UNIQUE,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  gender INTEGER NOT NULL,
  birth_year INTEGER NOT NULL,
  acquisition_channel_id INTEGER NOT NULL,
  owner_channel_id INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  order_count INTEGER NOT NULL DEFAULT 0,
  completed_order_count INTEGER NOT NULL DEFAULT 0,
  total_spend_minor INTEGER NOT NULL DEFAULT 0,
  first_order_ms INTEGER NOT NULL DEFAULT 0,
  last_order_ms INTEGER NOT NULL DEFAULT 0,
  last_activity_ms INTEGER NOT NULL DEFAULT 0,
  last_interaction_ms INTEGER NOT NULL DEFAULT 0,
  interaction_count INTEGER NOT NULL DEFAULT 0,
  complaint_count INTEGER NOT NULL DEFAULT 0,
  open_complaint_count INTEGER NOT NULL DEFAULT 0,
  satisfaction_sum INTEGER NOT NULL DEFAULT 0,
  satisfaction_count INTEGER NOT NULL DEFAULT 0,
  last_nps INTEGER NOT NULL DEFAULT -1,
  last_nps_ms INTEGER NOT NULL DEFAULT 0,
  last_nps_id INTEGER NOT NULL DEFAULT 0,
  -- Written by the NTILE rescoring (sqlite_tiering.cc); 0 until then.
  r_score INTEGER NOT NULL DEFAULT 0,
  f_score INTEGER NOT NULL DEFAULT 0,
  m_score INTEGER NOT NULL DEFAULT 0,
  lifecycle INTEGER NOT NULL DEFAULT 0,
  scored_as_of_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  channel_id INTEGER NOT NULL REFERENCES channels (id),
  ts_ms INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  currency TEXT NOT NULL,
  kind INTEGER NOT NULL,
  status INTEGER NOT NULL,
  refunded_minor INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE interactions (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  channel_id INTEGER REFERENCES channels (id),
  ts_ms INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
  nps INTEGER CHECK (nps BETWEEN 0 AND 10),
  staff_id TEXT NOT NULL,
  note TEXT NOT NULL,
  resolved_at_ms INTEGER
);
CREATE INDEX orders_by_customer_ts ON orders (customer_id, ts_ms);
CREATE INDEX interactions_by_customer_ts ON interactions (customer_id, ts_ms);
-- For the tiering questions. top100: one owner's customers by spend.
CREATE INDEX customers_by_owner_spend
  ON customers (owner_channel_id, total_spend_minor DESC);
-- churn_watch: the inactive customers, with what the filter needs, so that
-- counting them reads only the index.
CREATE INDEX customers_by_activity
  ON customers (last_activity_ms, total_spend_minor, order_count);
-- channel_report: one period's events.
CREATE INDEX orders_by_ts ON orders (ts_ms);
CREATE INDEX interactions_by_ts ON interactions (ts_ms);
CREATE INDEX interactions_by_resolved ON interactions (resolved_at_ms)
  WHERE resolved_at_ms IS NOT NULL;
)sql";

constexpr const char* kInsertChannel =
    "INSERT OR REPLACE INTO channels (id, name, type, parent_id, region, "
    "active) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kInsertCustomer =
    "INSERT INTO customers (id, code, email, phone, name, region, gender, "
    "birth_year, acquisition_channel_id, owner_channel_id, created_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr const char* kInsertOrder =
    "INSERT INTO orders (id, customer_id, channel_id, ts_ms, amount_minor, "
    "currency, kind, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
// ?2..?4: deltas computed from the order's status as custdb defines the
// aggregates (types.h); ?5: the order's ts.
constexpr const char* kUpdateAggregates =
    "UPDATE customers SET order_count = order_count + ?2, "
    "completed_order_count = completed_order_count + ?3, "
    "total_spend_minor = total_spend_minor + ?4, "
    "first_order_ms = CASE WHEN first_order_ms = 0 OR ?5 < first_order_ms "
    "THEN ?5 ELSE first_order_ms END, "
    "last_order_ms = MAX(last_order_ms, ?5), "
    "last_activity_ms = MAX(last_activity_ms, ?5) WHERE id = ?1";
constexpr const char* kInsertInteraction =
    "INSERT INTO interactions (id, customer_id, channel_id, ts_ms, kind, "
    "satisfaction, nps, staff_id, note, resolved_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
// ?2 complaint (0/1), ?3 open complaint (0/1), ?4/?5 satisfaction and
// whether there is one (0/1), ?6 nps or NULL, ?7 ts, ?8 interaction id.
// The latest NPS by (ts, id), as custdb keeps it (types.h).
constexpr const char* kNewerNps =
    "(?6 IS NOT NULL AND (last_nps < 0 OR ?7 > last_nps_ms OR "
    "(?7 = last_nps_ms AND ?8 > last_nps_id)))";
const std::string kUpdateInteractionAggregates =
    std::string(
        "UPDATE customers SET interaction_count = interaction_count + 1, "
        "complaint_count = complaint_count + ?2, "
        "open_complaint_count = open_complaint_count + ?3, "
        "satisfaction_sum = satisfaction_sum + ?4, "
        "satisfaction_count = satisfaction_count + ?5, "
        "last_nps = CASE WHEN ") +
    kNewerNps + " THEN ?6 ELSE last_nps END, last_nps_ms = CASE WHEN " +
    kNewerNps + " THEN ?7 ELSE last_nps_ms END, last_nps_id = CASE WHEN " +
    kNewerNps +
    " THEN ?8 ELSE last_nps_id END, "
    "last_interaction_ms = MAX(last_interaction_ms, ?7), "
    "last_activity_ms = MAX(last_activity_ms, ?7) WHERE id = ?1";
const std::string kSelectCustomer =
    std::string("SELECT ") + kCustomerColumns + " FROM customers WHERE id = ?1";
// The index on (customer_id, ts_ms) ends with the rowid, so this reads the
// index backwards and never sorts.
constexpr const char* kSelectRecentOrders =
    "SELECT id, channel_id, ts_ms, amount_minor, currency, kind, status, "
    "refunded_minor FROM orders WHERE customer_id = ?1 "
    "ORDER BY ts_ms DESC, id DESC LIMIT ?2";

class SqliteBackend : public Backend {
 public:
  ~SqliteBackend() override {
    // The statements are finalized by their destructors after this body
    // runs; sqlite3_close_v2 defers the close until the last one is gone.
    sqlite3_close_v2(db_);
  }

  // Creates the database file and its schema in `dir`.
  Status Init(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IOError(dir + ": " + ec.message());
    return Connect(dir + "/bench.sqlite3", /*create_schema=*/true);
  }

  Result<std::unique_ptr<Backend>> NewClient() override {
    auto client = std::make_unique<SqliteBackend>();
    Status s = client->Connect(path_, /*create_schema=*/false);
    if (!s.ok()) return s;
    return std::unique_ptr<Backend>(std::move(client));
  }

  Status PutChannels(const std::vector<Channel>& channels) override {
    return InTransaction([&]() -> Status {
      for (const Channel& c : channels) {
        Statement& s = insert_channel_;
        s.Int(1, static_cast<int64_t>(c.id));
        s.Text(2, c.name);
        s.Int(3, static_cast<int>(c.type));
        s.Int(4, static_cast<int64_t>(c.parent_id));
        s.Text(5, c.region);
        s.Int(6, c.active ? 1 : 0);
        Status st = StepDone(&s, "insert channel");
        if (!st.ok()) return st;
      }
      return Status::OK();
    });
  }

  Status CreateCustomers(const Customer* customers, size_t count) override {
    return InTransaction([&]() -> Status {
      for (size_t i = 0; i < count; ++i) {
        const Customer& c = customers[i];
        Statement& s = insert_customer_;
        s.Int(1, static_cast<int64_t>(c.id));
        s.Text(2, c.code, true);
        s.Text(3, c.email, true);
        s.Text(4, c.phone, true);
        s.Text(5, c.name);
        s.Text(6, c.region);
        s.Int(7, static_cast<int>(c.gender));
        s.Int(8, c.birth_year);
        s.Int(9, static_cast<int64_t>(c.acquisition_channel_id));
        s.Int(10, static_cast<int64_t>(c.owner_channel_id));
        s.Int(11, c.created_at_ms);
        Status st = StepDone(&s, "insert customer");
        if (!st.ok()) return st;
      }
      return Status::OK();
    });
  }

  Status RecordOrder(const Order& order) override {
    return InTransaction([&] { return InsertOrder(order); });
  }

  Status RecordOrders(const Order* orders, size_t count) override {
    return InTransaction([&]() -> Status {
      for (size_t i = 0; i < count; ++i) {
        Status st = InsertOrder(orders[i]);
        if (!st.ok()) return st;
      }
      return Status::OK();
    });
  }

  Status RecordInteractions(const Interaction* interactions,
                            size_t count) override {
    return InTransaction([&]() -> Status {
      for (size_t i = 0; i < count; ++i) {
        Status st = InsertInteraction(interactions[i]);
        if (!st.ok()) return st;
      }
      return Status::OK();
    });
  }

  Status GetCustomer(uint64_t customer_id, CustomerRecord* out) override {
    Statement& s = select_customer_;
    s.Int(1, static_cast<int64_t>(customer_id));
    int rc = s.Step();
    if (rc != SQLITE_ROW) {
      s.Reset();
      if (rc == SQLITE_DONE) {
        return Status::NotFound("customer " + std::to_string(customer_id));
      }
      return Error("select customer");
    }
    ReadCustomerRow(s, out);
    s.Reset();
    return Status::OK();
  }

  Status RecentOrders(uint64_t customer_id, uint32_t limit,
                      std::vector<Order>* out) override {
    out->clear();
    Statement& s = select_recent_orders_;
    s.Int(1, static_cast<int64_t>(customer_id));
    s.Int(2, limit);
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      Order& o = out->emplace_back();
      o.id = static_cast<uint64_t>(s.ColumnInt(0));
      o.customer_id = customer_id;
      o.channel_id = static_cast<uint64_t>(s.ColumnInt(1));
      o.ts_ms = s.ColumnInt(2);
      o.amount_minor = s.ColumnInt(3);
      s.ColumnText(4, &o.currency);
      o.kind = static_cast<OrderKind>(s.ColumnInt(5));
      o.status = static_cast<OrderStatus>(s.ColumnInt(6));
      o.refunded_minor = s.ColumnInt(7);
    }
    s.Reset();
    return rc == SQLITE_DONE ? Status::OK() : Error("select recent orders");
  }

  Status GetTierSummary(TierSummary* out) override {
    return tiering_.GetTierSummary(out);
  }
  Status TopBySpend(const TopSpendQuery& query,
                    std::vector<CustomerRecord>* out) override {
    return tiering_.TopBySpend(query, out);
  }
  Status GetChurnWatch(const ChurnWatchQuery& query, ChurnWatch* out) override {
    return tiering_.GetChurnWatch(query, out);
  }
  Status GetChannelReport(int64_t from_ms, int64_t to_ms,
                          ChannelReport* out) override {
    return tiering_.GetChannelReport(from_ms, to_ms, out);
  }
  // SQLite has no way to rescore only the customers who are due.
  Status Rescore(int64_t as_of_ms, bool /*full*/, RescoreReport* out) override {
    return tiering_.Rescore(as_of_ms, out);
  }

 private:
  // Opens a connection (used from one thread) with the pragmas and the
  // prepared statements.
  Status Connect(const std::string& path, bool create_schema) {
    path_ = path;
    int rc = sqlite3_open_v2(
        path.c_str(), &db_,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
        nullptr);
    if (rc != SQLITE_OK) return Error("open " + path);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    rc = sqlite3_exec(db_, kPragmas, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Error("pragmas");
    if (create_schema) {
      rc = sqlite3_exec(db_, kSchema, nullptr, nullptr, nullptr);
      if (rc != SQLITE_OK) return Error("schema");
    }
    const std::pair<Statement*, const char*> statements[] = {
        {&begin_, "BEGIN IMMEDIATE"},
        {&commit_, "COMMIT"},
        {&rollback_, "ROLLBACK"},
        {&insert_channel_, kInsertChannel},
        {&insert_customer_, kInsertCustomer},
        {&insert_order_, kInsertOrder},
        {&update_aggregates_, kUpdateAggregates},
        {&insert_interaction_, kInsertInteraction},
        {&update_interaction_aggregates_, kUpdateInteractionAggregates.c_str()},
        {&select_customer_, kSelectCustomer.c_str()},
        {&select_recent_orders_, kSelectRecentOrders},
    };
    for (const auto& [statement, sql] : statements) {
      if (statement->Prepare(db_, sql) != SQLITE_OK) {
        return Error(std::string("prepare ") + sql);
      }
    }
    return tiering_.Prepare(db_);
  }

  // Inserts the order and applies its deltas to the customer's aggregates.
  // Credit notes are not modelled: the benchmark data has none.
  Status InsertOrder(const Order& o) {
    if (o.kind != OrderKind::kSale) {
      return Status::InvalidArgument("order.kind: only sales are modelled");
    }
    Statement& ins = insert_order_;
    ins.Int(1, static_cast<int64_t>(o.id));
    ins.Int(2, static_cast<int64_t>(o.customer_id));
    ins.Int(3, static_cast<int64_t>(o.channel_id));
    ins.Int(4, o.ts_ms);
    ins.Int(5, o.amount_minor);
    ins.Text(6, o.currency);
    ins.Int(7, static_cast<int>(o.kind));
    ins.Int(8, static_cast<int>(o.status));
    Status st = StepDone(&ins, "insert order");
    if (!st.ok()) return st;

    const bool counted = o.status != OrderStatus::kCancelled;
    const bool completed = o.status == OrderStatus::kCompleted;
    const bool spent = completed || o.status == OrderStatus::kPaid;
    Statement& upd = update_aggregates_;
    upd.Int(1, static_cast<int64_t>(o.customer_id));
    upd.Int(2, counted ? 1 : 0);
    upd.Int(3, completed ? 1 : 0);
    upd.Int(4, spent ? o.amount_minor : 0);
    upd.Int(5, o.ts_ms);
    st = StepDone(&upd, "update aggregates");
    if (!st.ok()) return st;
    if (sqlite3_changes(db_) != 1) {
      return Status::NotFound("order.customer_id: " +
                              std::to_string(o.customer_id));
    }
    return Status::OK();
  }

  // Inserts the interaction and applies it to the customer's aggregates.
  Status InsertInteraction(const Interaction& i) {
    Statement& ins = insert_interaction_;
    ins.Int(1, static_cast<int64_t>(i.id));
    ins.Int(2, static_cast<int64_t>(i.customer_id));
    ins.OptionalInt(3, i.channel_id == 0
                           ? std::nullopt
                           : std::optional<int64_t>(i.channel_id));
    ins.Int(4, i.ts_ms);
    ins.Int(5, static_cast<int>(i.kind));
    ins.OptionalInt(6, i.satisfaction);
    ins.OptionalInt(7, i.nps);
    ins.Text(8, i.staff_id);
    ins.Text(9, i.note);
    ins.OptionalInt(10, i.resolved_at_ms);
    Status st = StepDone(&ins, "insert interaction");
    if (!st.ok()) return st;

    const bool complaint = i.kind == InteractionKind::kComplaint;
    Statement& upd = update_interaction_aggregates_;
    upd.Int(1, static_cast<int64_t>(i.customer_id));
    upd.Int(2, complaint ? 1 : 0);
    upd.Int(3, complaint && !i.resolved_at_ms ? 1 : 0);
    upd.Int(4, i.satisfaction.value_or(0));
    upd.Int(5, i.satisfaction ? 1 : 0);
    upd.OptionalInt(6, i.nps);
    upd.Int(7, i.ts_ms);
    upd.Int(8, static_cast<int64_t>(i.id));
    st = StepDone(&upd, "update interaction aggregates");
    if (!st.ok()) return st;
    if (sqlite3_changes(db_) != 1) {
      return Status::NotFound("interaction.customer_id: " +
                              std::to_string(i.customer_id));
    }
    return Status::OK();
  }

  // Runs `body` between BEGIN and COMMIT; rolls back if it fails.
  template <typename Body>
  Status InTransaction(Body body) {
    Status st = StepDone(&begin_, "begin");
    if (!st.ok()) return st;
    st = body();
    if (st.ok()) st = StepDone(&commit_, "commit");
    if (!st.ok()) {
      Status ignored = StepDone(&rollback_, "rollback");
      (void)ignored;
    }
    return st;
  }

  Status StepDone(Statement* s, const char* what) {
    return bench::StepDone(db_, s, what);
  }

  Status Error(const std::string& what) const { return SqliteError(db_, what); }

  std::string path_;
  sqlite3* db_ = nullptr;
  Statement begin_, commit_, rollback_;
  Statement insert_channel_, insert_customer_, insert_order_;
  Statement update_aggregates_;
  Statement insert_interaction_, update_interaction_aggregates_;
  Statement select_customer_, select_recent_orders_;
  SqliteTiering tiering_;  // prepared on db_, like the statements above
};

}  // namespace

Result<std::unique_ptr<Backend>> OpenSqliteBackend(
    const BackendConfig& config) {
  auto backend = std::make_unique<SqliteBackend>();
  Status s = backend->Init(config.dir);
  if (!s.ok()) return s;
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace bench
}  // namespace custdb
