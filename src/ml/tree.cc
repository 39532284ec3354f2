// DecisionTree: validation of loaded arrays, prediction and importances.
// Fitting is in tree_fit.cc.
#include "ml/tree.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

namespace sluice::ml {

namespace {

// numpy's pairwise summation (np.sum / np.add.reduce of a contiguous float64
// vector, starting from the identity 0.0), so sums round as numpy's do.
double PairwiseSum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return PairwiseSum(a, n2) + PairwiseSum(a + n2, n - n2);
}

double NumpySum(const std::vector<double>& v) { return 0.0 + PairwiseSum(v.data(), v.size()); }

Status CheckColumns(const std::vector<std::vector<float>>& columns, size_t n_features) {
  if (columns.size() != n_features) {
    return Status::InvalidArgument("X has " + std::to_string(columns.size()) +
                                   " features, but the tree was fitted with " +
                                   std::to_string(n_features) + " features");
  }
  for (size_t f = 1; f < columns.size(); ++f) {
    if (columns[f].size() != columns[0].size()) {
      return Status::InvalidArgument("feature column " + std::to_string(f) + " has " +
                                     std::to_string(columns[f].size()) + " rows, column 0 has " +
                                     std::to_string(columns[0].size()));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<DecisionTree> DecisionTree::FromArrays(TreeArrays arrays, std::vector<int64_t> classes,
                                              size_t n_features) {
  const size_t n = arrays.node_count();
  if (n == 0) return Status::InvalidArgument("a tree needs at least one node");
  if (classes.empty()) return Status::InvalidArgument("a tree needs at least one class");
  for (size_t c = 1; c < classes.size(); ++c) {
    if (classes[c - 1] >= classes[c]) {
      return Status::InvalidArgument("classes must be sorted and distinct");
    }
  }
  if (arrays.children_left.size() != n || arrays.children_right.size() != n ||
      arrays.threshold.size() != n || arrays.impurity.size() != n ||
      arrays.n_node_samples.size() != n || arrays.weighted_n_node_samples.size() != n ||
      arrays.value.size() != n * classes.size()) {
    return Status::InvalidArgument("tree arrays have inconsistent sizes for " +
                                   std::to_string(n) + " nodes and " +
                                   std::to_string(classes.size()) + " classes");
  }
  // Every node but the root has exactly one parent: a tree, not a graph
  // whose shared subtrees would make walks over it exponential.
  std::vector<uint8_t> has_parent(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const int64_t l = arrays.children_left[i], r = arrays.children_right[i];
    const std::string node = "node " + std::to_string(i);
    for (size_t c = 0; c < classes.size(); ++c) {
      const double count = arrays.value[i * classes.size() + c];
      if (!std::isfinite(count) || count < 0) {
        return Status::InvalidArgument(node + " has an invalid class count " +
                                       std::to_string(count));
      }
    }
    if (l == TreeArrays::kLeaf || r == TreeArrays::kLeaf) {
      if (l != r) return Status::InvalidArgument(node + " has only one child");
      continue;
    }
    // Pre-order ids: children come after their parent, so walks terminate.
    if (l <= static_cast<int64_t>(i) || r <= static_cast<int64_t>(i) ||
        l >= static_cast<int64_t>(n) || r >= static_cast<int64_t>(n)) {
      return Status::InvalidArgument(node + " has a child id out of range");
    }
    if (l == r || has_parent[static_cast<size_t>(l)] || has_parent[static_cast<size_t>(r)]) {
      return Status::InvalidArgument(node + " shares a child with another node");
    }
    has_parent[static_cast<size_t>(l)] = has_parent[static_cast<size_t>(r)] = 1;
    if (arrays.feature[i] < 0 || arrays.feature[i] >= static_cast<int64_t>(n_features)) {
      return Status::InvalidArgument(node + " splits on feature " +
                                     std::to_string(arrays.feature[i]) + " but there are " +
                                     std::to_string(n_features) + " features");
    }
    if (std::isnan(arrays.threshold[i])) {
      return Status::InvalidArgument(node + " has a NaN threshold");
    }
  }
  for (size_t i = 1; i < n; ++i) {
    if (!has_parent[i]) return Status::InvalidArgument("node " + std::to_string(i) + " has no parent");
  }
  return DecisionTree(std::move(arrays), std::move(classes), n_features);
}

std::optional<size_t> DecisionTree::ClassIndex(int64_t label) const {
  auto it = std::lower_bound(classes_.begin(), classes_.end(), label);
  if (it == classes_.end() || *it != label) return std::nullopt;
  return static_cast<size_t>(it - classes_.begin());
}

int DecisionTree::depth() const {
  // Children have larger ids than parents, so one forward pass suffices.
  std::vector<int> d(node_count(), 0);
  int max_depth = 0;
  for (size_t i = 0; i < node_count(); ++i) {
    max_depth = std::max(max_depth, d[i]);
    if (arrays_.children_left[i] != TreeArrays::kLeaf) {
      d[static_cast<size_t>(arrays_.children_left[i])] = d[i] + 1;
      d[static_cast<size_t>(arrays_.children_right[i])] = d[i] + 1;
    }
  }
  return max_depth;
}

size_t DecisionTree::n_leaves() const {
  return static_cast<size_t>(std::count(arrays_.children_left.begin(),
                                        arrays_.children_left.end(), TreeArrays::kLeaf));
}

size_t DecisionTree::ApplyRow(std::span<const float> row) const {
  assert(row.size() == n_features_);
  size_t node = 0;
  while (arrays_.children_left[node] != TreeArrays::kLeaf) {
    // sklearn compares the float32 value, widened, with the double threshold.
    const double x = static_cast<double>(row[static_cast<size_t>(arrays_.feature[node])]);
    node = static_cast<size_t>(x <= arrays_.threshold[node] ? arrays_.children_left[node]
                                                             : arrays_.children_right[node]);
  }
  return node;
}

int64_t DecisionTree::PredictRow(std::span<const float> row) const {
  std::span<const double> counts = value(ApplyRow(row));
  // np.argmax: the first maximum.
  size_t best = 0;
  for (size_t c = 1; c < counts.size(); ++c) {
    if (counts[c] > counts[best]) best = c;
  }
  return classes_[best];
}

std::vector<double> DecisionTree::PredictProbaRow(std::span<const float> row) const {
  std::span<const double> counts = value(ApplyRow(row));
  std::vector<double> proba(counts.begin(), counts.end());
  double normalizer = 0.0 + PairwiseSum(proba.data(), proba.size());
  if (normalizer == 0.0) normalizer = 1.0;
  for (double& p : proba) p /= normalizer;
  return proba;
}

Result<std::vector<int64_t>> DecisionTree::Predict(
    const std::vector<std::vector<float>>& columns) const {
  SLUICE_RETURN_IF_ERROR(CheckColumns(columns, n_features_));
  const size_t rows = columns.empty() ? 0 : columns[0].size();
  std::vector<int64_t> out(rows);
  std::vector<float> row(n_features_);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t f = 0; f < n_features_; ++f) row[f] = columns[f][i];
    out[i] = PredictRow(row);
  }
  return out;
}

Result<std::vector<double>> DecisionTree::PredictProba(
    const std::vector<std::vector<float>>& columns) const {
  SLUICE_RETURN_IF_ERROR(CheckColumns(columns, n_features_));
  const size_t rows = columns.empty() ? 0 : columns[0].size();
  std::vector<double> out;
  out.reserve(rows * n_classes());
  std::vector<float> row(n_features_);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t f = 0; f < n_features_; ++f) row[f] = columns[f][i];
    std::vector<double> p = PredictProbaRow(row);
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

std::vector<double> DecisionTree::FeatureImportances() const {
  const TreeArrays& a = arrays_;
  std::vector<double> importances(n_features_, 0.0);
  // sklearn's Tree.compute_feature_importances, in node id order.
  for (size_t i = 0; i < node_count(); ++i) {
    if (a.children_left[i] == TreeArrays::kLeaf) continue;
    const auto l = static_cast<size_t>(a.children_left[i]);
    const auto r = static_cast<size_t>(a.children_right[i]);
    importances[static_cast<size_t>(a.feature[i])] +=
        a.weighted_n_node_samples[i] * a.impurity[i] -
        a.weighted_n_node_samples[l] * a.impurity[l] -
        a.weighted_n_node_samples[r] * a.impurity[r];
  }
  for (double& v : importances) v /= a.weighted_n_node_samples[0];
  const double normalizer = NumpySum(importances);
  if (normalizer > 0.0) {
    for (double& v : importances) v /= normalizer;
  }
  return importances;
}

std::vector<float> ToFloat32(const Column& column) {
  std::vector<float> out(column.size());
  if (column.type() == ColumnType::kInt64) {
    const std::vector<int64_t>& v = column.int64_values();
    for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<float>(v[i]);
  } else {
    const std::vector<double>& v = column.double_values();
    for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<float>(v[i]);
  }
  return out;
}

}  // namespace sluice::ml
