// HarnessApproval (harness-semantics §2.12): the execution waits until
// enough members of the listed user groups approve it, one rejects it, or
// the step's timeout (1 day by default) passes.
//
// The first run records the request in the store -- the message and
// approvers resolved then, who started the execution, the deadline -- and
// answers ApprovalWaiting: the execution stops without holding a process
// (engine.h). Each later run (a resume) reads the decision: Success with
// the outputs approvalActivities and approverInputs.<name>; Rejected
// (failure type ApprovalRejection) naming who rejected and why; Expired
// (Timeout) past the deadline; or ApprovalWaiting again. The rules of who
// may decide are engine/approvals.h.
//
// With isAutoRejectEnabled, a new request rejects the requests of older
// executions of the same pipeline still waiting at the same step.
#pragma once

#include "engine/step.h"

namespace sluice::steps {

class HarnessApprovalStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "HarnessApproval"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

}  // namespace sluice::steps
