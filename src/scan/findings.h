// What an image scan finds: the packages in an image and the findings about
// it (vulnerabilities, secrets, misconfigurations), in one vocabulary shared
// by the scanner's parts and its reports.
//
// Plain values; thread-compatible. Severity names are persisted (reports,
// step outputs, the scan store): change them only on purpose.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::scan {

// Ordered from least to most severe; kUnassigned has no level at all (no
// score, no severity given) and sorts below kInfo.
enum class Severity { kUnassigned, kInfo, kLow, kMedium, kHigh, kCritical };

// Every severity, most severe first (Unassigned last), as reports list them.
inline constexpr Severity kSeveritiesMostSevereFirst[] = {
    Severity::kCritical, Severity::kHigh, Severity::kMedium,
    Severity::kLow,      Severity::kInfo, Severity::kUnassigned};

// "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO", "UNASSIGNED".
std::string_view SeverityName(Severity severity);
// Parses a severity word, case-insensitively: the names above, plus
// "MODERATE" (GitHub's MEDIUM), "INFORMATIONAL", "NONE" (INFO) and
// "UNDEFINED"/"UNKNOWN" (UNASSIGNED). nullopt for anything else.
std::optional<Severity> ParseSeverity(std::string_view word);

// An installed package found in the image.
struct Package {
  // OSV's ecosystem name: "PyPI", "npm", "Go"; a distribution's with the
  // release its os-release names ("Debian:12", "Ubuntu:22.04",
  // "Alpine:v3.19"), else the family alone.
  std::string ecosystem;
  std::string name;     // as the ecosystem names it (PyPI: PEP 503 normalised)
  std::string version;  // as installed
  // Debian and Alpine advisories name the source package and its version;
  // empty means the same as name / version.
  std::string source_name;
  std::string source_version;
  std::string arch;
  std::string license;
  std::string purl;          // package URL, e.g. pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64
  std::string path;          // where it was found in the image, e.g. var/lib/dpkg/status
  std::string layer_digest;  // "sha256:..." of the layer that holds `path`
};

enum class FindingKind { kVulnerability, kSecret, kMisconfiguration };

// "vulnerability", "secret", "misconfiguration".
std::string_view FindingKindName(FindingKind kind);

struct Finding {
  FindingKind kind = FindingKind::kVulnerability;
  // Vulnerabilities: the advisory id ("CVE-2024-1234", "GHSA-...", "DSA-...");
  // secrets and misconfigurations: the rule id ("aws-access-key-id",
  // "CIS-DI-0001").
  std::string id;
  std::vector<std::string> aliases;  // other ids of the same advisory
  std::string title;                 // one line
  std::string description;
  Severity severity = Severity::kUnassigned;
  std::optional<double> cvss_score;  // base score when a CVSS vector was given
  std::string cvss_vector;
  // Vulnerabilities: the affected package as installed, and the first
  // version that fixes it (empty when none is known).
  std::string package_name;
  std::string installed_version;
  std::string fixed_version;
  std::string ecosystem;
  // Where in the image: a file path (no leading '/') and the layer holding
  // it; secrets also give the line. Config findings have neither.
  std::string path;
  std::string layer_digest;
  int line = 0;
  // The matched text with the secret itself masked (never the secret).
  std::string match;
  std::vector<std::string> references;  // URLs
};

// A key that identifies the same finding across scans of the same target
// (what the New* counts compare): kind, id, package and path.
std::string FindingFingerprint(const Finding& finding);

}  // namespace sluice::scan
