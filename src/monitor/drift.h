// Model drift: does the traffic a function serves now look like the data
// its model was trained on? From the function runtime's invocation records
// (store/function_records.h: the input features and the prediction, JSON),
// per feature the population stability index against the training
// distribution saved with the model (drift_baseline.h), and how far the
// share of approvals (prediction 1) moved from the training rows'.
//
//   PSI = sum over bins of (a - e) * ln(a / e)
// with a the recent share and e the training share of a bin, both raised to
// DriftOptions::floor when smaller (an empty bin would make the logarithm
// infinite). Common reading, and the defaults here: below 0.1 stable, 0.1
// to 0.25 a moderate shift worth a look (warn), 0.25 and above a
// significant shift (drift).
//
// A feature is judged only with at least min_samples values; with fewer
// usable records in all the check is "insufficient_data" and not drifted.
// The model drifted when any feature's PSI reaches the drift threshold or
// the approval rate moved by more than max_rate_shift (absolute).
//
// Records used: those of the function whose qualifier (as asked: "$LATEST",
// "3", "live") matches DriftCheck::qualifier (all of the function's when
// empty), started within the window, answered 200 without a function
// error, newest first up to max_samples. The input is the features object
// ({"Income": 50000, ...}; booleans count as 0/1, numeric strings as
// numbers); the prediction is the output's "prediction", or the one inside
// a Lambda proxy answer's "body" string. Records without either are
// skipped (counted in the report).
//
// CheckDrift is the whole check, callable from a step (ModelDrift) or a
// scheduler; keep its result with RecordDrift for /metrics.
//
// RESULT DOCUMENT (DriftJson; persisted in monitor_checks.result_json and
// shown as the step's details):
//   {"model", "function", "qualifier", "status": "ok"|"warn"|"drift"|
//    "insufficient_data", "drifted": bool, "samples", "skipped",
//    "max_psi", "thresholds": {"warn", "drift", "approval_rate_shift"},
//    "features": {name: {"psi", "status", "samples"}},
//    "approval_rate": {"training", "recent", "shift"}}
// Thread-safe (pure, but for the store's reads).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "monitor/drift_baseline.h"
#include "store/function_store.h"
#include "store/monitor_store.h"

namespace sluice::monitor {

struct DriftOptions {
  double warn_psi = 0.1;
  double drift_psi = 0.25;
  double max_rate_shift = 0.1;
  int min_samples = 100;
  double floor = 1e-4;
};

// One invocation's features and prediction, as drift reads them.
struct Observation {
  nlohmann::json features = nlohmann::json::object();
  std::optional<int> prediction;
};

double Psi(const std::vector<double>& expected, const std::vector<double>& actual, double floor);

struct FeatureDrift {
  std::string name;
  int64_t samples = 0;
  double psi = 0;
  std::string status;  // ok | warn | drift | insufficient_data
};

struct DriftReport {
  std::string model;
  std::string function;
  std::string qualifier;
  std::string status;  // ok | warn | drift | insufficient_data
  bool drifted = false;
  int64_t samples = 0;  // records used
  int64_t skipped = 0;  // records without usable features or prediction
  double max_psi = 0;
  std::vector<FeatureDrift> features;  // the baseline's order
  double training_rate = 0;
  double recent_rate = 0;
  double rate_shift = 0;  // recent - training
  DriftOptions options;
  int64_t checked_ms = 0;
};

// The report for `observations` against `baseline` (model, function and
// qualifier are left for the caller to fill in).
DriftReport AssessDrift(const DriftBaseline& baseline, const std::vector<Observation>& observations,
                        int64_t skipped, const DriftOptions& options);

// The features and prediction of one record; nullopt when it holds neither
// a features object nor a prediction.
std::optional<Observation> ObservationOf(const store::InvocationRecord& record);

struct DriftCheck {
  std::string model;  // names the result (the "model" label of /metrics)
  std::string function;
  std::string qualifier;  // "" = every record of the function
  DriftBaseline baseline;
  int64_t window_ms = 24 * 3600 * 1000;  // <= 0: no time limit
  int max_samples = 10'000;
  DriftOptions options;
};

Result<DriftReport> CheckDrift(const DriftCheck& check, const store::FunctionStore& functions,
                               const Clock& clock);

nlohmann::json DriftJson(const DriftReport& report);

inline constexpr std::string_view kDriftCheckKind = "drift";
// Keeps `report` as the latest drift check of its model (kind "drift",
// subject the model) for /metrics.
Status RecordDrift(store::MonitorStore& monitor, const DriftReport& report,
                   const std::string& execution_id);

}  // namespace sluice::monitor
