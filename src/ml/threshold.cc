#include "ml/threshold.h"

#include <string>

namespace sluice::ml {

Result<std::vector<int64_t>> ApplyGroupThresholds(std::span<const double> probability,
                                                  std::span<const int64_t> group,
                                                  std::span<const double> thresholds) {
  if (probability.size() != group.size()) {
    return Status::InvalidArgument("probability has " + std::to_string(probability.size()) +
                                   " values but group has " + std::to_string(group.size()) +
                                   "; pass one group per sample");
  }
  std::vector<int64_t> out(probability.size());
  for (size_t i = 0; i < probability.size(); ++i) {
    int64_t g = group[i];
    if (g < 0 || static_cast<uint64_t>(g) >= thresholds.size()) {
      return Status::InvalidArgument("group " + std::to_string(g) + " at index " +
                                     std::to_string(i) + " has no threshold; there are " +
                                     std::to_string(thresholds.size()) +
                                     " thresholds, for groups 0 to " +
                                     std::to_string(static_cast<int64_t>(thresholds.size()) - 1));
    }
    double p = probability[i];
    // Written so that NaN fails too.
    if (!(p >= 0.0 && p <= 1.0)) {
      return Status::InvalidArgument("probability " + std::to_string(p) + " at index " +
                                     std::to_string(i) + " is not in [0, 1]");
    }
    out[i] = p > thresholds[static_cast<size_t>(g)] ? 1 : 0;
  }
  return out;
}

}  // namespace sluice::ml
