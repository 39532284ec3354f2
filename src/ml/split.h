// train_test_split: the same rows in the same order as scikit-learn's
// `train_test_split(..., train_size=, test_size=, random_state=<int>,
// shuffle=True)` without stratification, so a model trained here sees exactly
// the rows the Python notebook's model saw.
//
// How scikit-learn does it (sklearn.model_selection._split, 1.2):
//   * sizes: a float test_size gives n_test = ceil(test_size * n); a float
//     train_size gives n_train = floor(train_size * n); a missing one is the
//     rest (n - other); neither given means test_size = 0.25.
//   * order: perm = numpy RandomState(random_state).permutation(n);
//     test = perm[:n_test], train = perm[n_test : n_test + n_train].
// Permutation() reproduces numpy's legacy permutation bit for bit: MT19937
// seeded with init_genrand(seed) (what RandomState(int) does), then a
// Fisher-Yates shuffle from the last element down, each index drawn with
// numpy's masked rejection sampling on 32-bit outputs.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/status.h"

namespace sluice::ml {

// numpy.random.RandomState(seed).permutation(n), for n < 2^32.
std::vector<size_t> Permutation(size_t n, uint32_t seed);

struct SplitOptions {
  // Fractions in (0, 1); at most one may be left out (see above).
  std::optional<double> train_size;
  std::optional<double> test_size;
  uint32_t random_state = 0;
};

// Row indices into the dataset being split, in scikit-learn's order.
struct SplitIndices {
  std::vector<size_t> train;
  std::vector<size_t> test;
};

// The split sizes scikit-learn computes (its _validate_shuffle_split), or
// InvalidArgument with its reasons: a fraction outside (0, 1), fractions that
// sum to more than 1, or an empty train set.
struct SplitSizes {
  size_t n_train = 0;
  size_t n_test = 0;
};
Result<SplitSizes> ComputeSplitSizes(size_t n_samples, const SplitOptions& options);

Result<SplitIndices> TrainTestSplit(size_t n_samples, const SplitOptions& options);

}  // namespace sluice::ml
