// OSV advisories (ossf/osv-schema): parsing one entry and deciding whether a
// package version is affected.
//
// ParseOsvEntry reads an entry's JSON: id, aliases, summary, details,
// modified, withdrawn, severity[] (top-level and per affected package),
// affected[] with package {ecosystem, name}, ranges[] {type, events[]} and
// versions[], database_specific.severity, references[]. Affects() applies
// OSV's evaluation: a version is affected when listed in versions[] or
// inside any ECOSYSTEM or SEMVER range (introduced / fixed /
// last_affected / limit events, "0" meaning the beginning), compared with
// version_order.h's scheme for the ecosystem; GIT ranges cannot be decided
// from a version and are ignored. Ecosystems match on their name before any
// ':' ("Debian:12" matches an image's "Debian"; when both name a release,
// "Debian:11" and "Debian:12", the releases must be the same); package
// names compare exactly, except PyPI's, which compare PEP 503-normalised.
// versions[] entries match a version the scheme calls equal ("2.30" is
// PyPI's "2.30.0"). Range events are ordered by the scheme before they are
// walked, so their order in the file does not matter.
//
// Severity: the highest of the CVSS v3 (else v2) base scores the entry
// gives (top-level and the matching affected package's severity[]), mapped
// by SeverityForScore; else database_specific.severity (GitHub's words,
// MODERATE = MEDIUM); else Unassigned. Vectors that do not score (CVSS 4.0,
// malformed ones) are skipped.
//
// Errors: InvalidArgument naming the field for JSON that is not an OSV
// entry (missing id or modified, a field of the wrong type, an event
// without a version). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "scan/findings.h"

namespace sluice::scan {

struct OsvEvent {
  enum class Kind { kIntroduced, kFixed, kLastAffected, kLimit };
  Kind kind = Kind::kIntroduced;
  std::string version;
};

struct OsvRange {
  std::string type;  // "ECOSYSTEM", "SEMVER", "GIT"
  std::vector<OsvEvent> events;
};

struct OsvAffected {
  std::string ecosystem;  // as written, e.g. "Debian:12"
  std::string name;
  std::vector<OsvRange> ranges;
  std::vector<std::string> versions;
  std::vector<std::string> severity_vectors;  // this package's own severity[] scores
};

struct OsvEntry {
  std::string id;
  std::vector<std::string> aliases;
  std::string summary;
  std::string details;
  std::string modified;
  bool withdrawn = false;
  std::vector<std::string> severity_vectors;  // top-level severity[] scores (CVSS vectors)
  std::string database_severity;              // database_specific.severity, if any
  std::vector<OsvAffected> affected;
  std::vector<std::string> references;  // URLs
};

Result<OsvEntry> ParseOsvEntry(std::string_view json);

// PEP 503: lower-case, runs of '-', '_' and '.' become one '-'.
std::string NormalizePypiName(std::string_view name);

// Whether `package` (ecosystem, name, version; for Debian, Ubuntu and
// Alpine the source name and the source version, each when set) is affected
// by `entry`; when it is, the fix that ends the affected interval holding
// the version ("" when none: open-ended, last_affected, or only listed in
// versions[] with no fix above it), and the entry's severity. The first
// affected[] package that affects the version decides. A withdrawn entry
// affects nothing.
struct OsvMatch {
  bool affected = false;
  std::string fixed_version;
  Severity severity = Severity::kUnassigned;
  std::optional<double> cvss_score;
  std::string cvss_vector;
};
OsvMatch Affects(const OsvEntry& entry, const Package& package);

}  // namespace sluice::scan
