// SQLite as a benchmark backend, set up the way a competent engineer would
// for this workload: WAL journal, synchronous=NORMAL, a 256 MiB page cache
// (custdb's default block cache), checkpoints every 10,000 WAL pages rather
// than 1,000 (random index and aggregate updates dirty many pages, and the
// default checkpoint rate cost about a third of SQLite's ingest rate in our
// runs), prepared statements, foreign keys on, unique indexes on code, email
// and phone, orders indexed by (customer_id, ts_ms), and the customer's
// aggregate columns updated in the same transaction as each order insert.
// Concurrent writers each get their own connection (NewClient) to the same
// file, start every write with BEGIN IMMEDIATE and wait for the write lock
// in a busy handler instead of failing.
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "backend.h"

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
  last_activity_ms INTEGER NOT NULL DEFAULT 0
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
CREATE INDEX orders_by_customer_ts ON orders (customer_id, ts_ms);
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
constexpr const char* kSelectCustomer =
    "SELECT code, email, phone, name, region, gender, birth_year, "
    "acquisition_channel_id, owner_channel_id, created_at_ms, order_count, "
    "completed_order_count, total_spend_minor, first_order_ms, "
    "last_order_ms, last_activity_ms FROM customers WHERE id = ?1";
// The index on (customer_id, ts_ms) ends with the rowid, so this reads the
// index backwards and never sorts.
constexpr const char* kSelectRecentOrders =
    "SELECT id, channel_id, ts_ms, amount_minor, currency, kind, status, "
    "refunded_minor FROM orders WHERE customer_id = ?1 "
    "ORDER BY ts_ms DESC, id DESC LIMIT ?2";

// Owns one prepared statement; Reset() makes it ready for the next use.
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  int Prepare(sqlite3* db, const char* sql) {
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_,
                              nullptr);
  }
  sqlite3_stmt* get() const { return stmt_; }
  void Int(int index, int64_t v) { sqlite3_bind_int64(stmt_, index, v); }
  // Binds NULL for "" when `empty_is_null`: an absent identity.
  void Text(int index, const std::string& v, bool empty_is_null = false) {
    if (empty_is_null && v.empty()) {
      sqlite3_bind_null(stmt_, index);
    } else {
      sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()),
                        SQLITE_STATIC);
    }
  }
  int64_t ColumnInt(int column) const {
    return sqlite3_column_int64(stmt_, column);
  }
  void ColumnText(int column, std::string* out) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) {
      out->clear();
    } else {
      out->assign(reinterpret_cast<const char*>(text),
                  sqlite3_column_bytes(stmt_, column));
    }
  }
  int Step() { return sqlite3_step(stmt_); }
  void Reset() { sqlite3_reset(stmt_); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

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
    Customer& p = out->profile;
    p.id = customer_id;
    s.ColumnText(0, &p.code);
    s.ColumnText(1, &p.email);
    s.ColumnText(2, &p.phone);
    s.ColumnText(3, &p.name);
    s.ColumnText(4, &p.region);
    p.gender = static_cast<Gender>(s.ColumnInt(5));
    p.birth_year = static_cast<int32_t>(s.ColumnInt(6));
    p.acquisition_channel_id = static_cast<uint64_t>(s.ColumnInt(7));
    p.owner_channel_id = static_cast<uint64_t>(s.ColumnInt(8));
    p.created_at_ms = s.ColumnInt(9);
    Aggregates& a = out->aggregates;
    a = Aggregates();
    a.order_count = s.ColumnInt(10);
    a.completed_order_count = s.ColumnInt(11);
    a.total_spend_minor = s.ColumnInt(12);
    a.first_order_ms = s.ColumnInt(13);
    a.last_order_ms = s.ColumnInt(14);
    a.last_activity_ms = s.ColumnInt(15);
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
        {&select_customer_, kSelectCustomer},
        {&select_recent_orders_, kSelectRecentOrders},
    };
    for (const auto& [statement, sql] : statements) {
      if (statement->Prepare(db_, sql) != SQLITE_OK) {
        return Error(std::string("prepare ") + sql);
      }
    }
    return Status::OK();
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
    int rc = s->Step();
    s->Reset();
    return rc == SQLITE_DONE ? Status::OK() : Error(what);
  }

  Status Error(const std::string& what) const {
    int rc = sqlite3_extended_errcode(db_);
    std::string message = "sqlite: " + what + ": " + sqlite3_errmsg(db_);
    switch (rc) {
      case SQLITE_CONSTRAINT_PRIMARYKEY:
      case SQLITE_CONSTRAINT_UNIQUE:
        return Status::AlreadyExists(message);
      case SQLITE_CONSTRAINT_FOREIGNKEY:
      case SQLITE_CONSTRAINT_CHECK:
      case SQLITE_CONSTRAINT_NOTNULL:
        return Status::InvalidArgument(message);
      default:
        if ((rc & 0xff) == SQLITE_BUSY) return Status::Busy(message);
        return Status::IOError(message);
    }
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  Statement begin_, commit_, rollback_;
  Statement insert_channel_, insert_customer_, insert_order_;
  Statement update_aggregates_;
  Statement select_customer_, select_recent_orders_;
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
