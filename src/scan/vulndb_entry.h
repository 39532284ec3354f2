// What the vulnerability database indexes of one OSV entry, internal to the
// scan module (vulndb.h is the contract).
//
// ParseVulnDbKeys reads only id, modified and affected[].package; the rest
// of the entry is stored as text and read by osv.h when matching. The keys
// are persisted (database columns), so their spelling is part of the
// schema version in vulndb_schema.h:
//   - ecosystem: the name before any ':' ("Debian:12" -> "Debian");
//   - name: as written, except PyPI's, PEP 503-normalised;
//   - modified: RFC 3339 turned into UTC with nine fraction digits
//     ("2024-01-02T03:04:05.000000000Z"), so that comparing the strings
//     compares the times ("...05Z" and "...05.5Z" do not compare lexically
//     as written, nor do offsets other than Z).
// affected[] items without a package (e.g. only GIT ranges) are not
// indexed; an entry with no package at all is an error.
//
// Errors: InvalidArgument with a short reason ("not valid JSON: ...",
// "no id", "modified \"x\" is not an RFC 3339 time", "no affected package
// name"). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::scan {

struct VulnDbKeys {
  std::string id;
  std::string modified;                                       // normalised, see above
  std::vector<std::pair<std::string, std::string>> packages;  // (ecosystem, name), no duplicates
};

Result<VulnDbKeys> ParseVulnDbKeys(std::string_view json);

// The ecosystem's index key: the name before any ':'.
std::string_view VulnDbEcosystem(std::string_view ecosystem);

// The package name's index key in `ecosystem` (an index key): PyPI names
// PEP 503-normalised (lower-case, runs of '-', '_', '.' become one '-'),
// others unchanged. Local to the index: osv.h's NormalizePypiName is the
// matching code's.
std::string VulnDbPackageName(std::string_view ecosystem, std::string_view name);

// An RFC 3339 date-time as UTC with nine fraction digits; InvalidArgument
// when it is not one.
Result<std::string> NormalizeRfc3339(std::string_view time);

}  // namespace sluice::scan
