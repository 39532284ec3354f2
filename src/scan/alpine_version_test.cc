#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scan/version_order.h"
#include "scan/version_test_util.h"

namespace sluice::scan {
namespace {

void ExpectAscending(const std::vector<std::string>& ascending) {
  testing::ExpectAscending(VersionScheme::kAlpine, ascending);
}

TEST(CompareAlpineVersionsTest, RevisionsOrderByNumber) {
  ExpectAscending({"1.2.3", "1.2.3-r0", "1.2.3-r1", "1.2.3-r2", "1.2.3-r10", "1.2.4-r0"});
}

TEST(CompareAlpineVersionsTest, PreReleaseSuffixesSortBeforeTheRelease) {
  ExpectAscending({"1.2.3_alpha", "1.2.3_alpha1", "1.2.3_alpha2", "1.2.3_beta1", "1.2.3_pre1",
                   "1.2.3_rc1", "1.2.3_rc2", "1.2.3", "1.2.3-r1"});
}

TEST(CompareAlpineVersionsTest, PostReleaseSuffixesSortAfterTheRelease) {
  ExpectAscending({"1.2.3", "1.2.3_cvs", "1.2.3_svn", "1.2.3_git20240101", "1.2.3_hg1", "1.2.3_p1",
                   "1.2.3_p2", "1.2.3a"});
}

TEST(CompareAlpineVersionsTest, LetterSuffixIsNewerButBelowAFurtherNumber) {
  ExpectAscending({"1.2.3", "1.2.3a", "1.2.3b", "1.2.3.1", "1.2.4"});
  ExpectAscending({"1.1.1t-r0", "1.1.1u-r0", "1.1.1u-r1", "1.1.1v-r0"});  // OpenSSL style
}

TEST(CompareAlpineVersionsTest, NumbersCompareByValueExceptWithALeadingZero) {
  ExpectAscending({"1.9", "1.10", "1.99999999999999999999", "1.100000000000000000000"});
  // apk compares a part with a leading zero as text (Gentoo's rule).
  EXPECT_LT(CompareAlpineVersions("1.02", "1.1"), 0);
  EXPECT_LT(CompareAlpineVersions("1.01", "1.1"), 0);
  EXPECT_EQ(CompareAlpineVersions("1.0", "1.0"), 0);
  // The first number is always a value.
  EXPECT_EQ(CompareAlpineVersions("01.0", "1.0"), 0);
}

TEST(CompareAlpineVersionsTest, MoreComponentsAreNewer) {
  ExpectAscending({"1", "1.0", "1.0.0", "1.0.0.1"});
  // A further pre-release suffix makes it older, a post-release one newer.
  ExpectAscending({"2023.1_p1_rc1", "2023.1_p1", "2023.1_p1_p1"});
}

TEST(CompareAlpineVersionsTest, CommitHashIsNewerThanTheReleaseAndItsRevisions) {
  // As with letters and suffixes: the version that goes on with the
  // earlier kind of token (here a hash before a revision) is the newer.
  EXPECT_GT(CompareAlpineVersions("1.0~abc123", "1.0"), 0);
  EXPECT_GT(CompareAlpineVersions("1.0~abc123", "1.0-r1"), 0);
  EXPECT_LT(CompareAlpineVersions("1.0~abc123-r1", "1.0~abd-r1"), 0);
}

TEST(CompareAlpineVersionsTest, AgreesWithApkToolsOwnTestCases) {
  // A sample of pairs from apk-tools' test/version.data (all pass there).
  struct Case {
    const char* a;
    const char* b;
    int expected;
  };
  const Case kCases[] = {
      {"0.1.0_alpha_pre2", "0.1.0_alpha", -1},  // a further pre-release suffix
      {"2.5.1-r8", "2.5.1a-r1", -1},
      {"1.06-r6", "006", -1},
      {"0.9.28.1", "087-r1", -1},
      {"3.0.0-r2", "021109-r3", -1},
      {"1.0", "1.0bc", -1},  // "bc" is not a valid letter suffix
      {"20060720", "3.0.20060720", 1},
      {"1.2.07.8", "1.2.12.04", -1},
      {"0.20070118", "0.20070207_rc1", -1},
      {"2.9.11_pre20051101-r3", "2.9.11_pre20051101", 1},
      {"1.6.8_p12-r1", "1.6.8_p9-r2", 1},
      {"2.12r-r4", "2.12r-r5", -1},
      {"1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0", -1},
      {"23_foo", "4_beta", 1},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(testing::Sign(CompareAlpineVersions(c.a, c.b)), c.expected) << c.a << " vs " << c.b;
    EXPECT_EQ(testing::Sign(CompareAlpineVersions(c.b, c.a)), -c.expected) << c.b << " vs " << c.a;
  }
}

TEST(CompareAlpineVersionsTest, InvalidVersionsSortBeforeValidOnesAndStillCompare) {
  EXPECT_LT(CompareAlpineVersions("", "0"), 0);
  EXPECT_LT(CompareAlpineVersions("abc", "0"), 0);
  EXPECT_LT(CompareAlpineVersions("1.0_foo", "1.0"), 0);      // unknown suffix
  EXPECT_LT(CompareAlpineVersions("1.0-x1", "1.0"), 0);       // not "-r"
  EXPECT_LT(CompareAlpineVersions("1.0_foo", "1.0_goo"), 0);  // byte order of the rest
  EXPECT_EQ(CompareAlpineVersions("1.0_foo", "1.0_foo"), 0);
  EXPECT_EQ(CompareAlpineVersions("abc", "abc"), 0);
  EXPECT_EQ(CompareAlpineVersions(" 1.0-r1 ", "1.0-r1"), 0);
}

}  // namespace
}  // namespace sluice::scan
