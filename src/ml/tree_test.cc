#include "ml/tree.h"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <numeric>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "ml/split.h"
#include "ml/tree_rng.h"

namespace sluice::ml {
namespace {

using Columns = std::vector<std::vector<float>>;

DecisionTree FitOk(const Columns& x, const std::vector<int64_t>& y, TreeOptions o = {}) {
  auto r = FitDecisionTree(x, y, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

TEST(TreeRngTest, SplitterSeedForRandomStateZero) {
  // Published: RandomState(0).randint(0, 0x7FFFFFFF) == 209652396.
  EXPECT_EQ(tree_internal::SplitterSeed(0), 209652396u);
}

TEST(TreeRngTest, XorShiftReplacesZeroAndReducesModulo2To31) {
  tree_internal::XorShiftRandR a(0), b(1);
  EXPECT_EQ(a.Next(), b.Next());
  tree_internal::XorShiftRandR c(1);
  // 1 ^ 1<<13 = 0x2001; ^ >>17 leaves it; ^ <<5 = 0x2001 ^ 0x40020 = 0x42021.
  EXPECT_EQ(c.Next(), 0x42021u);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(c.Next(), 0x80000000u);
}

TEST(DecisionTreeTest, PerfectSplitAtTheMidpoint) {
  DecisionTree t = FitOk({{1, 2, 3, 4}}, {0, 0, 1, 1});
  const TreeArrays& a = t.arrays();
  ASSERT_EQ(t.node_count(), 3u);
  EXPECT_EQ(a.feature, (std::vector<int64_t>{0, -2, -2}));
  EXPECT_EQ(a.threshold, (std::vector<double>{2.5, -2.0, -2.0}));
  EXPECT_EQ(a.children_left, (std::vector<int64_t>{1, -1, -1}));
  EXPECT_EQ(a.children_right, (std::vector<int64_t>{2, -1, -1}));
  EXPECT_EQ(a.impurity, (std::vector<double>{0.5, 0.0, 0.0}));
  EXPECT_EQ(a.n_node_samples, (std::vector<int64_t>{4, 2, 2}));
  EXPECT_EQ(a.weighted_n_node_samples, (std::vector<double>{4, 2, 2}));
  EXPECT_EQ(a.value, (std::vector<double>{2, 2, 2, 0, 0, 2}));
  EXPECT_EQ(t.classes(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(t.depth(), 1);
  EXPECT_EQ(t.n_leaves(), 2u);
}

TEST(DecisionTreeTest, ClassesAreSortedDistinctLabels) {
  DecisionTree t = FitOk({{1, 2, 3, 4, 5, 6}}, {7, 7, -3, -3, 12, 12});
  EXPECT_EQ(t.classes(), (std::vector<int64_t>{-3, 7, 12}));
  auto pred = t.Predict({{1, 2, 3, 4, 5, 6}});
  ASSERT_TRUE(pred.ok());
  EXPECT_EQ(*pred, (std::vector<int64_t>{7, 7, -3, -3, 12, 12}));
  EXPECT_EQ(t.arrays().value.size(), t.node_count() * 3);
  EXPECT_EQ(t.value(0)[0], 2.0);
}

TEST(DecisionTreeTest, ThresholdIsTheFloat32MidpointInDouble) {
  // 0.1f and 0.2f are not 0.1 and 0.2: the threshold is their exact
  // float32 values halved and added in double.
  DecisionTree t = FitOk({{0.1f, 0.1f, 0.2f, 0.2f}}, {0, 0, 1, 1});
  const double expected = static_cast<double>(0.1f) / 2.0 + static_cast<double>(0.2f) / 2.0;
  EXPECT_EQ(t.arrays().threshold[0], expected);
  EXPECT_NE(t.arrays().threshold[0], 0.15);
}

TEST(DecisionTreeTest, MidpointEqualToUpperValueFallsBackToLower) {
  // Adjacent float32 values whose midpoint rounds up to the upper one in
  // double cannot occur for normal floats (double has room), so check the
  // near-equal rule instead: values within 1e-7 are one run, no split there.
  DecisionTree t = FitOk({{1.0f, std::nextafter(1.0f, 2.0f), 3.0f}}, {0, 1, 1});
  const TreeArrays& a = t.arrays();
  ASSERT_EQ(t.node_count(), 3u);
  // Between the run {1, 1+ulp} and 3: the run's last value is the lower end.
  EXPECT_EQ(a.threshold[0],
            static_cast<double>(std::nextafter(1.0f, 2.0f)) / 2.0 + 3.0 / 2.0);
  EXPECT_EQ(a.value[2], 1.0);      // left child: one of each class
  EXPECT_EQ(a.value[3], 1.0);
}

TEST(DecisionTreeTest, EqualProxyWithinAFeatureTakesTheLowestThreshold) {
  // Splits at 0.5 and 2.5 both leave one pure sample and a 1:2 side.
  DecisionTree t = FitOk({{0, 1, 2, 3}}, {0, 1, 1, 0}, {.max_depth = 1});
  EXPECT_EQ(t.arrays().threshold[0], 0.5);
}

TEST(DecisionTreeTest, IdenticalFeaturesTieGoesToTheFirstVisitedFeature) {
  // Two copies of one column: the root splits on whichever the RNG visits
  // first (rand_int(0, 2) from the splitter seed), since a later feature
  // must be strictly better.
  const Columns x = {{1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, 6}};
  const std::vector<int64_t> y = {0, 0, 0, 1, 1, 1};
  bool saw[2] = {false, false};
  for (uint32_t seed = 0; seed < 16; ++seed) {
    tree_internal::XorShiftRandR rng(tree_internal::SplitterSeed(seed));
    const int64_t first = rng.RandInt(0, 2);
    DecisionTree t = FitOk(x, y, {.random_state = seed});
    EXPECT_EQ(t.arrays().feature[0], first) << "random_state " << seed;
    saw[first] = true;
  }
  EXPECT_TRUE(saw[0] && saw[1]);
}

TEST(DecisionTreeTest, ConstantFeaturesAreNeverSplitOn) {
  const Columns x = {{5, 5, 5, 5, 5, 5, 5, 5}, {1, 2, 3, 4, 5, 6, 7, 8},
                     {3, 3, 3, 3, 3, 3, 3, 3}, {0, 0, 1, 1, 0, 0, 1, 1}};
  const std::vector<int64_t> y = {0, 1, 0, 1, 1, 1, 1, 1};
  for (uint32_t seed = 0; seed < 8; ++seed) {
    DecisionTree t = FitOk(x, y, {.random_state = seed});
    for (size_t i = 0; i < t.node_count(); ++i) {
      EXPECT_NE(t.arrays().feature[i], 0);
      EXPECT_NE(t.arrays().feature[i], 2);
    }
    // Fully grown: every leaf is pure or has identical features.
    auto pred = t.Predict(x);
    ASSERT_TRUE(pred.ok());
    EXPECT_EQ(*pred, y);
    const std::vector<double> imp = t.FeatureImportances();
    EXPECT_EQ(imp[0], 0.0);
    EXPECT_EQ(imp[2], 0.0);
  }
}

TEST(DecisionTreeTest, AllConstantGivesASingleLeaf) {
  DecisionTree t = FitOk({{2, 2, 2}, {7, 7, 7}}, {0, 1, 1});
  ASSERT_EQ(t.node_count(), 1u);
  EXPECT_EQ(t.arrays().feature[0], -2);
  EXPECT_EQ(t.arrays().children_left[0], -1);
  EXPECT_EQ(t.FeatureImportances(), (std::vector<double>{0.0, 0.0}));
  auto p = t.PredictProba({{2}, {7}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (std::vector<double>{1.0 / 3.0, 2.0 / 3.0}));
}

TEST(DecisionTreeTest, MinSamplesLeafChangesTheChosenSplit) {
  // Unconstrained, the best root split isolates the single 1 at the end
  // (threshold 6.5). With min_samples_leaf = 2 that leaf is too small; the
  // best allowed split leaves [0, 1] on the right (5.5).
  const Columns x2 = {{0, 1, 2, 3, 4, 5, 6, 7}};
  const std::vector<int64_t> y2 = {0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(FitOk(x2, y2, {.max_depth = 1}).arrays().threshold[0], 6.5);
  DecisionTree t2 = FitOk(x2, y2, {.max_depth = 1, .min_samples_leaf = 2});
  EXPECT_EQ(t2.arrays().threshold[0], 5.5);
  EXPECT_EQ(t2.arrays().n_node_samples, (std::vector<int64_t>{8, 6, 2}));
  // A node with fewer than 2 * min_samples_leaf samples is a leaf.
  EXPECT_EQ(FitOk(x2, y2, {.min_samples_leaf = 5}).node_count(), 1u);
}

TEST(DecisionTreeTest, MinSamplesSplitStopsSmallNodes) {
  const Columns x = {{0, 1, 2, 3, 4, 5, 6, 7}};
  const std::vector<int64_t> y = {0, 1, 0, 1, 0, 1, 0, 1};
  DecisionTree full = FitOk(x, y);
  EXPECT_EQ(full.n_leaves(), 8u);
  DecisionTree t = FitOk(x, y, {.min_samples_split = 9});
  EXPECT_EQ(t.node_count(), 1u);
}

TEST(DecisionTreeTest, MaxDepthLimitsTheTree) {
  const Columns x = {{0, 1, 2, 3, 4, 5, 6, 7}};
  const std::vector<int64_t> y = {0, 1, 0, 1, 0, 1, 0, 1};
  for (int d = 1; d <= 3; ++d) {
    DecisionTree t = FitOk(x, y, {.max_depth = d});
    EXPECT_EQ(t.depth(), d);
  }
  // Unlimited: greedy Gini peels pure end samples off one by one.
  DecisionTree full = FitOk(x, y);
  EXPECT_EQ(full.depth(), 7);
  EXPECT_EQ(full.n_leaves(), 8u);
}

TEST(DecisionTreeTest, NodeIdsArePreOrderLeftFirst) {
  const Columns x = {{0, 1, 2, 3, 4, 5, 6, 7}};
  const std::vector<int64_t> y = {0, 0, 1, 1, 0, 0, 1, 1};
  DecisionTree t = FitOk(x, y);
  const TreeArrays& a = t.arrays();
  for (size_t i = 0; i < t.node_count(); ++i) {
    if (a.children_left[i] == -1) continue;
    EXPECT_EQ(a.children_left[i], static_cast<int64_t>(i) + 1);
    EXPECT_GT(a.children_right[i], a.children_left[i]);
    EXPECT_EQ(a.n_node_samples[i], a.n_node_samples[static_cast<size_t>(a.children_left[i])] +
                                       a.n_node_samples[static_cast<size_t>(a.children_right[i])]);
  }
}

TEST(DecisionTreeTest, PredictProbaIsLeafClassShares) {
  const Columns x = {{0, 1, 2, 3, 4, 5}};
  const std::vector<int64_t> y = {0, 0, 1, 1, 1, 0};
  DecisionTree t = FitOk(x, y, {.max_depth = 1});
  // Root: best split 1.5 ([0,0] | [1,1,1,0]).
  ASSERT_EQ(t.arrays().threshold[0], 1.5);
  auto p = t.PredictProba({{0.5f, 4.0f}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (std::vector<double>{1.0, 0.0, 0.25, 0.75}));
  EXPECT_EQ(t.PredictRow(std::vector<float>{4.0f}), 1);
  // Exactly on the threshold goes left.
  EXPECT_EQ(t.ApplyRow(std::vector<float>{1.5f}), 1u);
}

TEST(DecisionTreeTest, PredictTieGoesToTheFirstClass) {
  // A single leaf holding [1, 1] predicts the first (smaller) label.
  DecisionTree one_leaf = FitOk({{1, 1}}, {5, 9});
  EXPECT_EQ(one_leaf.PredictRow(std::vector<float>{1}), 5);
}

TEST(DecisionTreeTest, ImportancesSumToOneAndFollowTheFormula) {
  const Columns x = {{0, 1, 2, 3, 4, 5, 6, 7}, {0, 0, 0, 0, 1, 1, 1, 1}};
  const std::vector<int64_t> y = {0, 0, 1, 1, 1, 1, 1, 1};
  DecisionTree t = FitOk(x, y);
  const std::vector<double> imp = t.FeatureImportances();
  EXPECT_NEAR(imp[0] + imp[1], 1.0, 1e-15);
  // Only x0 <= 1.5 separates the classes: all the importance is feature 0.
  EXPECT_EQ(t.node_count(), 3u);
  EXPECT_EQ(imp, (std::vector<double>{1.0, 0.0}));

  const Columns x3 = {{0, 1, 2, 3, 4, 5, 6, 7}, {1, 0, 1, 0, 1, 0, 1, 0}};
  const std::vector<int64_t> y3 = {0, 1, 0, 1, 1, 1, 1, 1};
  DecisionTree t3 = FitOk(x3, y3);
  const TreeArrays& a = t3.arrays();
  std::vector<double> raw(2, 0.0);
  for (size_t i = 0; i < t3.node_count(); ++i) {
    if (a.children_left[i] == -1) continue;
    auto l = static_cast<size_t>(a.children_left[i]), r = static_cast<size_t>(a.children_right[i]);
    raw[static_cast<size_t>(a.feature[i])] += a.weighted_n_node_samples[i] * a.impurity[i] -
                                              a.weighted_n_node_samples[l] * a.impurity[l] -
                                              a.weighted_n_node_samples[r] * a.impurity[r];
  }
  const std::vector<double> imp3 = t3.FeatureImportances();
  EXPECT_NEAR(imp3[0] + imp3[1], 1.0, 1e-15);
  EXPECT_NEAR(imp3[0], raw[0] / (raw[0] + raw[1]), 1e-15);
}

TEST(DecisionTreeTest, RejectsBadInput) {
  const Columns x = {{1, 2}};
  const std::vector<int64_t> y = {0, 1};
  EXPECT_FALSE(FitDecisionTree(x, y, {.max_depth = 0}).ok());
  EXPECT_FALSE(FitDecisionTree(x, y, {.min_samples_split = 1}).ok());
  EXPECT_FALSE(FitDecisionTree(x, y, {.min_samples_leaf = 0}).ok());
  EXPECT_FALSE(FitDecisionTree({}, y, {}).ok());
  EXPECT_FALSE(FitDecisionTree({{1}}, y, {}).ok());
  EXPECT_FALSE(FitDecisionTree({{1, std::numeric_limits<float>::quiet_NaN()}}, y, {}).ok());
  EXPECT_FALSE(FitDecisionTree({{1, std::numeric_limits<float>::infinity()}}, y, {}).ok());
  DecisionTree t = FitOk(x, y);
  EXPECT_FALSE(t.Predict({{1}, {2}}).ok());
  EXPECT_FALSE(t.PredictProba({{1}, {2}}).ok());
}

TEST(DecisionTreeTest, FromArraysRoundTripsAndValidates) {
  DecisionTree t = FitOk({{1, 2, 3, 4}}, {0, 0, 1, 1});
  auto copy = DecisionTree::FromArrays(t.arrays(), t.classes(), 1);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(copy->PredictRow(std::vector<float>{3}), 1);
  TreeArrays bad = t.arrays();
  bad.children_left[0] = 0;  // points at itself
  EXPECT_FALSE(DecisionTree::FromArrays(bad, t.classes(), 1).ok());
  bad = t.arrays();
  bad.feature[0] = 1;
  EXPECT_FALSE(DecisionTree::FromArrays(bad, t.classes(), 1).ok());
  EXPECT_FALSE(DecisionTree::FromArrays(t.arrays(), {1, 0}, 1).ok());
  bad = t.arrays();
  bad.value.pop_back();
  EXPECT_FALSE(DecisionTree::FromArrays(bad, t.classes(), 1).ok());
  bad = t.arrays();
  bad.value[0] = -1;  // a negative class count
  EXPECT_FALSE(DecisionTree::FromArrays(bad, t.classes(), 1).ok());
}

TEST(DecisionTreeTest, FromArraysRejectsSharedSubtrees) {
  // Node 0 splits into 1 and 2; make both of node 0's children node 1, and
  // node 2 an orphan: a graph, not a tree.
  DecisionTree t = FitOk({{1, 2, 3, 4}}, {0, 0, 1, 1});
  ASSERT_EQ(t.node_count(), 3u);
  TreeArrays bad = t.arrays();
  bad.children_right[0] = 1;
  auto result = DecisionTree::FromArrays(bad, t.classes(), 1);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("shares a child"), std::string::npos)
      << result.status().message();
}

TEST(DecisionTreeTest, ManyClassesFitInMemoryProportionalToRows) {
  // 3,000 rows with ~2,000 labels over a continuous feature: per-node count
  // tables of levels x classes would need tens of millions of cells.
  std::vector<float> x(3000);
  std::vector<int64_t> y(3000);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<float>((i * 7919) % 3001) / 7.0f;
    y[i] = static_cast<int64_t>((i * 104729) % 2003);
  }
  DecisionTree t = FitOk({x}, y);
  EXPECT_GT(t.n_classes(), 1000u);
  // Every training row lands in a leaf whose counts include its label.
  double leaf_rows = 0;
  for (size_t node = 0; node < t.node_count(); ++node) {
    if (t.arrays().children_left[node] != TreeArrays::kLeaf) continue;
    for (double c : t.value(node)) leaf_rows += c;
  }
  EXPECT_EQ(leaf_rows, 3000.0);
}

TEST(DecisionTreeTest, ClassIndexFindsLabels) {
  DecisionTree t = FitOk({{1, 2, 3, 4}}, {-1, -1, 7, 7});
  EXPECT_EQ(t.ClassIndex(7), std::optional<size_t>(1));
  EXPECT_EQ(t.ClassIndex(1), std::nullopt);
}

TEST(DecisionTreeTest, ToFloat32ConvertsInt64Directly) {
  // 2^24 + 1 is not a float32; int64 -> float32 rounds once, to even.
  Column c = Column::Int64("x", {16777217, 3});
  EXPECT_EQ(ToFloat32(c), (std::vector<float>{16777216.0f, 3.0f}));
}

// The credit-card data for seed 54, generated by the reference's section 4
// algorithm (SplitMix64, integer only). The product's generator is
// examples/credit-card/src/generator.cc; this copy keeps the library's tests
// independent of the demo. Columns: Num_Children, Group, Income, Own_Car,
// Own_Housing; labels Target.
struct CreditData {
  Columns x{5};
  std::vector<int64_t> y;
};

CreditData GenerateCreditData(uint64_t seed, size_t rows) {
  static constexpr uint32_t kPoisson2[13] = {
      581260615u,  1743781846u, 2906303077u, 3681317231u, 4068824308u, 4223827139u, 4275494749u,
      4290256923u, 4293947467u, 4294767588u, 4294931612u, 4294961435u, 4294966405u};
  uint64_t state = seed;
  auto next = [&state] {
    state += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state;
    z ^= z >> 30;
    z *= 0xBF58476D1CE4E5B9ULL;
    z ^= z >> 27;
    z *= 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z;
  };
  CreditData d;
  for (auto& c : d.x) c.reserve(rows);
  for (size_t r = 0; r < rows; ++r) {
    uint64_t z[6];
    for (auto& v : z) v = next();
    const int group = static_cast<int>(z[0] >> 63);
    const auto u = static_cast<uint32_t>(z[1] >> 32);
    int children = 0;
    while (children < 13 && kPoisson2[children] <= u) ++children;
    const int64_t income = group ? 40000 + static_cast<int64_t>(z[2] % 80000)
                                 : 30000 + static_cast<int64_t>(z[2] % 70000);
    const int car = (z[3] >> 32) < (group ? 3435973836u : 2576980377u);
    const int house = (z[4] >> 32) < (group ? 2147483648u : 1288490188u);
    const int64_t eps = static_cast<int64_t>(z[5] % 8001) - 4000;
    d.x[0].push_back(static_cast<float>(children));
    d.x[1].push_back(static_cast<float>(group));
    d.x[2].push_back(static_cast<float>(income));
    d.x[3].push_back(static_cast<float>(car));
    d.x[4].push_back(static_cast<float>(house));
    d.y.push_back(income + 7000 * house + 3000 * car + 10000 * group + eps > 90000 ? 1 : 0);
  }
  return d;
}

// The notebook's two trees (max_depth 3, random_state 0) on the seed-54
// training split; expected figures from the reference, section 4.1.
TEST(DecisionTreeTest, CreditCardSeed54TreesMatchThePublishedFacts) {
  const CreditData all = GenerateCreditData(54, 500'000);
  ASSERT_EQ(all.x[2][0], 90999.0f);  // first golden row: 1,1,90999,0,0,1
  ASSERT_EQ(all.y[0], 1);
  auto split = TrainTestSplit(500'000, {.train_size = 0.8, .test_size = 0.2, .random_state = 0});
  ASSERT_TRUE(split.ok());
  Columns baseline_x(5), unaware_x;
  std::vector<int64_t> y;
  for (size_t row : split->train) {
    for (size_t f = 0; f < 5; ++f) baseline_x[f].push_back(all.x[f][row]);
    y.push_back(all.y[row]);
  }
  unaware_x = {baseline_x[0], baseline_x[2], baseline_x[3], baseline_x[4]};
  const TreeOptions options{.max_depth = 3, .random_state = 0};

  DecisionTree unaware = FitOk(unaware_x, y, options);
  DecisionTree baseline = FitOk(baseline_x, y, options);
  struct Check {
    const DecisionTree* tree;
    int64_t income, split_5_9;
  };
  for (const Check& c : {Check{&unaware, 1, 3}, Check{&baseline, 2, 1}}) {
    const TreeArrays& a = c.tree->arrays();
    ASSERT_EQ(c.tree->node_count(), 15u);
    // Income splits at n0 / n1 / n2 / n8 / n12.
    EXPECT_EQ(a.feature[0], c.income);
    EXPECT_EQ(a.threshold[0], 80045.5);
    EXPECT_EQ(a.threshold[1], 72139.5);
    EXPECT_EQ(a.threshold[2], 68117.5);
    EXPECT_EQ(a.threshold[8], 88638.5);
    EXPECT_EQ(a.threshold[12], 90696.5);
    // Own_Housing (unaware) or Group (baseline) at n5 and n9.
    EXPECT_EQ(a.feature[5], c.split_5_9);
    EXPECT_EQ(a.feature[9], c.split_5_9);
    EXPECT_EQ(c.tree->value(3)[0], 178582.0);
    EXPECT_EQ(c.tree->value(3)[1], 280.0);
    EXPECT_EQ(c.tree->value(14)[0], 534.0);
    EXPECT_EQ(c.tree->value(14)[1], 99020.0);
  }
  const std::vector<double> imp = unaware.FeatureImportances();
  EXPECT_NEAR(imp[1], 0.9427, 5e-5);
  EXPECT_NEAR(imp[3], 0.0573, 5e-5);
  EXPECT_EQ(imp[0], 0.0);
  EXPECT_EQ(imp[2], 0.0);
  // Unaware test accuracy 0.92669.
  Columns test_x(4);
  int64_t correct = 0;
  std::vector<int64_t> test_y;
  for (size_t row : split->test) {
    test_x[0].push_back(all.x[0][row]);
    test_x[1].push_back(all.x[2][row]);
    test_x[2].push_back(all.x[3][row]);
    test_x[3].push_back(all.x[4][row]);
    test_y.push_back(all.y[row]);
  }
  auto pred = unaware.Predict(test_x);
  ASSERT_TRUE(pred.ok());
  for (size_t i = 0; i < test_y.size(); ++i) correct += (*pred)[i] == test_y[i];
  EXPECT_EQ(correct, 92669);
}

}  // namespace
}  // namespace sluice::ml
