#include "steps/shell_script_step.h"

#include "steps/output_variables.h"
#include "steps/script_common.h"
#include "steps/spec_check.h"

namespace sluice::steps {
namespace {

YAML::Node ScriptNode(const YAML::Node& spec) {
  if (!spec || !spec.IsMap() || !spec["source"] || !spec["source"]["spec"]) return YAML::Node();
  return spec["source"]["spec"]["script"];
}

}  // namespace

void ShellScriptStep::ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                                   DiagnosticList* diags) const {
  (void)stage;
  SpecChecker check(step, diags);
  if (!check.RequireSpec()) return;
  const YAML::Node& spec = check.spec();
  check.WarnUnknownKeys(spec,
                        {"shell", "source", "environmentVariables", "outputVariables", "executionTarget",
                         "onDelegate", "delegateSelectors", "includeInfraSelectors", "outputAlias"},
                        "ShellScript step spec");
  if (check.RequireScalar(spec, "shell", "ShellScript step spec")) {
    check.CheckOneOf(spec, "shell", {"Bash", "Sh"}, "ShellScript step spec");
  }
  YAML::Node source = spec["source"];
  if (!source || !source.IsMap()) {
    check.Error(source ? source : spec,
                "ShellScript step spec needs source: {type: Inline, spec: {script: ...}}");
  } else {
    check.CheckOneOf(source, "type", {"Inline"}, "source");
    if (!source["spec"] || !source["spec"].IsMap()) {
      check.Error(source, "source needs spec: {script: ...}");
    } else {
      check.RequireScalar(source["spec"], "script", "source.spec");
    }
  }
  YAML::Node env = spec["environmentVariables"];
  if (env && !env.IsNull() && !env.IsSequence()) {
    check.Error(env, "environmentVariables must be a list of {name, type, value}");
  } else if (env) {
    for (const YAML::Node& item : env) {
      if (!item.IsMap() || !item["name"]) check.Error(item, "each environment variable needs a name");
    }
  }
  CheckOutputVariables(check, spec);
  YAML::Node target = spec["executionTarget"];
  if (target && target.IsMap() && target["host"]) {
    check.Error(target["host"], "executionTarget.host: running on remote hosts is not supported; "
                                "remove executionTarget to run on this machine");
  }
}

std::vector<std::pair<std::string, YAML::Node>> ShellScriptStep::Scripts(
    const pipeline::ExecutionNode& step) const {
  YAML::Node script = ScriptNode(step.spec);
  if (!script || !script.IsScalar()) return {};
  std::string shell = step.spec["shell"] ? step.spec["shell"].as<std::string>("") : "Bash";
  return {{shell == "Sh" ? "sh" : "bash", script}};
}

engine::StepOutcome ShellScriptStep::Execute(engine::StepContext& ctx) const {
  const YAML::Node& spec = ctx.node.spec;
  auto script = ctx.ResolveString(ScriptNode(spec), "spec.source.spec.script");
  if (!script.ok()) return engine::StepOutcome::Error(script.status().message());
  auto shell = ParseShell(spec["shell"] ? spec["shell"].as<std::string>("") : "", false);
  if (!shell.ok()) return engine::StepOutcome::Error(shell.status().message());

  ScriptRequest req;
  req.shell = *shell;
  req.script = *script;
  req.sandboxed = false;
  for (const YAML::Node& item : spec["environmentVariables"]) {
    if (!item.IsMap() || !item["name"]) continue;
    std::string name = item["name"].as<std::string>("");
    auto value = ctx.ResolveString(item["value"], "spec.environmentVariables." + name);
    if (!value.ok()) return engine::StepOutcome::Error(value.status().message());
    if (item["type"] && item["type"].as<std::string>("") == "Secret") ctx.masker.Add(*value);
    req.env[name] = *value;
  }
  std::vector<OutputVariable> outputs = ReadOutputVariables(spec["outputVariables"]);
  for (const OutputVariable& o : outputs) req.capture.push_back(o.variable);

  ScriptRun run = RunStepScript(ctx, req);
  engine::StepOutcome outcome = run.outcome;
  TakeOutputs(outputs, run, /*keep_extra=*/false, ctx, &outcome);
  return outcome;
}

}  // namespace sluice::steps
