// The training distribution a model is monitored against: per feature, bins
// and the share of training rows in each, and how often the model approved
// on its training rows. A training step writes it beside the model
// (`ccapproval train` writes <model stem>.drift.json next to model.json);
// drift.h compares live traffic with it.
//
// PERSISTED FORMAT (versioned; readers refuse other schemaVersions):
//   {"format": "sluice-drift-baseline", "schemaVersion": 1,
//    "rows": <training rows>,
//    "features": [
//      {"name": "Income", "kind": "numeric",
//       "edges": [e1, ..., ek],             ascending cut points
//       "shares": [k + 1 numbers]},          bin 0: x < e1; bin i: e_i <= x < e_i+1;
//                                            bin k: x >= ek
//      {"name": "Own_Car", "kind": "categorical",
//       "categories": [0, 1], "shares": [one per category]}],
//    "prediction": {"positive_rate": <share of rows the model predicts 1>,
//                   "label_positive_rate": <share of rows labelled 1>}}
// Shares of a feature sum to 1 (within 1e-6). A value outside a
// categorical feature's categories falls in an extra "other" bin whose
// training share is 0.
//
// Errors: InvalidArgument naming the file and the field. Thread-safe (pure).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::monitor {

inline constexpr std::string_view kDriftBaselineFormat = "sluice-drift-baseline";
inline constexpr int kDriftBaselineSchemaVersion = 1;

struct FeatureBaseline {
  std::string name;
  bool categorical = false;
  std::vector<double> edges;       // numeric: cut points, ascending
  std::vector<double> categories;  // categorical: the values seen in training
  std::vector<double> shares;      // numeric: edges + 1; categorical: one per category

  // How many bins values fall in: numeric edges + 1; categorical
  // categories + 1 (the last one is "other").
  size_t bin_count() const;
  // The bin `value` falls in.
  size_t BinOf(double value) const;
  // The training shares over bin_count() bins.
  std::vector<double> ExpectedShares() const;
};

struct DriftBaseline {
  int64_t rows = 0;
  std::vector<FeatureBaseline> features;
  double positive_rate = 0;        // predictions of 1 on the training rows
  double label_positive_rate = 0;  // labels of 1 on the training rows
};

Result<DriftBaseline> DriftBaselineFromJson(std::string_view text, std::string_view file_name);
Result<DriftBaseline> LoadDriftBaseline(const std::filesystem::path& path);
nlohmann::json DriftBaselineJson(const DriftBaseline& baseline);

// Where a training step puts the baseline of `model_file`:
// "models/model.json" -> "models/model.drift.json".
std::filesystem::path DriftBaselinePathFor(const std::filesystem::path& model_file);

}  // namespace sluice::monitor
