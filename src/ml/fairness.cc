#include "ml/fairness.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <string>

namespace sluice::ml {
namespace {

// a / b, or 0 when b == 0 (see the header on empty denominators).
double Ratio(int64_t a, int64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

// The notebook's "a / b * 100": numpy divides first, then scales.
double Percent(int64_t a, int64_t b) { return Ratio(a, b) * 100.0; }

int64_t Approvals(const ConfusionMatrix& cm) { return cm.fp() + cm.tp(); }

// max - min over the groups present; 0 with fewer than two.
double BetweenGroups(const bool present[2], const double value[2]) {
  if (!present[0] || !present[1]) return 0.0;
  return std::max(value[0], value[1]) - std::min(value[0], value[1]);
}

}  // namespace

Result<GroupConfusion> ComputeGroupConfusion(std::span<const int64_t> y_true,
                                             std::span<const int64_t> y_pred,
                                             std::span<const int64_t> group) {
  if (group.size() != y_true.size()) {
    return Status::InvalidArgument("y_true has " + std::to_string(y_true.size()) +
                                   " labels but group has " + std::to_string(group.size()) +
                                   "; pass one group per sample");
  }
  GroupConfusion out;
  SLUICE_ASSIGN_OR_RETURN(out.overall, ComputeConfusionMatrix(y_true, y_pred));
  for (size_t i = 0; i < group.size(); ++i) {
    int64_t g = group[i];
    if (g != 0 && g != 1) {
      return Status::InvalidArgument("group " + std::to_string(g) + " at index " +
                                     std::to_string(i) +
                                     " is not binary; groups must be 0 or 1");
    }
    // Labels were validated by ComputeConfusionMatrix above.
    ++out.by_group[g].counts[y_true[i]][y_pred[i]];
  }
  return out;
}

NotebookFairness NotebookFigures(const GroupConfusion& cm) {
  NotebookFairness f;
  f.confusion = cm;
  f.total_approvals = Approvals(cm.overall);
  f.tpr_percent_overall = Percent(cm.overall.tp(), cm.overall.fn() + cm.overall.tp());
  f.accuracy_percent_overall =
      Percent(cm.overall.tn() + cm.overall.tp(), cm.overall.total());
  for (int g = 0; g < 2; ++g) {
    const ConfusionMatrix& c = cm.by_group[g];
    f.approvals[g] = Approvals(c);
    f.approval_share_percent[g] = Percent(f.approvals[g], f.total_approvals);
    f.tpr_percent[g] = Percent(c.tp(), c.fn() + c.tp());
    f.accuracy_percent[g] = Percent(c.tn() + c.tp(), c.total());
  }
  return f;
}

Result<NotebookFairness> ComputeNotebookFairness(std::span<const int64_t> y_true,
                                                 std::span<const int64_t> y_pred,
                                                 std::span<const int64_t> group) {
  SLUICE_ASSIGN_OR_RETURN(GroupConfusion cm, ComputeGroupConfusion(y_true, y_pred, group));
  return NotebookFigures(cm);
}

double RoundLikePython(double x, int ndigits) {
  assert(ndigits >= 0 && ndigits <= 17);
  if (!std::isfinite(x)) return x;
  // std::to_chars with a precision is correctly rounded from the exact binary
  // value, ties to even: the same digits CPython's dtoa produces for round().
  // 309 integer digits + sign + point + 17 decimals fit comfortably.
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, ndigits);
  assert(ec == std::errc());
  double out = 0;
  static_cast<void>(std::from_chars(buf, end, out));
  return out;
}

double NotebookEqualOpportunityGap(const NotebookFairness& f) {
  return std::fabs(RoundLikePython(f.tpr_percent[0], 2) - RoundLikePython(f.tpr_percent[1], 2));
}

double ExactEqualOpportunityGap(const NotebookFairness& f) {
  return std::fabs(f.tpr_percent[0] - f.tpr_percent[1]);
}

FairlearnFairness FairlearnFigures(const GroupConfusion& cm) {
  FairlearnFairness f;
  for (int g = 0; g < 2; ++g) {
    const ConfusionMatrix& c = cm.by_group[g];
    f.group_present[g] = c.total() > 0;
    f.selection_rate[g] = Ratio(Approvals(c), c.total());
    f.true_positive_rate[g] = Ratio(c.tp(), c.fn() + c.tp());
    f.false_positive_rate[g] = Ratio(c.fp(), c.tn() + c.fp());
  }
  f.demographic_parity_difference = BetweenGroups(f.group_present, f.selection_rate);
  f.equal_opportunity_difference = BetweenGroups(f.group_present, f.true_positive_rate);
  f.false_positive_rate_difference = BetweenGroups(f.group_present, f.false_positive_rate);
  f.equalized_odds_difference =
      std::max(f.equal_opportunity_difference, f.false_positive_rate_difference);
  return f;
}

Result<FairlearnFairness> ComputeFairlearnFairness(std::span<const int64_t> y_true,
                                                   std::span<const int64_t> y_pred,
                                                   std::span<const int64_t> group) {
  SLUICE_ASSIGN_OR_RETURN(GroupConfusion cm, ComputeGroupConfusion(y_true, y_pred, group));
  return FairlearnFigures(cm);
}

}  // namespace sluice::ml
