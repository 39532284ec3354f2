// Group fairness figures for a binary classifier over a binary group column,
// in two vocabularies that are easy to confuse:
//
// 1. The notebook's figures (Kaggle "AI Fairness" exercise get_stats, reused
//    by the credit-card notebook as get_fairness_stats), in percent. Group 1 is
//    `group == 1` and group 0 the rest; we require groups in {0, 1}, so "the
//    rest" is group 0. The arithmetic is done in the notebook's order so the
//    doubles match numpy's bit for bit:
//      demographic parity: total approvals = sum(y_pred);
//                          share_g = approvals_g / total_approvals * 100
//                          -- the share of ALL approvals that went to group g.
//                          It depends on group sizes; it is not a rate.
//      equal opportunity:  tpr_g = TP_g / (FN_g + TP_g) * 100
//      equal accuracy:     accuracy_g = correct_g / n_g * 100
//      confusion matrices: overall, group 0, group 1 ([[TN, FP], [FN, TP]]).
//    The notebook prints and saves each figure rounded to 2 decimals with
//    Python's round() (see RoundLikePython), and its equal-opportunity gap,
//    the number the pipeline's policy checks against 21, is
//      |round(tpr_0, 2) - round(tpr_1, 2)|   in percentage points,
//    the difference of the ROUNDED figures (hence the published
//    20.799999999999997 = |77.23 - 98.03|). NotebookEqualOpportunityGap gives
//    exactly that; ExactEqualOpportunityGap gives |tpr_0 - tpr_1| unrounded.
//
// 2. Fairlearn's metrics (fairlearn.metrics, method="between_groups"), as
//    fractions in [0, 1], taken over the groups that occur in the data:
//      demographic_parity_difference = max_g SR_g - min_g SR_g, where the
//          selection rate SR_g = approvals_g / n_g (a rate, unlike the
//          notebook's share: with groups of 10 and 90 rows each approving
//          half, the shares are 10 % / 90 % but the difference is 0);
//      equal_opportunity_difference  = max_g TPR_g - min_g TPR_g
//          (the notebook's exact gap / 100, before any rounding);
//      equalized_odds_difference     = max(TPR difference, FPR difference)
//          (agg="worst_case", the default), FPR_g = FP_g / (FP_g + TN_g).
//    With a single group present every difference is 0.
//
// Empty denominators (a group with no rows, no positives, no negatives, or no
// approvals at all) give 0. Fairlearn does the same for TPR/FPR (sklearn's
// normalized confusion matrix); numpy in the notebook would print nan, which
// JSON cannot carry.
//
// Errors: spans of different lengths, labels or groups outside {0, 1} are
// InvalidArgument. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "common/status.h"
#include "ml/metrics.h"

namespace sluice::ml {

// Confusion matrices overall and per group: the one pass over the data that
// every figure below is derived from.
struct GroupConfusion {
  ConfusionMatrix overall;
  ConfusionMatrix by_group[2];  // [0] = group 0, [1] = group 1

  bool operator==(const GroupConfusion&) const = default;
};

Result<GroupConfusion> ComputeGroupConfusion(std::span<const int64_t> y_true,
                                             std::span<const int64_t> y_pred,
                                             std::span<const int64_t> group);

// The notebook's figures at full double precision (percent, unrounded).
struct NotebookFairness {
  // Demographic parity.
  int64_t total_approvals = 0;
  int64_t approvals[2] = {0, 0};
  double approval_share_percent[2] = {0, 0};  // approvals_g / total * 100
  // Equal opportunity.
  double tpr_percent_overall = 0;
  double tpr_percent[2] = {0, 0};
  // Equal accuracy.
  double accuracy_percent_overall = 0;
  double accuracy_percent[2] = {0, 0};
  // Confusion matrices.
  GroupConfusion confusion;
};

NotebookFairness NotebookFigures(const GroupConfusion& cm);
Result<NotebookFairness> ComputeNotebookFairness(std::span<const int64_t> y_true,
                                                 std::span<const int64_t> y_pred,
                                                 std::span<const int64_t> group);

// Python 3's round(x, ndigits) for ndigits >= 0: x is rounded to the nearest
// multiple of 10^-ndigits by its EXACT binary value, ties to even, then read
// back as the nearest double (CPython's correctly rounded dtoa + strtod).
// Exact ties are rare: round(0.125, 2) == 0.12 and round(0.375, 2) == 0.38,
// but round(2.675, 2) == 2.67 because the double 2.675 is just below the half.
// This is neither C's round() (half away from zero on the binary value) nor
// decimal half-even on the printed digits. NaN and infinities are returned
// unchanged. ndigits must be in [0, 17] (asserted).
double RoundLikePython(double x, int ndigits);

// The notebook's EQUAL_OPPORTUNITY_FAIRNESS_PERCENT:
// |round(tpr_0, 2) - round(tpr_1, 2)|, in percentage points.
double NotebookEqualOpportunityGap(const NotebookFairness& f);
// |tpr_0 - tpr_1| in percentage points, unrounded.
double ExactEqualOpportunityGap(const NotebookFairness& f);

// Fairlearn's per-group rates and between-group differences (fractions).
struct FairlearnFairness {
  bool group_present[2] = {false, false};
  double selection_rate[2] = {0, 0};
  double true_positive_rate[2] = {0, 0};
  double false_positive_rate[2] = {0, 0};
  double demographic_parity_difference = 0;
  double equal_opportunity_difference = 0;
  double false_positive_rate_difference = 0;
  double equalized_odds_difference = 0;  // worst case of the two above
};

FairlearnFairness FairlearnFigures(const GroupConfusion& cm);
Result<FairlearnFairness> ComputeFairlearnFairness(std::span<const int64_t> y_true,
                                                   std::span<const int64_t> y_pred,
                                                   std::span<const int64_t> group);

}  // namespace sluice::ml
