#include "store/statement.h"

#include <string>

namespace sluice::store {

namespace {

std::string DbFile(sqlite3* db) {
  const char* f = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  return (f != nullptr && *f != '\0') ? std::string(f) : std::string("(in-memory database)");
}

}  // namespace

Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  std::string file = DbFile(db);
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string prefix(what);
  prefix += " failed: ";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::IoError(prefix + "database " + file +
                             " stayed locked by another sluice process for more than 5 s (" + detail +
                             "); retry when it has finished");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Status::IoError(prefix + file + " is not a valid sluice database (" + detail +
                             "); move it aside or use another state directory");
    case SQLITE_FULL:
      return Status::IoError(prefix + "disk full while writing " + file + "; free some space and retry");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return Status::IoError(prefix + "cannot write " + file + " (" + detail +
                             "); check the permissions of the state directory");
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::FailedPrecondition(prefix + "it refers to an execution that does not exist in " +
                                          file + "; create the execution first");
      }
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
        return Status::AlreadyExists(prefix + "a record with the same key already exists in " + file +
                                     " (" + detail + ")");
      }
      break;
    default:
      break;
  }
  return Status::IoError(prefix + "sqlite error on " + file + ": " + detail + " (" + sqlite3_errstr(rc) +
                         ")");
}

Status ExecSql(sqlite3* db, const std::string& sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(db, rc, what);
  return Status::Ok();
}

Status InTransaction(sqlite3* db, std::string_view what, const std::function<Status()>& body) {
  SLUICE_RETURN_IF_ERROR(ExecSql(db, "BEGIN IMMEDIATE", what));
  Status done = body();
  if (done.ok()) done = ExecSql(db, "COMMIT", what);
  if (!done.ok()) {
    // Some errors roll back by themselves; a failing ROLLBACK then is harmless.
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return done;
}

Result<Statement> Statement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                              &raw, nullptr);
  Statement s;
  s.stmt_.reset(raw);
  if (rc != SQLITE_OK) {
    return SqliteStatus(db, rc, "preparing SQL \"" + std::string(sql.substr(0, 60)) + "...\"");
  }
  return s;
}

Query::Query(Statement& statement, std::string_view what) : stmt_(statement.get()), what_(what) {}

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Query::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Query::Bind(int index, std::string_view value) {
  // A non-null pointer even for "" so the column holds '' and not NULL.
  const char* data = value.data() != nullptr ? value.data() : "";
  int rc = sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Query::Bind(int index, std::string&& value) {
  int rc = sqlite3_bind_text64(stmt_, index, value.c_str(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Query::BindDouble(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Query::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Result<bool> Query::Step() {
  sqlite3* db = sqlite3_db_handle(stmt_);
  if (bind_rc_ != SQLITE_OK) return SqliteStatus(db, bind_rc_, what_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(db, rc, what_);
}

Status Query::Run() {
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

int64_t Query::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Query::Text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

double Query::Double(int column) const { return sqlite3_column_double(stmt_, column); }

bool Query::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int64_t Query::changes() const { return sqlite3_changes64(sqlite3_db_handle(stmt_)); }

}  // namespace sluice::store
