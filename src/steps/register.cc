#include "steps/register.h"

#include "steps/build_and_push_step.h"
#include "steps/policy_step.h"
#include "steps/run_step.h"
#include "steps/shell_script_step.h"
#include "steps/wait_step.h"

namespace sluice::steps {

void RegisterBuiltinSteps(engine::StepRegistry* registry) {
  registry->Register(std::make_unique<BuildAndPushStep>(BuildAndPushStep::Target::kEcr));
  registry->Register(std::make_unique<BuildAndPushStep>(BuildAndPushStep::Target::kDockerRegistry));
  registry->Register(std::make_unique<PolicyStep>());
  registry->Register(std::make_unique<RunStep>());
  registry->Register(std::make_unique<ShellScriptStep>());
  registry->Register(std::make_unique<WaitStep>());
}

}  // namespace sluice::steps
