#include "ml/split.h"

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

namespace sluice::ml {
namespace {

// Published in the reference: X_train.head() of the notebook's split.
TEST(SplitTest, PermutationMatchesNumpyForTheCreditCardData) {
  std::vector<size_t> perm = Permutation(500'000, 0);
  ASSERT_EQ(perm.size(), 500'000u);
  EXPECT_EQ(std::vector<size_t>(perm.begin() + 100'000, perm.begin() + 100'005),
            (std::vector<size_t>{288363, 64982, 227641, 137672, 12758}));
  std::vector<size_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) ASSERT_EQ(sorted[i], i);
}

TEST(SplitTest, SmallPermutations) {
  EXPECT_TRUE(Permutation(0, 0).empty());
  EXPECT_EQ(Permutation(1, 7), std::vector<size_t>{0});
  EXPECT_EQ(Permutation(10, 3), Permutation(10, 3));
}

TEST(SplitTest, NotebookSplitTakesTestFirstThenTrain) {
  auto r = TrainTestSplit(500'000, {.train_size = 0.8, .test_size = 0.2, .random_state = 0});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->test.size(), 100'000u);
  ASSERT_EQ(r->train.size(), 400'000u);
  EXPECT_EQ(std::vector<size_t>(r->train.begin(), r->train.begin() + 5),
            (std::vector<size_t>{288363, 64982, 227641, 137672, 12758}));
  std::vector<size_t> perm = Permutation(500'000, 0);
  EXPECT_EQ(r->test, std::vector<size_t>(perm.begin(), perm.begin() + 100'000));
}

TEST(SplitTest, SizesRoundTestUpAndTrainDown) {
  auto both = ComputeSplitSizes(11, {.train_size = 0.5, .test_size = 0.25});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->n_train, 5u);  // floor(5.5)
  EXPECT_EQ(both->n_test, 3u);   // ceil(2.75)
  auto train_only = ComputeSplitSizes(11, {.train_size = 0.8});
  ASSERT_TRUE(train_only.ok());
  EXPECT_EQ(train_only->n_train, 8u);
  EXPECT_EQ(train_only->n_test, 3u);
  auto test_only = ComputeSplitSizes(11, {.test_size = 0.2});
  ASSERT_TRUE(test_only.ok());
  EXPECT_EQ(test_only->n_test, 3u);
  EXPECT_EQ(test_only->n_train, 8u);
  auto neither = ComputeSplitSizes(10, {});
  ASSERT_TRUE(neither.ok());
  EXPECT_EQ(neither->n_test, 3u);  // default test_size 0.25
  EXPECT_EQ(neither->n_train, 7u);
}

TEST(SplitTest, PartialSplitLeavesTheRestOut) {
  auto r = TrainTestSplit(10, {.train_size = 0.5, .test_size = 0.2, .random_state = 1});
  ASSERT_TRUE(r.ok());
  std::vector<size_t> perm = Permutation(10, 1);
  EXPECT_EQ(r->test, std::vector<size_t>(perm.begin(), perm.begin() + 2));
  EXPECT_EQ(r->train, std::vector<size_t>(perm.begin() + 2, perm.begin() + 7));
}

TEST(SplitTest, InvalidSizesAreErrors) {
  auto bad = ComputeSplitSizes(10, {.test_size = 1.0});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "test_size=1 should be a fraction in the (0, 1) range");
  auto sum = ComputeSplitSizes(10, {.train_size = 0.8, .test_size = 0.3});
  ASSERT_FALSE(sum.ok());
  EXPECT_EQ(sum.status().message(),
            "the sum of test_size and train_size = 1.1 should be in the (0, 1) range; reduce "
            "test_size and/or train_size");
  auto empty = TrainTestSplit(1, {.test_size = 0.5});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(),
            "with n_samples=1, test_size=0.5 and train_size=None, the train set would be empty; "
            "use more rows or a larger train_size");
}

}  // namespace
}  // namespace sluice::ml
