// A small RAII layer over the sqlite3 C API, internal to the scan module
// (the store module has its own; modules do not share internals).
//
// SqliteDb owns a connection; SqlStatement owns a prepared statement; an
// SqlCursor is one use of a statement: it binds, steps and reads columns,
// and resets the statement when it goes out of scope. The reset matters: in
// WAL mode a stepped but unreset statement keeps its read transaction open,
// so the connection would keep reading an old snapshot. SqlTransaction rolls
// back unless committed.
//
// Errors: SqlError() turns a sqlite result code into an IoError naming the
// operation and the database file. Not thread-safe: one connection per
// thread, as sqlite wants.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::scan {

// "<what> failed: <file>: <sqlite message>" plus advice for a locked file or
// a file that is not a database.
Status SqlError(sqlite3* db, int rc, std::string_view what);

class SqliteDb {
 public:
  // Opens (creating when missing) `file` read-write, waiting up to 5 s for
  // other processes' locks.
  static Result<SqliteDb> Open(const std::filesystem::path& file);

  sqlite3* get() const { return db_.get(); }

  // Runs SQL whose rows, if any, are not needed.
  Status Exec(const std::string& sql, std::string_view what) const;

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

class SqlStatement {
 public:
  SqlStatement() = default;
  static Result<SqlStatement> Prepare(sqlite3* db, std::string_view sql);

  sqlite3_stmt* get() const { return stmt_.get(); }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

class SqlCursor {
 public:
  // `what` names the operation in errors and must outlive the cursor.
  SqlCursor(const SqlStatement& statement, std::string_view what);
  ~SqlCursor();
  SqlCursor(const SqlCursor&) = delete;
  SqlCursor& operator=(const SqlCursor&) = delete;

  // 1-based parameters. Text is bound without a copy: it must outlive the
  // cursor. A failed bind is reported by the next Step().
  void Bind(int index, std::string_view text);
  void Bind(int index, int64_t value);

  // true: a row is ready; false: done.
  Result<bool> Step();
  // Steps to the end.
  Status Run();

  // Column text, valid until the next Step() or the cursor's end.
  std::string_view Text(int column) const;
  int64_t Int(int column) const;

 private:
  sqlite3_stmt* stmt_;
  std::string_view what_;
  int bind_rc_ = SQLITE_OK;
};

// BEGIN IMMEDIATE on construction (see Begin); ROLLBACK on destruction
// unless Commit() succeeded.
class SqlTransaction {
 public:
  static Result<SqlTransaction> Begin(const SqliteDb& db);
  SqlTransaction(SqlTransaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  SqlTransaction& operator=(SqlTransaction&&) = delete;
  SqlTransaction(const SqlTransaction&) = delete;
  ~SqlTransaction();

  Status Commit();

 private:
  explicit SqlTransaction(sqlite3* db) : db_(db) {}
  sqlite3* db_;  // null once committed or moved from
};

}  // namespace sluice::scan
