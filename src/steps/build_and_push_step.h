// `BuildAndPushECR` and `BuildAndPushDockerRegistry` (harness-semantics
// §2.4, §2.5): build a Dockerfile without a daemon and publish the image
// under every tag.
//
//   - step:
//       type: BuildAndPushECR
//       spec:
//         connectorRef: aws            # an Aws connector
//         region: us-east-1
//         account: "123456789012"
//         imageName: ml/train
//         tags: [<+pipeline.executionId>, latest]
//         dockerfile: Dockerfile_Training   # default Dockerfile, from the workspace root
//         context: .                        # default the workspace root
//         target: runtime                   # a stage of a multi-stage Dockerfile
//         buildArgs: {PY: "3.11"}
//         labels: {team: ml}
//
//   BuildAndPushDockerRegistry takes `repo` instead of region, account and
//   imageName, with a DockerRegistry connector.
//
// Where the image goes is steps/image_registry.h's mapping: an Aws
// connector without ecrEndpoint keeps it in the local store (tagged with
// the ECR URI, so `sluice image ls` shows it); otherwise every tag is pushed
// to the registry. Every field may hold expressions. Paths are as commands
// see them (relative ones from the workspace root). The image is built once
// (oci::BuildImage, with $SOURCE_DATE_EPOCH from the step environment, else
// 0) while holding the image store lock, tagged locally for every tag, then
// pushed. Harness fields that mean nothing without Kaniko or Buildx
// (optimize, caching, remoteCacheImage, ...) are ignored with a warning.
//
// Outcome: Success with output {image: the first reference, digest:
// "sha256:...", tags: [...]} (`<+execution.steps.ID.output.digest>`) and
// details["artifacts"]: [{type: "image", name, digest, url}] one per tag.
// Failed (ConfigurationFailure) for a bad connector, tag or Dockerfile (the
// Dockerfile's errors as file:line:col in the log and the message);
// Failed (Connectivity) when the registry fails; Aborted when cancelled.
// Secrets (registry passwords) are masked and never logged.
#pragma once

#include <memory>

#include "engine/step.h"
#include "steps/scan_service.h"

namespace sluice::steps {

class BuildAndPushStep final : public engine::StepType {
 public:
  enum class Target { kEcr, kDockerRegistry };
  // With `scans`, a connector's `scanOnPush: true` starts a scan of the
  // image once it is stored and pushed (scan_service.h).
  explicit BuildAndPushStep(Target target, std::shared_ptr<ScanService> scans = nullptr)
      : target_(target), scans_(std::move(scans)) {}

  std::string_view name() const override;
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;

 private:
  // Constant after construction; the service is thread-safe.
  const Target target_;
  const std::shared_ptr<ScanService> scans_;
};

}  // namespace sluice::steps
