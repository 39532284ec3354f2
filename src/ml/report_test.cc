#include "ml/report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::ml {
namespace {

bool Has(const std::string& html, std::string_view needle) {
  return html.find(needle) != std::string::npos;
}

// Income <= 41500.5 ? denied : approved, over 100 rows.
DecisionTree IncomeStump() {
  TreeArrays a;
  a.children_left = {1, -1, -1};
  a.children_right = {2, -1, -1};
  a.feature = {1, -2, -2};
  a.threshold = {41500.5, -2, -2};
  a.impurity = {0.48, 0.15, 0.22};
  a.n_node_samples = {100, 60, 40};
  a.weighted_n_node_samples = {100, 60, 40};
  a.value = {60, 40, 55, 5, 5, 35};
  auto tree = DecisionTree::FromArrays(std::move(a), {0, 1}, 4);
  EXPECT_TRUE(tree.ok()) << tree.status().message();
  return *tree;
}

// A chain `depth` splits deep: every left child is a leaf.
DecisionTree Chain(int depth) {
  TreeArrays a;
  const int n = 2 * depth + 1;
  for (int i = 0; i < n; ++i) {
    const bool internal = i % 2 == 0 && i < n - 1;
    a.children_left.push_back(internal ? i + 1 : -1);
    a.children_right.push_back(internal ? i + 2 : -1);
    a.feature.push_back(internal ? 0 : -2);
    a.threshold.push_back(internal ? 10.0 * i + 0.5 : -2);
    a.impurity.push_back(0.3);
    a.n_node_samples.push_back(1000 - i);
    a.weighted_n_node_samples.push_back(1000 - i);
    a.value.push_back(500 - i);
    a.value.push_back(500);
  }
  auto tree = DecisionTree::FromArrays(std::move(a), {0, 1}, 1);
  EXPECT_TRUE(tree.ok()) << tree.status().message();
  return *tree;
}

ReportModel CreditModel() {
  ReportModel m;
  m.name = "group_unaware";
  m.features = {"Num_Children", "Income", "Own_Car", "Own_Housing"};
  m.train = {0.92675, 0.92811, 0.87752, 0.90211};
  m.test = {0.92669, 0.92802, 0.87748, 0.90205};
  NotebookFairness& f = m.fairness;
  f.total_approvals = 36373;
  f.approvals[0] = 11570;
  f.approvals[1] = 24803;
  f.approval_share_percent[0] = 31.81;
  f.approval_share_percent[1] = 68.19;
  f.tpr_percent_overall = 87.75;
  f.tpr_percent[0] = 93.23;
  f.tpr_percent[1] = 85.88;
  f.accuracy_percent_overall = 92.67;
  f.accuracy_percent[0] = 97.1;
  f.accuracy_percent[1] = 88.2;
  f.confusion.overall.counts[0][0] = 59964;
  f.confusion.overall.counts[0][1] = 2620;
  f.confusion.overall.counts[1][0] = 4711;
  f.confusion.overall.counts[1][1] = 32705;
  m.equal_opportunity_gap = 7.3500000000000085;
  m.feature_importances = {0.0, 0.9427, 0.0, 0.0573};
  return m;
}

ReportInput CreditInput() {
  ReportInput in;
  in.title = "Credit card approval model";
  in.facts = {{"Metrics", "output/model_metrics.json"}};
  in.checks = {{"accuracy", "Test accuracy", 0.92669, Bound::kAtLeast, 0.9, "", 5},
               {"equal_opportunity_gap", "Equal-opportunity gap", 7.3500000000000085,
                Bound::kAtMost, 21, "points", 2}};
  in.model = CreditModel();
  in.tree = IncomeStump();
  in.tree_features = in.model.features;
  in.class_names = {"denied", "approved"};
  return in;
}

TEST(ReportTest, PageIsSelfContained) {
  auto html = RenderModelReport(CreditInput());
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_TRUE(html->starts_with("<!DOCTYPE html>"));
  EXPECT_FALSE(Has(*html, "http")) << "no external references, not even an SVG xmlns";
  EXPECT_FALSE(Has(*html, "<script"));
  EXPECT_FALSE(Has(*html, "<link"));
  EXPECT_FALSE(Has(*html, "<img"));
  EXPECT_FALSE(Has(*html, "url("));
  EXPECT_FALSE(Has(*html, "@import"));
  EXPECT_TRUE(Has(*html, "@media print"));
  EXPECT_TRUE(html->ends_with("</html>\n"));
}

TEST(ReportTest, ShowsChecksFiguresTreeAndMatrices) {
  auto html = RenderModelReport(CreditInput());
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_TRUE(Has(*html, "✓ All 2 checks pass"));
  EXPECT_TRUE(Has(*html, ">0.92669</span> <span class=\"limit\">≥ 0.9<"));
  EXPECT_TRUE(Has(*html, ">7.35 points</span> <span class=\"limit\">≤ 21 points<"));
  EXPECT_FALSE(Has(*html, "check fail"));
  // Performance bars, importances sorted (Income first), fairness values.
  EXPECT_TRUE(Has(*html, ">0.9267<"));
  EXPECT_LT(html->find(">Income<"), html->find(">Own_Housing<"));
  EXPECT_TRUE(Has(*html, ">0.9427<"));
  EXPECT_TRUE(Has(*html, "93.23 %"));
  EXPECT_TRUE(Has(*html, "68.19 %"));
  EXPECT_TRUE(Has(*html, "overall 87.75 %"));
  EXPECT_TRUE(Has(*html, "36,373 approvals"));
  // The tree: split, counts and leaf classes.
  EXPECT_TRUE(Has(*html, "<title>Income ≤ 41500.5</title>Income ≤ 41,500.5<"));
  EXPECT_TRUE(Has(*html, ">samples 100<"));
  EXPECT_TRUE(Has(*html, ">denied 55<"));
  EXPECT_TRUE(Has(*html, "class=\"node leaf\"><title>approved</title>approved<"));
  EXPECT_TRUE(Has(*html, "true (≤)"));
  // The confusion matrix, with its total.
  EXPECT_TRUE(Has(*html, ">59,964<"));
  EXPECT_TRUE(Has(*html, ">32,705<"));
  EXPECT_TRUE(Has(*html, "Overall — 100,000 rows"));
  EXPECT_FALSE(Has(*html, "Selected model vs baseline"));
}

TEST(ReportTest, FailingCheckIsRedAndSaysByHowMuch) {
  ReportInput in = CreditInput();
  in.checks[0].value = 0.88;
  auto html = RenderModelReport(in);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_TRUE(Has(*html, "✗ 1 of 2 checks fail"));
  EXPECT_TRUE(Has(*html, "class=\"verdict fail\""));
  EXPECT_TRUE(Has(*html, "<div class=\"check fail\"><div class=\"label\">Test accuracy"));
  EXPECT_TRUE(Has(*html, ">0.88</span> <span class=\"limit\">&lt; 0.9<"));
  EXPECT_TRUE(Has(*html, "✗ FAIL — 0.02 below the minimum"));
  EXPECT_TRUE(Has(*html, "<div class=\"check pass\"><div class=\"label\">Equal-opportunity gap"));
}

TEST(ReportTest, EscapesEveryName) {
  ReportInput in = CreditInput();
  const std::string evil = "<script>alert('x')</script>&\"";
  in.title = evil;
  in.facts = {{evil, evil}};
  in.model.features[1] = evil;
  in.tree_features[1] = evil;
  in.class_names = {evil, "approved"};
  in.group_names = {evil, "Group 1"};
  in.checks[0].label = evil;
  in.baseline = in.model;
  in.baseline->name = evil;
  auto html = RenderModelReport(in);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_FALSE(Has(*html, "<script"));
  EXPECT_FALSE(Has(*html, "alert('x')"));
  EXPECT_TRUE(Has(*html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
}

TEST(ReportTest, BaselineTableComparesTheTwoModels) {
  ReportInput in = CreditInput();
  ReportModel baseline = CreditModel();
  baseline.name = "baseline";
  baseline.test.accuracy = 0.94847;
  baseline.equal_opportunity_gap = 20.78;
  in.baseline = baseline;
  auto html = RenderModelReport(in);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_TRUE(Has(*html, "Selected model vs baseline"));
  EXPECT_TRUE(
      Has(*html, "<td>Test accuracy</td><td>0.92669</td><td>0.94847</td><td>-0.02178</td>"));
  EXPECT_TRUE(Has(*html, "<td>7.35 points</td><td>20.78 points</td><td>-13.43</td>"));
  EXPECT_TRUE(Has(*html, "<td>Test recall</td><td>0.87748</td><td>0.87748</td><td>0.00000</td>"));
}

TEST(ReportTest, FeatureListJoinsNamesWithCommas) {
  EXPECT_EQ(FeatureList({"Num_Children", "Income", "Own_Car"}), "Num_Children, Income, Own_Car");
  EXPECT_EQ(FeatureList({"Income"}), "Income");
  EXPECT_EQ(FeatureList({}), "");
}

TEST(ReportTest, SingleLeafTreeRenders) {
  TreeArrays a;
  a.children_left = {-1};
  a.children_right = {-1};
  a.feature = {-2};
  a.threshold = {-2};
  a.impurity = {0};
  a.n_node_samples = {7};
  a.weighted_n_node_samples = {7};
  a.value = {7};
  auto leaf = DecisionTree::FromArrays(std::move(a), {1}, 4);
  ASSERT_TRUE(leaf.ok()) << leaf.status().message();
  ReportInput in = CreditInput();
  in.tree = *leaf;
  auto html = RenderModelReport(in);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_TRUE(Has(*html, "Depth 0, 1 leaf, 1 node"));
  EXPECT_TRUE(Has(*html, ">approved 7<"));
  EXPECT_FALSE(Has(*html, "more nodes below"));
}

TEST(ReportTest, DeepTreeIsCutAndSaysSo) {
  ReportInput in = CreditInput();
  in.tree = Chain(40);
  in.tree_features = {"x"};
  auto html = RenderModelReport(in);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_TRUE(Has(*html, "Depth 40, 41 leaves, 81 nodes"));
  EXPECT_TRUE(Has(*html, "Only the top 4 levels (7 of 81 nodes) are drawn"));
  EXPECT_TRUE(Has(*html, "+ 74 more nodes below"));

  in.tree_max_drawn_depth = 1000;  // clamped to what can still be laid out
  html = RenderModelReport(in);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_TRUE(Has(*html, "Only the top 11 levels"));
}

TEST(ReportTest, NoTreeSaysSo) {
  ReportInput in = CreditInput();
  in.tree.reset();
  in.tree_features.clear();
  auto html = RenderModelReport(in);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_TRUE(Has(*html, "No tree was given"));
}

TEST(ReportTest, InconsistentInputIsAnError) {
  ReportInput in = CreditInput();
  in.model.feature_importances.pop_back();
  auto html = RenderModelReport(in);
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.status().message(), "model report: the model has 4 features but 3 importances");

  in = CreditInput();
  in.tree_features = {"Income"};
  html = RenderModelReport(in);
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.status().message(),
            "model report: the tree has 4 features but 1 names were given");
}

}  // namespace
}  // namespace sluice::ml
