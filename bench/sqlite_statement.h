// A prepared SQLite statement that finalizes itself, and the translation
// of SQLite errors into Status, shared by the SQLite backend's files.
#ifndef CUSTDB_BENCH_SQLITE_STATEMENT_H_
#define CUSTDB_BENCH_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include "custdb/status.h"

namespace custdb {
namespace bench {

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
  // Binds NULL when absent.
  void OptionalInt(int index, const std::optional<int64_t>& v) {
    if (v) {
      sqlite3_bind_int64(stmt_, index, *v);
    } else {
      sqlite3_bind_null(stmt_, index);
    }
  }
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

// The connection's last error as a Status whose message starts with
// "sqlite: " and `what`.
inline Status SqliteError(sqlite3* db, const std::string& what) {
  int rc = sqlite3_extended_errcode(db);
  std::string message = "sqlite: " + what + ": " + sqlite3_errmsg(db);
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

// Steps a statement that returns no rows, then resets it.
inline Status StepDone(sqlite3* db, Statement* s, const char* what) {
  int rc = s->Step();
  s->Reset();
  return rc == SQLITE_DONE ? Status::OK() : SqliteError(db, what);
}

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_SQLITE_STATEMENT_H_
