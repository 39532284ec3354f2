// Reading back the metrics JSON that `ccapproval train` writes (its format
// is documented in train.h), for `ccapproval test` and its report.
//
// The file is untrusted: every key is looked up, type-checked and
// range-checked before use:
//   scores (accuracy, precision, recall, f1)  numbers in [0, 1]
//   percentages ("..._%", gap_% included)    numbers in [0, 100]
//   feature importances                       numbers in [0, 1]
//   counts (confusion matrices, total_approvals)  integers in [0, 2^53]
// and the counts must agree: group_0 + group_1 == overall, element by
// element, and total_approvals == FP + TP of overall. So a figure that passes
// here can be compared, summed and drawn without overflow or nonsense.
//
// Errors are InvalidArgument with a message that starts with the file's path
// and names the dotted key and what is allowed, e.g.
//   out/metrics.json: missing key "fairness.equal_opportunity.gap_%"
//   out/metrics.json: key "test.accuracy" must be a number in [0, 1], found a string
//   out/metrics.json: not valid JSON: parse error at line 3, column 1: syntax error ...
// They never quote the file's text (only numbers as parsed), so a path that
// names the wrong file does not print it. Reading the file itself fails with
// IoError (missing, unreadable, or a directory: "cannot read out: is a
// directory"). Numbers are kept exactly as written (JSON doubles read back
// bit for bit). Thread-compatible.
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
