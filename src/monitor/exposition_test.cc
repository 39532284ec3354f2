#include "monitor/exposition.h"

#include <gtest/gtest.h>

#include <cmath>

#include "monitor/exposition_test_util.h"

namespace sluice::monitor {
namespace {

TEST(ExpositionTest, WritesHelpTypeAndEscapedLabels) {
  ExpositionWriter out;
  out.Family("sluice_x", "Help with a \\ and\na newline.", "gauge");
  out.Sample("sluice_x", {{"model", "a\"b\\c\nd"}}, 1.5);
  out.Sample("sluice_x", {}, std::nan(""));
  EXPECT_EQ(out.text(),
            "# HELP sluice_x Help with a \\\\ and\\na newline.\n"
            "# TYPE sluice_x gauge\n"
            "sluice_x{model=\"a\\\"b\\\\c\\nd\"} 1.5\n"
            "sluice_x NaN\n");
  std::vector<testing::ParsedSample> samples;
  EXPECT_TRUE(testing::CheckExposition(out.text(), &samples).empty());
  EXPECT_EQ(samples[0].labels["model"], "a\"b\\c\nd");
}

TEST(ExpositionTest, HistogramsEndWithTheInfBucketEqualToTheCount) {
  ExpositionWriter out;
  out.Family("sluice_h_seconds", "A histogram.", "histogram");
  out.Histogram("sluice_h_seconds", {{"function", "f"}}, {0.1, 1}, {2, 3}, 4, 5.25);
  EXPECT_EQ(out.text(),
            "# HELP sluice_h_seconds A histogram.\n"
            "# TYPE sluice_h_seconds histogram\n"
            "sluice_h_seconds_bucket{function=\"f\",le=\"0.1\"} 2\n"
            "sluice_h_seconds_bucket{function=\"f\",le=\"1\"} 3\n"
            "sluice_h_seconds_bucket{function=\"f\",le=\"+Inf\"} 4\n"
            "sluice_h_seconds_sum{function=\"f\"} 5.25\n"
            "sluice_h_seconds_count{function=\"f\"} 4\n");
  EXPECT_TRUE(testing::CheckExposition(out.text(), nullptr).empty());
}

TEST(ExpositionTest, TheCheckerCatchesBrokenText) {
  EXPECT_FALSE(testing::CheckExposition("x 1\n", nullptr).empty());  // no TYPE
  EXPECT_FALSE(
      testing::CheckExposition("# HELP x h\n# TYPE x gauge\nx{a=\"b} 1\n", nullptr).empty());
  EXPECT_FALSE(testing::CheckExposition("# HELP x h\n# TYPE x gauge\nx one\n", nullptr).empty());
}

}  // namespace
}  // namespace sluice::monitor
