// RAII wrappers over the sqlite3 C API, internal to the store module.
//
// DbPtr owns a connection; Statement owns a prepared statement (prepared once
// and cached by SqliteStore); Query is one use of a Statement: it binds,
// steps, reads columns and, when it goes out of scope, resets the statement.
// Resetting matters beyond tidiness: in WAL mode a statement that was stepped
// but not reset keeps its read transaction open, so later reads on the same
// connection would keep seeing an old snapshot.
//
// Errors come back as Status built by SqliteStatus(), which names the
// operation, the database file and what to do.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::store {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, CloseDb>;

// Maps a sqlite result code to a Status whose message says `what` failed, on
// which file, and what to do about it.
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

// Runs one or more SQL statements that return no rows we need.
Status ExecSql(sqlite3* db, const std::string& sql, std::string_view what);

// Runs `body` between BEGIN IMMEDIATE and COMMIT: the write lock is taken
// first, so what `body` reads cannot be changed by another connection
// before it writes. When `body` or the COMMIT fails, everything is rolled
// back and that Status returned. The caller keeps other threads off the
// connection meanwhile.
Status InTransaction(sqlite3* db, std::string_view what, const std::function<Status()>& body);

class Statement {
 public:
  Statement() = default;
  static Result<Statement> Prepare(sqlite3* db, std::string_view sql);

  sqlite3_stmt* get() const { return stmt_.get(); }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

class Query {
 public:
  // `what` names the operation in error messages ("storing node a.b");
  // it must outlive the Query.
  Query(Statement& statement, std::string_view what);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Parameters are 1-based, matching "?N" in the SQL. A string_view is
  // bound without a copy, so its text must outlive the Query; a temporary
  // std::string is copied by sqlite. A failed bind is reported by the next
  // Step()/Run().
  void Bind(int index, int64_t value);
  void Bind(int index, std::string_view value);
  void Bind(int index, const std::string& value) { Bind(index, std::string_view(value)); }
  void Bind(int index, std::string&& value);
  void Bind(int index, const char* value) { Bind(index, std::string_view(value)); }
  // Named apart from Bind: an int argument would be ambiguous between
  // int64_t and double.
  void BindDouble(int index, double value);
  void BindNull(int index);

  // true: a row is ready to read; false: the statement finished.
  Result<bool> Step();
  // Steps to the end (statements whose rows, if any, were already read).
  Status Run();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  double Double(int column) const;
  bool IsNull(int column) const;
  // Rows changed by the last finished INSERT/UPDATE/DELETE on this connection.
  int64_t changes() const;

 private:
  sqlite3_stmt* stmt_;
  std::string_view what_;
  int bind_rc_ = SQLITE_OK;
};

}  // namespace sluice::store
