#include "scan/report.h"

#include <map>
#include <numeric>
#include <sstream>
#include <vector>

namespace sluice::scan {
namespace {

// "Critical", "Unassigned": the summary's key spelling.
std::string TitleCase(Severity s) {
  std::string word(SeverityName(s));
  for (size_t i = 1; i < word.size(); ++i) word[i] = static_cast<char>(std::tolower(word[i]));
  return word;
}

nlohmann::json PackageJson(const Package& p) {
  nlohmann::json j = {{"ecosystem", p.ecosystem}, {"name", p.name}, {"version", p.version},
                      {"purl", p.purl},           {"path", p.path}, {"layer", p.layer_digest}};
  if (!p.source_name.empty()) j["sourceName"] = p.source_name;
  if (!p.source_version.empty()) j["sourceVersion"] = p.source_version;
  if (!p.arch.empty()) j["arch"] = p.arch;
  if (!p.license.empty()) j["license"] = p.license;
  return j;
}

nlohmann::json FindingJson(const Finding& f) {
  nlohmann::json j = {{"kind", FindingKindName(f.kind)},
                      {"id", f.id},
                      {"severity", SeverityName(f.severity)},
                      {"title", f.title}};
  if (!f.aliases.empty()) j["aliases"] = f.aliases;
  if (!f.description.empty()) j["description"] = f.description;
  if (f.cvss_score) j["cvssScore"] = *f.cvss_score;
  if (!f.cvss_vector.empty()) j["cvssVector"] = f.cvss_vector;
  if (!f.package_name.empty()) {
    j["package"] = f.package_name;
    j["installedVersion"] = f.installed_version;
    j["fixedVersion"] = f.fixed_version;
    j["ecosystem"] = f.ecosystem;
  }
  if (!f.path.empty()) j["path"] = f.path;
  if (!f.layer_digest.empty()) j["layer"] = f.layer_digest;
  if (f.line > 0) j["line"] = f.line;
  if (!f.match.empty()) j["match"] = f.match;
  if (!f.references.empty()) j["references"] = f.references;
  return j;
}

}  // namespace

std::string FindingLocation(const Finding& f) {
  if (!f.package_name.empty()) {
    return f.package_name + " " + f.installed_version +
           (f.fixed_version.empty() ? " (no fix)" : " -> " + f.fixed_version);
  }
  if (!f.path.empty()) return "/" + f.path + (f.line > 0 ? ":" + std::to_string(f.line) : "");
  return "image config";
}

int SeverityCounts::total() const { return std::accumulate(all.begin(), all.end(), 0); }
int SeverityCounts::new_total() const { return std::accumulate(fresh.begin(), fresh.end(), 0); }

int CountAtOrAbove(const std::vector<Finding>& findings, Severity level) {
  int n = 0;
  for (const Finding& f : findings) n += f.severity >= level && f.severity != Severity::kUnassigned;
  return n;
}

Result<SeverityCounts> CountAgainstHistory(const ScanHistory& history, const std::string& target,
                                           const ScanResult& result) {
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::set<std::string>> previous, history.Previous(target));
  SeverityCounts counts = CountFindings(result.findings, previous ? &*previous : nullptr);
  SLUICE_RETURN_IF_ERROR(history.Record(target, result.manifest_digest, result.findings));
  return counts;
}

SeverityCounts CountFindings(const std::vector<Finding>& findings,
                             const std::set<std::string>* previous) {
  SeverityCounts counts;
  for (const Finding& f : findings) {
    auto level = static_cast<size_t>(f.severity);
    ++counts.all[level];
    if (previous == nullptr || !previous->contains(FindingFingerprint(f))) ++counts.fresh[level];
  }
  return counts;
}

nlohmann::json SummaryJson(const SeverityCounts& counts) {
  nlohmann::json by_severity = {{"Ignored", 0}, {"ExternalPolicyFailures", 0}};
  for (Severity s : kSeveritiesMostSevereFirst) {
    by_severity[TitleCase(s)] = counts.at(s);
    by_severity["New" + TitleCase(s)] = counts.new_at(s);
  }
  return {{"status", "Succeeded"},
          {"issuesCount", counts.total()},
          {"newIssuesCount", counts.new_total()},
          {"issuesBySeverityCount", by_severity}};
}

nlohmann::json DetailedJson(const std::string& target, const ScanResult& result,
                            const SeverityCounts& counts) {
  nlohmann::json packages = nlohmann::json::array();
  for (const Package& p : result.inventory.packages) packages.push_back(PackageJson(p));
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : result.findings) findings.push_back(FindingJson(f));
  const OsInfo& os = result.inventory.os;
  return {{"target", target},
          {"manifestDigest", result.manifest_digest.str()},
          {"os", {{"id", os.id}, {"versionId", os.version_id}, {"prettyName", os.pretty_name}}},
          {"vulnerabilitiesChecked", result.vulnerabilities_checked},
          {"summary", SummaryJson(counts)},
          {"packages", packages},
          {"findings", findings},
          {"warnings", result.warnings}};
}

std::string FindingsTable(const std::string& target, const ScanResult& result,
                          const SeverityCounts& counts) {
  std::ostringstream out;
  const OsInfo& os = result.inventory.os;
  out << target << " (" << result.manifest_digest.str() << ")\n";
  out << (os.pretty_name.empty() ? "unknown OS" : os.pretty_name) << ", "
      << result.inventory.packages.size() << " packages, " << result.files_scanned
      << " files searched for secrets"
      << (result.vulnerabilities_checked ? ""
                                         : "; no vulnerability database (sluice vulndb import)")
      << "\n";
  for (Severity s : kSeveritiesMostSevereFirst) {
    std::vector<const Finding*> level;
    for (const Finding& f : result.findings) {
      if (f.severity == s) level.push_back(&f);
    }
    if (level.empty()) continue;
    out << "\n" << SeverityName(s) << " (" << level.size() << ")\n";
    for (const Finding* f : level) {
      out << "  " << f->id << "  " << FindingLocation(*f) << "\n      " << f->title << "\n";
    }
  }
  out << "\n" << counts.total() << " finding(s): ";
  for (Severity s : kSeveritiesMostSevereFirst) {
    out << counts.at(s) << " " << SeverityName(s) << (s == Severity::kUnassigned ? "" : ", ");
  }
  out << "; " << counts.new_total() << " new\n";
  for (const std::string& w : result.warnings) out << "warning: " << w << "\n";
  return out.str();
}

}  // namespace sluice::scan
