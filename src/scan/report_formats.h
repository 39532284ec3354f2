// A scan in the exchange formats other tools read: a CycloneDX 1.5 SBOM
// (the image's packages, with the vulnerabilities found in them) and SARIF
// 2.1.0 (every finding as a result, one rule per finding id; what code
// scanning dashboards and Harness STO's ingestion read).
//
// CycloneDX: bomFormat, specVersion "1.5", a serialNumber derived from the
// image digest (the same image gives the same document), metadata with the
// image as a container component, components (type library or
// operating-system, name, version, purl, bom-ref = purl, licenses), and
// vulnerabilities (id, source, ratings with severity, CVSS score and
// vector, affects by bom-ref). SARIF: one run, tool.driver "sluice" with
// its rules (id, short description, security-severity property), results
// with ruleId, level (error for critical and high, warning for medium,
// note below), message, a location (the file and line, or the package's
// purl) and partialFingerprints (findings.h's fingerprint) so that
// dashboards can tell new findings from old ones.
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scan/scanner.h"

namespace sluice::scan {

nlohmann::json CycloneDxJson(const std::string& target, const ScanResult& result,
                             const std::string& tool_version);
nlohmann::json SarifJson(const std::string& target, const ScanResult& result,
                         const std::string& tool_version);

}  // namespace sluice::scan
