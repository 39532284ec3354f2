// Schema migrations of sluice.db, internal to the store module.
//
// The schema version lives in `PRAGMA user_version` (0 = empty database).
// Migration N takes the schema from version N-1 to N. The list is ordered and
// append-only: a released migration is never edited, a change to the layout
// is a new migration at the end. Migrate() applies every pending migration in
// one IMMEDIATE transaction, so two processes opening a fresh state directory
// at once cannot both apply it, and a failed migration leaves the database at
// its old version.
#pragma once

#include <sqlite3.h>

#include <span>
#include <string_view>

#include "common/status.h"

namespace sluice::store {

struct Migration {
  int version;           // the user_version after this migration
  std::string_view sql;  // one or more statements
};

// sluice's own migrations, versions 1, 2, ... in order.
std::span<const Migration> SchemaMigrations();

// Brings `db` to the last version in `migrations` (consecutive from 1) and
// returns it. A database whose version is higher than that was written by a
// newer sluice and is refused (FailedPrecondition), untouched.
Result<int> Migrate(sqlite3* db, std::span<const Migration> migrations);

// Reads PRAGMA user_version.
Result<int> SchemaVersion(sqlite3* db);

}  // namespace sluice::store
