#include "ml/fairness.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace sluice::ml {
namespace {

// Rows in group `g` reproducing confusion matrix [[tn, fp], [fn, tp]].
void AppendRows(int64_t g, int64_t tn, int64_t fp, int64_t fn, int64_t tp,
                std::vector<int64_t>& y_true, std::vector<int64_t>& y_pred,
                std::vector<int64_t>& group) {
  auto add = [&](int64_t t, int64_t p, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      y_true.push_back(t);
      y_pred.push_back(p);
      group.push_back(g);
    }
  };
  add(0, 0, tn);
  add(0, 1, fp);
  add(1, 0, fn);
  add(1, 1, tp);
}

// Group 0: TP FN FP TN. Group 1: TP TP TP FP TN TN. Rows interleaved:
//               row  0   1   2   3   4   5   6   7   8   9
//           group g0  g1  g0  g1  g0  g1  g1  g1  g1  g0
//                    TP  TP  FN  TP  FP  TP  FP  TN  TN  TN
struct SmallCase {
  std::vector<int64_t> y_true = {1, 1, 1, 1, 0, 1, 0, 0, 0, 0};
  std::vector<int64_t> y_pred = {1, 1, 0, 1, 1, 1, 1, 0, 0, 0};
  std::vector<int64_t> group = {0, 1, 0, 1, 0, 1, 1, 1, 1, 0};
};

TEST(FairnessTest, NotebookFiguresHandComputed) {
  SmallCase c;
  auto f = ComputeNotebookFairness(c.y_true, c.y_pred, c.group);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->confusion.by_group[0].tp(), 1);
  EXPECT_EQ(f->confusion.by_group[0].fn(), 1);
  EXPECT_EQ(f->confusion.by_group[0].fp(), 1);
  EXPECT_EQ(f->confusion.by_group[0].tn(), 1);
  EXPECT_EQ(f->confusion.by_group[1].tp(), 3);
  EXPECT_EQ(f->confusion.by_group[1].fn(), 0);
  EXPECT_EQ(f->confusion.by_group[1].fp(), 1);
  EXPECT_EQ(f->confusion.by_group[1].tn(), 2);
  EXPECT_EQ(f->confusion.overall.tp(), 4);
  EXPECT_EQ(f->confusion.overall.fn(), 1);
  EXPECT_EQ(f->confusion.overall.fp(), 2);
  EXPECT_EQ(f->confusion.overall.tn(), 3);

  EXPECT_EQ(f->total_approvals, 6);
  EXPECT_EQ(f->approvals[0], 2);
  EXPECT_EQ(f->approvals[1], 4);
  EXPECT_EQ(f->approval_share_percent[0], 2.0 / 6.0 * 100.0);
  EXPECT_EQ(f->approval_share_percent[1], 4.0 / 6.0 * 100.0);
  EXPECT_EQ(RoundLikePython(f->approval_share_percent[0], 2), 33.33);
  EXPECT_EQ(RoundLikePython(f->approval_share_percent[1], 2), 66.67);

  EXPECT_EQ(f->tpr_percent_overall, 80.0);
  EXPECT_EQ(f->tpr_percent[0], 50.0);
  EXPECT_EQ(f->tpr_percent[1], 100.0);

  EXPECT_EQ(f->accuracy_percent_overall, 70.0);
  EXPECT_EQ(f->accuracy_percent[0], 50.0);
  EXPECT_EQ(f->accuracy_percent[1], 5.0 / 6.0 * 100.0);
  EXPECT_EQ(RoundLikePython(f->accuracy_percent[1], 2), 83.33);

  EXPECT_EQ(NotebookEqualOpportunityGap(*f), 50.0);
  EXPECT_EQ(ExactEqualOpportunityGap(*f), 50.0);
}

TEST(FairnessTest, FairlearnFiguresHandComputed) {
  SmallCase c;
  auto f = ComputeFairlearnFairness(c.y_true, c.y_pred, c.group);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(f->group_present[0]);
  EXPECT_TRUE(f->group_present[1]);
  EXPECT_EQ(f->selection_rate[0], 0.5);             // 2 of 4
  EXPECT_EQ(f->selection_rate[1], 4.0 / 6.0);       // 4 of 6
  EXPECT_EQ(f->true_positive_rate[0], 0.5);         // 1 of 2
  EXPECT_EQ(f->true_positive_rate[1], 1.0);         // 3 of 3
  EXPECT_EQ(f->false_positive_rate[0], 0.5);        // 1 of 2
  EXPECT_EQ(f->false_positive_rate[1], 1.0 / 3.0);  // 1 of 3
  EXPECT_EQ(f->demographic_parity_difference, 4.0 / 6.0 - 0.5);
  EXPECT_EQ(f->equal_opportunity_difference, 0.5);
  EXPECT_EQ(f->false_positive_rate_difference, 0.5 - 1.0 / 3.0);
  EXPECT_EQ(f->equalized_odds_difference, 0.5);
}

TEST(FairnessTest, EqualizedOddsTakesFprWhenLarger) {
  // Same TPR (1.0) in both groups; FPR 1.0 vs 0.0.
  std::vector<int64_t> y_true = {1, 0, 1, 0};
  std::vector<int64_t> y_pred = {1, 1, 1, 0};
  std::vector<int64_t> group = {0, 0, 1, 1};
  auto f = ComputeFairlearnFairness(y_true, y_pred, group);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->equal_opportunity_difference, 0.0);
  EXPECT_EQ(f->false_positive_rate_difference, 1.0);
  EXPECT_EQ(f->equalized_odds_difference, 1.0);
}

TEST(FairnessTest, NotebookSharesAreNotSelectionRates) {
  // 10 rows in group 0 and 90 in group 1, each group approving exactly half.
  std::vector<int64_t> y_true, y_pred, group;
  AppendRows(0, /*tn=*/5, /*fp=*/0, /*fn=*/0, /*tp=*/5, y_true, y_pred, group);
  AppendRows(1, 45, 0, 0, 45, y_true, y_pred, group);
  auto nb = ComputeNotebookFairness(y_true, y_pred, group);
  auto fl = ComputeFairlearnFairness(y_true, y_pred, group);
  ASSERT_TRUE(nb.ok());
  ASSERT_TRUE(fl.ok());
  // The notebook: group 1 gets 90 % of approvals, which looks like disparity...
  EXPECT_EQ(nb->approval_share_percent[0], 10.0);
  EXPECT_EQ(nb->approval_share_percent[1], 90.0);
  // ...but both groups are approved at the same rate: Fairlearn says parity.
  EXPECT_EQ(fl->selection_rate[0], 0.5);
  EXPECT_EQ(fl->selection_rate[1], 0.5);
  EXPECT_EQ(fl->demographic_parity_difference, 0.0);
}

TEST(FairnessTest, PublishedBaselineFigures) {
  // The baseline tree's test confusion matrices (reference §2.3).
  std::vector<int64_t> y_true, y_pred, group;
  AppendRows(0, 39723, 500, 2219, 7528, y_true, y_pred, group);
  AppendRows(1, 19242, 1921, 570, 28297, y_true, y_pred, group);
  auto f = ComputeNotebookFairness(y_true, y_pred, group);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->confusion.overall.tn(), 58965);
  EXPECT_EQ(f->confusion.overall.fp(), 2421);
  EXPECT_EQ(f->confusion.overall.fn(), 2789);
  EXPECT_EQ(f->confusion.overall.tp(), 35825);
  EXPECT_EQ(f->total_approvals, 38246);
  EXPECT_EQ(f->approvals[0], 8028);
  EXPECT_EQ(f->approvals[1], 30218);
  EXPECT_EQ(RoundLikePython(f->approval_share_percent[0], 2), 20.99);
  EXPECT_EQ(RoundLikePython(f->approval_share_percent[1], 2), 79.01);
  EXPECT_EQ(RoundLikePython(f->tpr_percent_overall, 2), 92.78);
  EXPECT_EQ(RoundLikePython(f->tpr_percent[0], 2), 77.23);
  EXPECT_EQ(RoundLikePython(f->tpr_percent[1], 2), 98.03);
  EXPECT_EQ(RoundLikePython(f->accuracy_percent_overall, 2), 94.79);
  EXPECT_EQ(RoundLikePython(f->accuracy_percent[0], 2), 94.56);
  EXPECT_EQ(RoundLikePython(f->accuracy_percent[1], 2), 95.02);
  // The saved EQUAL_OPPORTUNITY_FAIRNESS_PERCENT, float artifact included.
  EXPECT_EQ(NotebookEqualOpportunityGap(*f), 20.799999999999997);
  EXPECT_NEAR(ExactEqualOpportunityGap(*f), 20.79140623379283, 1e-11);

  GroupConfusion cm = f->confusion;
  FairlearnFairness fl = FairlearnFigures(cm);
  EXPECT_NEAR(fl.demographic_parity_difference, 0.4433412076028347, 1e-15);
  EXPECT_NEAR(fl.equal_opportunity_difference, 0.2079140623379283, 1e-15);
  EXPECT_NEAR(fl.false_positive_rate_difference, 0.07834093087724496, 1e-15);
  EXPECT_EQ(fl.equalized_odds_difference, fl.equal_opportunity_difference);
}

TEST(FairnessTest, PublishedUnawareAndThresholdFigures) {
  {
    std::vector<int64_t> y_true, y_pred, group;
    AppendRows(0, 37687, 2536, 659, 9088, y_true, y_pred, group);
    AppendRows(1, 21002, 161, 3982, 24885, y_true, y_pred, group);
    auto f = ComputeNotebookFairness(y_true, y_pred, group);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->total_approvals, 36670);
    EXPECT_EQ(RoundLikePython(f->approval_share_percent[0], 2), 31.7);
    EXPECT_EQ(RoundLikePython(f->approval_share_percent[1], 2), 68.3);
    EXPECT_EQ(RoundLikePython(f->tpr_percent[0], 2), 93.24);
    EXPECT_EQ(RoundLikePython(f->tpr_percent[1], 2), 86.21);
    EXPECT_EQ(RoundLikePython(f->accuracy_percent_overall, 2), 92.66);
    EXPECT_EQ(RoundLikePython(f->accuracy_percent[0], 2), 93.61);
    EXPECT_EQ(RoundLikePython(f->accuracy_percent[1], 2), 91.72);
    EXPECT_EQ(NotebookEqualOpportunityGap(*f), 7.030000000000001);
    FairlearnFairness fl = FairlearnFigures(f->confusion);
    EXPECT_NEAR(fl.equal_opportunity_difference, 0.07033243303828807, 1e-15);
    EXPECT_NEAR(fl.false_positive_rate_difference, 0.05544088751940436, 1e-15);
  }
  {
    std::vector<int64_t> y_true, y_pred, group;
    AppendRows(0, 30101, 10122, 0, 9747, y_true, y_pred, group);
    AppendRows(1, 21163, 0, 10495, 18372, y_true, y_pred, group);
    auto f = ComputeNotebookFairness(y_true, y_pred, group);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->total_approvals, 38241);
    EXPECT_EQ(RoundLikePython(f->approval_share_percent[0], 2), 51.96);
    EXPECT_EQ(RoundLikePython(f->approval_share_percent[1], 2), 48.04);
    EXPECT_EQ(RoundLikePython(f->tpr_percent_overall, 2), 72.82);
    EXPECT_EQ(f->tpr_percent[0], 100.0);
    EXPECT_EQ(RoundLikePython(f->tpr_percent[1], 2), 63.64);
    EXPECT_EQ(RoundLikePython(f->accuracy_percent_overall, 2), 79.38);
    EXPECT_EQ(RoundLikePython(f->accuracy_percent[0], 2), 79.74);
    EXPECT_EQ(RoundLikePython(f->accuracy_percent[1], 2), 79.02);
    FairlearnFairness fl = FairlearnFigures(f->confusion);
    EXPECT_NEAR(fl.equalized_odds_difference, 0.363563931132435, 1e-15);
    EXPECT_NEAR(fl.false_positive_rate_difference, 0.2516470675981404, 1e-15);
  }
}

TEST(FairnessTest, RoundLikePythonRoundsTheBinaryValueHalfEven) {
  EXPECT_EQ(RoundLikePython(2.675, 2), 2.67);   // 2.675 is stored just below the half
  EXPECT_EQ(RoundLikePython(0.125, 2), 0.12);   // exact tie -> even
  EXPECT_EQ(RoundLikePython(0.375, 2), 0.38);   // exact tie -> even
  EXPECT_EQ(RoundLikePython(-0.125, 2), -0.12);
  EXPECT_EQ(RoundLikePython(1.005, 2), 1.0);
  EXPECT_EQ(RoundLikePython(0.015, 2), 0.01);
  EXPECT_EQ(RoundLikePython(2.5, 0), 2.0);
  EXPECT_EQ(RoundLikePython(3.5, 0), 4.0);
  EXPECT_EQ(RoundLikePython(1e300, 2), 1e300);
  EXPECT_TRUE(std::isnan(RoundLikePython(std::numeric_limits<double>::quiet_NaN(), 2)));
  EXPECT_EQ(RoundLikePython(std::numeric_limits<double>::infinity(), 2),
            std::numeric_limits<double>::infinity());
}

TEST(FairnessTest, EmptyDenominatorsGiveZero) {
  // Only group 1 present; no approvals; no positives.
  std::vector<int64_t> y_true = {0, 0};
  std::vector<int64_t> y_pred = {0, 0};
  std::vector<int64_t> group = {1, 1};
  auto f = ComputeNotebookFairness(y_true, y_pred, group);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->total_approvals, 0);
  EXPECT_EQ(f->approval_share_percent[0], 0.0);
  EXPECT_EQ(f->approval_share_percent[1], 0.0);
  EXPECT_EQ(f->tpr_percent[1], 0.0);
  EXPECT_EQ(f->accuracy_percent[0], 0.0);
  EXPECT_EQ(f->accuracy_percent[1], 100.0);
  auto fl = ComputeFairlearnFairness(y_true, y_pred, group);
  ASSERT_TRUE(fl.ok());
  EXPECT_FALSE(fl->group_present[0]);
  EXPECT_TRUE(fl->group_present[1]);
  EXPECT_EQ(fl->demographic_parity_difference, 0.0);
  EXPECT_EQ(fl->equalized_odds_difference, 0.0);
}

TEST(FairnessTest, RejectsBadInput) {
  std::vector<int64_t> y = {0, 1};
  std::vector<int64_t> short_group = {0};
  auto a = ComputeGroupConfusion(y, y, short_group);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find("group has 1"), std::string::npos);

  std::vector<int64_t> bad_group = {0, 2};
  auto b = ComputeGroupConfusion(y, y, bad_group);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("group 2 at index 1"), std::string::npos);

  std::vector<int64_t> bad_label = {0, 3};
  std::vector<int64_t> group = {0, 1};
  EXPECT_FALSE(ComputeGroupConfusion(bad_label, y, group).ok());
}

}  // namespace
}  // namespace sluice::ml
