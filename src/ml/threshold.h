// Per-group threshold post-processing: turn a classifier's probability of the
// positive class into a 0/1 prediction with a different cut-off per group, the
// fairness exercise's "threshold" variant of the group-unaware model:
//
//   zero_threshold = 0.11; one_threshold = 0.99
//   preds = (probs > zero_threshold)*[Group == 0] + (probs > one_threshold)*[Group == 1]
//
// The comparison is STRICT, as there: a probability equal to its group's
// threshold predicts 0. (sklearn's own predict() is argmax over the class
// probabilities, which for two classes approves only when p > 0.5 as well.)
//
// Errors (InvalidArgument): spans of different lengths, a group outside
// [0, thresholds.size()), or a probability that is NaN or outside [0, 1].
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"

namespace sluice::ml {

// The notebook's thresholds, indexed by group.
inline constexpr double kNotebookGroupThresholds[2] = {0.11, 0.99};

// y_pred[i] = probability[i] > thresholds[group[i]] ? 1 : 0.
Result<std::vector<int64_t>> ApplyGroupThresholds(std::span<const double> probability,
                                                  std::span<const int64_t> group,
                                                  std::span<const double> thresholds);

}  // namespace sluice::ml
