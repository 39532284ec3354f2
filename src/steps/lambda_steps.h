// The AwsLambda deployment steps of a Deployment stage
// (`deploymentType: AwsLambda`), deploying to sluice's function runtime
// (src/serve) the way Harness deploys to AWS Lambda:
//
// AwsLambdaDeploy (spec: {}): the stage's service (pipeline/deployment.h)
//   gives the function definition manifest (functionName, memorySize,
//   timeout, environment, imageConfig: steps/lambda_manifest.h), alias
//   definitions, and the primary artifact, an image located like a Run
//   step's (ECR through the Aws connector -- registryId is the account --
//   or a Docker registry; the local image store unless the connector names
//   a registry, which it is pulled from). Expressions in the manifests are
//   resolved first. Before anything changes, the new configuration is
//   checked to run here (the image unpacks and has its command), so a bad
//   artifact fails the step while the serving version keeps serving. Then
//   serve::Deploy: $LATEST updated or the function created, a version
//   published, the aliases pointed at it -- unless the stage also has an
//   AwsLambdaTrafficShift step: then this is a canary, the aliases keep
//   their version and the shift steps move the traffic.
//   Outputs: functionName, functionArn, version, aliases (comma-joined),
//   functionUrl (the first alias's, else $LATEST's: on
//   $SLUICE_FUNCTION_URL_BASE, else on the sluice server that owns the
//   state directory, else on http://127.0.0.1:8080), and the
//   rollback record (deployRecord, JSON).
// AwsLambdaTrafficShift (spec: trafficPercentage 0..100, optional
//   errorRateThreshold, percent, and minInvocations, default 10): gives the
//   new version that share of each alias. First, when errorRateThreshold
//   is set, the new version's recorded invocations since the alias last
//   changed are checked: with at least minInvocations of them and an error
//   rate above the threshold the step fails (and the stage's StageRollback
//   failure strategy restores the previous version).
// AwsLambdaRollback (spec: {}; in rollbackSteps): undoes the stage's deploy
//   from its record (serve::Rollback); when the deploy never changed
//   anything, says so and succeeds.
//
// Errors are step failures naming the entity, file and field.
// Stateless; thread-safe.
#pragma once

#include "engine/step.h"

namespace sluice::steps {

class AwsLambdaDeployStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "AwsLambdaDeploy"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

class AwsLambdaTrafficShiftStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "AwsLambdaTrafficShift"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

class AwsLambdaRollbackStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "AwsLambdaRollback"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

}  // namespace sluice::steps
