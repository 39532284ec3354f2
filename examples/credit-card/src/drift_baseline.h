// The training distribution `ccapproval train` saves beside the model for
// drift monitoring (sluice's ModelDrift step reads it): per feature, bins
// and the share of training rows in each, and the share of training rows
// the model approves. The format is sluice's drift baseline, documented in
// src/monitor/drift_baseline.h; the model file itself is not changed.
//
// Bins: a feature whose training values are all 0 or 1 is categorical (its
// values, sorted); any other is numeric, cut at its deciles (duplicates and
// cuts at or below the minimum dropped, so discrete features get one bin
// per value where they have few), a value v falling in the bin of the last
// cut <= v.
//
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ccapproval {

// `columns` are the feature values the model was fitted on (one column per
// name); `predictions` and `labels` are the model's answers and the truth
// on those rows (0/1).
nlohmann::json MakeDriftBaseline(const std::vector<std::string>& names,
                                 const std::vector<std::vector<float>>& columns,
                                 const std::vector<int64_t>& predictions,
                                 const std::vector<int64_t>& labels);

// "out/model.json" -> "out/model.drift.json".
std::filesystem::path DriftBaselinePath(const std::filesystem::path& model_file);

}  // namespace ccapproval
