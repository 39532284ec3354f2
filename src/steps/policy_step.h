// `Policy` (type Custom): evaluates policy sets against a JSON payload
// (harness-semantics §2.9, §9).
//
//   - step:
//       type: Policy
//       spec:
//         policySets: [Credit_Card_Approval_Policy_Set]   # .harness/policysets
//         type: Custom
//         policySpec:
//           payload: |
//             {"accuracy": <+steps.check.output.outputVariables.accuracy>}
//
// The payload is resolved (expressions may sit unquoted inside the JSON) and
// parsed as JSON: an object, or an array of objects, becomes `input`. Each
// set is evaluated (steps/policy_evaluation.h) and logged as Harness logs it
// (`POLICYSET: "<name>" STATUS: "<status>"`, then one `POLICY:` line per
// policy). Outcome by overall status: pass → Success; warning → Success
// with the failing policies and messages as warnings; error → Failed with
// PolicyEvaluationFailure naming every failing policy and its messages.
// Outputs: `status` (pass | warning | error) and
// `policySetDetails.<set>.status` / `.policyDetails.<policy>.status`. Every
// evaluated policy is stored (store::PolicyEvaluationRecord).
// `account.` / `org.` prefixes on set identifiers name the project's sets:
// sluice keeps every policy set in .harness/policysets.
#pragma once

#include "engine/step.h"

namespace sluice::steps {

class PolicyStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "Policy"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

}  // namespace sluice::steps
