// Binary classification metrics, computed the way scikit-learn 1.2 computes
// them for labels {0, 1} with pos_label=1, so figures match the notebook's
// to the last bit:
//   accuracy  = correct / n
//   precision = TP / (TP + FP)      (0 when nothing is predicted positive)
//   recall    = TP / (TP + FN)      (0 when there are no true positives)
//   f1        = 2·p·r / (p + r)     (0 when p + r == 0)
// The zero cases are sklearn's zero_division="warn" results (0.0, plus a
// warning we do not emit). f1 uses sklearn 1.2's formula from precision and
// recall, not 2TP/(2TP+FP+FN) (the form sklearn 1.3 switched to), because the
// two can differ in the last bit.
//
// Labels other than 0 and 1, or y_true and y_pred of different lengths, are
// InvalidArgument. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "common/status.h"

namespace sluice::ml {

// Counts by true label (rows) and predicted label (columns), as
// sklearn.metrics.confusion_matrix(y_true, y_pred, labels=[0, 1]):
//   [[TN, FP],
//    [FN, TP]]
struct ConfusionMatrix {
  int64_t counts[2][2] = {{0, 0}, {0, 0}};

  int64_t tn() const { return counts[0][0]; }
  int64_t fp() const { return counts[0][1]; }
  int64_t fn() const { return counts[1][0]; }
  int64_t tp() const { return counts[1][1]; }
  int64_t total() const { return tn() + fp() + fn() + tp(); }

  bool operator==(const ConfusionMatrix&) const = default;
};

Result<ConfusionMatrix> ComputeConfusionMatrix(std::span<const int64_t> y_true,
                                               std::span<const int64_t> y_pred);

// 0 for an empty matrix (sklearn would return NaN with a warning).
double Accuracy(const ConfusionMatrix& cm);
double Precision(const ConfusionMatrix& cm);
double Recall(const ConfusionMatrix& cm);
double F1(const ConfusionMatrix& cm);

struct BinaryMetrics {
  double accuracy = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  ConfusionMatrix confusion;
};

// All of the above from one pass over the labels.
Result<BinaryMetrics> EvaluateBinary(std::span<const int64_t> y_true,
                                     std::span<const int64_t> y_pred);

}  // namespace sluice::ml
