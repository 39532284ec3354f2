// `Run`: a shell command in the stage workspace (CI stages), as Harness CI
// runs it: `set -xe` first, /harness as the working directory, envVariables,
// outputVariables read back after the script, JUnit reports parsed whatever
// the exit code. With `image:` the command runs inside that container
// image's root instead of the host's (steps/container_image.h), with the
// same workspace, variables, outputs and reports.
#pragma once

#include "engine/step.h"

namespace sluice::steps {

class RunStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "Run"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  std::vector<std::pair<std::string, YAML::Node>> Scripts(
      const pipeline::ExecutionNode& step) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

}  // namespace sluice::steps
