#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scan/version_order.h"
#include "scan/version_test_util.h"

namespace sluice::scan {
namespace {

void ExpectAscending(const std::vector<std::string>& ascending) {
  testing::ExpectAscending(VersionScheme::kSemver, ascending);
}

TEST(CompareSemverVersionsTest, PreReleasesOrderAsTheSpecificationsExample) {
  // SemVer 2.0 §11's example.
  ExpectAscending({"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                   "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"});
}

TEST(CompareSemverVersionsTest, CoreNumbersCompareByValue) {
  ExpectAscending({"0.9.9", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0", "10.0.0"});
}

TEST(CompareSemverVersionsTest, NumericIdentifiersSortBelowAlphanumericOnes) {
  ExpectAscending({"1.0.0-2", "1.0.0-10", "1.0.0-1a", "1.0.0-a", "1.0.0-a-b", "1.0.0-b"});
  ExpectAscending({"1.0.0-rc.9", "1.0.0-rc.10", "1.0.0-rc.x"});
}

TEST(CompareSemverVersionsTest, BuildMetadataIsIgnored) {
  EXPECT_EQ(CompareSemverVersions("1.0.0+build.1", "1.0.0+build.2"), 0);
  EXPECT_EQ(CompareSemverVersions("1.0.0+20130313144700", "1.0.0"), 0);
  EXPECT_EQ(CompareSemverVersions("1.0.0-beta+exp.sha.5114f85", "1.0.0-beta"), 0);
  EXPECT_LT(CompareSemverVersions("1.0.0-beta+zzz", "1.0.0"), 0);
}

TEST(CompareSemverVersionsTest, LeadingVIsAcceptedAsGoWritesVersions) {
  EXPECT_EQ(CompareSemverVersions("v1.2.3", "1.2.3"), 0);
  EXPECT_LT(CompareSemverVersions("v1.2.3", "v1.2.10"), 0);
  // Go pseudo-versions are pre-releases of the next patch.
  ExpectAscending(
      {"v0.0.0-20210101000000-abcdef123456", "v0.0.0-20220101000000-0123456789ab", "v0.0.0"});
}

TEST(CompareSemverVersionsTest, ShortAndLongCoresAreReadLeniently) {
  EXPECT_EQ(CompareSemverVersions("1.2", "1.2.0"), 0);
  EXPECT_EQ(CompareSemverVersions("1", "1.0.0"), 0);
  EXPECT_EQ(CompareSemverVersions("01.2.3", "1.2.3"), 0);
  ExpectAscending({"1.2.3", "1.2.3.1", "1.2.4"});
  EXPECT_LT(CompareSemverVersions("99999999999999999999.0.0", "100000000000000000000.0.0"), 0);
}

TEST(CompareSemverVersionsTest, InvalidStringsSortBeforeValidOnesInByteOrder) {
  ExpectAscending({"", "1..0", "1.0.0-", "1.0.0-a..b", "latest", "0.0.0-0", "0.0.0"});
  EXPECT_EQ(CompareSemverVersions("latest", "latest"), 0);
}

}  // namespace
}  // namespace sluice::scan
