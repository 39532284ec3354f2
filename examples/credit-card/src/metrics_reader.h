// Reading back the metrics JSON that `ccapproval train` writes (its format
// is documented in train.h), for `ccapproval test` and its report.
//
// The file is untrusted: every key is looked up and type-checked before use.
// Errors are InvalidArgument with a message that starts with the file's path
// and names the dotted key, e.g.
//   out/metrics.json: missing key "fairness.equal_opportunity.gap_%"
//   out/metrics.json: key "test.accuracy" must be a number, found string
//   out/metrics.json: not valid JSON: syntax error while parsing ... at line 3, column 1
// Reading the file itself fails with IoError. Numbers are kept exactly as
// written (JSON doubles read back bit for bit). Thread-compatible.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "ml/report.h"

namespace ccapproval {

struct TrainedMetrics {
  std::string selected_model;                       // "selected_model", e.g. "group_unaware"
  sluice::ml::ReportModel selected;                 // the top-level figures
  std::optional<sluice::ml::ReportModel> baseline;  // "baseline", when present
  // "model_file", resolved against the metrics file's folder; absent in
  // metrics written before the key existed.
  std::optional<std::filesystem::path> model_file;
};

// Parses metrics JSON `text`; `path` names the file in errors and its folder
// resolves "model_file".
sluice::Result<TrainedMetrics> ParseMetrics(std::string_view text,
                                            const std::filesystem::path& path);
sluice::Result<TrainedMetrics> LoadMetrics(const std::filesystem::path& path);

}  // namespace ccapproval
