#include "scan/version_order.h"

#include <gtest/gtest.h>

namespace sluice::scan {
namespace {

TEST(SchemeForEcosystemTest, NamesTheSchemeByTheEcosystemBeforeAnyColon) {
  EXPECT_EQ(SchemeForEcosystem("Debian"), VersionScheme::kDebian);
  EXPECT_EQ(SchemeForEcosystem("Debian:12"), VersionScheme::kDebian);
  EXPECT_EQ(SchemeForEcosystem("Ubuntu:22.04:LTS"), VersionScheme::kDebian);
  EXPECT_EQ(SchemeForEcosystem("PyPI"), VersionScheme::kPep440);
  EXPECT_EQ(SchemeForEcosystem("Alpine:v3.19"), VersionScheme::kAlpine);
  EXPECT_EQ(SchemeForEcosystem("Wolfi"), VersionScheme::kAlpine);
  EXPECT_EQ(SchemeForEcosystem("npm"), VersionScheme::kSemver);
  EXPECT_EQ(SchemeForEcosystem("Go"), VersionScheme::kSemver);
  EXPECT_EQ(SchemeForEcosystem("crates.io"), VersionScheme::kSemver);
  EXPECT_EQ(SchemeForEcosystem(""), VersionScheme::kSemver);
}

TEST(CompareVersionsTest, UsesTheGivenSchemesOrder) {
  // "1.0~rc1" is older than "1.0" only for dpkg; "1.0a1" is a PEP 440
  // pre-release but an apk letter suffix.
  EXPECT_LT(CompareVersions(VersionScheme::kDebian, "1.0~rc1", "1.0"), 0);
  EXPECT_LT(CompareVersions(VersionScheme::kPep440, "1.0a1", "1.0"), 0);
  EXPECT_GT(CompareVersions(VersionScheme::kAlpine, "1.0a", "1.0"), 0);
  EXPECT_LT(CompareVersions(VersionScheme::kSemver, "1.0.0-rc.1", "1.0.0"), 0);
  EXPECT_EQ(CompareVersions(VersionScheme::kSemver, "v2.0.0", "2.0.0+meta"), 0);
}

}  // namespace
}  // namespace sluice::scan
