#include "scan/vulndb_entry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::scan {
namespace {

using ::testing::HasSubstr;
using Packages = std::vector<std::pair<std::string, std::string>>;

std::string Normalized(std::string_view time) {
  auto result = NormalizeRfc3339(time);
  EXPECT_TRUE(result.ok()) << time << ": " << result.status().ToString();
  return result.ok() ? *result : "";
}

TEST(NormalizeRfc3339Test, WritesUtcWithNineFractionDigits) {
  EXPECT_EQ(Normalized("2024-01-02T03:04:05Z"), "2024-01-02T03:04:05.000000000Z");
  EXPECT_EQ(Normalized("2024-01-02t03:04:05z"), "2024-01-02T03:04:05.000000000Z");
  EXPECT_EQ(Normalized("2024-01-02 03:04:05Z"), "2024-01-02T03:04:05.000000000Z");
  EXPECT_EQ(Normalized("2024-01-02T03:04:05.5Z"), "2024-01-02T03:04:05.500000000Z");
  EXPECT_EQ(Normalized("2024-01-02T03:04:05.123456789123Z"), "2024-01-02T03:04:05.123456789Z");
}

TEST(NormalizeRfc3339Test, AppliesOffsetsAcrossDayAndYearBoundaries) {
  EXPECT_EQ(Normalized("2024-01-02T03:04:05+02:00"), "2024-01-02T01:04:05.000000000Z");
  EXPECT_EQ(Normalized("2024-01-01T01:00:00+02:30"), "2023-12-31T22:30:00.000000000Z");
  EXPECT_EQ(Normalized("2024-02-28T23:00:00-01:00"), "2024-02-29T00:00:00.000000000Z");
  EXPECT_EQ(Normalized("2024-01-02T03:04:05-00:00"), "2024-01-02T03:04:05.000000000Z");
}

TEST(NormalizeRfc3339Test, RejectsWhatIsNotAnRfc3339Time) {
  for (std::string_view bad :
       {"", "2024-01-02", "2024-01-02T03:04:05", "2024-01-02T03:04Z", "2024-02-30T00:00:00Z",
        "2024-13-01T00:00:00Z", "2024-01-02T24:00:00Z", "2024-01-02T03:04:05.Z",
        "2024-01-02T03:04:05+0200", "2024-01-02T03:04:05Z trailing", "yesterday"}) {
    auto result = NormalizeRfc3339(bad);
    EXPECT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(NormalizeRfc3339("soon").status().message(),
            "modified \"soon\" is not an RFC 3339 time");
}

TEST(VulnDbPackageNameTest, NormalisesPypiNamesPerPep503) {
  EXPECT_EQ(VulnDbPackageName("PyPI", "Foo_Bar"), "foo-bar");
  EXPECT_EQ(VulnDbPackageName("PyPI", "foo.-_bar"), "foo-bar");
  EXPECT_EQ(VulnDbPackageName("PyPI", "Django"), "django");
  EXPECT_EQ(VulnDbPackageName("PyPI", "zope.interface"), "zope-interface");
}

TEST(VulnDbPackageNameTest, LeavesOtherEcosystemsNamesAlone) {
  EXPECT_EQ(VulnDbPackageName("npm", "Foo_Bar"), "Foo_Bar");
  EXPECT_EQ(VulnDbPackageName("Maven", "org.apache:Log4j_Core"), "org.apache:Log4j_Core");
}

TEST(VulnDbEcosystemTest, KeepsTheNameBeforeAColon) {
  EXPECT_EQ(VulnDbEcosystem("Debian:12"), "Debian");
  EXPECT_EQ(VulnDbEcosystem("Alpine:v3.19"), "Alpine");
  EXPECT_EQ(VulnDbEcosystem("PyPI"), "PyPI");
}

TEST(ParseVulnDbKeysTest, ReadsIdModifiedAndDistinctPackages) {
  auto keys = ParseVulnDbKeys(R"({"id": "X-1", "modified": "2024-01-02T03:04:05Z",
      "affected": [{"package": {"ecosystem": "Debian:11", "name": "curl"}},
                   {"package": {"ecosystem": "Debian:12", "name": "curl"}},
                   {"package": {"ecosystem": "PyPI", "name": "Foo_Bar"}},
                   {"ranges": []}]})");
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->id, "X-1");
  EXPECT_EQ(keys->modified, "2024-01-02T03:04:05.000000000Z");
  EXPECT_EQ(keys->packages, (Packages{{"Debian", "curl"}, {"PyPI", "foo-bar"}}));
}

TEST(ParseVulnDbKeysTest, SaysWhatIsMissing) {
  EXPECT_THAT(ParseVulnDbKeys("[1, 2").status().message(), HasSubstr("not valid JSON"));
  EXPECT_EQ(ParseVulnDbKeys("[]").status().message(), "not a JSON object");
  EXPECT_EQ(ParseVulnDbKeys(R"({"id": 7})").status().message(), "no id");
  EXPECT_EQ(ParseVulnDbKeys(R"({"id": "X"})").status().message(), "no modified time");
  EXPECT_EQ(
      ParseVulnDbKeys(R"({"id": "X", "modified": "2024-01-02T03:04:05Z"})").status().message(),
      "no affected package name (affected[].package.ecosystem/name)");
  EXPECT_EQ(ParseVulnDbKeys(R"({"id": "X", "modified": "2024-01-02T03:04:05Z",
                "affected": [{"package": {"ecosystem": "npm", "name": ""}}]})")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::scan
