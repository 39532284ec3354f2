#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "oci/test_tools.h"
#include "scan/version_order.h"
#include "scan/version_test_util.h"

namespace sluice::scan {
namespace {

void ExpectAscending(const std::vector<std::string>& ascending) {
  testing::ExpectAscending(VersionScheme::kPep440, ascending);
}

void ExpectSame(const std::string& a, const std::string& b) {
  EXPECT_EQ(ComparePep440Versions(a, b), 0) << a << " vs " << b;
}

TEST(ComparePep440VersionsTest, EpochOutranksTheRelease) {
  ExpectAscending({"2.0", "1!1.0", "1!2.0", "2!0.1"});
  ExpectSame("0!1.0", "1.0");
}

TEST(ComparePep440VersionsTest, PreDevPostAndLocalReleasesOrderAsPep440Says) {
  // PEP 440's own example of the whole order within one release.
  ExpectAscending({"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456",
                   "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1",
                   "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456",
                   "1.0.15", "1.1.dev1"});
}

TEST(ComparePep440VersionsTest, PreReleasesSortBeforeTheRelease) {
  ExpectAscending({"1.0a1", "1.0b1", "1.0rc1", "1.0"});
  ExpectAscending({"1.0.dev1", "1.0a1.dev1", "1.0a1"});
  ExpectAscending({"1.0", "1.0.post1", "1.0.post2", "1.0.1"});
}

TEST(ComparePep440VersionsTest, LocalVersionsSortAfterThePublicOne) {
  ExpectAscending({"1.0", "1.0+abc", "1.0+abc.1", "1.0+1", "1.0+2", "1.0+10"});
  ExpectSame("1.0+ubuntu-1", "1.0+ubuntu.1");
  ExpectSame("1.0+ABC", "1.0+abc");
}

TEST(ComparePep440VersionsTest, NormalisedSpellingsAreEqual) {
  ExpectSame("1.0-alpha1", "1.0a1");
  ExpectSame("1.0.alpha.1", "1.0a1");
  ExpectSame("1.0A1", "1.0a1");
  ExpectSame("1.0beta2", "1.0b2");
  ExpectSame("1.0c1", "1.0rc1");
  ExpectSame("1.0pre1", "1.0rc1");
  ExpectSame("1.0preview1", "1.0rc1");
  ExpectSame("1.0a", "1.0a0");
  ExpectSame("1.0-1", "1.0.post1");
  ExpectSame("1.0-r1", "1.0.post1");
  ExpectSame("1.0rev1", "1.0.post1");
  ExpectSame("1.0.post", "1.0.post0");
  ExpectSame("1.0-dev", "1.0.dev0");
  ExpectSame("1.0_dev_2", "1.0.dev2");
  ExpectSame("v1.0", "1.0");
  ExpectSame("V1.0", "1.0");
  ExpectSame("1.0.0", "1.0");
  ExpectSame("1", "1.0.0.0");
  ExpectSame("01.002", "1.2");
  ExpectSame("  1.0\n", "1.0");
}

TEST(ComparePep440VersionsTest, NumbersCompareByValueAtAnyLength) {
  ExpectAscending({"1.9", "1.10", "1.99999999999999999999", "1.100000000000000000000"});
}

TEST(ComparePep440VersionsTest, InvalidStringsSortBeforeValidOnesInByteOrder) {
  ExpectAscending({"", "banana", "cherry", "0.dev0", "0", "1.0"});
  EXPECT_LT(ComparePep440Versions("1.0-foo", "0.1"), 0);     // not PEP 440
  EXPECT_LT(ComparePep440Versions("1.0+", "0.1"), 0);        // empty local
  EXPECT_LT(ComparePep440Versions("1.0.post1a", "0.1"), 0);  // trailing junk
  EXPECT_LT(ComparePep440Versions("1!", "0.1"), 0);
  EXPECT_EQ(ComparePep440Versions("banana", "banana"), 0);
}

// Random strings near PEP 440's grammar: most parse, many do not, and the
// spellings normalisation must unify turn up often.
std::string GeneratePep440(std::mt19937& random) {
  auto pick = [&](const std::vector<const char*>& options) {
    return std::string(
        options[std::uniform_int_distribution<size_t>(0, options.size() - 1)(random)]);
  };
  std::string v = pick({"", "", "v", "1!", "0!"}) + pick({"1", "0", "2", "1.0", "01.2", "10"});
  for (int i = std::uniform_int_distribution<int>(0, 5)(random); i > 0; --i) {
    v += pick({"1", "0",     "2",     "10",   "01",  ".",       "-",    "_",   "a",  "b",
               "c", "rc",    "alpha", "beta", "pre", "preview", "post", "rev", "r",  "dev",
               "+", "local", "abc",   "!",    "A",   "RC",      "Post", "x",   ".1", ".0"});
  }
  return v;
}

// A Python with the `packaging` library pip itself uses, or "".
std::string PythonWithPackaging() {
  for (const char* python : {"python3", "/usr/bin/python3"}) {
    oci::testing::ToolRun run = oci::testing::RunTool({python, "-c", "import packaging.version"});
    if (run.exit_code == 0) return python;
  }
  return "";
}

TEST(ComparePep440VersionsTest, AgreesWithPythonPackagingOnGeneratedPairs) {
  std::string python = PythonWithPackaging();
  if (python.empty()) {
    GTEST_SKIP() << "the cross-check needs Python 3 with the packaging library "
                    "(apt-get install python3-packaging)";
  }
  std::mt19937 random(440);
  std::vector<std::string> argv = {python, "-c", R"(
import sys
from packaging.version import Version, InvalidVersion
def parse(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None
args = sys.argv[1:]
for a, b in zip(args[0::2], args[1::2]):
    va, vb = parse(a), parse(b)
    order = "-" if va is None or vb is None else str((va > vb) - (va < vb))
    print(int(va is not None), int(vb is not None), order)
)"};
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 1000; ++i) {
    std::string a = GeneratePep440(random);
    std::string b = i % 2 == 0 ? GeneratePep440(random) : a + GeneratePep440(random).substr(1);
    pairs.emplace_back(a, b);
    argv.push_back(a);
    argv.push_back(b);
  }
  oci::testing::ToolRun run = oci::testing::RunTool(argv);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::istringstream lines(run.output);
  int both_valid = 0;
  // Invalid strings sort below every valid one, and "0.dev0" is the lowest
  // valid version: that tells this implementation's validity.
  auto valid = [](const std::string& v) { return ComparePep440Versions(v, "0.dev0") >= 0; };
  for (const auto& [a, b] : pairs) {
    int valid_a = 0, valid_b = 0;
    std::string order;
    ASSERT_TRUE(lines >> valid_a >> valid_b >> order) << "packaging gave fewer answers than pairs";
    EXPECT_EQ(valid(a), valid_a == 1) << a;
    EXPECT_EQ(valid(b), valid_b == 1) << b;
    if (order == "-") continue;
    ++both_valid;
    EXPECT_EQ(testing::Sign(ComparePep440Versions(a, b)), std::stoi(order)) << a << " vs " << b;
  }
  EXPECT_GT(both_valid, 100) << "the generator should make many valid pairs";
}

}  // namespace
}  // namespace sluice::scan
