#include "steps/policy_step.h"

#include <chrono>

#include "common/duration.h"
#include "common/text.h"
#include "policy/value_json.h"
#include "steps/policy_evaluation.h"
#include "steps/spec_check.h"

namespace sluice::steps {
namespace {

constexpr std::string_view kWhere = "Policy step spec";

// At most this much of a payload that is not valid JSON is quoted in the
// failure message (the step log has all of it).
constexpr size_t kMaxPayloadQuoted = 400;

// `"text"` for a log line: quotes and backslashes escaped, control
// characters (line breaks, terminal escapes) shown as spaces.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
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

store::PolicyEvaluationRecord EvaluationOf(const PolicySetsOutcome& outcome, nlohmann::json input,
                                           int64_t now_ms) {
  store::PolicyEvaluationRecord rec;
  rec.status = std::string(PolicyStatusName(outcome.status));
  rec.input = std::move(input);
  rec.evaluated_ms = now_ms;
  for (const PolicySetOutcome& set : outcome.sets) {
    for (const PolicyOutcome& p : set.policies) {
      rec.results.push_back({set.identifier, set.name, p.identifier,
                             p.severity == pipeline::PolicySeverity::kWarning ? "warning" : "error",
                             std::string(PolicyStatusName(p.status)), p.deny_messages, p.error,
                             p.duration_us});
    }
  }
  return rec;
}

// The policy set identifiers of spec.policySets: a list, or one expression
// (`<+input>`) resolving to a JSON list or a comma-separated one.
Result<std::vector<std::string>> ResolveSetIds(const engine::StepContext& ctx, const YAML::Node& sets) {
  std::vector<std::string> ids;
  if (sets && sets.IsScalar()) {
    SLUICE_ASSIGN_OR_RETURN(std::string text, ctx.ResolveString(sets, "spec.policySets"));
    nlohmann::json list = nlohmann::json::parse(text, nullptr, false);
    if (list.is_array()) {
      for (const auto& item : list) ids.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    } else {
      for (std::string_view rest = text; !rest.empty();) {
        size_t comma = rest.find(',');
        std::string_view id = rest.substr(0, comma);
        while (!id.empty() && id.front() == ' ') id.remove_prefix(1);
        while (!id.empty() && id.back() == ' ') id.remove_suffix(1);
        if (!id.empty()) ids.emplace_back(id);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    }
    return ids;
  }
  int index = 0;
  for (const YAML::Node& item : sets) {
    SLUICE_ASSIGN_OR_RETURN(std::string id,
                            ctx.ResolveString(item, "spec.policySets[" + std::to_string(index++) + "]"));
    ids.push_back(std::move(id));
  }
  return ids;
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
  const bool expression = sets && sets.IsScalar() && sets.Scalar().find("<+") != std::string::npos;
  if (!sets) {
    check.Error(spec, "Policy step spec is missing required field \"policySets\" (a list of policy set identifiers)");
  } else if (expression) {
    // Resolved when the step runs.
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
    YAML::Node payload = policy_spec["payload"];
    if (payload && (payload.IsMap() || payload.IsSequence())) {
      check.Error(payload, "policySpec.payload is JSON text: write it as a block, `payload: |` followed by "
                           "the JSON on the next lines");
    } else {
      check.RequireScalar(policy_spec, "payload", "policySpec");
    }
  }
}

engine::StepOutcome PolicyStep::Execute(engine::StepContext& ctx) const {
  const YAML::Node& spec = ctx.node.spec;
  Result<std::vector<std::string>> set_ids = ResolveSetIds(ctx, spec["policySets"]);
  if (!set_ids.ok()) return engine::StepOutcome::Error(set_ids.status().message());
  if (set_ids->empty()) {
    return engine::StepOutcome::Failure(pipeline::ErrorType::kUnknown,
                                        "spec.policySets is empty: name at least one policy set");
  }
  auto payload = ctx.ResolveString(spec["policySpec"]["payload"], "spec.policySpec.payload");
  if (!payload.ok()) return engine::StepOutcome::Error(payload.status().message());
  Result<policy::Value> input = ParsePayload(*payload);
  const std::string masked_payload = ctx.masker.Mask(*payload);
  if (!input.ok()) {
    ctx.Log("policy input (resolved spec.policySpec.payload):");
    ctx.Log(*payload);
    return engine::StepOutcome::Failure(
        pipeline::ErrorType::kUnknown,
        "spec.policySpec.payload is not a valid JSON input after resolving expressions: " +
            input.status().message() + "; resolved payload: " + Abbreviate(masked_payload, kMaxPayloadQuoted) +
            " (the step log shows all of it)");
  }
  policy::EvalLimits limits;
  limits.cancel = &ctx.cancel;
  if (ctx.timeout) limits.deadline = ctx.clock.Steady() + *ctx.timeout;
  Result<PolicySetsOutcome> outcome = EvaluatePolicySets(ctx.project, *set_ids, *input, limits);
  if (!outcome.ok()) return engine::StepOutcome::Failure(pipeline::ErrorType::kUnknown, outcome.status().message());
  LogOutcome(ctx, *outcome);

  engine::StepOutcome result;
  result.output = OutputOf(*outcome);
  // A secret inside the payload may be a number or JSON text whose parsed
  // pieces no mask recognises: then only the masked text is kept.
  nlohmann::json stored_input =
      masked_payload == *payload ? policy::ToNlohmannJson(*input) : nlohmann::json(masked_payload);
  result.policy_evaluation = EvaluationOf(*outcome, std::move(stored_input), ctx.clock.NowMillis());
  // An evaluation cut short is recorded (its policy shows eval_cancel_error)
  // but decides nothing.
  if (ctx.cancel.cancelled()) {
    result.status = engine::NodeStatus::kAborted;
    result.failure_message = "aborted while evaluating policies";
    return result;
  }
  if (limits.deadline && ctx.clock.Steady() >= *limits.deadline) {
    result.status = engine::NodeStatus::kExpired;
    result.failure_message = "timed out after " + FormatDuration(*ctx.timeout) + " evaluating policies";
    return result;
  }
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
