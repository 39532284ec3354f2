#include "ml/model_check.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sluice::ml {
namespace {

ModelCheck Accuracy(double value) {
  return ModelCheck{"accuracy", "Test accuracy", value, Bound::kAtLeast, 0.9, "", 5};
}

ModelCheck Gap(double value) {
  return ModelCheck{
      "equal_opportunity_gap", "Equal-opportunity gap", value, Bound::kAtMost, 21, "points", 2};
}

TEST(ModelCheckTest, BoundsAreInclusive) {
  EXPECT_TRUE(Accuracy(0.9).Passed());
  EXPECT_TRUE(Accuracy(0.92669).Passed());
  EXPECT_FALSE(Accuracy(0.89999).Passed());
  EXPECT_TRUE(Gap(21).Passed());
  EXPECT_FALSE(Gap(21.01).Passed());
  EXPECT_FALSE(Accuracy(std::nan("")).Passed());
  EXPECT_FALSE(Gap(std::nan("")).Passed());
}

TEST(ModelCheckTest, DescribesPassAndFailWithTheMargin) {
  EXPECT_EQ(Accuracy(0.92669).Describe(), "Test accuracy 0.92669 meets the minimum 0.9");
  EXPECT_EQ(Gap(7.3500000000000085).Describe(),
            "Equal-opportunity gap 7.35 points meets the maximum 21 points");
  EXPECT_EQ(Accuracy(0.88).Describe(), "Test accuracy 0.88 is below the minimum 0.9 by 0.02");
  EXPECT_EQ(Gap(22.5).Describe(),
            "Equal-opportunity gap 22.5 points exceeds the maximum 21 points by 1.5 points");
  EXPECT_DOUBLE_EQ(Gap(22.5).Shortfall(), 1.5);
  EXPECT_EQ(Gap(7).Shortfall(), 0);
}

TEST(ModelCheckTest, FailingValueNeverLooksEqualToItsLimit) {
  ModelCheck c = Accuracy(0.8999999);
  EXPECT_EQ(c.ValueText(), "0.8999999");
  EXPECT_EQ(c.ShortfallText(), "1e-07");
  EXPECT_EQ(Accuracy(std::nan("")).Describe(), "Test accuracy is not a number; the minimum is 0.9");
}

}  // namespace
}  // namespace sluice::ml
