#include "scan/report.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace sluice::scan {
namespace {

Finding Vulnerability(std::string id, Severity severity, std::string package) {
  Finding f;
  f.kind = FindingKind::kVulnerability;
  f.id = std::move(id);
  f.severity = severity;
  f.package_name = std::move(package);
  f.installed_version = "1.0";
  f.title = "a flaw";
  return f;
}

Finding Secret(std::string path, int line) {
  Finding f;
  f.kind = FindingKind::kSecret;
  f.id = "aws-access-key-id";
  f.severity = Severity::kCritical;
  f.path = std::move(path);
  f.line = line;
  f.title = "AWS access key id";
  f.match = "AKIA****************";
  return f;
}

TEST(ScanReportTest, FirstScanCountsEveryFindingAsNew) {
  std::vector<Finding> findings = {Vulnerability("CVE-1", Severity::kHigh, "openssl"),
                                   Vulnerability("CVE-2", Severity::kMedium, "zlib"),
                                   Vulnerability("CVE-3", Severity::kMedium, "zlib"),
                                   Vulnerability("GHSA-x", Severity::kUnassigned, "left-pad")};
  SeverityCounts counts = CountFindings(findings, nullptr);
  EXPECT_EQ(counts.total(), 4);
  EXPECT_EQ(counts.new_total(), 4);
  EXPECT_EQ(counts.at(Severity::kMedium), 2);
  EXPECT_EQ(counts.at(Severity::kUnassigned), 1);
  EXPECT_EQ(counts.at(Severity::kCritical), 0);
}

TEST(ScanReportTest, NewCountsLeaveOutWhatThePreviousScanFound) {
  std::vector<Finding> findings = {Vulnerability("CVE-1", Severity::kHigh, "openssl"),
                                   Vulnerability("CVE-2", Severity::kLow, "zlib"),
                                   Secret("app/.env", 3)};
  std::set<std::string> previous = {FindingFingerprint(findings[0]),
                                    FindingFingerprint(findings[2])};
  SeverityCounts counts = CountFindings(findings, &previous);
  EXPECT_EQ(counts.total(), 3);
  EXPECT_EQ(counts.new_total(), 1);
  EXPECT_EQ(counts.new_at(Severity::kLow), 1);
  EXPECT_EQ(counts.new_at(Severity::kHigh), 0);
  EXPECT_EQ(counts.new_at(Severity::kCritical), 0);
}

TEST(ScanReportTest, FailOnCountsFindingsAtOrAboveTheLevelButNeverUnassigned) {
  std::vector<Finding> findings = {Vulnerability("CVE-1", Severity::kHigh, "openssl"),
                                   Vulnerability("CVE-2", Severity::kLow, "zlib"),
                                   Vulnerability("GHSA-x", Severity::kUnassigned, "left-pad")};
  EXPECT_EQ(CountAtOrAbove(findings, Severity::kCritical), 0);
  EXPECT_EQ(CountAtOrAbove(findings, Severity::kHigh), 1);
  EXPECT_EQ(CountAtOrAbove(findings, Severity::kInfo), 2);
}

TEST(ScanReportTest, SummaryHasTheTutorialsShape) {
  std::vector<Finding> findings = {Vulnerability("CVE-1", Severity::kHigh, "openssl"),
                                   Vulnerability("CVE-2", Severity::kLow, "zlib")};
  std::set<std::string> previous = {FindingFingerprint(findings[1])};
  nlohmann::json summary = SummaryJson(CountFindings(findings, &previous));
  nlohmann::json expected = nlohmann::json::parse(R"({
    "status": "Succeeded", "issuesCount": 2, "newIssuesCount": 1,
    "issuesBySeverityCount": {
      "ExternalPolicyFailures": 0, "Ignored": 0,
      "Critical": 0, "High": 1, "Medium": 0, "Low": 1, "Info": 0, "Unassigned": 0,
      "NewCritical": 0, "NewHigh": 1, "NewMedium": 0, "NewLow": 0, "NewInfo": 0,
      "NewUnassigned": 0}})");
  EXPECT_EQ(summary, expected) << summary.dump(2);
}

TEST(ScanReportTest, DetailedJsonListsPackagesAndFindingsWithoutTheSecret) {
  ScanResult result;
  result.manifest_digest = {"sha256", std::string(64, 'a')};
  result.inventory.os = {"debian", "12", "Debian GNU/Linux 12 (bookworm)"};
  Package openssl;
  openssl.ecosystem = "Debian";
  openssl.name = "openssl";
  openssl.version = "3.0.11-1~deb12u2";
  openssl.purl = "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64";
  result.inventory.packages = {openssl};
  result.findings = {Secret("app/.env", 3)};
  result.vulnerabilities_checked = true;
  nlohmann::json doc = DetailedJson("ml/train:1", result, CountFindings(result.findings, nullptr));
  EXPECT_EQ(doc["target"], "ml/train:1");
  EXPECT_EQ(doc["manifestDigest"], "sha256:" + std::string(64, 'a'));
  EXPECT_EQ(doc["os"]["id"], "debian");
  ASSERT_EQ(doc["packages"].size(), 1u);
  EXPECT_EQ(doc["packages"][0]["purl"], openssl.purl);
  ASSERT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["findings"][0]["kind"], "secret");
  EXPECT_EQ(doc["findings"][0]["severity"], "CRITICAL");
  EXPECT_EQ(doc["findings"][0]["line"], 3);
  EXPECT_EQ(doc["findings"][0]["match"], "AKIA****************");
  EXPECT_EQ(doc["summary"]["issuesCount"], 1);
}

TEST(ScanReportTest, TableGroupsBySeverityMostSevereFirst) {
  ScanResult result;
  result.manifest_digest = {"sha256", std::string(64, 'b')};
  result.findings = {Secret("app/.env", 3), Vulnerability("CVE-1", Severity::kHigh, "openssl"),
                     Vulnerability("CVE-2", Severity::kLow, "zlib")};
  result.findings[1].fixed_version = "1.1";
  std::string table = FindingsTable("ml/train:1", result, CountFindings(result.findings, nullptr));
  size_t critical = table.find("CRITICAL (1)"), high = table.find("HIGH (1)"),
         low = table.find("LOW (1)");
  ASSERT_NE(critical, std::string::npos) << table;
  ASSERT_NE(high, std::string::npos) << table;
  ASSERT_NE(low, std::string::npos) << table;
  EXPECT_LT(critical, high);
  EXPECT_LT(high, low);
  EXPECT_NE(table.find("/app/.env:3"), std::string::npos) << table;
  EXPECT_NE(table.find("openssl 1.0 -> 1.1"), std::string::npos) << table;
  EXPECT_NE(table.find("zlib 1.0 (no fix)"), std::string::npos) << table;
  EXPECT_NE(table.find("no vulnerability database"), std::string::npos) << table;
  EXPECT_NE(
      table.find("3 finding(s): 1 CRITICAL, 1 HIGH, 0 MEDIUM, 1 LOW, 0 INFO, 0 UNASSIGNED; 3 new"),
      std::string::npos)
      << table;
}

}  // namespace
}  // namespace sluice::scan
