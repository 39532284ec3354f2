#include "scan/report_formats.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace sluice::scan {
namespace {

ScanResult SampleScan() {
  ScanResult result;
  result.manifest_digest = {"sha256", std::string(64, 'e')};
  result.inventory.os = {"debian", "12", "Debian GNU/Linux 12 (bookworm)"};
  Package ssl;
  ssl.ecosystem = "Debian";
  ssl.name = "libssl3";
  ssl.version = "3.0.11-1~deb12u2";
  ssl.source_name = "openssl";
  ssl.purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";
  ssl.path = "var/lib/dpkg/status";
  Package requests;
  requests.ecosystem = "PyPI";
  requests.name = "requests";
  requests.version = "2.25.0";
  requests.purl = "pkg:pypi/requests@2.25.0";
  requests.license = "Apache 2.0";
  requests.path = "usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA";
  Package requests_again = requests;  // the same package at a second path
  requests_again.path = "opt/venv/lib/requests-2.25.0.dist-info/METADATA";
  result.inventory.packages = {ssl, requests, requests_again};

  Finding vuln;
  vuln.kind = FindingKind::kVulnerability;
  vuln.id = "DSA-0001-1";
  vuln.title = "openssl: remote code execution";
  vuln.severity = Severity::kCritical;
  vuln.cvss_score = 9.8;
  vuln.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
  vuln.package_name = "libssl3";
  vuln.installed_version = ssl.version;
  vuln.fixed_version = "3.0.13-1~deb12u1";
  vuln.path = ssl.path;
  Finding secret;
  secret.kind = FindingKind::kSecret;
  secret.id = "aws-access-key-id";
  secret.title = "AWS access key id";
  secret.severity = Severity::kCritical;
  secret.path = "app/settings.py";
  secret.line = 2;
  secret.match = "AKIA****************";
  Finding misconfig;
  misconfig.kind = FindingKind::kMisconfiguration;
  misconfig.id = "CIS-DI-0006";
  misconfig.title = "No HEALTHCHECK";
  misconfig.severity = Severity::kLow;
  result.findings = {vuln, secret, misconfig};
  return result;
}

TEST(CycloneDxTest, ListsThePackagesAndTheirVulnerabilities) {
  nlohmann::json bom = CycloneDxJson("ml/train:1", SampleScan(), "1.2.3");
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.5");
  EXPECT_TRUE(std::regex_match(
      bom["serialNumber"].get<std::string>(),
      std::regex(
          "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << bom["serialNumber"];
  EXPECT_EQ(bom, CycloneDxJson("ml/train:1", SampleScan(), "1.2.3"));  // reproducible
  EXPECT_EQ(bom["metadata"]["component"]["type"], "container");
  EXPECT_EQ(bom["metadata"]["component"]["purl"],
            "pkg:oci/ml/train@sha256%3A" + std::string(64, 'e'));

  std::set<std::string> refs;
  for (const auto& c : bom["components"]) {
    EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second) << "duplicate " << c;
  }
  EXPECT_EQ(bom["components"].size(), 4u);  // the OS and three packages
  EXPECT_EQ(bom["components"][0]["type"], "operating-system");
  ASSERT_EQ(bom["vulnerabilities"].size(), 1u);  // secrets and misconfigurations are not
  const auto& v = bom["vulnerabilities"][0];
  EXPECT_EQ(v["id"], "DSA-0001-1");
  EXPECT_EQ(v["ratings"][0]["severity"], "critical");
  EXPECT_EQ(v["ratings"][0]["method"], "CVSSv31");
  EXPECT_DOUBLE_EQ(v["ratings"][0]["score"].get<double>(), 9.8);
  ASSERT_EQ(v["affects"].size(), 1u);
  EXPECT_TRUE(refs.contains(v["affects"][0]["ref"].get<std::string>()));
  EXPECT_EQ(v["affects"][0]["ref"], SampleScan().inventory.packages[0].purl);
}

TEST(SarifTest, EveryFindingIsAResultOfItsRule) {
  nlohmann::json sarif = SarifJson("ml/train:1", SampleScan(), "1.2.3");
  EXPECT_EQ(sarif["version"], "2.1.0");
  ASSERT_EQ(sarif["runs"].size(), 1u);
  const auto& run = sarif["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "sluice");
  const auto& rules = run["tool"]["driver"]["rules"];
  const auto& results = run["results"];
  ASSERT_EQ(results.size(), 3u);
  ASSERT_EQ(rules.size(), 3u);
  std::set<std::string> fingerprints;
  for (const auto& r : results) {
    size_t index = r["ruleIndex"].get<size_t>();
    ASSERT_LT(index, rules.size());
    EXPECT_EQ(rules[index]["id"], r["ruleId"]);
    EXPECT_TRUE(fingerprints.insert(r["partialFingerprints"]["sluiceFinding/v1"]).second);
    EXPECT_EQ(r.dump().find("AKIAZ"), std::string::npos);
  }
  EXPECT_EQ(results[0]["level"], "error");
  EXPECT_EQ(results[2]["level"], "note");
  EXPECT_EQ(rules[0]["properties"]["security-severity"], "9.8");
  EXPECT_EQ(rules[2]["properties"]["security-severity"], "2.0");
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "app/settings.py");
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
  EXPECT_NE(results[0]["message"]["text"].get<std::string>().find("fixed in 3.0.13-1~deb12u1"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice::scan
