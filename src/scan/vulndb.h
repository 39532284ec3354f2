// The local vulnerability database: OSV advisories indexed in SQLite.
//
// `sluice vulndb import PATH` fills it from OSV's published layout: a
// directory of <ID>.json entries (searched recursively), or a zip of them
// (OSV's per-ecosystem all.zip, or several ecosystems' zips side by side in
// a directory). Each entry is stored as its JSON text under its id, with one
// index row per affected (ecosystem, package name); importing an entry
// again replaces it when its `modified` is newer or equal, so re-importing
// a refreshed export updates the database (an equal `modified` with the
// same text is left alone and counted unchanged, so a re-import of the
// same export writes nothing). `modified` times compare as times (offsets
// and fractions normalised to UTC), not as written. Ecosystems are indexed
// by their name before any ':' ("Debian:12" under "Debian"); PyPI names
// PEP 503-normalised. Other files and zip members than *.json are ignored.
//
// An entry that is not valid JSON, or lacks id, modified (RFC 3339) or a
// package name (affected[] items without a package, e.g. GIT-only ones, are
// not indexed; an entry with none is skipped), is skipped and counted, with
// a warning naming the file (and the zip member); the import goes on. An
// import is one transaction: when it fails (an unreadable source or zip) it
// stores nothing. The file format is persisted: the schema carries a
// version (PRAGMA user_version; vulndb_schema.h) and an older or newer
// database is FailedPrecondition saying to delete and re-import it.
//
// Errors: IoError naming the file for the database (also when it is not an
// SQLite file) or an unreadable import source; InvalidArgument for a source
// that is neither a directory nor a zip (nor a *.zip in a directory);
// FailedPrecondition for another program's SQLite database. Thread-safety: one VulnDb per thread
// (SQLite connection); several processes may read while one imports (WAL).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct sqlite3;

namespace sluice::scan {

struct VulnDbImport {
  int64_t imported = 0;   // entries stored (new or newer)
  int64_t unchanged = 0;  // already stored with a newer `modified`, or the same and same text
  int64_t skipped = 0;    // corrupt entries
  std::vector<std::string> warnings;  // one per skipped entry (at most 100, then a count)
};

class VulnDb {
 public:
  // Opens (creating when missing) the database file.
  static Result<VulnDb> Open(const std::filesystem::path& file);
  VulnDb(VulnDb&&) noexcept;
  VulnDb& operator=(VulnDb&&) noexcept;
  ~VulnDb();

  Result<VulnDbImport> Import(const std::filesystem::path& source);

  // Stores entries another importer made (debian_security.h), in one
  // transaction, skipping and counting those that do not parse as Import
  // does. kWhenNewer is Import's rule; kWhenDifferent also replaces a
  // stored entry with a newer `modified` when the text differs (for an
  // importer that rebuilds its own entries from a source it trusts more
  // than what it stored before).
  enum class Replace { kWhenNewer, kWhenDifferent };
  struct EntryText {
    std::string origin;  // for warnings
    std::string json;
  };
  Result<VulnDbImport> ImportEntries(const std::vector<EntryText>& entries, Replace replace);

  // The JSON text of every entry that names (ecosystem, name) among its
  // affected packages, in id order; `ecosystem` without a ':' suffix (one
  // is tolerated and ignored); a PyPI `name` is normalised here.
  Result<std::vector<std::string>> EntriesFor(std::string_view ecosystem,
                                              std::string_view name) const;

  // How many entries are stored.
  Result<int64_t> Count() const;

 private:
  struct Impl;
  explicit VulnDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::scan
