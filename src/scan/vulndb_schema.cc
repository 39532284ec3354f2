#include "scan/vulndb_schema.h"

#include <string>

namespace sluice::scan {

namespace {

constexpr const char* kCreateTables = R"sql(
CREATE TABLE entries (
  id TEXT PRIMARY KEY NOT NULL,
  modified TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE TABLE affected (
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (ecosystem, name, id)
) WITHOUT ROWID;
CREATE INDEX affected_by_id ON affected (id);
)sql";

Result<int64_t> QueryInt(const SqliteDb& db, std::string_view sql, std::string_view what) {
  SLUICE_ASSIGN_OR_RETURN(SqlStatement statement, SqlStatement::Prepare(db.get(), sql));
  SqlCursor cursor(statement, what);
  SLUICE_ASSIGN_OR_RETURN(bool row, cursor.Step());
  return row ? cursor.Int(0) : 0;
}

Status WrongVersion(const std::filesystem::path& file, std::string_view what) {
  return Status::FailedPrecondition(file.string() + " " + std::string(what) +
                                    "; delete it and run `sluice vulndb import` again");
}

Status CheckVersion(int64_t version, const std::filesystem::path& file) {
  if (version == kVulnDbSchemaVersion) return Status::Ok();
  return WrongVersion(file, "has vulnerability database schema version " + std::to_string(version) +
                                ", this sluice reads version " +
                                std::to_string(kVulnDbSchemaVersion));
}

}  // namespace

Status PrepareVulnDbSchema(const SqliteDb& db, const std::filesystem::path& file) {
  // WAL: readers (scans) go on while an import writes. The database is a
  // cache that can be imported again, so NORMAL sync is enough.
  SLUICE_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL", "opening the vulnerability database"));
  SLUICE_RETURN_IF_ERROR(
      db.Exec("PRAGMA synchronous=NORMAL", "opening the vulnerability database"));
  SLUICE_ASSIGN_OR_RETURN(int64_t version,
                          QueryInt(db, "PRAGMA user_version", "reading the schema version"));
  if (version != 0) return CheckVersion(version, file);
  // Version 0: a new file, or another process is creating it right now (the
  // write lock serialises us; look again under it), or not ours at all.
  SLUICE_ASSIGN_OR_RETURN(SqlTransaction transaction, SqlTransaction::Begin(db));
  SLUICE_ASSIGN_OR_RETURN(version,
                          QueryInt(db, "PRAGMA user_version", "reading the schema version"));
  if (version != 0) return CheckVersion(version, file);
  SLUICE_ASSIGN_OR_RETURN(int64_t tables,
                          QueryInt(db, "SELECT count(*) FROM sqlite_master", "reading the schema"));
  if (tables != 0) {
    // Perhaps a wrong path: do not advise deleting another program's data.
    return Status::FailedPrecondition(
        file.string() + " is an SQLite database but not a sluice vulnerability database; " +
        "check the path");
  }
  SLUICE_RETURN_IF_ERROR(db.Exec(kCreateTables, "creating the vulnerability database tables"));
  SLUICE_RETURN_IF_ERROR(db.Exec("PRAGMA user_version=" + std::to_string(kVulnDbSchemaVersion),
                                 "setting the schema version"));
  return transaction.Commit();
}

}  // namespace sluice::scan
