// `Wait`: pauses for `spec.duration`; aborting the execution ends it early.
#pragma once

#include "engine/step.h"

namespace sluice::steps {

class WaitStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "Wait"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

}  // namespace sluice::steps
