// DecisionTree: a CART classifier that reproduces scikit-learn 1.2's
// `DecisionTreeClassifier(criterion="gini", splitter="best",
// max_features=None, max_leaf_nodes=None, min_weight_fraction_leaf=0,
// class_weight=None, ccp_alpha=0)` fitted without sample weights: the same
// node arrays (bit for bit, thresholds and impurities included), the same
// predictions, probabilities and feature importances.
//
// The algorithm is section 5 of ../shared/reference/credit-card-data-and-tree.md;
// tree_fit.cc follows it step by step and says where it takes a faster route
// to the same result. Three things decide exactness and are easy to get wrong:
//   * Features are float32. sklearn casts X to float32 before fitting and
//     before predicting, so callers pass float columns (ToFloat32 converts a
//     Dataset column the way numpy's astype(float32) does).
//   * Thresholds are doubles: the midpoint (double)a/2 + (double)b/2 of two
//     adjacent distinct float32 values, and a row goes left when
//     (double)x <= threshold.
//   * The feature visiting order comes from sklearn's RNG (one MT19937 draw,
//     then xorshift32 per feature), and a later feature must be strictly
//     better to win, so exact ties between features are broken the way
//     sklearn breaks them. See tree_rng.h.
//
// Arrays follow sklearn's `tree_` attributes: node ids in pre-order (left
// subtree first), leaves have children -1, feature -2, threshold -2.0;
// value(node) holds the class counts at every node (sklearn < 1.4 layout;
// 1.4.1+ stores fractions instead).
//
// Errors (bad options, mismatched sizes, non-finite features, rows with the
// wrong width at predict time) come back as InvalidArgument. A fitted
// DecisionTree is an immutable value: copyable, safe to use from several
// threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/status.h"
#include "ml/dataset.h"

namespace sluice::ml {

struct TreeOptions {
  int max_depth = -1;  // -1: unlimited (sklearn's None); otherwise >= 1
  int min_samples_split = 2;  // >= 2; raised to 2 * min_samples_leaf as sklearn does
  int min_samples_leaf = 1;   // >= 1
  double min_impurity_decrease = 0.0;  // >= 0
  uint32_t random_state = 0;  // sklearn's integer random_state
};

// The fitted tree in sklearn's array form; node i's fields are element i.
struct TreeArrays {
  static constexpr int64_t kLeaf = -1;       // children of a leaf
  static constexpr int64_t kUndefined = -2;  // feature of a leaf
  static constexpr double kUndefinedThreshold = -2.0;

  std::vector<int64_t> children_left;
  std::vector<int64_t> children_right;
  std::vector<int64_t> feature;
  std::vector<double> threshold;
  std::vector<double> impurity;
  std::vector<int64_t> n_node_samples;
  std::vector<double> weighted_n_node_samples;
  // node_count x n_classes, row-major: class counts per node.
  std::vector<double> value;

  size_t node_count() const { return feature.size(); }
};

class DecisionTree {
 public:
  // A tree from its arrays (e.g. read back from a model file). Checks that
  // the arrays have consistent sizes, that children point forward inside the
  // tree and every node but the root has exactly one parent, that class
  // counts are finite and non-negative, that internal nodes name a feature
  // < n_features, and that classes are sorted and distinct; otherwise
  // InvalidArgument.
  static Result<DecisionTree> FromArrays(TreeArrays arrays, std::vector<int64_t> classes,
                                         size_t n_features);

  const TreeArrays& arrays() const { return arrays_; }
  size_t node_count() const { return arrays_.node_count(); }
  // sklearn's classes_: the sorted distinct labels seen in fit.
  const std::vector<int64_t>& classes() const { return classes_; }
  size_t n_classes() const { return classes_.size(); }
  // The index of `label` in classes(), or nullopt when the tree never saw it.
  std::optional<size_t> ClassIndex(int64_t label) const;
  size_t n_features() const { return n_features_; }
  // Depth of the deepest node (root = 0), as sklearn's get_depth().
  int depth() const;
  size_t n_leaves() const;
  std::span<const double> value(size_t node) const {
    return std::span<const double>(arrays_.value).subspan(node * n_classes(), n_classes());
  }

  // The leaf reached by one row (n_features values).
  size_t ApplyRow(std::span<const float> row) const;
  // sklearn's predict / predict_proba for one row: the label with the most
  // training samples in the leaf (the first class on a tie), and the leaf's
  // class counts divided by their sum (probabilities in classes() order).
  int64_t PredictRow(std::span<const float> row) const;
  std::vector<double> PredictProbaRow(std::span<const float> row) const;

  // Column-major versions: columns.size() == n_features, all of equal length.
  Result<std::vector<int64_t>> Predict(const std::vector<std::vector<float>>& columns) const;
  // n_rows x n_classes, row-major.
  Result<std::vector<double>> PredictProba(const std::vector<std::vector<float>>& columns) const;

  // sklearn's feature_importances_: each split's weighted impurity decrease
  // summed per feature, divided by the root's sample count, then normalised
  // to sum to 1 (all zeros when the tree is a single leaf).
  std::vector<double> FeatureImportances() const;

 private:
  DecisionTree(TreeArrays arrays, std::vector<int64_t> classes, size_t n_features)
      : arrays_(std::move(arrays)), classes_(std::move(classes)), n_features_(n_features) {}
  friend Result<DecisionTree> FitDecisionTree(const std::vector<std::vector<float>>&,
                                              std::span<const int64_t>, const TreeOptions&);

  TreeArrays arrays_;
  std::vector<int64_t> classes_;
  size_t n_features_ = 0;
};

// Fits a tree to `columns` (one float32 vector per feature, each with
// y.size() rows) and labels `y`. InvalidArgument for invalid options (the
// ranges sklearn enforces), no rows, no features, columns of different
// lengths or a non-finite value.
Result<DecisionTree> FitDecisionTree(const std::vector<std::vector<float>>& columns,
                                     std::span<const int64_t> y, const TreeOptions& options);

// A column's values as float32, as numpy's astype(float32) converts them
// (one rounding, to nearest; int64 is converted directly, not via double).
std::vector<float> ToFloat32(const Column& column);

}  // namespace sluice::ml
