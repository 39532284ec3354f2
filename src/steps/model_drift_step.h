// `ModelDrift` (sluice's own step type; Harness has none): does the traffic
// a function serves now look like its model's training data
// (monitor/drift.h does the check, against the baseline
// monitor/drift_baseline.h describes).
//
//   spec:
//     function: ccapproval       required
//     qualifier: live            only invocations through it; default all
//     model: models/model.json   the baseline is models/model.drift.json
//     baseline: path             or the baseline file itself
//                                (relative paths start at the stage workspace)
//     name: ccapproval           names the result in /metrics (default: function)
//     window: 24h                invocations started this recently
//     maxSamples: 10000
//     minSamples: 100
//     thresholds: {warn: 0.1, drift: 0.25, approvalRateShift: 0.1}
//     onDrift: Fail | Warn       default Fail
//
// Output variables: drifted ("true"/"false"), status (ok, warn, drift,
// insufficient_data), max_psi, approval_rate_shift, samples, and psi_<feature>
// for each feature judged. Drift fails the step (onDrift: Warn makes it a
// warning); a warn level and too little data are warnings. The result is
// kept as the model's latest drift check (/metrics).
#pragma once

#include "engine/step.h"

namespace sluice::steps {

class ModelDriftStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "ModelDrift"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

}  // namespace sluice::steps
