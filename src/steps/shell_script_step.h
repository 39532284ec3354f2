// `ShellScript`: a script run on the machine sluice runs on (Harness runs it
// on a delegate), with environmentVariables and outputVariables whose
// `value` names a shell variable. No `set -e` prefix: the script's exit code
// decides. Remote `executionTarget` hosts are not supported.
#pragma once

#include "engine/step.h"

namespace sluice::steps {

class ShellScriptStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "ShellScript"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  std::vector<std::pair<std::string, YAML::Node>> Scripts(
      const pipeline::ExecutionNode& step) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

}  // namespace sluice::steps
