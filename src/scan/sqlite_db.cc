#include "scan/sqlite_db.h"

#include <string>

namespace sluice::scan {

namespace {

std::string DbFile(sqlite3* db) {
  const char* f = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  return (f != nullptr && *f != '\0') ? std::string(f) : std::string("(in-memory database)");
}

Status ExecOn(sqlite3* db, const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqlError(db, rc, what);
  return Status::Ok();
}

}  // namespace

Status SqlError(sqlite3* db, int rc, std::string_view what) {
  std::string message = std::string(what) + " failed: " + DbFile(db) + ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      message +=
          "; another process held the database for more than 5 s, retry when it has finished";
      break;
    case SQLITE_NOTADB:
      // Perhaps a wrong path: do not advise deleting someone's file.
      message += "; check the path";
      break;
    case SQLITE_CORRUPT:
      message += "; delete it and run `sluice vulndb import` again";
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      message += "; check that its directory exists and is writable";
      break;
    default:
      break;
  }
  return Status::IoError(std::move(message));
}

Result<SqliteDb> SqliteDb::Open(const std::filesystem::path& file) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  SqliteDb db;
  db.db_.reset(raw);  // sqlite hands back a handle even on failure; it must be closed
  if (rc != SQLITE_OK) {
    return Status::IoError("opening vulnerability database " + file.string() + " failed: " +
                           (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)) +
                           "; check that its directory exists and is writable");
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

Status SqliteDb::Exec(const std::string& sql, std::string_view what) const {
  return ExecOn(db_.get(), sql.c_str(), what);
}

Result<SqlStatement> SqlStatement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  SqlStatement statement;
  statement.stmt_.reset(raw);
  if (rc != SQLITE_OK) {
    return SqlError(db, rc, "preparing \"" + std::string(sql.substr(0, 50)) + "\"");
  }
  return statement;
}

SqlCursor::SqlCursor(const SqlStatement& statement, std::string_view what)
    : stmt_(statement.get()), what_(what) {}

SqlCursor::~SqlCursor() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void SqlCursor::Bind(int index, std::string_view text) {
  // A non-null pointer even for "" so that the column holds '' and not NULL.
  const char* data = text.data() != nullptr ? text.data() : "";
  int rc = sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqlCursor::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Result<bool> SqlCursor::Step() {
  sqlite3* db = sqlite3_db_handle(stmt_);
  if (bind_rc_ != SQLITE_OK) return SqlError(db, bind_rc_, what_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqlError(db, rc, what_);
}

Status SqlCursor::Run() {
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::string_view SqlCursor::Text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

int64_t SqlCursor::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

Result<SqlTransaction> SqlTransaction::Begin(const SqliteDb& db) {
  // IMMEDIATE takes the write lock now, so a concurrent writer waits on the
  // busy timeout here instead of failing later when upgrading a read lock.
  SLUICE_RETURN_IF_ERROR(ExecOn(db.get(), "BEGIN IMMEDIATE", "starting a transaction"));
  return SqlTransaction(db.get());
}

SqlTransaction::~SqlTransaction() {
  if (db_ != nullptr) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status SqlTransaction::Commit() {
  SLUICE_RETURN_IF_ERROR(ExecOn(db_, "COMMIT", "committing"));
  db_ = nullptr;
  return Status::Ok();
}

}  // namespace sluice::scan
