#include "steps/policy_step.h"

#include "policy/value_json.h"
#include "steps/policy_evaluation.h"
#include "steps/spec_check.h"

namespace sluice::steps {
namespace {

constexpr std::string_view kWhere = "Policy step spec";

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

std::string JoinMessages(const PolicyOutcome& p) {
  if (!p.error.empty()) return p.error;
  std::string out;
  for (const std::string& m : p.deny_messages) out += (out.empty() ? "" : "; ") + m;
  return out;
}

// The payload as `input`: JSON, an object or an array of objects.
Result<policy::Value> ParsePayload(const std::string& text) {
  Result<policy::Value> input = policy::ParseJson(text);
  if (!input.ok()) return input.status();
  bool objects = input->IsObject();
  if (input->IsArray()) {
    objects = true;
    for (const policy::Value& item : input->ArrayElems()) objects = objects && item.IsObject();
  }
  if (!objects) {
    return Status::InvalidArgument("the payload must be a JSON object (or an array of objects), not " +
                                   std::string(policy::KindName(input->kind())));
  }
  return input;
}

void LogOutcome(const engine::StepContext& ctx, const PolicySetsOutcome& outcome) {
  for (const PolicySetOutcome& set : outcome.sets) {
    if (!set.enabled) {
      ctx.Log("POLICYSET: " + Quote(set.name) + " STATUS: \"disabled\" (not evaluated)");
      continue;
    }
    ctx.Log("POLICYSET: " + Quote(set.name) + " STATUS: " + Quote(PolicyStatusName(set.status)));
    for (const PolicyOutcome& p : set.policies) {
      ctx.Log("POLICY: " + Quote(p.identifier) + ", STATUS: " + Quote(PolicyStatusName(p.status)) +
              ", DETAILS: " + Quote(JoinMessages(p)));
    }
  }
}

nlohmann::json OutputOf(const PolicySetsOutcome& outcome) {
  nlohmann::json sets = nlohmann::json::object();
  for (const PolicySetOutcome& set : outcome.sets) {
    nlohmann::json policies = nlohmann::json::object();
    for (const PolicyOutcome& p : set.policies) {
      policies[p.identifier] = {{"identifier", p.identifier},
                                {"status", PolicyStatusName(p.status)},
                                {"denyMessages", p.deny_messages},
                                {"error", p.error}};
    }
    sets[set.identifier] = {{"identifier", set.identifier},
                            {"name", set.name},
                            {"status", set.enabled ? PolicyStatusName(set.status) : "disabled"},
                            {"policyDetails", policies}};
  }
  return {{"status", PolicyStatusName(outcome.status)}, {"policySetDetails", sets}};
}

std::vector<store::PolicyEvaluationRecord> RecordsOf(const PolicySetsOutcome& outcome,
                                                     const nlohmann::json& input, int64_t now_ms) {
  std::vector<store::PolicyEvaluationRecord> out;
  for (const PolicySetOutcome& set : outcome.sets) {
    for (const PolicyOutcome& p : set.policies) {
      store::PolicyEvaluationRecord r;
      r.policy_set = set.identifier;
      r.policy_set_name = set.name;
      r.policy = p.identifier;
      r.severity = p.severity == pipeline::PolicySeverity::kWarning ? "warning" : "error";
      r.status = std::string(PolicyStatusName(p.status));
      r.input = input;
      r.deny_messages = p.deny_messages;
      r.error = p.error;
      r.duration_us = p.duration_us;
      r.evaluated_ms = now_ms;
      out.push_back(std::move(r));
    }
  }
  return out;
}

// `policy set "<name>", policy "<id>": <messages>` for every policy with `status`.
std::vector<std::string> Findings(const PolicySetsOutcome& outcome, PolicyStatus status) {
  std::vector<std::string> out;
  for (const PolicySetOutcome& set : outcome.sets) {
    for (const PolicyOutcome& p : set.policies) {
      if (p.status == status) {
        out.push_back("policy set " + Quote(set.name) + ", policy " + Quote(p.identifier) + ": " +
                      JoinMessages(p));
      }
    }
  }
  return out;
}

}  // namespace

void PolicyStep::ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                              DiagnosticList* diags) const {
  SpecChecker check(step, diags);
  if (stage.type == pipeline::StageType::kCI) {
    check.Error(step.spec ? step.spec : YAML::Node(), "Policy steps run in Custom, Deployment or Approval "
                                                     "stages, not in CI stage \"" + stage.identifier + "\"");
  }
  if (!check.RequireSpec()) return;
  const YAML::Node& spec = check.spec();
  check.WarnUnknownKeys(spec, {"policySets", "type", "policySpec"}, kWhere);
  YAML::Node sets = spec["policySets"];
  if (!sets) {
    check.Error(spec, "Policy step spec is missing required field \"policySets\" (a list of policy set identifiers)");
  } else if (!sets.IsSequence() || sets.size() == 0) {
    check.Error(sets, "policySets must be a non-empty list of policy set identifiers");
  } else {
    for (const YAML::Node& item : sets) {
      if (!item.IsScalar()) check.Error(item, "each policy set is an identifier (a string)");
    }
  }
  if (check.OptionalScalar(spec, "type", kWhere)) check.CheckOneOf(spec, "type", {"Custom"}, kWhere);
  YAML::Node policy_spec = spec["policySpec"];
  if (!policy_spec || !policy_spec.IsMap()) {
    check.Error(policy_spec ? policy_spec : spec, "Policy step spec needs policySpec: {payload: <JSON text>}");
  } else {
    check.WarnUnknownKeys(policy_spec, {"payload"}, "policySpec");
    check.RequireScalar(policy_spec, "payload", "policySpec");
  }
}

engine::StepOutcome PolicyStep::Execute(engine::StepContext& ctx) const {
  const YAML::Node& spec = ctx.node.spec;
  std::vector<std::string> set_ids;
  int index = 0;
  for (const YAML::Node& item : spec["policySets"]) {
    auto id = ctx.ResolveString(item, "spec.policySets[" + std::to_string(index++) + "]");
    if (!id.ok()) return engine::StepOutcome::Error(id.status().message());
    set_ids.push_back(*id);
  }
  if (set_ids.empty()) {
    return engine::StepOutcome::Failure(pipeline::ErrorType::kUnknown,
                                        "spec.policySets is empty: name at least one policy set");
  }
  auto payload = ctx.ResolveString(spec["policySpec"]["payload"], "spec.policySpec.payload");
  if (!payload.ok()) return engine::StepOutcome::Error(payload.status().message());
  Result<policy::Value> input = ParsePayload(*payload);
  if (!input.ok()) {
    ctx.Log("policy input (resolved spec.policySpec.payload):");
    ctx.Log(*payload);
    return engine::StepOutcome::Failure(
        pipeline::ErrorType::kUnknown,
        "spec.policySpec.payload is not a valid JSON input after resolving expressions: " +
            input.status().message() + "; resolved payload: " + ctx.masker.Mask(*payload));
  }

  Result<PolicySetsOutcome> outcome = EvaluatePolicySets(ctx.project, set_ids, *input);
  if (!outcome.ok()) return engine::StepOutcome::Failure(pipeline::ErrorType::kUnknown, outcome.status().message());
  LogOutcome(ctx, *outcome);

  engine::StepOutcome result;
  result.output = OutputOf(*outcome);
  result.policy_evaluations = RecordsOf(*outcome, policy::ToNlohmannJson(*input), ctx.clock.NowMillis());
  switch (outcome->status) {
    case PolicyStatus::kPass:
      break;
    case PolicyStatus::kWarning:
      for (const std::string& w : Findings(*outcome, PolicyStatus::kWarning)) {
        result.warnings.push_back("policy warning: " + w);
        ctx.Log("WARNING: " + w);
      }
      break;
    case PolicyStatus::kError: {
      std::string message = "policy sets not adhered to: ";
      bool first = true;
      for (const std::string& f : Findings(*outcome, PolicyStatus::kError)) {
        message += (first ? "" : "; ") + f;
        first = false;
      }
      for (const std::string& w : Findings(*outcome, PolicyStatus::kWarning)) {
        result.warnings.push_back("policy warning: " + w);
      }
      result.status = engine::NodeStatus::kFailed;
      result.failure_type = pipeline::ErrorType::kPolicyEvaluationFailure;
      result.failure_message = message;
      break;
    }
  }
  return result;
}

}  // namespace sluice::steps
