// The median of a benchmark's samples: every figure bench/ prints is one,
// because these machines are noisy.
#pragma once

#include <algorithm>
#include <vector>

namespace sluice::bench {

// The middle value (the mean of the two middle ones for an even count);
// `samples` must not be empty.
inline double Median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  const size_t n = samples.size();
  return n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

}  // namespace sluice::bench
