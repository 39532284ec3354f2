#include "scan/findings.h"

#include <algorithm>
#include <cctype>

namespace sluice::scan {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "CRITICAL";
    case Severity::kHigh:
      return "HIGH";
    case Severity::kMedium:
      return "MEDIUM";
    case Severity::kLow:
      return "LOW";
    case Severity::kInfo:
      return "INFO";
    case Severity::kUnassigned:
      break;
  }
  return "UNASSIGNED";
}

std::optional<Severity> ParseSeverity(std::string_view word) {
  std::string upper(word);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "CRITICAL") return Severity::kCritical;
  if (upper == "HIGH") return Severity::kHigh;
  if (upper == "MEDIUM" || upper == "MODERATE") return Severity::kMedium;
  if (upper == "LOW") return Severity::kLow;
  if (upper == "INFO" || upper == "INFORMATIONAL" || upper == "NONE") return Severity::kInfo;
  if (upper == "UNASSIGNED" || upper == "UNDEFINED" || upper == "UNKNOWN") {
    return Severity::kUnassigned;
  }
  return std::nullopt;
}

std::string_view FindingKindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kSecret:
      return "secret";
    case FindingKind::kMisconfiguration:
      return "misconfiguration";
    case FindingKind::kVulnerability:
      break;
  }
  return "vulnerability";
}

std::string FindingFingerprint(const Finding& finding) {
  std::string key(FindingKindName(finding.kind));
  for (const std::string* part : {&finding.id, &finding.package_name, &finding.path}) {
    key += '\x1f';
    key += *part;
  }
  return key;
}

}  // namespace sluice::scan
