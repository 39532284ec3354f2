// VulnDb's state, shared by vulndb.cc (opening, reading) and
// vulndb_import.cc; internal to the scan module.
#pragma once

#include <filesystem>

#include "scan/sqlite_db.h"
#include "scan/vulndb.h"

namespace sluice::scan {

// A namespace-level struct so that helper functions can take it (Impl is
// private to VulnDb).
struct VulnDbConnection {
  std::filesystem::path file;
  SqliteDb db;
  // Prepared once, for the life of the connection. SQL in vulndb.cc.
  SqlStatement select_entry;     // ?1 id -> modified, json
  SqlStatement upsert_entry;     // ?1 id, ?2 modified, ?3 json
  SqlStatement delete_affected;  // ?1 id
  SqlStatement insert_affected;  // ?1 ecosystem, ?2 name, ?3 id
  SqlStatement entries_for;      // ?1 ecosystem, ?2 name -> json
  SqlStatement count;            // -> count
};

struct VulnDb::Impl : VulnDbConnection {};

}  // namespace sluice::scan
