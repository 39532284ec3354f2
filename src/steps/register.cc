#include "steps/register.h"

#include <memory>

#include "steps/build_and_push_step.h"
#include "steps/email_step.h"
#include "steps/harness_approval_step.h"
#include "steps/lambda_steps.h"
#include "steps/model_drift_step.h"
#include "steps/model_staleness_step.h"
#include "steps/plugin_step.h"
#include "steps/policy_step.h"
#include "steps/run_step.h"
#include "steps/s3_upload_step.h"
#include "steps/security_scan_step.h"
#include "steps/shell_script_step.h"
#include "steps/wait_step.h"

namespace sluice::steps {

void RegisterBuiltinSteps(engine::StepRegistry* registry) {
  // Scans started on push are waited for by the scanner steps.
  auto scans = std::make_shared<ScanService>();
  registry->Register(std::make_unique<BuildAndPushStep>(BuildAndPushStep::Target::kEcr, scans));
  registry->Register(
      std::make_unique<BuildAndPushStep>(BuildAndPushStep::Target::kDockerRegistry, scans));
  registry->Register(std::make_unique<SecurityScanStep>(SecurityScanStep::Scanner::kAwsEcr, scans));
  registry->Register(
      std::make_unique<SecurityScanStep>(SecurityScanStep::Scanner::kAquaTrivy, scans));
  registry->Register(std::make_unique<AwsLambdaDeployStep>());
  registry->Register(std::make_unique<AwsLambdaRollbackStep>());
  registry->Register(std::make_unique<AwsLambdaTrafficShiftStep>());
  registry->Register(std::make_unique<EmailStep>());
  registry->Register(std::make_unique<HarnessApprovalStep>());
  registry->Register(std::make_unique<ModelDriftStep>());
  registry->Register(std::make_unique<ModelStalenessStep>());
  registry->Register(std::make_unique<PluginStep>());
  registry->Register(std::make_unique<PolicyStep>());
  registry->Register(std::make_unique<RunStep>());
  registry->Register(std::make_unique<S3UploadStep>());
  registry->Register(std::make_unique<ShellScriptStep>());
  registry->Register(std::make_unique<WaitStep>());
}

}  // namespace sluice::steps
