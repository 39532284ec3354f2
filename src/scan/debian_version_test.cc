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

struct Case {
  const char* a;
  const char* b;
  int expected;  // -1: a < b, 0: equal, 1: a > b
};

void ExpectOrder(const Case& c) {
  EXPECT_EQ(testing::Sign(CompareDebianVersions(c.a, c.b)), c.expected) << c.a << " vs " << c.b;
  EXPECT_EQ(testing::Sign(CompareDebianVersions(c.b, c.a)), -c.expected) << c.b << " vs " << c.a;
}

TEST(CompareDebianVersionsTest, MatchesTheCasesCheckedWithDpkg) {
  // The reference's §4.2 cases, each checked with `dpkg --compare-versions`.
  const Case kCases[] = {
      {"1.0~rc1", "1.0", -1},
      {"1.0~~", "1.0~", -1},
      {"1.0~", "1.0", -1},
      {"1:0.9", "2.0", 1},
      {"1.0-1", "1.0-1+deb12u1", -1},
      {"1.0a", "1.0", 1},
      {"1.0+", "1.0", 1},
      {"1.0.1", "1.0a", 1},
      {"1.0-0", "1.0", 0},
      {"0:1.0", "1.0", 0},
      {"1.01", "1.1", 0},
      {"1.0-1", "1.0-1.1", -1},
      {"3.0.19-1~deb12u2", "3.0.22-1~deb12u2", -1},
      {"2.36-9+deb12u14", "2.36-9+deb12u9", 1},
      {"1.0A", "1.0a", -1},
      {"1.0Z", "1.0.", -1},
      {"1.0+", "1.0.", -1},
  };
  for (const Case& c : kCases) ExpectOrder(c);
}

TEST(CompareDebianVersionsTest, EpochsCompareFirstAndByValue) {
  const Case kCases[] = {
      {"2:1.0", "1:9.9", 1},
      {"10:1.0", "9:1.0", 1},
      {"01:1.0", "1:1.0", 0},
      {"1:1.0-1", "1.0-1", 1},
  };
  for (const Case& c : kCases) ExpectOrder(c);
}

TEST(CompareDebianVersionsTest, RevisionIsAfterTheLastHyphen) {
  const Case kCases[] = {
      {"1.0-2-1", "1.0-2-2", -1},  // upstream "1.0-2" in both
      // Upstream "1.0-2" against "1.0": the longer upstream is newer,
      // whatever the revisions.
      {"1.0-2-1", "1.0-10", 1},
      {"2.0-1", "2.0-1ubuntu1", -1},
      {"2.0-1~bpo12+1", "2.0-1", -1},
  };
  for (const Case& c : kCases) ExpectOrder(c);
}

TEST(CompareDebianVersionsTest, TildeSortsBeforeEvenTheEnd) {
  const Case kCases[] = {
      {"1.0~beta1", "1.0~beta2", -1}, {"1.0~beta2", "1.0~rc1", -1}, {"1.0~rc1", "1.0~rc1+b1", -1},
      {"1.0", "1.0+really0.9", -1},   {"1.0~", "1.0~a", -1},
  };
  for (const Case& c : kCases) ExpectOrder(c);
}

TEST(CompareDebianVersionsTest, NumbersCompareByValueAtAnyLength) {
  const Case kCases[] = {
      {"1.9", "1.10", -1},
      {"1.000", "1.0", 0},
      {"20240101000000000000000001", "20240101000000000000000002", -1},
      {"1.99999999999999999999", "1.100000000000000000000", -1},
  };
  for (const Case& c : kCases) ExpectOrder(c);
}

TEST(CompareDebianVersionsTest, MalformedVersionsStillCompare) {
  // dpkg rejects these; they must still order without crashing.
  EXPECT_EQ(CompareDebianVersions("", ""), 0);
  EXPECT_LT(CompareDebianVersions("", "1"), 0);
  EXPECT_LT(CompareDebianVersions("a:1.0", "b:1.0"), 0);  // not an epoch: upstream text
  EXPECT_EQ(CompareDebianVersions(" 1.0 ", "1.0"), 0);
  EXPECT_GT(CompareDebianVersions("1.0-", "1.0-~"), 0);
}

// Random but valid dpkg versions built from pieces that make near-equal
// pairs likely (leading zeros, tildes, letters against separators).
class VersionGenerator {
 public:
  explicit VersionGenerator(unsigned seed) : random_(seed) {}

  std::string Version() {
    std::string v;
    if (Pick(4) == 0) v += Choose({"0:", "1:", "2:", "01:"});
    v += Choose({"0", "1", "2", "10", "01"});
    for (int i = Pick(4); i > 0; --i) v += Piece();
    if (Pick(3) != 0) {
      v += "-";
      v += Choose({"0", "1", "2", "1.1", "01"});
      for (int i = Pick(3); i > 0; --i) v += Piece();
    }
    return v;
  }

  // A copy of `v` with one piece appended or one character changed.
  std::string Near(std::string v) {
    if (Pick(2) == 0) return v + Piece();
    size_t at = Pick(static_cast<int>(v.size()));
    size_t colon = v.find(':');
    bool in_epoch = colon != std::string::npos && at <= colon + 1;  // or upstream's first digit
    if (in_epoch || v[at] == '-' || at == 0) return v + Piece();
    v[at] = Choose({"0", "1", "9", "a", "A", ".", "+", "~"})[0];
    return v;
  }

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }
  std::string Choose(const std::vector<const char*>& options) {
    return options[Pick(static_cast<int>(options.size()))];
  }
  std::string Piece() {
    return Choose({".", "0", "1", "9", "00", "10", "a", "b", "z", "A", "Z", "~", "~~", "+", "+b1",
                   "~rc1", "~deb12u1", "+deb12u2", ".1"});
  }

  std::mt19937 random_;
};

TEST(CompareDebianVersionsTest, AgreesWithDpkgOnGeneratedPairs) {
  std::string missing = oci::testing::MissingTool("dpkg", "dpkg");
  if (!missing.empty()) GTEST_SKIP() << "dpkg is needed for the cross-check: " << missing;
  VersionGenerator gen(20261126);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 400; ++i) {
    std::string a = gen.Version();
    pairs.emplace_back(a, i % 2 == 0 ? gen.Near(a) : gen.Version());
  }
  // One shell runs every comparison: a process per pair would be slow.
  std::ostringstream script;
  script << "c() { dpkg --compare-versions \"$1\" lt \"$2\" 2>/dev/null; r=$?\n"
            "  if [ $r = 0 ]; then echo lt; elif [ $r = 2 ]; then echo error\n"
            "  elif dpkg --compare-versions \"$1\" eq \"$2\"; then echo eq; else echo gt; fi; }\n";
  for (const auto& [a, b] : pairs) script << "c '" << a << "' '" << b << "'\n";
  oci::testing::ToolRun run = oci::testing::RunTool({"sh", "-c", script.str()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::istringstream lines(run.output);
  std::string verdict;
  int checked = 0, equal = 0;
  for (const auto& [a, b] : pairs) {
    ASSERT_TRUE(std::getline(lines, verdict)) << "dpkg gave fewer answers than pairs";
    ASSERT_NE(verdict, "error") << "generated a version dpkg rejects: " << a << " or " << b;
    int expected = verdict == "lt" ? -1 : (verdict == "eq" ? 0 : 1);
    EXPECT_EQ(testing::Sign(CompareDebianVersions(a, b)), expected) << a << " vs " << b;
    ++checked;
    equal += expected == 0;
  }
  EXPECT_EQ(checked, 400);
  EXPECT_GT(equal, 0) << "the generator should produce some equal pairs";
}

}  // namespace
}  // namespace sluice::scan
