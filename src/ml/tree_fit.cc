// Fitting: scikit-learn 1.2's DepthFirstTreeBuilder driving its
// BestSplitter with the Gini criterion, following section 5 of
// ../shared/reference/credit-card-data-and-tree.md (step numbers below refer
// to it).
//
// One deliberate difference in *how*, not *what*: sklearn sorts each visited
// feature's values at every node; we sort every feature once and keep, for
// each feature, the samples of every open node contiguous and in sorted order
// (a stable partition after each split). The split search only looks at the
// sorted sequence of (value, class) pairs of the node, grouped into runs of
// values within FEATURE_THRESHOLD, and the order of equal values inside a run
// cannot change any count, threshold or comparison, so both give the same
// tree. All counts are exact integers (no sample weights), so the Gini
// formulas, evaluated in sklearn's order in double, give the same bits.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
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

// One sample in a feature's sorted order.
struct Entry {
  float value;
  int32_t label;   // index into classes
  int32_t sample;  // row index
};

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

// sklearn's SplitRecord, initialised as _init_split does.
struct SplitRecord {
  int64_t feature = 0;
  size_t pos = 0;  // first sample of the right child
  double threshold = 0.0;
  double improvement = -kInf;
  double impurity_left = kInf;
  double impurity_right = kInf;
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
};

class Fitter {
 public:
  Fitter(const std::vector<std::vector<float>>& columns, std::vector<int32_t> labels,
         size_t n_classes, const TreeOptions& options)
      : columns_(columns),
        labels_(std::move(labels)),
        n_samples_(labels_.size()),
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
        rng_(tree_internal::SplitterSeed(options.random_state)) {}

  TreeArrays Build();

 private:
  void Presort();
  void CountClasses(size_t start, size_t end, int64_t* counts) const;
  SplitRecord NodeSplit(size_t start, size_t end, double impurity, const int64_t* node_counts,
                        size_t* n_constant_features);
  // Best split of one feature's sorted run [start, end); updates best and
  // best_proxy when a strictly better split is found.
  void ScanFeature(int64_t feature, size_t start, size_t end, const int64_t* node_counts,
                   double* best_proxy, SplitRecord* best);
  void ScanFeatureBinary(int64_t feature, size_t start, size_t end, const int64_t* node_counts,
                         double* best_proxy, SplitRecord* best);
  // Reorders every feature's run [start, end) so samples going left come
  // first, each side keeping its sorted order.
  void Partition(const SplitRecord& split, size_t start, size_t end);
  int64_t AddNode(TreeArrays& t, int64_t parent, bool is_left, bool is_leaf,
                  const SplitRecord& split, double impurity, size_t n_node_samples,
                  const int64_t* counts) const;

  // Constant after construction.
  const std::vector<std::vector<float>>& columns_;
  const std::vector<int32_t> labels_;
  const size_t n_samples_;
  const size_t n_features_;
  const size_t n_classes_;
  const int max_depth_;
  const size_t min_samples_leaf_;
  const size_t min_samples_split_;
  const double min_impurity_decrease_;

  tree_internal::XorShiftRandR rng_;
  // Per feature, all samples; each open node's samples are the run
  // [start, end) of every feature's vector, sorted by that feature.
  std::vector<std::vector<Entry>> sorted_;
  std::vector<Entry> scratch_;
  std::vector<uint8_t> goes_left_;  // by sample, for the split being applied
  // The splitter's persistent feature permutation and constant list.
  std::vector<int64_t> features_;
  std::vector<int64_t> constant_features_;
  std::vector<int64_t> left_counts_;  // scan scratch, n_classes_
};

// Maps a finite float to a uint32 whose unsigned order is the float order
// (-0.0 sorts just before +0.0; they stay one run in the scan, see the top).
uint32_t SortKey(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

// LSD radix sort of entries by value, 11 bits per pass; passes where every
// entry has the same digit (common for small integer features) are skipped.
void RadixSortByValue(std::vector<Entry>& v, std::vector<Entry>& tmp) {
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  std::vector<size_t> count(kBuckets);
  for (int shift = 0; shift < 32; shift += kBits) {
    std::fill(count.begin(), count.end(), 0);
    for (const Entry& e : v) ++count[(SortKey(e.value) >> shift) & (kBuckets - 1)];
    if (std::find(count.begin(), count.end(), v.size()) != count.end()) continue;
    size_t sum = 0;
    for (size_t& c : count) sum += std::exchange(c, sum);
    for (const Entry& e : v) tmp[count[(SortKey(e.value) >> shift) & (kBuckets - 1)]++] = e;
    v.swap(tmp);
  }
}

void Fitter::Presort() {
  sorted_.assign(n_features_, {});
  std::vector<Entry> tmp(n_samples_);
  for (size_t f = 0; f < n_features_; ++f) {
    std::vector<Entry>& s = sorted_[f];
    s.resize(n_samples_);
    for (size_t i = 0; i < n_samples_; ++i) {
      s[i] = Entry{columns_[f][i], labels_[i], static_cast<int32_t>(i)};
    }
    RadixSortByValue(s, tmp);
    tmp.resize(n_samples_);
  }
}

void Fitter::CountClasses(size_t start, size_t end, int64_t* counts) const {
  std::fill(counts, counts + n_classes_, 0);
  const std::vector<Entry>& s = sorted_[0];
  for (size_t i = start; i < end; ++i) ++counts[s[i].label];
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

void Fitter::ScanFeature(int64_t feature, size_t start, size_t end, const int64_t* node_counts,
                         double* best_proxy, SplitRecord* best) {
  const Entry* seg = sorted_[static_cast<size_t>(feature)].data() + start;
  const size_t m = end - start;
  if (n_classes_ == 2) {
    ScanFeatureBinary(feature, start, end, node_counts, best_proxy, best);
    return;
  }
  int64_t* left = left_counts_.data();
  std::fill(left, left + n_classes_, 0);
  // Step 7: candidate positions are the starts of runs of (near-)equal
  // values; i counts the samples on the left.
  size_t i = 0;
  while (i < m) {
    ++left[seg[i].label];
    while (i + 1 < m && seg[i + 1].value <= seg[i].value + kFeatureThreshold) {
      ++i;
      ++left[seg[i].label];
    }
    ++i;
    if (i >= m) break;
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
      best->threshold = MidpointThreshold(seg[i - 1].value, seg[i].value);
    }
  }
}

// ScanFeature for two classes: the same steps and the same double
// arithmetic in the same order, with the left class-1 count in a register
// (labels are 0/1) instead of a counts array.
void Fitter::ScanFeatureBinary(int64_t feature, size_t start, size_t end,
                               const int64_t* node_counts, double* best_proxy,
                               SplitRecord* best) {
  const Entry* seg = sorted_[static_cast<size_t>(feature)].data() + start;
  const size_t m = end - start;
  int64_t left1 = 0;
  size_t i = 0;
  while (i < m) {
    left1 += seg[i].label;
    while (i + 1 < m && seg[i + 1].value <= seg[i].value + kFeatureThreshold) {
      ++i;
      left1 += seg[i].label;
    }
    ++i;
    if (i >= m) break;
    if (i < min_samples_leaf_ || m - i < min_samples_leaf_) continue;
    const auto w_left = static_cast<double>(i);
    const auto w_right = static_cast<double>(m - i);
    const auto l0 = static_cast<double>(static_cast<int64_t>(i) - left1);
    const auto l1 = static_cast<double>(left1);
    const auto r0 = static_cast<double>(node_counts[0] - (static_cast<int64_t>(i) - left1));
    const auto r1 = static_cast<double>(node_counts[1] - left1);
    double sq_left = 0.0, sq_right = 0.0;
    sq_left += l0 * l0;
    sq_right += r0 * r0;
    sq_left += l1 * l1;
    sq_right += r1 * r1;
    const double proxy = ProxyImprovement(sq_left, sq_right, w_left, w_right);
    if (proxy > *best_proxy) {
      *best_proxy = proxy;
      best->feature = feature;
      best->pos = start + i;
      best->threshold = MidpointThreshold(seg[i - 1].value, seg[i].value);
    }
  }
}

SplitRecord Fitter::NodeSplit(size_t start, size_t end, double impurity,
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
    // Step 4 (already sorted) and step 5: constant in this node?
    const Entry* seg = sorted_[static_cast<size_t>(feature)].data();
    if (seg[end - 1].value <= seg[start].value + kFeatureThreshold) {
      std::swap(features_[f_j], features_[n_total_constants]);
      ++n_found_constants;
      ++n_total_constants;
      continue;
    }
    // Step 6.
    --f_i;
    std::swap(features_[f_i], features_[f_j]);
    ScanFeature(feature, start, end, node_counts, &best_proxy, &best);
  }

  if (best.pos < end) {
    Partition(best, start, end);
    // Children impurities and the improvement, as sklearn recomputes them.
    std::vector<int64_t> left(n_classes_, 0), right(n_classes_, 0);
    const std::vector<Entry>& s = sorted_[static_cast<size_t>(best.feature)];
    for (size_t i = start; i < best.pos; ++i) ++left[s[i].label];
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

void Fitter::Partition(const SplitRecord& split, size_t start, size_t end) {
  const auto f = static_cast<size_t>(split.feature);
  const std::vector<float>& column = columns_[f];
  // sklearn partitions on (double)X[s, f] <= threshold. The scan's sorted
  // order already puts exactly those samples first (lo <= threshold < hi).
  for (size_t i = start; i < end; ++i) {
    const auto s = static_cast<size_t>(sorted_[f][i].sample);
    goes_left_[s] = static_cast<double>(column[s]) <= split.threshold ? 1 : 0;
    assert(goes_left_[s] == (i < split.pos ? 1 : 0));
  }
  for (size_t g = 0; g < n_features_; ++g) {
    if (g == f) continue;
    Entry* seg = sorted_[g].data();
    size_t n_left = start, n_right = 0;
    for (size_t i = start; i < end; ++i) {
      const Entry e = seg[i];
      if (goes_left_[static_cast<size_t>(e.sample)]) {
        seg[n_left++] = e;
      } else {
        scratch_[n_right++] = e;
      }
    }
    assert(n_left == split.pos);
    std::copy(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(n_right),
              seg + n_left);
  }
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
  Presort();
  scratch_.resize(n_samples_);
  goes_left_.assign(n_samples_, 0);
  features_.resize(n_features_);
  for (size_t f = 0; f < n_features_; ++f) features_[f] = static_cast<int64_t>(f);
  constant_features_.assign(n_features_, 0);
  left_counts_.assign(n_classes_, 0);

  TreeArrays tree;
  std::vector<int64_t> counts(n_classes_);
  std::vector<StackRecord> stack;
  stack.push_back({0, n_samples_, 0, TreeArrays::kUndefined, false, kInf, 0});
  bool first = true;
  while (!stack.empty()) {
    StackRecord rec = stack.back();
    stack.pop_back();
    // Builder steps 1-4.
    const size_t n = rec.end - rec.start;
    CountClasses(rec.start, rec.end, counts.data());
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
      split = NodeSplit(rec.start, rec.end, rec.impurity, counts.data(), &n_constant);
      is_leaf = split.pos >= rec.end || split.improvement + kEpsilon < min_impurity_decrease_;
    }
    // Steps 6-8.
    const int64_t id =
        AddNode(tree, rec.parent, rec.is_left, is_leaf, split, rec.impurity, n, counts.data());
    if (!is_leaf) {
      stack.push_back({split.pos, rec.end, rec.depth + 1, id, false, split.impurity_right,
                       n_constant});
      stack.push_back({rec.start, split.pos, rec.depth + 1, id, true, split.impurity_left,
                       n_constant});
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
  // classes_ = np.unique(y); labels are indices into it. Labels are few, so
  // keep the distinct ones sorted as they are met rather than sorting y.
  std::vector<int64_t> classes;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && y[i] == y[i - 1]) continue;
    auto it = std::lower_bound(classes.begin(), classes.end(), y[i]);
    if (it == classes.end() || *it != y[i]) classes.insert(it, y[i]);
  }
  std::vector<int32_t> labels(n);
  for (size_t i = 0; i < n; ++i) {
    labels[i] = static_cast<int32_t>(
        std::lower_bound(classes.begin(), classes.end(), y[i]) - classes.begin());
  }
  const size_t n_classes = classes.size();
  Fitter fitter(columns, std::move(labels), n_classes, options);
  return DecisionTree(fitter.Build(), std::move(classes), columns.size());
}

}  // namespace sluice::ml
