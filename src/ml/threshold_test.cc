#include "ml/threshold.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace sluice::ml {
namespace {

TEST(ThresholdTest, StrictComparisonPerGroup) {
  // Around the notebook's thresholds 0.11 (group 0) and 0.99 (group 1).
  std::vector<double> p = {0.10, 0.11, std::nextafter(0.11, 1.0), 0.5,
                           0.5,  0.99, std::nextafter(0.99, 1.0), 1.0};
  std::vector<int64_t> group = {0, 0, 0, 0, 1, 1, 1, 1};
  auto y = ApplyGroupThresholds(p, group, kNotebookGroupThresholds);
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(*y, (std::vector<int64_t>{0, 0, 1, 1, 0, 0, 1, 1}));
}

TEST(ThresholdTest, NotebookLeafProbabilities) {
  // The unaware tree's leaf probabilities (reference §2.4): 0.11 in effect
  // approves group 0 above Income 71,909.5 (p >= 0.12948), 0.99 approves
  // group 1 only in the top leaf (0.99478).
  std::vector<double> leaves = {0.00162, 0.10422, 0.12948, 0.58706,
                                0.46858, 0.91606, 0.87956, 0.99478};
  std::vector<int64_t> zeros(leaves.size(), 0);
  std::vector<int64_t> ones(leaves.size(), 1);
  auto g0 = ApplyGroupThresholds(leaves, zeros, kNotebookGroupThresholds);
  auto g1 = ApplyGroupThresholds(leaves, ones, kNotebookGroupThresholds);
  ASSERT_TRUE(g0.ok());
  ASSERT_TRUE(g1.ok());
  EXPECT_EQ(*g0, (std::vector<int64_t>{0, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(*g1, (std::vector<int64_t>{0, 0, 0, 0, 0, 0, 0, 1}));
}

TEST(ThresholdTest, ZeroAndOneThresholds) {
  std::vector<double> p = {0.0, 1e-300, 1.0};
  std::vector<double> thresholds = {0.0, 1.0};
  std::vector<int64_t> g0 = {0, 0, 0};
  std::vector<int64_t> g1 = {1, 1, 1};
  auto a = ApplyGroupThresholds(p, g0, thresholds);
  auto b = ApplyGroupThresholds(p, g1, thresholds);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, (std::vector<int64_t>{0, 1, 1}));  // p > 0
  EXPECT_EQ(*b, (std::vector<int64_t>{0, 0, 0}));  // nothing is > 1
}

TEST(ThresholdTest, EmptyInputGivesEmptyOutput) {
  auto y = ApplyGroupThresholds({}, {}, kNotebookGroupThresholds);
  ASSERT_TRUE(y.ok());
  EXPECT_TRUE(y->empty());
}

TEST(ThresholdTest, RejectsBadInput) {
  std::vector<double> p = {0.5, 0.5};
  std::vector<int64_t> one_group = {0};
  auto a = ApplyGroupThresholds(p, one_group, kNotebookGroupThresholds);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);

  std::vector<int64_t> bad_group = {0, 2};
  auto b = ApplyGroupThresholds(p, bad_group, kNotebookGroupThresholds);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("group 2 at index 1 has no threshold"), std::string::npos);
  std::vector<int64_t> negative_group = {-1, 0};
  EXPECT_FALSE(ApplyGroupThresholds(p, negative_group, kNotebookGroupThresholds).ok());

  std::vector<int64_t> group = {0, 1};
  std::vector<double> above = {0.5, 1.5};
  EXPECT_FALSE(ApplyGroupThresholds(above, group, kNotebookGroupThresholds).ok());
  std::vector<double> nan = {std::numeric_limits<double>::quiet_NaN(), 0.5};
  auto c = ApplyGroupThresholds(nan, group, kNotebookGroupThresholds);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("at index 0 is not in [0, 1]"), std::string::npos);
}

}  // namespace
}  // namespace sluice::ml
