// Fitting: scikit-learn 1.2's DepthFirstTreeBuilder driving its
// BestSplitter with the Gini criterion, following section 5 of
// ../shared/reference/credit-card-data-and-tree.md (step numbers below refer
// to it).
//
// One deliberate difference in *how*, not *what*: sklearn sorts each visited
// feature's values at every node. The split search only needs, for each
// distinct value present in the node, in increasing order, its class counts:
// candidate positions are the starts of runs of values within
// FEATURE_THRESHOLD of the previous one, and the order of equal values inside
// a run cannot change any count, threshold or comparison. So we
//   * encode each feature once: its distinct values ("levels", sorted) and,
//     per sample, the index of its level (a dense rank, "code");
//   * keep every feature's codes and the labels (both in the narrowest
//     unsigned type that holds them) in node order, each node a
//     contiguous range, stably partitioned after each split (no sample ids
//     are needed: leaves only keep class counts). Two copies alternate by
//     depth: a node at depth d is read from copy d % 2 and its children are
//     written to the other, into the same range, so nothing is copied back;
//     ranges of open nodes never overlap, so no live data is overwritten;
//   * per node and feature, get the present levels with their class counts
//     from a histogram over the codes when the node is large compared with
//     levels x classes, else by sorting the node's (code, label) pairs;
// and scan those levels exactly as sklearn scans sorted samples. All counts
// are exact integers (no sample weights), so the Gini formulas, evaluated in
// sklearn's order in double, give the same bits.
#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "ml/tree.h"
#include "ml/tree_rng.h"

namespace sluice::ml {

namespace {

// sklearn's FEATURE_THRESHOLD (a float32): values closer than this to the
// previous sorted value are treated as equal.
constexpr float kFeatureThreshold = 1e-7f;
// sklearn's EPSILON in the builder (np.finfo('double').eps).
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Gini impurity as sklearn's Gini criterion computes it (node_impurity and
// children_impurity share the formula): 1 - sum_c count_c^2 / w^2, the sum
// accumulated from 0.0 in class order.
double Gini(const int64_t* counts, size_t n_classes, double w) {
  double sq = 0.0;
  for (size_t c = 0; c < n_classes; ++c) {
    const auto k = static_cast<double>(counts[c]);
    sq += k * k;
  }
  return 1.0 - sq / (w * w);
}

// sklearn's Gini proxy improvement of a split, in its order of operations
// (bit-exactness depends on it): -w_right*gini_right - w_left*gini_left.
inline double ProxyImprovement(double sq_left, double sq_right, double w_left, double w_right) {
  const double gini_left = 1.0 - sq_left / (w_left * w_left);
  const double gini_right = 1.0 - sq_right / (w_right * w_right);
  return -w_right * gini_right - w_left * gini_left;
}

// sklearn's threshold: the midpoint of two float32 values computed in
// double, or the lower value when the midpoint rounds to the upper one or
// overflows.
inline double MidpointThreshold(float lo, float hi) {
  double threshold = static_cast<double>(lo) / 2.0 + static_cast<double>(hi) / 2.0;
  if (threshold == static_cast<double>(hi) || threshold == kInf || threshold == -kInf) {
    threshold = static_cast<double>(lo);
  }
  return threshold;
}

// sklearn's SplitRecord, initialised as _init_split does, plus the code of
// the last level going left (the partition key).
struct SplitRecord {
  int64_t feature = 0;
  size_t pos = 0;  // first sample of the right child
  double threshold = 0.0;
  double improvement = -kInf;
  double impurity_left = kInf;
  double impurity_right = kInf;
  uint32_t last_left_code = 0;
};

// sklearn's stack record.
struct StackRecord {
  size_t start;
  size_t end;
  int depth;
  int64_t parent;
  bool is_left;
  double impurity;
  size_t n_constant_features;
  // The node's class counts travel beside it (Build's stack_counts, in the
  // same order): they are known from the parent's split, so no node counts
  // its samples again.
};

// Small non-negative integers (level codes, class labels) in the narrowest
// unsigned type that holds them: every split moves all of them, so bytes
// saved here are time saved.
using SmallInts =
    std::variant<std::vector<uint8_t>, std::vector<uint16_t>, std::vector<uint32_t>>;

SmallInts MakeSmallInts(size_t max_value, size_t n) {
  if (max_value <= std::numeric_limits<uint8_t>::max()) return std::vector<uint8_t>(n);
  if (max_value <= std::numeric_limits<uint16_t>::max()) return std::vector<uint16_t>(n);
  return std::vector<uint32_t>(n);
}

// A zeroed vector of the same type and length as `v`.
SmallInts SameShape(const SmallInts& v) {
  return std::visit(
      [](const auto& x) -> SmallInts { return std::decay_t<decltype(x)>(x.size()); }, v);
}

// Sets values[i] = value_of(i) for every i, whatever the variant holds.
template <typename ValueOf>
void FillSmallInts(SmallInts& values, ValueOf value_of) {
  std::visit(
      [&](auto& v) {
        using T = typename std::decay_t<decltype(v)>::value_type;
        for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<T>(value_of(i));
      },
      values);
}

// A feature's distinct values, ascending, and each sample's index into them.
struct EncodedFeature {
  std::vector<float> levels;
  SmallInts codes;
};

// Maps a finite float to a uint32 whose unsigned order is the float order
// (-0.0 just before +0.0; both land in one level, see Encode).
uint32_t SortKey(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

// LSD radix sort of `keys` by bits [low_bit, low_bit + n_bits), 11 bits per
// pass; a pass where every key has the same digit is skipped.
void RadixSort(std::vector<uint64_t>& keys, std::vector<uint64_t>& tmp, int low_bit, int n_bits) {
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  size_t count[kBuckets];
  tmp.resize(keys.size());
  for (int shift = low_bit; shift < low_bit + n_bits; shift += kBits) {
    std::fill(std::begin(count), std::end(count), 0);
    for (uint64_t k : keys) ++count[(k >> shift) & (kBuckets - 1)];
    if (std::find(std::begin(count), std::end(count), keys.size()) != std::end(count)) continue;
    size_t sum = 0;
    for (size_t& c : count) sum += std::exchange(c, sum);
    for (uint64_t k : keys) tmp[count[(k >> shift) & (kBuckets - 1)]++] = k;
    keys.swap(tmp);
  }
}

// Encodes integer-valued columns whose range is small compared with their
// length by direct addressing; returns false (leaving `out` alone) otherwise.
bool EncodeSmallIntegers(const std::vector<float>& column, EncodedFeature* out) {
  constexpr float kMaxExact = 16777216.0f;  // 2^24: every integer below is a float
  float lo = column[0], hi = column[0];
  bool integers = true;
  for (float v : column) {
    const bool in_range = std::fabs(v) < kMaxExact;
    integers &= in_range && v == static_cast<float>(static_cast<int32_t>(in_range ? v : 0.0f));
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!integers) return false;
  const auto base = static_cast<int64_t>(lo);
  const auto range = static_cast<size_t>(static_cast<int64_t>(hi) - base) + 1;
  if (range > 4 * column.size() + 1024) return false;
  std::vector<uint32_t> code_of(range, 0);
  for (float v : column) code_of[static_cast<size_t>(static_cast<int64_t>(v) - base)] = 1;
  uint32_t next = 0;
  for (size_t k = 0; k < range; ++k) {
    if (code_of[k] == 0) continue;
    code_of[k] = next++;
    out->levels.push_back(static_cast<float>(base + static_cast<int64_t>(k)));
  }
  out->codes = MakeSmallInts(next - 1, column.size());
  FillSmallInts(out->codes, [&](size_t i) {
    return code_of[static_cast<size_t>(static_cast<int64_t>(column[i]) - base)];
  });
  return true;
}

// Any finite column: radix sort of (key, row) pairs, then one walk assigning
// a new code whenever the value changes.
void EncodeBySorting(const std::vector<float>& column, EncodedFeature* out) {
  const size_t n = column.size();
  std::vector<uint64_t> pairs(n), tmp;
  for (size_t i = 0; i < n; ++i) pairs[i] = uint64_t{SortKey(column[i])} << 32 | i;
  RadixSort(pairs, tmp, 32, 32);
  // -0.0 == +0.0: one level, as they are one value to every comparison.
  for (uint64_t p : pairs) {
    const float v = column[static_cast<size_t>(p & 0xffffffffu)];
    if (out->levels.empty() || v != out->levels.back()) out->levels.push_back(v);
  }
  std::vector<uint32_t> code_of_row(n);
  uint32_t code = 0;
  for (size_t k = 0; k < n; ++k) {
    const auto row = static_cast<size_t>(pairs[k] & 0xffffffffu);
    if (k > 0 && column[row] != column[static_cast<size_t>(pairs[k - 1] & 0xffffffffu)]) ++code;
    code_of_row[row] = code;
  }
  out->codes = MakeSmallInts(out->levels.size() - 1, n);
  FillSmallInts(out->codes, [&](size_t i) { return code_of_row[i]; });
}

EncodedFeature Encode(const std::vector<float>& column) {
  EncodedFeature e;
  if (!EncodeSmallIntegers(column, &e)) EncodeBySorting(column, &e);
  return e;
}

class Fitter {
 public:
  Fitter(const std::vector<std::vector<float>>& columns, std::vector<int32_t> labels,
         size_t n_classes, const TreeOptions& options)
      : columns_(columns),
        n_samples_(labels.size()),
        n_features_(columns.size()),
        n_classes_(n_classes),
        // sklearn: max_depth None -> INT32_MAX; min_samples_split raised to
        // 2 * min_samples_leaf; min_weight_leaf is 0 without sample weights.
        max_depth_(options.max_depth < 0 ? std::numeric_limits<int32_t>::max()
                                         : options.max_depth),
        min_samples_leaf_(static_cast<size_t>(options.min_samples_leaf)),
        min_samples_split_(static_cast<size_t>(
            std::max(options.min_samples_split, 2 * options.min_samples_leaf))),
        min_impurity_decrease_(options.min_impurity_decrease),
        rng_(tree_internal::SplitterSeed(options.random_state)),
        labels_{MakeSmallInts(n_classes - 1, labels.size()), {}} {
    FillSmallInts(labels_[0], [&](size_t i) { return labels[i]; });
  }

  TreeArrays Build();

 private:
  void CountAllClasses(int64_t* counts) const;
  SplitRecord NodeSplit(size_t start, size_t end, int depth, double impurity,
                        const int64_t* node_counts, size_t* n_constant_features);
  // Fills present_ with the codes of the levels of `feature` present in
  // [start, end), ascending, and their class counts: in present_counts_
  // (n_classes each) when they came from a histogram, else as runs of the
  // sorted sort_keys_ starting at present_begin_. Memory stays O(m) whatever
  // the number of levels and classes.
  void CollectLevels(size_t feature, size_t start, size_t end, int depth);
  template <typename Code, typename Label>
  void CollectLevelsOf(const Code* codes, const Label* labels, size_t n_levels, size_t start,
                       size_t end);
  // Scans present_ for the best split of `feature` (steps 7-10); updates
  // best and best_proxy when a strictly better split is found.
  void ScanLevels(int64_t feature, size_t start, size_t end, const int64_t* node_counts,
                  double* best_proxy, SplitRecord* best);
  // The scan itself; add_level(j, left) adds present level j's class counts
  // to left and returns its number of samples.
  template <typename AddLevel>
  void ScanLevelsWith(int64_t feature, size_t start, size_t end, const int64_t* node_counts,
                      double* best_proxy, SplitRecord* best, AddLevel add_level);
  // Writes every feature's codes and the labels of [start, end) from the
  // depth's copy into the children's copy, left samples first, each side in
  // its original order.
  void Partition(const SplitRecord& split, size_t start, size_t end, int depth);
  // The node-ordered data of nodes at `depth`.
  SmallInts& Codes(size_t feature, int depth) { return codes_[depth & 1][feature]; }
  SmallInts& Labels(int depth) { return labels_[depth & 1]; }
  int64_t AddNode(TreeArrays& t, int64_t parent, bool is_left, bool is_leaf,
                  const SplitRecord& split, double impurity, size_t n_node_samples,
                  const int64_t* counts) const;

  // Constant after construction.
  const std::vector<std::vector<float>>& columns_;
  const size_t n_samples_;
  const size_t n_features_;
  const size_t n_classes_;
  const int max_depth_;
  const size_t min_samples_leaf_;
  const size_t min_samples_split_;
  const double min_impurity_decrease_;

  tree_internal::XorShiftRandR rng_;
  // Each feature's levels; codes are moved out into codes_[0].
  std::vector<EncodedFeature> features_enc_;
  // In node order, one copy per depth parity: each open node is the range
  // [start, end) of its copy.
  std::vector<SmallInts> codes_[2];  // [parity][feature]
  SmallInts labels_[2];
  // Scratch.
  std::vector<uint32_t> histogram_;       // levels x n_classes, kept all zero
  std::vector<uint64_t> sort_keys_;       // code << 32 | label, small nodes
  std::vector<uint64_t> sort_tmp_;
  std::vector<uint32_t> present_;         // codes of the levels in the node
  std::vector<int64_t> present_counts_;   // their class counts, n_classes each
  std::vector<size_t> present_begin_;     // or their first key in sort_keys_
  bool counts_from_histogram_ = false;
  std::vector<uint8_t> goes_left_;        // by position, for a partition
  std::vector<int64_t> left_counts_;       // n_classes_
  std::vector<int64_t> best_left_counts_;  // left child's counts of the best split
  // The splitter's persistent feature permutation and constant list.
  std::vector<int64_t> features_;
  std::vector<int64_t> constant_features_;
};

void Fitter::CountAllClasses(int64_t* counts) const {
  std::fill(counts, counts + n_classes_, 0);
  std::visit(
      [&](const auto& labels) {
        if (n_classes_ == 2) {  // a sum vectorises; ++counts[label] does not
          int64_t ones = 0;
          for (auto label : labels) ones += label;
          counts[0] = static_cast<int64_t>(n_samples_) - ones;
          counts[1] = ones;
          return;
        }
        for (auto label : labels) ++counts[label];
      },
      labels_[0]);
}

void Fitter::CollectLevels(size_t feature, size_t start, size_t end, int depth) {
  const size_t n_levels = features_enc_[feature].levels.size();
  std::visit(
      [&](const auto& codes, const auto& labels) {
        CollectLevelsOf(codes.data(), labels.data(), n_levels, start, end);
      },
      Codes(feature, depth), Labels(depth));
}

template <typename Code, typename Label>
void Fitter::CollectLevelsOf(const Code* codes, const Label* labels, size_t n_levels,
                             size_t start, size_t end) {
  const size_t m = end - start;
  present_.clear();
  present_counts_.clear();
  present_begin_.clear();
  counts_from_histogram_ = n_levels * n_classes_ <= 2 * m;
  if (counts_from_histogram_) {
    // Histogram: O(m + levels x classes) = O(m).
    if (histogram_.size() < n_levels * n_classes_) histogram_.resize(n_levels * n_classes_, 0);
    uint32_t* h = histogram_.data();
    for (size_t i = start; i < end; ++i) ++h[size_t{codes[i]} * n_classes_ + labels[i]];
    for (size_t k = 0; k < n_levels; ++k) {
      uint32_t* row = h + k * n_classes_;
      uint32_t total = 0;
      for (size_t c = 0; c < n_classes_; ++c) total += row[c];
      if (total == 0) continue;
      present_.push_back(static_cast<uint32_t>(k));
      for (size_t c = 0; c < n_classes_; ++c) {
        present_counts_.push_back(row[c]);
        row[c] = 0;
      }
    }
    return;
  }
  // Few samples for many levels (or classes): sort the node's (code, label)
  // pairs; each level is a run of keys.
  sort_keys_.resize(m);
  for (size_t i = 0; i < m; ++i) {
    sort_keys_[i] = uint64_t{codes[start + i]} << 32 | static_cast<uint32_t>(labels[start + i]);
  }
  if (m < 256) {
    std::sort(sort_keys_.begin(), sort_keys_.end());
  } else {
    RadixSort(sort_keys_, sort_tmp_, 32, std::bit_width(n_levels - 1));
  }
  for (size_t k = 0; k < m; ++k) {
    const auto code = static_cast<uint32_t>(sort_keys_[k] >> 32);
    if (present_.empty() || present_.back() != code) {
      present_.push_back(code);
      present_begin_.push_back(k);
    }
  }
  present_begin_.push_back(m);
}

void Fitter::ScanLevels(int64_t feature, size_t start, size_t end, const int64_t* node_counts,
                        double* best_proxy, SplitRecord* best) {
  if (counts_from_histogram_) {
    ScanLevelsWith(feature, start, end, node_counts, best_proxy, best,
                   [&](size_t j, int64_t* left) {
                     const int64_t* counts = present_counts_.data() + j * n_classes_;
                     size_t n = 0;
                     for (size_t c = 0; c < n_classes_; ++c) {
                       left[c] += counts[c];
                       n += static_cast<size_t>(counts[c]);
                     }
                     return n;
                   });
  } else {
    ScanLevelsWith(feature, start, end, node_counts, best_proxy, best,
                   [&](size_t j, int64_t* left) {
                     for (size_t k = present_begin_[j]; k < present_begin_[j + 1]; ++k) {
                       ++left[sort_keys_[k] & 0xffffffffu];
                     }
                     return present_begin_[j + 1] - present_begin_[j];
                   });
  }
}

template <typename AddLevel>
void Fitter::ScanLevelsWith(int64_t feature, size_t start, size_t end,
                            const int64_t* node_counts, double* best_proxy, SplitRecord* best,
                            AddLevel add_level) {
  const std::vector<float>& levels = features_enc_[static_cast<size_t>(feature)].levels;
  const size_t m = end - start;
  const size_t n_present = present_.size();
  int64_t* left = left_counts_.data();
  std::fill(left, left + n_classes_, 0);
  size_t i = 0;  // samples on the left
  size_t j = 0;  // next present level
  while (j < n_present) {
    // Step 7: a run of levels, each within FEATURE_THRESHOLD of the one
    // before it; a candidate split follows the run.
    size_t last = j;
    do {
      last = j;
      i += add_level(j, left);
      ++j;
    } while (j < n_present && levels[present_[j]] <= levels[present_[last]] + kFeatureThreshold);
    if (j >= n_present) break;
    // Step 8.
    if (i < min_samples_leaf_ || m - i < min_samples_leaf_) continue;
    // Step 9: proxy = -w_right * gini_right - w_left * gini_left.
    const auto w_left = static_cast<double>(i);
    const auto w_right = static_cast<double>(m - i);
    double sq_left = 0.0, sq_right = 0.0;
    for (size_t c = 0; c < n_classes_; ++c) {
      const auto kl = static_cast<double>(left[c]);
      const auto kr = static_cast<double>(node_counts[c] - left[c]);
      sq_left += kl * kl;
      sq_right += kr * kr;
    }
    const double proxy = ProxyImprovement(sq_left, sq_right, w_left, w_right);
    // Step 10: strictly better only, so the earliest feature and the lowest
    // threshold win ties.
    if (proxy > *best_proxy) {
      *best_proxy = proxy;
      best->feature = feature;
      best->pos = start + i;
      best->threshold = MidpointThreshold(levels[present_[last]], levels[present_[j]]);
      best->last_left_code = present_[last];
      std::copy(left, left + n_classes_, best_left_counts_.begin());
    }
  }
}

SplitRecord Fitter::NodeSplit(size_t start, size_t end, int depth, double impurity,
                              const int64_t* node_counts, size_t* n_constant_features) {
  SplitRecord best;
  best.pos = end;
  double best_proxy = -kInf;

  const size_t max_features = n_features_;
  size_t f_i = n_features_;
  size_t n_visited = 0, n_found_constants = 0, n_drawn_constants = 0;
  const size_t n_known_constants = *n_constant_features;
  size_t n_total_constants = n_known_constants;

  while (f_i > n_total_constants &&
         (n_visited < max_features || n_visited <= n_found_constants + n_drawn_constants)) {
    // Steps 1-3: draw the next feature (Fisher-Yates over the unvisited,
    // non-constant part of features_).
    ++n_visited;
    auto f_j = static_cast<size_t>(rng_.RandInt(static_cast<int64_t>(n_drawn_constants),
                                                static_cast<int64_t>(f_i - n_found_constants)));
    if (f_j < n_known_constants) {
      std::swap(features_[n_drawn_constants], features_[f_j]);
      ++n_drawn_constants;
      continue;
    }
    f_j += n_found_constants;
    const int64_t feature = features_[f_j];
    // Step 4 (the node's levels, ascending) and step 5: constant here?
    CollectLevels(static_cast<size_t>(feature), start, end, depth);
    const std::vector<float>& levels = features_enc_[static_cast<size_t>(feature)].levels;
    if (levels[present_.back()] <= levels[present_.front()] + kFeatureThreshold) {
      std::swap(features_[f_j], features_[n_total_constants]);
      ++n_found_constants;
      ++n_total_constants;
      continue;
    }
    // Step 6.
    --f_i;
    std::swap(features_[f_i], features_[f_j]);
    ScanLevels(feature, start, end, node_counts, &best_proxy, &best);
  }

  if (best.pos < end) {
    Partition(best, start, end, depth);
    // Children impurities and the improvement, as sklearn recomputes them.
    const std::vector<int64_t>& left = best_left_counts_;
    std::vector<int64_t> right(n_classes_);
    for (size_t c = 0; c < n_classes_; ++c) right[c] = node_counts[c] - left[c];
    const auto w_node = static_cast<double>(end - start);
    const auto w_left = static_cast<double>(best.pos - start);
    const auto w_right = static_cast<double>(end - best.pos);
    best.impurity_left = Gini(left.data(), n_classes_, w_left);
    best.impurity_right = Gini(right.data(), n_classes_, w_right);
    best.improvement = (w_node / static_cast<double>(n_samples_)) *
                       (impurity - (w_right / w_node * best.impurity_right) -
                        (w_left / w_node * best.impurity_left));
  }

  // Constant bookkeeping: keep the known constants' order for the children,
  // then append the ones found here.
  std::copy(constant_features_.begin(),
            constant_features_.begin() + static_cast<std::ptrdiff_t>(n_known_constants),
            features_.begin());
  std::copy(features_.begin() + static_cast<std::ptrdiff_t>(n_known_constants),
            features_.begin() + static_cast<std::ptrdiff_t>(n_known_constants + n_found_constants),
            constant_features_.begin() + static_cast<std::ptrdiff_t>(n_known_constants));
  *n_constant_features = n_total_constants;
  return best;
}

// Copies in[start, end) to out[start, end), the values with goes_left
// (indexed from start) first, from `pos` on the others; each side keeps its
// order. One store per value, to a selected address (no branches).
template <typename T>
void PartitionInto(const T* in, T* out, size_t start, size_t end, size_t pos,
                   const uint8_t* goes_left) {
  size_t n_left = start, n_right = pos;
  for (size_t i = start; i < end; ++i) {
    const size_t left = goes_left[i - start];
    out[left ? n_left : n_right] = in[i];
    n_left += left;
    n_right += 1 - left;
  }
  assert(n_left == pos && n_right == end);
}

// PartitionInto for two SmallInts of the same type.
void PartitionInto(const SmallInts& in, SmallInts& out, size_t start, size_t end, size_t pos,
                   const uint8_t* goes_left) {
  std::visit(
      [&](const auto& from) {
        using Vector = std::decay_t<decltype(from)>;
        PartitionInto(from.data(), std::get<Vector>(out).data(), start, end, pos, goes_left);
      },
      in);
}

void Fitter::Partition(const SplitRecord& split, size_t start, size_t end, int depth) {
  const auto f = static_cast<size_t>(split.feature);
  // sklearn partitions on (double)X[s, f] <= threshold. No level of this
  // node lies strictly between the last left level and the threshold's
  // upper neighbour, so comparing codes decides the same.
  std::visit(
      [&](const auto& codes) {
        for (size_t i = start; i < end; ++i) {
          goes_left_[i - start] = codes[i] <= split.last_left_code ? 1 : 0;
          assert((static_cast<double>(features_enc_[f].levels[codes[i]]) <= split.threshold) ==
                 (codes[i] <= split.last_left_code));
        }
      },
      Codes(f, depth));
  for (size_t g = 0; g < n_features_; ++g) {
    PartitionInto(Codes(g, depth), Codes(g, depth + 1), start, end, split.pos,
                  goes_left_.data());
  }
  PartitionInto(Labels(depth), Labels(depth + 1), start, end, split.pos, goes_left_.data());
}

int64_t Fitter::AddNode(TreeArrays& t, int64_t parent, bool is_left, bool is_leaf,
                        const SplitRecord& split, double impurity, size_t n_node_samples,
                        const int64_t* counts) const {
  const auto id = static_cast<int64_t>(t.node_count());
  if (parent != TreeArrays::kUndefined) {
    (is_left ? t.children_left : t.children_right)[static_cast<size_t>(parent)] = id;
  }
  t.children_left.push_back(TreeArrays::kLeaf);
  t.children_right.push_back(TreeArrays::kLeaf);
  t.feature.push_back(is_leaf ? TreeArrays::kUndefined : split.feature);
  t.threshold.push_back(is_leaf ? TreeArrays::kUndefinedThreshold : split.threshold);
  t.impurity.push_back(impurity);
  t.n_node_samples.push_back(static_cast<int64_t>(n_node_samples));
  t.weighted_n_node_samples.push_back(static_cast<double>(n_node_samples));
  for (size_t c = 0; c < n_classes_; ++c) t.value.push_back(static_cast<double>(counts[c]));
  return id;
}

TreeArrays Fitter::Build() {
  features_enc_.reserve(n_features_);
  for (const std::vector<float>& column : columns_) {
    features_enc_.push_back(Encode(column));
    codes_[0].push_back(std::move(features_enc_.back().codes));
    codes_[1].push_back(SameShape(codes_[0].back()));
  }
  labels_[1] = SameShape(labels_[0]);
  goes_left_.assign(n_samples_, 0);
  features_.resize(n_features_);
  for (size_t f = 0; f < n_features_; ++f) features_[f] = static_cast<int64_t>(f);
  constant_features_.assign(n_features_, 0);
  left_counts_.assign(n_classes_, 0);
  best_left_counts_.assign(n_classes_, 0);

  TreeArrays tree;
  std::vector<int64_t> counts(n_classes_);
  std::vector<StackRecord> stack;
  std::vector<int64_t> stack_counts;  // n_classes_ per stack record
  stack.push_back({0, n_samples_, 0, TreeArrays::kUndefined, false, kInf, 0});
  stack_counts.resize(n_classes_);
  CountAllClasses(stack_counts.data());
  bool first = true;
  while (!stack.empty()) {
    StackRecord rec = stack.back();
    stack.pop_back();
    std::copy(stack_counts.end() - static_cast<std::ptrdiff_t>(n_classes_), stack_counts.end(),
              counts.begin());
    stack_counts.resize(stack_counts.size() - n_classes_);
    // Builder steps 1-4.
    const size_t n = rec.end - rec.start;
    const auto w = static_cast<double>(n);
    bool is_leaf = rec.depth >= max_depth_ || n < min_samples_split_ ||
                   n < 2 * min_samples_leaf_;
    if (first) {
      rec.impurity = Gini(counts.data(), n_classes_, w);
      first = false;
    }
    is_leaf = is_leaf || rec.impurity <= kEpsilon;
    // Step 5.
    SplitRecord split;
    split.pos = rec.end;
    size_t n_constant = rec.n_constant_features;
    if (!is_leaf) {
      split = NodeSplit(rec.start, rec.end, rec.depth, rec.impurity, counts.data(), &n_constant);
      is_leaf = split.pos >= rec.end || split.improvement + kEpsilon < min_impurity_decrease_;
    }
    // Steps 6-8.
    const int64_t id =
        AddNode(tree, rec.parent, rec.is_left, is_leaf, split, rec.impurity, n, counts.data());
    if (!is_leaf) {
      stack.push_back({split.pos, rec.end, rec.depth + 1, id, false, split.impurity_right,
                       n_constant});
      for (size_t c = 0; c < n_classes_; ++c) {
        stack_counts.push_back(counts[c] - best_left_counts_[c]);
      }
      stack.push_back({rec.start, split.pos, rec.depth + 1, id, true, split.impurity_left,
                       n_constant});
      stack_counts.insert(stack_counts.end(), best_left_counts_.begin(), best_left_counts_.end());
    }
  }
  return tree;
}

}  // namespace

Result<DecisionTree> FitDecisionTree(const std::vector<std::vector<float>>& columns,
                                     std::span<const int64_t> y, const TreeOptions& options) {
  // The parameter ranges sklearn 1.2's _validate_params enforces.
  if (options.max_depth == 0 || options.max_depth < -1) {
    return Status::InvalidArgument("max_depth must be >= 1 or -1 (unlimited), got " +
                                   std::to_string(options.max_depth));
  }
  if (options.min_samples_split < 2) {
    return Status::InvalidArgument("min_samples_split must be >= 2, got " +
                                   std::to_string(options.min_samples_split));
  }
  if (options.min_samples_leaf < 1) {
    return Status::InvalidArgument("min_samples_leaf must be >= 1, got " +
                                   std::to_string(options.min_samples_leaf));
  }
  if (!(options.min_impurity_decrease >= 0.0)) {
    return Status::InvalidArgument("min_impurity_decrease must be >= 0");
  }
  if (columns.empty()) return Status::InvalidArgument("X has no features (0 columns)");
  const size_t n = y.size();
  if (n == 0) return Status::InvalidArgument("cannot fit a tree to 0 samples");
  if (n > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("too many samples: " + std::to_string(n) + " (at most 2^31-1)");
  }
  for (size_t f = 0; f < columns.size(); ++f) {
    if (columns[f].size() != n) {
      return Status::InvalidArgument("feature column " + std::to_string(f) + " has " +
                                     std::to_string(columns[f].size()) + " rows but y has " +
                                     std::to_string(n));
    }
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(columns[f][i])) {
        return Status::InvalidArgument("feature column " + std::to_string(f) + ", row " +
                                       std::to_string(i) + ": value is not finite");
      }
    }
  }
  // classes_ = np.unique(y); labels are indices into it.
  std::vector<int64_t> classes;
  std::vector<int32_t> labels(n);
  const auto [y_min, y_max] = std::minmax_element(y.begin(), y.end());
  if (static_cast<uint64_t>(*y_max) - static_cast<uint64_t>(*y_min) < (uint64_t{1} << 16)) {
    // A narrow label range (the usual 0/1): direct addressing, no search.
    std::vector<int32_t> index_of(static_cast<size_t>(*y_max - *y_min) + 1, -1);
    for (int64_t label : y) index_of[static_cast<size_t>(label - *y_min)] = 0;
    for (size_t k = 0; k < index_of.size(); ++k) {
      if (index_of[k] < 0) continue;
      index_of[k] = static_cast<int32_t>(classes.size());
      classes.push_back(*y_min + static_cast<int64_t>(k));
    }
    for (size_t i = 0; i < n; ++i) labels[i] = index_of[static_cast<size_t>(y[i] - *y_min)];
  } else {
    // Labels are few, so keep the distinct ones sorted as they are met
    // rather than sorting y.
    for (size_t i = 0; i < n; ++i) {
      if (i > 0 && y[i] == y[i - 1]) continue;
      auto it = std::lower_bound(classes.begin(), classes.end(), y[i]);
      if (it == classes.end() || *it != y[i]) classes.insert(it, y[i]);
    }
    for (size_t i = 0; i < n; ++i) {
      labels[i] = static_cast<int32_t>(
          std::lower_bound(classes.begin(), classes.end(), y[i]) - classes.begin());
    }
  }
  const size_t n_classes = classes.size();
  Fitter fitter(columns, std::move(labels), n_classes, options);
  return DecisionTree(fitter.Build(), std::move(classes), columns.size());
}

}  // namespace sluice::ml
