// failureStrategies: error and action type names, and the YAML parser for
// `- onFailure: {errors: [...], action: {type, spec}}` (harness-semantics §4).
#include <array>
#include <utility>

#include "pipeline/parse_internal.h"

namespace sluice::pipeline {

namespace {

constexpr std::array<std::pair<ErrorType, std::string_view>, 18> kErrorTypes = {{
    {ErrorType::kAllErrors, "AllErrors"},
    {ErrorType::kUnknown, "Unknown"},
    {ErrorType::kAuthentication, "Authentication"},
    {ErrorType::kAuthorization, "Authorization"},
    {ErrorType::kConnectivity, "Connectivity"},
    {ErrorType::kTimeout, "Timeout"},
    {ErrorType::kVerification, "Verification"},
    {ErrorType::kDelegateProvisioning, "DelegateProvisioning"},
    {ErrorType::kPolicyEvaluationFailure, "PolicyEvaluationFailure"},
    {ErrorType::kInputTimeoutError, "InputTimeoutError"},
    {ErrorType::kApprovalRejection, "ApprovalRejection"},
    {ErrorType::kDelegateRestart, "DelegateRestart"},
    {ErrorType::kUserMarkedFailure, "UserMarkedFailure"},
    {ErrorType::kInfrastructureFailure, "InfrastructureFailure"},
    {ErrorType::kPluginImageFailure, "PluginImageFailure"},
    {ErrorType::kResourceLimitsFailure, "ResourceLimitsFailure"},
    {ErrorType::kConfigurationFailure, "ConfigurationFailure"},
    {ErrorType::kRetryableTransientFailure, "RetryableTransientFailure"},
}};

constexpr std::array<std::pair<ActionType, std::string_view>, 11> kActionTypes = {{
    {ActionType::kIgnore, "Ignore"},
    {ActionType::kMarkAsSuccess, "MarkAsSuccess"},
    {ActionType::kMarkAsFailure, "MarkAsFailure"},
    {ActionType::kAbort, "Abort"},
    {ActionType::kRetry, "Retry"},
    {ActionType::kManualIntervention, "ManualIntervention"},
    {ActionType::kStageRollback, "StageRollback"},
    {ActionType::kStepGroupRollback, "StepGroupRollback"},
    {ActionType::kPipelineRollback, "PipelineRollback"},
    {ActionType::kProceedWithDefaultValues, "ProceedWithDefaultValues"},
    {ActionType::kRetryStepGroup, "RetryStepGroup"},
}};

template <typename Table>
std::string JoinNames(const Table& table) {
  std::string out;
  for (const auto& [value, name] : table) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::string_view ErrorTypeName(ErrorType t) {
  for (const auto& [value, name] : kErrorTypes) {
    if (value == t) return name;
  }
  return "?";
}

std::optional<ErrorType> ParseErrorType(std::string_view name) {
  for (const auto& [value, n] : kErrorTypes) {
    if (n == name) return value;
  }
  return std::nullopt;
}

std::string_view ActionTypeName(ActionType t) {
  for (const auto& [value, name] : kActionTypes) {
    if (value == t) return name;
  }
  return "?";
}

std::optional<ActionType> ParseActionType(std::string_view name) {
  for (const auto& [value, n] : kActionTypes) {
    if (n == name) return value;
  }
  return std::nullopt;
}

namespace internal {

namespace {

// `action: {type: X, spec: {...}}`; `where` names the enclosing key for
// messages ("onRetryFailure").
std::optional<FailureAction> ParseAction(const ParseContext& ctx, const Field& field);

std::shared_ptr<const FailureAction> ParseNestedAction(const ParseContext& ctx,
                                                       const Field& holder) {
  // holder: `onRetryFailure: {action: {...}}` / `onTimeout: {action: {...}}`
  if (!ExpectMap(ctx, holder)) return nullptr;
  auto fields = Fields(holder.value);
  WarnUnknownKeys(ctx, fields, {"action"}, holder.name);
  const Field* action = FindField(fields, "action");
  if (action == nullptr) {
    ctx.Error(ctx.At(holder.key), holder.name + " is missing required field \"action\"");
    return nullptr;
  }
  auto parsed = ParseAction(ctx, *action);
  if (!parsed) return nullptr;
  return std::make_shared<const FailureAction>(std::move(*parsed));
}

void ParseRetrySpec(const ParseContext& ctx, const Field& spec, FailureAction* action) {
  auto fields = Fields(spec.value);
  WarnUnknownKeys(ctx, fields,
                  {"retryCount", "retryIntervals", "onRetryFailure", "condition", "failAll"},
                  "Retry spec");
  if (const Field* condition = FindField(fields, "condition")) {
    ctx.Warning(ctx.At(condition->key),
                "Retry condition is not supported yet (ignored): every matching failure is retried");
  }
  const Field* count = FindField(fields, "retryCount");
  if (count == nullptr) {
    ctx.Error(ctx.At(spec.key), "Retry spec is missing required field \"retryCount\"");
  } else if (auto n = GetInt(ctx, count)) {
    action->retry_count = *n;
  }
  const Field* intervals = FindField(fields, "retryIntervals");
  if (intervals == nullptr) {
    ctx.Error(ctx.At(spec.key),
              "Retry spec is missing required field \"retryIntervals\" (e.g. [10s])");
  } else if (ExpectList(ctx, *intervals)) {
    for (const auto& item : intervals->value) {
      Field one{"retryIntervals", intervals->key, item};
      if (!item.IsScalar()) {
        ctx.Error(
            ctx.At(item),
            "elements of \"retryIntervals\" must be durations such as 10s, not " + KindName(item));
        continue;
      }
      if (auto d = GetDuration(ctx, &one)) action->retry_intervals.push_back(*d);
    }
    if (intervals->value.size() == 0) {
      ctx.Error(ctx.At(*intervals),
                "\"retryIntervals\" must list at least one duration (e.g. [10s])");
    }
  }
  if (const Field* f = FindField(fields, "onRetryFailure")) {
    action->on_retry_failure = ParseNestedAction(ctx, *f);
  }
  if (const Field* f = FindField(fields, "failAll")) {
    action->fail_all = GetBool(ctx, f).value_or(false);
  }
}

void ParseManualInterventionSpec(const ParseContext& ctx, const Field& spec,
                                 FailureAction* action) {
  auto fields = Fields(spec.value);
  WarnUnknownKeys(ctx, fields, {"timeout", "onTimeout", "availableActions"},
                  "ManualIntervention spec");
  action->timeout = GetDuration(ctx, FindField(fields, "timeout"));
  if (const Field* f = FindField(fields, "onTimeout")) {
    action->on_timeout = ParseNestedAction(ctx, *f);
  }
}

std::optional<FailureAction> ParseAction(const ParseContext& ctx, const Field& field) {
  if (!ExpectMap(ctx, field)) return std::nullopt;
  auto fields = Fields(field.value);
  WarnUnknownKeys(ctx, fields, {"type", "spec"}, "failure strategy action");
  FailureAction action;
  action.location = ctx.At(field.value);
  auto type = RequireString(ctx, fields, "type", "failure strategy action", field.value);
  if (!type) return std::nullopt;
  auto parsed = ParseActionType(*type);
  if (!parsed) {
    ctx.Error(ctx.At(*FindField(fields, "type")),
              "unknown failure action type \"" + *type +
                  "\" (expected one of: " + JoinNames(kActionTypes) + ")");
    return std::nullopt;
  }
  action.type = *parsed;
  const Field* spec = FindField(fields, "spec");
  const bool needs_spec = action.type == ActionType::kRetry ||
                          action.type == ActionType::kRetryStepGroup ||
                          action.type == ActionType::kManualIntervention;
  if (spec == nullptr || spec->value.IsNull()) {
    if (action.type == ActionType::kRetry || action.type == ActionType::kRetryStepGroup) {
      ctx.Error(ctx.At(field.key),
                *type + " action is missing required field \"spec\" (retryCount, retryIntervals)");
    }
    return action;
  }
  if (!ExpectMap(ctx, *spec)) return action;
  if (action.type == ActionType::kRetry || action.type == ActionType::kRetryStepGroup) {
    ParseRetrySpec(ctx, *spec, &action);
  } else if (action.type == ActionType::kManualIntervention) {
    ParseManualInterventionSpec(ctx, *spec, &action);
  } else if (!needs_spec) {
    auto spec_fields = Fields(spec->value);
    WarnUnknownKeys(ctx, spec_fields, {"failAll"}, *type + " action spec");
    if (const Field* f = FindField(spec_fields, "failAll")) {
      action.fail_all = GetBool(ctx, f).value_or(false);
    }
  }
  return action;
}

std::optional<FailureStrategy> ParseOne(const ParseContext& ctx, const YAML::Node& item,
                                        const Field& list) {
  if (!item.IsMap()) {
    ctx.Error(ctx.At(item), "elements of \"" + list.name +
                                "\" must be mappings with an onFailure key, not " + KindName(item));
    return std::nullopt;
  }
  auto outer = Fields(item);
  WarnUnknownKeys(ctx, outer, {"onFailure"}, "failure strategy");
  const Field* on_failure = FindField(outer, "onFailure");
  if (on_failure == nullptr) {
    ctx.Error(ctx.At(item), "failure strategy is missing required field \"onFailure\"");
    return std::nullopt;
  }
  if (!ExpectMap(ctx, *on_failure)) return std::nullopt;
  auto fields = Fields(on_failure->value);
  WarnUnknownKeys(ctx, fields, {"errors", "action", "failAll"}, "onFailure");
  FailureStrategy fs;
  fs.location = ctx.At(item);
  bool ok = true;
  const Field* errors = FindField(fields, "errors");
  if (errors == nullptr) {
    ctx.Error(ctx.At(on_failure->key),
              "onFailure is missing required field \"errors\" (e.g. [AllErrors])");
    ok = false;
  } else if (ExpectList(ctx, *errors)) {
    for (const auto& e : errors->value) {
      if (!e.IsScalar()) {
        ctx.Error(ctx.At(e), "elements of \"errors\" must be error type names, not " + KindName(e));
        ok = false;
        continue;
      }
      auto t = ParseErrorType(e.Scalar());
      if (!t) {
        ctx.Error(ctx.At(e), "unknown error type \"" + e.Scalar() +
                                 "\" (expected one of: " + JoinNames(kErrorTypes) + ")");
        ok = false;
        continue;
      }
      fs.errors.push_back(*t);
    }
    if (errors->value.size() == 0) {
      ctx.Error(ctx.At(*errors), "\"errors\" must list at least one error type (e.g. [AllErrors])");
      ok = false;
    }
  } else {
    ok = false;
  }
  const Field* action = FindField(fields, "action");
  if (action == nullptr) {
    ctx.Error(ctx.At(on_failure->key), "onFailure is missing required field \"action\"");
    return std::nullopt;
  }
  auto parsed = ParseAction(ctx, *action);
  if (!parsed || !ok) return std::nullopt;
  fs.action = std::move(*parsed);
  if (const Field* f = FindField(fields, "failAll")) {
    fs.action.fail_all = GetBool(ctx, f).value_or(fs.action.fail_all);
  }
  return fs;
}

}  // namespace

std::vector<FailureStrategy> ParseFailureStrategies(const ParseContext& ctx, const Field& field) {
  std::vector<FailureStrategy> out;
  if (field.value.IsNull()) return out;
  if (!ExpectList(ctx, field)) return out;
  for (const auto& item : field.value) {
    if (auto fs = ParseOne(ctx, item, field)) out.push_back(std::move(*fs));
  }
  return out;
}

}  // namespace internal
}  // namespace sluice::pipeline
