#include "ml/metrics.h"

#include <string>

namespace sluice::ml {

Result<ConfusionMatrix> ComputeConfusionMatrix(std::span<const int64_t> y_true,
                                               std::span<const int64_t> y_pred) {
  if (y_true.size() != y_pred.size()) {
    return Status::InvalidArgument("y_true has " + std::to_string(y_true.size()) +
                                   " labels but y_pred has " + std::to_string(y_pred.size()) +
                                   "; pass one prediction per sample");
  }
  ConfusionMatrix cm;
  for (size_t i = 0; i < y_true.size(); ++i) {
    int64_t t = y_true[i];
    int64_t p = y_pred[i];
    if ((t != 0 && t != 1) || (p != 0 && p != 1)) {
      return Status::InvalidArgument(
          "label " + std::to_string(t != 0 && t != 1 ? t : p) + " at index " + std::to_string(i) +
          (t != 0 && t != 1 ? " of y_true" : " of y_pred") +
          " is not binary; labels must be 0 (negative) or 1 (positive)");
    }
    ++cm.counts[t][p];
  }
  return cm;
}

double Accuracy(const ConfusionMatrix& cm) {
  int64_t n = cm.total();
  return n == 0 ? 0.0 : static_cast<double>(cm.tn() + cm.tp()) / static_cast<double>(n);
}

double Precision(const ConfusionMatrix& cm) {
  int64_t predicted = cm.tp() + cm.fp();
  return predicted == 0 ? 0.0 : static_cast<double>(cm.tp()) / static_cast<double>(predicted);
}

double Recall(const ConfusionMatrix& cm) {
  int64_t actual = cm.tp() + cm.fn();
  return actual == 0 ? 0.0 : static_cast<double>(cm.tp()) / static_cast<double>(actual);
}

double F1(const ConfusionMatrix& cm) {
  double p = Precision(cm);
  double r = Recall(cm);
  double denom = p + r;
  if (denom == 0.0) return 0.0;
  // sklearn 1.2: (1 + beta²) * precision * recall / (beta² * precision + recall),
  // evaluated left to right with beta = 1.
  return 2.0 * p * r / denom;
}

Result<BinaryMetrics> EvaluateBinary(std::span<const int64_t> y_true,
                                     std::span<const int64_t> y_pred) {
  SLUICE_ASSIGN_OR_RETURN(ConfusionMatrix cm, ComputeConfusionMatrix(y_true, y_pred));
  BinaryMetrics m;
  m.accuracy = Accuracy(cm);
  m.precision = Precision(cm);
  m.recall = Recall(cm);
  m.f1 = F1(cm);
  m.confusion = cm;
  return m;
}

}  // namespace sluice::ml
