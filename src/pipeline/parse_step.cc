// Execution lists: `steps` / `rollbackSteps` whose elements are `step`,
// `stepGroup` or `parallel` (harness-semantics §1.3, §1.4).
#include "pipeline/parse_internal.h"

namespace sluice::pipeline::internal {

namespace {

// Keys users put at step level that belong in the step's spec.
const std::map<std::string, std::string>& StepHints() {
  static const std::map<std::string, std::string> hints = [] {
    std::map<std::string, std::string> h;
    for (const char* k : {"command", "shell", "image", "connectorRef", "envVariables",
                          "outputVariables", "script", "source", "settings"}) {
      h[k] = std::string(k) + " belongs in the step spec";
    }
    return h;
  }();
  return hints;
}

std::optional<ExecutionNode> ParseStepGroup(const ParseContext& ctx, const Field& field,
                                            IdentifierScope* scope);

// identifier + name, shared by steps and step groups.
bool ParseIdentity(const ParseContext& ctx, const std::vector<Field>& fields, const Field& field,
                   std::string_view what, IdentifierScope* scope, ExecutionNode* node) {
  auto id = RequireString(ctx, fields, "identifier", what, field.value);
  auto name = RequireString(ctx, fields, "name", what, field.value);
  if (id) {
    const Field* f = FindField(fields, "identifier");
    CheckIdentifier(ctx, *id, ctx.At(*f));
    scope->Add(ctx, *id, ctx.At(*f));
    node->identifier = *id;
  }
  if (name) node->name = *name;
  return id.has_value();
}

void ParseCommon(const ParseContext& ctx, const std::vector<Field>& fields, ExecutionNode* node) {
  if (const Field* f = FindField(fields, "when")) node->when = ParseWhen(ctx, *f, "stageStatus");
  if (const Field* f = FindField(fields, "failureStrategies")) {
    node->failure_strategies = ParseFailureStrategies(ctx, *f);
  }
  node->timeout = GetDuration(ctx, FindField(fields, "timeout"));
  if (const Field* f = FindField(fields, "strategy")) {
    WarnNotSupported(ctx, *f, "looping with matrix/repeat/parallelism runs the node once");
  }
  if (const Field* f = FindField(fields, "template")) {
    ctx.Error(ctx.At(f->key), "templates are not supported: inline the template's YAML instead");
  }
}

std::optional<ExecutionNode> ParseStep(const ParseContext& ctx, const Field& field,
                                       IdentifierScope* scope) {
  if (!ExpectMap(ctx, field)) return std::nullopt;
  auto fields = Fields(field.value);
  WarnUnknownKeys(ctx, fields,
                  {"identifier", "name", "type", "spec", "timeout", "when", "failureStrategies",
                   "strategy", "description", "enforce", "template"},
                  "step", StepHints());
  ExecutionNode node;
  node.kind = ExecutionNode::Kind::kStep;
  node.location = ctx.At(field.value);
  bool ok = ParseIdentity(ctx, fields, field, "step", scope, &node);
  if (auto type = RequireString(ctx, fields, "type", "step", field.value)) {
    node.type = *type;
    node.type_location = ctx.At(*FindField(fields, "type"));
  } else {
    ok = false;
  }
  if (const Field* spec = FindField(fields, "spec")) {
    if (!spec->value.IsNull() && ExpectMap(ctx, *spec)) node.spec = spec->value;
  }
  if (const Field* f = FindField(fields, "enforce")) {
    WarnNotSupported(ctx, *f, "step-level policy enforcement is not evaluated");
  }
  ParseCommon(ctx, fields, &node);
  if (!ok) return std::nullopt;
  return node;
}

std::optional<ExecutionNode> ParseStepGroup(const ParseContext& ctx, const Field& field,
                                            IdentifierScope* scope) {
  if (!ExpectMap(ctx, field)) return std::nullopt;
  auto fields = Fields(field.value);
  WarnUnknownKeys(ctx, fields,
                  {"identifier", "name", "steps", "rollbackSteps", "when", "failureStrategies",
                   "delegateSelectors", "sharedPaths", "stepGroupInfra", "strategy", "variables",
                   "template", "timeout", "description"},
                  "step group");
  ExecutionNode node;
  node.kind = ExecutionNode::Kind::kStepGroup;
  node.location = ctx.At(field.value);
  bool ok = ParseIdentity(ctx, fields, field, "step group", scope, &node);
  ParseCommon(ctx, fields, &node);
  // A step group opens a new identifier scope: its steps are addressed as
  // steps.<group>.steps.<step>.
  IdentifierScope inner("step");
  if (const Field* steps = FindField(fields, "steps")) {
    node.children = ParseExecutionList(ctx, *steps, &inner);
  } else {
    ctx.Error(ctx.At(field.value), "step group is missing required field \"steps\"");
    ok = false;
  }
  if (const Field* rb = FindField(fields, "rollbackSteps")) {
    node.rollback_steps = ParseExecutionList(ctx, *rb, &inner);
  }
  node.shared_paths = GetStringList(ctx, FindField(fields, "sharedPaths"));
  if (const Field* v = FindField(fields, "variables")) node.variables = ParseVariables(ctx, *v);
  if (!ok) return std::nullopt;
  return node;
}

std::optional<ExecutionNode> ParseParallel(const ParseContext& ctx, const Field& field,
                                           IdentifierScope* scope) {
  if (!ExpectList(ctx, field)) return std::nullopt;
  ExecutionNode node;
  node.kind = ExecutionNode::Kind::kParallel;
  node.location = ctx.At(field.value);
  for (const auto& item : field.value) {
    auto fields = Fields(item);
    if (!item.IsMap() || fields.size() != 1 ||
        (fields[0].name != "step" && fields[0].name != "stepGroup")) {
      ctx.Error(ctx.At(item),
                "elements of \"parallel\" must be {step: ...} or {stepGroup: ...}, not " +
                    Describe(item, fields));
      continue;
    }
    auto child = fields[0].name == "step" ? ParseStep(ctx, fields[0], scope)
                                          : ParseStepGroup(ctx, fields[0], scope);
    if (child) node.children.push_back(std::move(*child));
  }
  if (field.value.size() == 0) {
    ctx.Error(ctx.At(field), "\"parallel\" must list at least one step or step group");
  }
  return node;
}

}  // namespace

std::vector<ExecutionNode> ParseExecutionList(const ParseContext& ctx, const Field& field,
                                              IdentifierScope* scope) {
  std::vector<ExecutionNode> out;
  if (field.value.IsNull()) {
    ctx.Error(ctx.At(field), "\"" + field.name + "\" must list at least one step");
    return out;
  }
  if (!ExpectList(ctx, field)) return out;
  for (const auto& item : field.value) {
    auto fields = Fields(item);
    if (!item.IsMap() || fields.size() != 1) {
      ctx.Error(ctx.At(item),
                "elements of \"" + field.name +
                    "\" must be {step: ...}, {stepGroup: ...} or {parallel: [...]}, not " +
                    Describe(item, fields));
      continue;
    }
    const Field& f = fields[0];
    std::optional<ExecutionNode> node;
    if (f.name == "step") {
      node = ParseStep(ctx, f, scope);
    } else if (f.name == "stepGroup") {
      node = ParseStepGroup(ctx, f, scope);
    } else if (f.name == "parallel") {
      node = ParseParallel(ctx, f, scope);
    } else {
      ctx.Error(ctx.At(f.key), "unknown element \"" + f.name + "\" in \"" + field.name +
                                   "\" (expected step, stepGroup or parallel)");
    }
    if (node) out.push_back(std::move(*node));
  }
  return out;
}

}  // namespace sluice::pipeline::internal
