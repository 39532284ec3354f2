// `stage:` mappings and their type-specific `spec` (harness-semantics §1.2).
#include "pipeline/parse_internal.h"

namespace sluice::pipeline {

std::optional<StageType> ParseStageType(std::string_view name) {
  if (name == "CI") return StageType::kCI;
  if (name == "Custom") return StageType::kCustom;
  if (name == "Approval") return StageType::kApproval;
  if (name == "Deployment") return StageType::kDeployment;
  return std::nullopt;
}

namespace internal {

namespace {

// Keys users put at stage level that belong in the stage's spec.
const std::map<std::string, std::string>& StageHints() {
  static const std::map<std::string, std::string> hints = [] {
    std::map<std::string, std::string> h;
    for (const char* k : {"execution", "cloneCodebase", "platform", "runtime", "infrastructure",
                          "sharedPaths", "caching", "service", "environment", "deploymentType"}) {
      h[k] = std::string(k) + " belongs in the stage spec";
    }
    h["pipelineStatus"] = "pipelineStatus belongs in the stage's when";
    return h;
  }();
  return hints;
}

void WarnUnknownSpecKeys(const ParseContext& ctx, const std::vector<Field>& fields, StageType type,
                         const std::string& type_name) {
  const std::string where = type_name + " stage spec";
  switch (type) {
    case StageType::kCI:
      WarnUnknownKeys(
          ctx, fields,
          {"cloneCodebase", "platform", "runtime", "infrastructure", "execution", "sharedPaths",
           "caching", "buildIntelligence", "serviceDependencies", "slsa_provenance"},
          where);
      break;
    case StageType::kCustom:
      WarnUnknownKeys(ctx, fields, {"execution", "environment"}, where);
      break;
    case StageType::kDeployment:
      WarnUnknownKeys(ctx, fields,
                      {"deploymentType", "service", "services", "environment", "environments",
                       "environmentGroup", "execution", "gitOpsEnabled", "serviceConfig",
                       "infrastructure", "customDeploymentRef"},
                      where);
      break;
    case StageType::kApproval:
      WarnUnknownKeys(ctx, fields, {"execution"}, where);
      break;
    case StageType::kOther:
      break;
  }
}

void ParseSpec(const ParseContext& ctx, const Field& spec, Stage* stage) {
  if (!ExpectMap(ctx, spec)) return;
  stage->spec = spec.value;
  auto fields = Fields(spec.value);
  WarnUnknownSpecKeys(ctx, fields, stage->type, stage->type_name);
  if (stage->type == StageType::kCI) {
    stage->clone_codebase = GetBool(ctx, FindField(fields, "cloneCodebase")).value_or(false);
    stage->shared_paths = GetStringList(ctx, FindField(fields, "sharedPaths"));
  }
  const Field* execution = FindField(fields, "execution");
  if (execution == nullptr) {
    ctx.Error(ctx.At(spec.key),
              stage->type_name + " stage spec is missing required field \"execution\"");
    return;
  }
  if (!ExpectMap(ctx, *execution)) return;
  auto exec_fields = Fields(execution->value);
  WarnUnknownKeys(ctx, exec_fields, {"steps", "rollbackSteps"}, "execution");
  // Steps and rollback steps of a stage share one identifier scope, so that
  // execution.steps.<id> names one node.
  IdentifierScope scope("step");
  if (const Field* steps = FindField(exec_fields, "steps")) {
    stage->steps = ParseExecutionList(ctx, *steps, &scope);
  } else {
    ctx.Error(ctx.At(execution->key), "execution is missing required field \"steps\"");
  }
  if (const Field* rb = FindField(exec_fields, "rollbackSteps");
      rb != nullptr && !rb->value.IsNull()) {
    stage->rollback_steps = ParseExecutionList(ctx, *rb, &scope);
  }
}

}  // namespace

std::optional<Stage> ParseStage(const ParseContext& ctx, const Field& field,
                                IdentifierScope* stage_ids) {
  if (!ExpectMap(ctx, field)) return std::nullopt;
  auto fields = Fields(field.value);
  WarnUnknownKeys(
      ctx, fields,
      {"identifier", "name", "type", "description", "tags", "spec", "when", "failureStrategies",
       "variables", "delegateSelectors", "strategy", "timeout", "template"},
      "stage", StageHints());
  Stage stage;
  stage.location = ctx.At(field.value);
  bool ok = true;
  if (auto id = RequireString(ctx, fields, "identifier", "stage", field.value)) {
    const Field* f = FindField(fields, "identifier");
    CheckIdentifier(ctx, *id, ctx.At(*f));
    stage_ids->Add(ctx, *id, ctx.At(*f));
    stage.identifier = *id;
  } else {
    ok = false;
  }
  if (auto name = RequireString(ctx, fields, "name", "stage", field.value)) stage.name = *name;
  if (const Field* t = FindField(fields, "template")) {
    ctx.Error(ctx.At(t->key), "templates are not supported: inline the template's YAML instead");
    return std::nullopt;
  }
  if (auto type = RequireString(ctx, fields, "type", "stage", field.value)) {
    stage.type_name = *type;
    if (auto parsed = ParseStageType(*type)) {
      stage.type = *parsed;
    } else {
      ctx.Error(ctx.At(*FindField(fields, "type")),
                "stage type \"" + *type +
                    "\" is not supported (supported: CI, Custom, Deployment, Approval)");
      ok = false;
    }
  } else {
    ok = false;
  }
  stage.description = GetString(ctx, FindField(fields, "description")).value_or("");
  if (const Field* f = FindField(fields, "when")) stage.when = ParseWhen(ctx, *f, "pipelineStatus");
  if (const Field* f = FindField(fields, "failureStrategies")) {
    stage.failure_strategies = ParseFailureStrategies(ctx, *f);
  }
  if (const Field* f = FindField(fields, "variables")) stage.variables = ParseVariables(ctx, *f);
  stage.timeout = GetDuration(ctx, FindField(fields, "timeout"));
  stage.delegate_selectors = GetStringList(ctx, FindField(fields, "delegateSelectors"));
  if (const Field* f = FindField(fields, "tags"); f != nullptr && !f->value.IsNull()) {
    (void)ExpectMap(ctx, *f);
  }
  if (const Field* f = FindField(fields, "strategy")) {
    WarnNotSupported(ctx, *f, "looping with matrix/repeat/parallelism runs the stage once");
  }
  const Field* spec = FindField(fields, "spec");
  if (spec == nullptr || spec->value.IsNull()) {
    ctx.Error(spec != nullptr ? ctx.At(spec->key) : ctx.At(field.value),
              "stage is missing required field \"spec\"");
    ok = false;
  } else if (ok) {
    ParseSpec(ctx, *spec, &stage);
  }
  if (!ok) return std::nullopt;
  return stage;
}

}  // namespace internal
}  // namespace sluice::pipeline
