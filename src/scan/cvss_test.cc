#include "scan/cvss.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::scan {
namespace {

struct Scored {
  const char* vector;
  double score;
};

// The error message for `vector`, or "" when it scored.
std::string V3Error(const std::string& vector) {
  auto score = CvssV3BaseScore(vector);
  return score.ok() ? "" : score.status().message();
}

TEST(CvssV3BaseScoreTest, ScoresWellKnownVectors) {
  const Scored kCases[] = {
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
      {"CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5},
      {"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H", 9.0},  // Log4Shell
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5},  // Heartbleed
      {"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},  // reflected XSS
      {"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9},
      {"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 2.4},
      {"CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8},
  };
  for (const Scored& c : kCases) {
    auto score = CvssV3BaseScore(c.vector);
    ASSERT_TRUE(score.ok()) << c.vector << ": " << score.status().ToString();
    EXPECT_DOUBLE_EQ(*score, c.score) << c.vector;
  }
}

TEST(CvssV3BaseScoreTest, ScopeChangeRaisesPrivilegeWeightsAndTheTotal) {
  // A low score with a changed scope: PR:L weighs 0.68 instead of 0.62.
  auto changed = CvssV3BaseScore("CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:N");
  auto unchanged = CvssV3BaseScore("CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N");
  ASSERT_TRUE(changed.ok() && unchanged.ok());
  EXPECT_DOUBLE_EQ(*changed, 3.0);
  EXPECT_DOUBLE_EQ(*unchanged, 2.6);
  EXPECT_EQ(SeverityForScore(*changed), Severity::kLow);
}

TEST(CvssV3BaseScoreTest, NoImpactScoresZero) {
  auto score = CvssV3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N");
  ASSERT_TRUE(score.ok());
  EXPECT_DOUBLE_EQ(*score, 0.0);
  score = CvssV3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N");
  ASSERT_TRUE(score.ok());
  EXPECT_DOUBLE_EQ(*score, 0.0);
}

TEST(CvssV3BaseScoreTest, MetricsInAnyOrderAndTemporalOnesIgnored) {
  auto score = CvssV3BaseScore("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N");
  ASSERT_TRUE(score.ok());
  EXPECT_DOUBLE_EQ(*score, 9.8);
  score = CvssV3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C/MAV:L/CR:H");
  ASSERT_TRUE(score.ok());
  EXPECT_DOUBLE_EQ(*score, 9.8);
}

TEST(CvssV3BaseScoreTest, ErrorsNameTheBadMetric) {
  EXPECT_NE(V3Error("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H").find("base metric A is missing"),
            std::string::npos);
  EXPECT_NE(V3Error("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
                .find("metric AV has unknown value \"X\""),
            std::string::npos);
  EXPECT_NE(
      V3Error("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").find("metric AV is given twice"),
      std::string::npos);
  EXPECT_NE(
      V3Error("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1").find("unknown metric \"ZZ\""),
      std::string::npos);
  EXPECT_NE(V3Error("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A").find("\"A\" is not a metric"),
            std::string::npos);
  EXPECT_NE(V3Error("AV:N/AC:L/Au:N/C:P/I:P/A:P").find("not CVSS 3.x"), std::string::npos);
  EXPECT_NE(V3Error("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
                .find("not CVSS 3.x"),
            std::string::npos);
  EXPECT_EQ(CvssV3BaseScore("CVSS:3.1/").status().code(), StatusCode::kInvalidArgument);
}

TEST(CvssV31RoundupTest, RoundsUpToOneDecimalWithoutFloatingPointNoise) {
  EXPECT_DOUBLE_EQ(CvssV31Roundup(4.02), 4.1);
  EXPECT_DOUBLE_EQ(CvssV31Roundup(4.0), 4.0);
  EXPECT_DOUBLE_EQ(CvssV31Roundup(4.000000000000001), 4.0);  // ceil(x*10)/10 would say 4.1
  EXPECT_DOUBLE_EQ(CvssV31Roundup(4.00001), 4.1);
  EXPECT_DOUBLE_EQ(CvssV31Roundup(0.01), 0.1);
  EXPECT_DOUBLE_EQ(CvssV31Roundup(9.95), 10.0);
  EXPECT_DOUBLE_EQ(CvssV31Roundup(0.0), 0.0);
}

TEST(CvssV2BaseScoreTest, ScoresWellKnownVectors) {
  const Scored kCases[] = {
      {"AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5},
      {"AV:L/AC:L/Au:N/C:P/I:P/A:P", 4.6},
      {"AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0},
      {"AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3},
      {"AV:N/AC:L/Au:N/C:P/I:N/A:N", 5.0},
      {"AV:N/AC:L/Au:N/C:N/I:N/A:N", 0.0},
      {"(AV:N/AC:L/Au:N/C:P/I:P/A:P)", 7.5},  // NVD's parenthesised form
      {"AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C", 7.5},
  };
  for (const Scored& c : kCases) {
    auto score = CvssV2BaseScore(c.vector);
    ASSERT_TRUE(score.ok()) << c.vector << ": " << score.status().ToString();
    EXPECT_DOUBLE_EQ(*score, c.score) << c.vector;
  }
}

TEST(CvssV2BaseScoreTest, ErrorsNameTheBadMetric) {
  auto missing = CvssV2BaseScore("AV:N/AC:L/C:P/I:P/A:P");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("base metric Au is missing"), std::string::npos);
  auto bad = CvssV2BaseScore("AV:N/AC:L/Au:N/C:H/I:P/A:P");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("metric C has unknown value \"H\""), std::string::npos);
  EXPECT_FALSE(CvssV2BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").ok());
}

TEST(SeverityForScoreTest, MapsTheNvdBands) {
  EXPECT_EQ(SeverityForScore(10.0), Severity::kCritical);
  EXPECT_EQ(SeverityForScore(9.0), Severity::kCritical);
  EXPECT_EQ(SeverityForScore(8.9), Severity::kHigh);
  EXPECT_EQ(SeverityForScore(7.0), Severity::kHigh);
  EXPECT_EQ(SeverityForScore(6.9), Severity::kMedium);
  EXPECT_EQ(SeverityForScore(4.0), Severity::kMedium);
  EXPECT_EQ(SeverityForScore(3.9), Severity::kLow);
  EXPECT_EQ(SeverityForScore(0.1), Severity::kLow);
  EXPECT_EQ(SeverityForScore(0.0), Severity::kInfo);
  EXPECT_EQ(SeverityForScore(-1.0), Severity::kInfo);  // STO's "no security impact"
}

}  // namespace
}  // namespace sluice::scan
