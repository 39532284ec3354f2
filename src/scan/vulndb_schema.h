// The vulnerability database's SQLite schema, internal to the scan module.
//
// Persisted format, version kVulnDbSchemaVersion in PRAGMA user_version:
//   entries(id TEXT PRIMARY KEY, modified TEXT, json TEXT)
//     one row per OSV entry; modified normalised (vulndb_entry.h) so that
//     string order is time order; json the entry's text as imported.
//   affected(ecosystem TEXT, name TEXT, id TEXT), primary key in that order
//     one row per (ecosystem, package name) an entry affects, keyed as
//     vulndb_entry.h says; an index on id for replacing an entry.
// Any change to the tables or to how keys are spelled bumps the version;
// there are no migrations: the database is a cache of OSV's export, and an
// older or newer one is deleted and imported again.
#pragma once

#include <filesystem>

#include "common/status.h"
#include "scan/sqlite_db.h"

namespace sluice::scan {

inline constexpr int kVulnDbSchemaVersion = 1;

// Turns on WAL and creates the tables in a new (empty) database; checks the
// version of an existing one: FailedPrecondition, with the advice to delete
// `file` and import again, for another version or a database that is not a
// vulnerability database.
Status PrepareVulnDbSchema(const SqliteDb& db, const std::filesystem::path& file);

}  // namespace sluice::scan
