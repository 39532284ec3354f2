// What a scan reports: counts by severity in the shape Harness STO and the
// tutorial show, "new" counts against the previous scan of the same target,
// the detailed findings as JSON, and a table for a terminal.
//
// The summary JSON (persisted wire shape; the tutorial's step log prints
// it):
//   {"status":"Succeeded","issuesCount":N,"newIssuesCount":N,
//    "issuesBySeverityCount":{"Critical":..,"High":..,"Medium":..,"Low":..,
//      "Info":..,"Unassigned":..,"NewCritical":..,"NewHigh":..,"NewMedium":..,
//      "NewLow":..,"NewInfo":..,"NewUnassigned":..,"Ignored":0,
//      "ExternalPolicyFailures":0}}
// A finding is new when its fingerprint (findings.h) was not among the
// previous scan's; on a target's first scan every finding is new.
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/status.h"
#include "scan/findings.h"
#include "scan/scan_history.h"
#include "scan/scanner.h"

namespace sluice::scan {

struct SeverityCounts {
  // Indexed by Severity.
  std::array<int, 6> all{};
  std::array<int, 6> fresh{};  // not in the previous scan
  int total() const;
  int new_total() const;
  int at(Severity s) const { return all[static_cast<size_t>(s)]; }
  int new_at(Severity s) const { return fresh[static_cast<size_t>(s)]; }
};

// `previous`: the fingerprints of the target's previous scan; null when
// there was none (everything is new).
SeverityCounts CountFindings(const std::vector<Finding>& findings,
                             const std::set<std::string>* previous);

// How many findings are at least `level` (Unassigned never is): what a
// --fail-on / fail_on_severity threshold counts.
int CountAtOrAbove(const std::vector<Finding>& findings, Severity level);

// The counts of `result` against `target`'s previous scan in `history`,
// which then records this scan as the target's latest.
Result<SeverityCounts> CountAgainstHistory(const ScanHistory& history, const std::string& target,
                                           const ScanResult& result);

// Where a finding is, for people: a vulnerable package's installed and
// fixed versions, else the file (and line), else "image config".
std::string FindingLocation(const Finding& finding);

// The summary JSON described above.
nlohmann::json SummaryJson(const SeverityCounts& counts);

// Every finding, with the image and its packages:
//   {"target", "manifestDigest", "os", "vulnerabilitiesChecked",
//    "summary": SummaryJson, "packages": [...], "findings": [...],
//    "warnings": [...]}
nlohmann::json DetailedJson(const std::string& target, const ScanResult& result,
                            const SeverityCounts& counts);

// A terminal table: findings grouped by severity (most severe first), then
// by package; one line each with the id, the installed and fixed versions
// or the path and line; a closing line with the counts.
std::string FindingsTable(const std::string& target, const ScanResult& result,
                          const SeverityCounts& counts);

}  // namespace sluice::scan
