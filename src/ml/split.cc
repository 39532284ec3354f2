#include "ml/split.h"

#include <cassert>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <utility>

namespace sluice::ml {

namespace {

// numpy's random_interval(): a uniform integer in [0, max] by masked
// rejection — take 32-bit outputs, keep the low bits up to the smallest
// all-ones mask covering `max`, redraw while the result exceeds `max`.
uint32_t RandomInterval(std::mt19937& mt, uint32_t max) {
  if (max == 0) return 0;
  uint32_t mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  uint32_t value;
  do {
    value = static_cast<uint32_t>(mt()) & mask;
  } while (value > max);
  return value;
}

// Python's repr of a float is what sklearn's messages show; shortest
// round-trip form is close enough for an error message.
std::string Num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string Opt(const std::optional<double>& v) { return v ? Num(*v) : "None"; }

}  // namespace

std::vector<size_t> Permutation(size_t n, uint32_t seed) {
  assert(n <= (size_t{1} << 32));
  // std::mt19937(seed) is Matsumoto and Nishimura's init_genrand(seed), the
  // seeding numpy's RandomState uses for an integer seed; its outputs are
  // genrand_int32's (the standard pins the 10000th output).
  std::mt19937 mt(seed);
  std::vector<size_t> perm(n);
  for (size_t i = 0; i < n; ++i) perm[i] = i;
  for (size_t i = n; i-- > 1;) {
    size_t j = RandomInterval(mt, static_cast<uint32_t>(i));
    std::swap(perm[i], perm[j]);
  }
  return perm;
}

Result<SplitSizes> ComputeSplitSizes(size_t n_samples, const SplitOptions& options) {
  std::optional<double> test = options.test_size;
  std::optional<double> train = options.train_size;
  if (!test && !train) test = 0.25;  // train_test_split's default
  if (test && !(*test > 0 && *test < 1)) {
    return Status::InvalidArgument("test_size=" + Num(*test) +
                                   " should be a fraction in the (0, 1) range");
  }
  if (train && !(*train > 0 && *train < 1)) {
    return Status::InvalidArgument("train_size=" + Num(*train) +
                                   " should be a fraction in the (0, 1) range");
  }
  if (test && train && *train + *test > 1) {
    return Status::InvalidArgument("the sum of test_size and train_size = " + Num(*train + *test) +
                                   " should be in the (0, 1) range; reduce test_size and/or "
                                   "train_size");
  }
  const double n = static_cast<double>(n_samples);
  SplitSizes sizes;
  // Same double arithmetic as sklearn (ceil/floor of fraction * n).
  if (test) sizes.n_test = static_cast<size_t>(std::ceil(*test * n));
  if (train) sizes.n_train = static_cast<size_t>(std::floor(*train * n));
  if (!train) sizes.n_train = n_samples - sizes.n_test;
  if (!test) sizes.n_test = n_samples - sizes.n_train;
  if (sizes.n_train + sizes.n_test > n_samples) {
    return Status::InvalidArgument("the sum of train and test sizes (" +
                                   std::to_string(sizes.n_train + sizes.n_test) +
                                   ") exceeds the number of samples (" + std::to_string(n_samples) +
                                   "); reduce test_size and/or train_size");
  }
  if (sizes.n_train == 0) {
    return Status::InvalidArgument("with n_samples=" + std::to_string(n_samples) +
                                   ", test_size=" + Opt(test) + " and train_size=" + Opt(train) +
                                   ", the train set would be empty; use more rows or a larger "
                                   "train_size");
  }
  return sizes;
}

Result<SplitIndices> TrainTestSplit(size_t n_samples, const SplitOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(SplitSizes sizes, ComputeSplitSizes(n_samples, options));
  std::vector<size_t> perm = Permutation(n_samples, options.random_state);
  SplitIndices out;
  out.test.assign(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(sizes.n_test));
  out.train.assign(perm.begin() + static_cast<std::ptrdiff_t>(sizes.n_test),
                   perm.begin() + static_cast<std::ptrdiff_t>(sizes.n_test + sizes.n_train));
  return out;
}

}  // namespace sluice::ml
