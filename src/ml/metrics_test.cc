#include "ml/metrics.h"

#include <vector>

#include <gtest/gtest.h>

namespace sluice::ml {
namespace {

TEST(MetricsTest, HandComputedCase) {
  //            TN TN FP FN TP TP TP FN
  std::vector<int64_t> y_true = {0, 0, 0, 1, 1, 1, 1, 1};
  std::vector<int64_t> y_pred = {0, 0, 1, 0, 1, 1, 1, 0};
  auto m = EvaluateBinary(y_true, y_pred);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->confusion.tn(), 2);
  EXPECT_EQ(m->confusion.fp(), 1);
  EXPECT_EQ(m->confusion.fn(), 2);
  EXPECT_EQ(m->confusion.tp(), 3);
  EXPECT_EQ(m->confusion.counts[1][0], 2);  // row = true 1, column = predicted 0
  EXPECT_DOUBLE_EQ(m->accuracy, 5.0 / 8.0);
  EXPECT_DOUBLE_EQ(m->precision, 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(m->recall, 3.0 / 5.0);
  // sklearn: 2 * 0.75 * 0.6 / (0.75 + 0.6)
  EXPECT_EQ(m->f1, 2.0 * 0.75 * 0.6 / (0.75 + 0.6));
  EXPECT_DOUBLE_EQ(m->f1, 2.0 / 3.0);
}

TEST(MetricsTest, ZeroDivisionGivesZero) {
  std::vector<int64_t> y_true = {0, 0, 1};
  std::vector<int64_t> none = {0, 0, 0};
  auto m = EvaluateBinary(y_true, none);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->precision, 0.0);
  EXPECT_EQ(m->recall, 0.0);
  EXPECT_EQ(m->f1, 0.0);
  EXPECT_DOUBLE_EQ(m->accuracy, 2.0 / 3.0);
  std::vector<int64_t> negatives = {0, 0, 0};
  std::vector<int64_t> some = {1, 0, 0};
  auto n = EvaluateBinary(negatives, some);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->precision, 0.0);
  EXPECT_EQ(n->recall, 0.0);
  EXPECT_EQ(n->f1, 0.0);
  EXPECT_EQ(Accuracy(ConfusionMatrix{}), 0.0);
}

TEST(MetricsTest, RejectsMismatchedLengthsAndNonBinaryLabels) {
  std::vector<int64_t> a = {0, 1};
  std::vector<int64_t> b = {0};
  auto m = ComputeConfusionMatrix(a, b);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "y_true has 2 labels but y_pred has 1; pass one prediction per sample");
  std::vector<int64_t> c = {0, 2};
  auto n = ComputeConfusionMatrix(a, c);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message(),
            "label 2 at index 1 of y_pred is not binary; labels must be 0 (negative) or 1 "
            "(positive)");
}

}  // namespace
}  // namespace sluice::ml
