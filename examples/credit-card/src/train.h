// `ccapproval train`: the notebook's training step. It reads a config file,
// loads the dataset, splits it 80/20 as scikit-learn does (random_state 0),
// fits the baseline tree (all five features) and the group-unaware tree
// (without Group), saves the selected model (the group-unaware one) as a
// sluice model file and writes the metrics JSON.
//
// CONFIG (YAML, the sample project's config.yml keys; other keys are ignored):
//   data:  {load_file_path: <csv>}
//   model: {save_file_path: <model>, save_metrics_file_path: <metrics json>}
// Relative paths are resolved against the config file's folder, so a config
// means the same thing whatever the working directory.
//
// METRICS FILE (persisted; read by `ccapproval test`). One JSON object:
//   "selected_model": "group_unaware",
//   "features": [the selected model's feature names],
//   "train", "test": {"precision", "recall", "f1", "accuracy"} (full precision),
//   "fairness": the notebook's figures on the test set, in percent, each
//       rounded to 2 decimals as the notebook's round(x, 2) does:
//     "demographic_parity": {"total_approvals", "group_0_%", "group_1_%"}
//         (share of all approvals going to each group, not a selection rate),
//     "equal_opportunity": {"overall_%", "group_0_%", "group_1_%", "gap_%"}
//         (true-positive rates; gap_% is |round(tpr_0) - round(tpr_1)|, the
//         notebook's EQUAL_OPPORTUNITY_FAIRNESS_PERCENT),
//     "equal_accuracy": {"overall_%", "group_0_%", "group_1_%"},
//     "confusion_matrix": {"overall", "group_0", "group_1"} ([[TN, FP], [FN, TP]]),
//   "feature_importances": {feature name: importance} (the tree's own),
//   "baseline": the same keys (features .. feature_importances) for the
//       baseline model, which is reported but not deployed.
//   "threshold_variant": the notebook's post-processing of the selected
//       model -- approve when its probability of approval exceeds 0.11 in
//       group 0 and 0.99 in group 1 -- as {"model", "thresholds":
//       {"group_0", "group_1"}, "test", "fairness"} on the test set.
//   "model_file": the saved model's path relative to the metrics file's
//       folder ("model.json", "../models/model.json"; absolute only when no
//       relative path exists), so `ccapproval test` finds the tree to draw.
// Unlike the notebook, the fairness block is computed from the selected
// model's own predictions (the notebook scored the baseline's; see
// ../shared/seed/model-spec.md).
//
// Errors come back as sluice::Status; config errors start with the config
// file's path and name the key. The clock (for the model's creation time) is
// handed in. Thread-compatible: no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "ml/fairness.h"
#include "ml/metrics.h"

namespace ccapproval {

// The paths a training run reads and writes, already resolved.
struct TrainConfig {
  std::filesystem::path data_file;
  std::filesystem::path model_file;
  std::filesystem::path metrics_file;
};

// Parses config YAML `text`; `config_path` names the file in errors and its
// folder resolves relative paths.
sluice::Result<TrainConfig> ParseTrainConfig(std::string_view text,
                                             const std::filesystem::path& config_path);
sluice::Result<TrainConfig> LoadTrainConfig(const std::filesystem::path& config_path);

// One trained model's figures.
struct ModelEvaluation {
  std::vector<std::string> features;
  sluice::ml::BinaryMetrics train;
  sluice::ml::BinaryMetrics test;
  sluice::ml::NotebookFairness fairness;  // on the test set, unrounded
  double equal_opportunity_gap = 0;       // the notebook's rounded-figure gap
  std::vector<double> feature_importances;  // in `features` order
};

struct TrainOutcome {
  ModelEvaluation baseline;
  ModelEvaluation selected;  // group-unaware; the one saved
  // The selected model with the notebook's per-group thresholds (test set
  // figures only; train stays zero).
  ModelEvaluation threshold_variant;
  int64_t train_rows = 0;
  int64_t test_rows = 0;
};

inline constexpr std::string_view kLibraryVersion = "sluice-ml 0.1";

// Runs the whole step: load, split, fit both trees, write the model and the
// metrics files (creating their folders).
sluice::Result<TrainOutcome> Train(const TrainConfig& config, const sluice::Clock& clock);

}  // namespace ccapproval
