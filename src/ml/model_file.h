// Model file: a fitted DecisionTree plus what is needed to use and audit it
// later (feature names, training metadata, per-feature training
// distributions for drift monitoring), stored as versioned JSON.
//
// PERSISTED FORMAT. The file is one JSON object:
//   {"format": "sluice-model", "schemaVersion": 1,
//    "model": "decision_tree_classifier",
//    "features": [names, in column order], "classes": [int labels, sorted],
//    "tree": {"node_count": n, "children_left": [...], "children_right": [...],
//             "feature": [...], "threshold": [...], "impurity": [...],
//             "n_node_samples": [...], "weighted_n_node_samples": [...],
//             "value": [[class counts of node 0], ...]},
//    "feature_importances": [one per feature],
//    "training": {"dataset_sha256", "rows", "random_state",
//                 "options": {"max_depth" (-1 = unlimited), "min_samples_split",
//                             "min_samples_leaf", "min_impurity_decrease"},
//                 "library_version", "created_unix_ms",
//                 "feature_distributions": [{"feature", "count", "min", "max",
//                     "mean", "std", "histogram": {"edges": [11], "counts": [10]}}]}}
// Tree arrays follow sklearn's `tree_` attributes (see tree.h). Doubles are
// written in the shortest form that reads back to the same bits, so a loaded
// tree predicts exactly as the saved one. Any change to field names or
// meanings must bump kModelSchemaVersion; readers reject other versions.
//
// Errors come back as Status: IoError for reading/writing, InvalidArgument
// for content, with a message starting with the file name and naming the
// offending field ("model.json: field \"tree.threshold\": ..."). Loading never
// trusts the file: every type, length and child index is checked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ml/tree.h"

namespace sluice::ml {

inline constexpr std::string_view kModelFormat = "sluice-model";
inline constexpr int kModelSchemaVersion = 1;
inline constexpr int kHistogramBins = 10;

// Summary of one feature's training values. The histogram follows
// numpy.histogram(values, bins=10): equal-width bins from min to max, each
// half-open except the last; a constant column uses [v - 0.5, v + 0.5].
// An empty column has count 0 and all other figures 0.
struct FeatureDistribution {
  int64_t count = 0;
  double min = 0.0;
  double max = 0.0;
  double mean = 0.0;
  double stddev = 0.0;  // population standard deviation (numpy's ddof=0)
  std::vector<double> edges;    // kHistogramBins + 1 values
  std::vector<int64_t> counts;  // kHistogramBins values, summing to count
};

FeatureDistribution SummarizeFeature(std::span<const double> values);
// One summary per column, in order (the float32 columns the tree was fitted on).
std::vector<FeatureDistribution> SummarizeFeatures(
    const std::vector<std::vector<float>>& columns);

struct TrainingInfo {
  std::string dataset_sha256;  // of the dataset file, lower-case hex
  int64_t rows = 0;            // training rows
  TreeOptions options;         // including random_state
  std::string library_version;
  int64_t created_unix_ms = 0;
  std::vector<FeatureDistribution> distributions;  // one per feature, in order
};

struct ModelFile {
  std::vector<std::string> features;  // tree.n_features() names
  DecisionTree tree;
  TrainingInfo training;
};

// Assembles a ModelFile, computing the distributions from `training_columns`
// (the columns the tree was fitted on). InvalidArgument when the number of
// names or columns differs from tree.n_features().
Result<ModelFile> MakeModelFile(DecisionTree tree, std::vector<std::string> features,
                                const std::vector<std::vector<float>>& training_columns,
                                std::string dataset_sha256, const TreeOptions& options,
                                std::string library_version, int64_t created_unix_ms);

// The JSON text of `model`; InvalidArgument if it is inconsistent (name or
// distribution counts) or holds a non-finite number JSON cannot represent.
Result<std::string> ModelToJson(const ModelFile& model);
// Parses model JSON; `file_name` is only used in error messages.
Result<ModelFile> ModelFromJson(std::string_view text, std::string_view file_name);

// Writes atomically (temporary file + rename).
Status SaveModel(const std::filesystem::path& path, const ModelFile& model);
Result<ModelFile> LoadModel(const std::filesystem::path& path);

}  // namespace sluice::ml
