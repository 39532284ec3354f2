// Harness STO's image scanner steps, served by sluice's own scanner
// (src/scan): `AWSECR` (harness-semantics §2.6, the tutorial's "Security
// Scans for ML Model") and `AquaTrivy`.
//
//   - step:
//       type: AWSECR
//       spec:
//         mode: extraction            # or orchestration: both scan here
//         config: default
//         target: {type: container, name: ccapproval-ecr-scan, variant: <+pipeline.executionId>}
//         image: {type: aws_ecr, name: ccapproval, tag: <+pipeline.executionId>, region: us-east-1}
//         auth: {access_id: ..., access_token: ..., region: us-east-1}
//         advanced: {fail_on_severity: high}
//
//   AquaTrivy takes image {type: docker_v2 | local_image, name, tag,
//   domain, access_id, access_token} and mode orchestration.
//
// The image: AWSECR's is the one BuildAndPushECR stored for
// <account>.dkr.ecr.<region>.amazonaws.com/<name>:<tag> (any account; the
// region when given) in the local image store -- ECR's own scan results
// are what extraction mode reads, and sluice's store holds every image a
// BuildAndPushECR step made. AquaTrivy's is <domain>/<name>:<tag> (or
// <name>:<tag>) from the local store, else pulled from its registry with
// access_id / access_token as credentials. When a push started a scan of
// that image (scan on push, steps/scan_service.h), the step waits for its
// result -- up to the step's timeout, else 10 minutes -- instead of
// sleeping; otherwise it scans the image itself.
//
// The result: the log shows "Scan Results:" with the summary JSON in the
// tutorial's shape (scan/report.h) and the findings by severity; output
// variables CRITICAL, HIGH, MEDIUM, LOW, INFO, UNASSIGNED, TOTAL and
// NEW_CRITICAL, NEW_HIGH, NEW_MEDIUM, NEW_LOW, NEW_INFO, NEW_UNASSIGNED,
// NEW_TOTAL, "new" meaning not found by the previous scan of the same
// target name (scan/scan_history.h, <state>/scans); details["scan"] holds
// the summary and every finding. The step fails (Verification) when a
// finding reaches advanced.fail_on_severity (critical, high, medium, low,
// info; none, the default, never fails); ConfigurationFailure for an image
// it cannot find or a bad field; Connectivity when a pull fails. ingestion
// mode (reading another scanner's results file) is not supported and says
// so. Secrets in auth and image credentials are masked and never logged.
#pragma once

#include <memory>

#include "engine/step.h"
#include "steps/scan_service.h"

namespace sluice::steps {

class SecurityScanStep final : public engine::StepType {
 public:
  enum class Scanner { kAwsEcr, kAquaTrivy };
  SecurityScanStep(Scanner scanner, std::shared_ptr<ScanService> scans)
      : scanner_(scanner), scans_(std::move(scans)) {}

  std::string_view name() const override;
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;

 private:
  // Constant after construction; the service is thread-safe.
  const Scanner scanner_;
  const std::shared_ptr<ScanService> scans_;
};

}  // namespace sluice::steps
