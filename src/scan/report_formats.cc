#include "scan/report_formats.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <vector>

#include "common/hash.h"

namespace sluice::scan {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A name-based UUID (version 5 layout) from the image digest: the same
// image gives the same serial number.
std::string SerialNumber(const oci::Digest& digest) {
  std::string hex = Sha256Hex("sluice-sbom:" + digest.str()).substr(0, 32);
  hex[12] = '5';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return "urn:uuid:" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string CvssMethod(const std::string& vector) {
  if (vector.starts_with("CVSS:3.1/")) return "CVSSv31";
  if (vector.starts_with("CVSS:3.0/")) return "CVSSv3";
  if (vector.starts_with("CVSS:4.0/")) return "CVSSv4";
  return vector.empty() ? "other" : "CVSSv2";
}

// GitHub's and Harness's reading of SARIF's security-severity: a CVSS-like
// number whose band gives the level.
double SecuritySeverity(const Finding& f) {
  if (f.cvss_score) return *f.cvss_score;
  switch (f.severity) {
    case Severity::kCritical:
      return 9.5;
    case Severity::kHigh:
      return 8.0;
    case Severity::kMedium:
      return 5.5;
    case Severity::kLow:
      return 2.0;
    default:
      return 0.0;
  }
}

std::string SarifLevel(Severity s) {
  if (s == Severity::kCritical || s == Severity::kHigh) return "error";
  if (s == Severity::kMedium) return "warning";
  return "note";
}

// Each package's bom-ref: its purl, made unique when one package shows up
// at two paths.
std::vector<std::string> BomRefs(const std::vector<Package>& packages) {
  std::map<std::string, int> seen;
  std::vector<std::string> refs;
  for (const Package& p : packages) {
    std::string base = p.purl.empty() ? "pkg:generic/" + p.name + "@" + p.version : p.purl;
    int n = seen[base]++;
    refs.push_back(n == 0 ? base : base + "#" + std::to_string(n));
  }
  return refs;
}

}  // namespace

nlohmann::json CycloneDxJson(const std::string& target, const ScanResult& result,
                             const std::string& tool_version) {
  const std::vector<Package>& packages = result.inventory.packages;
  std::vector<std::string> refs = BomRefs(packages);
  nlohmann::json components = nlohmann::json::array();
  const OsInfo& os = result.inventory.os;
  if (!os.id.empty()) {
    components.push_back({{"type", "operating-system"},
                          {"bom-ref", "os:" + os.id + "@" + os.version_id},
                          {"name", os.id},
                          {"version", os.version_id},
                          {"description", os.pretty_name}});
  }
  for (size_t i = 0; i < packages.size(); ++i) {
    const Package& p = packages[i];
    nlohmann::json c = {
        {"type", "library"}, {"bom-ref", refs[i]}, {"name", p.name}, {"version", p.version}};
    if (!p.purl.empty()) c["purl"] = p.purl;
    if (!p.license.empty()) c["licenses"] = {{{"license", {{"name", p.license}}}}};
    c["properties"] = {{{"name", "sluice:path"}, {"value", p.path}},
                       {{"name", "sluice:layer"}, {"value", p.layer_digest}}};
    components.push_back(std::move(c));
  }
  nlohmann::json vulnerabilities = nlohmann::json::array();
  for (const Finding& f : result.findings) {
    if (f.kind != FindingKind::kVulnerability) continue;
    std::string affected;
    for (size_t i = 0; i < packages.size() && affected.empty(); ++i) {
      if (packages[i].name == f.package_name && packages[i].version == f.installed_version &&
          packages[i].path == f.path) {
        affected = refs[i];
      }
    }
    nlohmann::json rating = {{"severity", Lower(SeverityName(f.severity))},
                             {"method", CvssMethod(f.cvss_vector)}};
    if (f.severity == Severity::kUnassigned) rating["severity"] = "unknown";
    if (f.cvss_score) rating["score"] = *f.cvss_score;
    if (!f.cvss_vector.empty()) rating["vector"] = f.cvss_vector;
    nlohmann::json v = {{"bom-ref", f.id + "/" + affected},
                        {"id", f.id},
                        {"source", {{"name", "OSV"}}},
                        {"ratings", {rating}},
                        {"description", f.title}};
    if (!f.fixed_version.empty()) v["recommendation"] = "Upgrade to " + f.fixed_version;
    if (!affected.empty()) v["affects"] = {{{"ref", affected}}};
    vulnerabilities.push_back(std::move(v));
  }
  std::string image_ref = "pkg:oci/" + target.substr(0, target.find_first_of(":@")) + "@" +
                          result.manifest_digest.algorithm + "%3A" + result.manifest_digest.hex;
  return {{"bomFormat", "CycloneDX"},
          {"specVersion", "1.5"},
          {"serialNumber", SerialNumber(result.manifest_digest)},
          {"version", 1},
          {"metadata",
           {{"tools",
             {{"components",
               {{{"type", "application"}, {"name", "sluice"}, {"version", tool_version}}}}}},
            {"component",
             {{"type", "container"},
              {"bom-ref", image_ref},
              {"name", target},
              {"version", result.manifest_digest.str()},
              {"purl", image_ref}}}}},
          {"components", components},
          {"vulnerabilities", vulnerabilities}};
}

nlohmann::json SarifJson(const std::string& target, const ScanResult& result,
                         const std::string& tool_version) {
  nlohmann::json rules = nlohmann::json::array();
  std::map<std::string, size_t> rule_index;
  nlohmann::json results = nlohmann::json::array();
  for (const Finding& f : result.findings) {
    auto [it, added] = rule_index.try_emplace(f.id, rule_index.size());
    if (added) {
      char score[16];
      std::snprintf(score, sizeof score, "%.1f", SecuritySeverity(f));
      nlohmann::json rule = {{"id", f.id},
                             {"shortDescription", {{"text", f.title.empty() ? f.id : f.title}}},
                             {"properties",
                              {{"security-severity", score},
                               {"tags", {"security", std::string(FindingKindName(f.kind))}}}}};
      if (!f.description.empty()) rule["fullDescription"] = {{"text", f.description}};
      if (!f.references.empty()) rule["helpUri"] = f.references.front();
      rules.push_back(std::move(rule));
    }
    std::string text = f.title.empty() ? f.id : f.title;
    if (!f.package_name.empty()) {
      text += " (" + f.package_name + " " + f.installed_version +
              (f.fixed_version.empty() ? ", no fix yet" : ", fixed in " + f.fixed_version) + ")";
    }
    nlohmann::json location = {
        {"physicalLocation", {{"artifactLocation", {{"uri", f.path.empty() ? target : f.path}}}}}};
    if (f.line > 0) location["physicalLocation"]["region"] = {{"startLine", f.line}};
    results.push_back(
        {{"ruleId", f.id},
         {"ruleIndex", it->second},
         {"level", SarifLevel(f.severity)},
         {"message", {{"text", text}}},
         {"locations", {location}},
         {"partialFingerprints", {{"sluiceFinding/v1", Sha256Hex(FindingFingerprint(f))}}}});
  }
  return {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       {{{"tool", {{"driver", {{"name", "sluice"}, {"version", tool_version}, {"rules", rules}}}}},
         {"results", results}}}}};
}

}  // namespace sluice::scan
