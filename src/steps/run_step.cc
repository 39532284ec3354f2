#include "steps/run_step.h"

#include "steps/container_image.h"
#include "steps/output_variables.h"
#include "steps/reports.h"
#include "steps/script_common.h"
#include "steps/spec_check.h"

namespace sluice::steps {

void RunStep::ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                           DiagnosticList* diags) const {
  (void)stage;
  SpecChecker check(step, diags);
  if (!check.RequireSpec()) return;
  const YAML::Node& spec = check.spec();
  check.WarnUnknownKeys(spec,
                        {"command", "shell", "image", "connectorRef", "registryRef", "imagePullPolicy",
                         "envVariables", "outputVariables", "reports", "privileged", "runAsUser",
                         "resources", "outputAlias"},
                        "Run step spec");
  check.RequireScalar(spec, "command", "Run step spec");
  check.CheckOneOf(spec, "shell", {"Sh", "Bash", "sh", "bash"}, "Run step spec");
  check.CheckOneOf(spec, "imagePullPolicy", {"Always", "IfNotPresent", "Never"}, "Run step spec");
  check.OptionalMapping(spec, "envVariables", "Run step spec");
  CheckOutputVariables(check, spec);
  CheckJUnitReports(check, spec);
}

std::vector<std::pair<std::string, YAML::Node>> RunStep::Scripts(const pipeline::ExecutionNode& step) const {
  if (!step.spec || !step.spec.IsMap() || !step.spec["command"]) return {};
  std::string shell = step.spec["shell"] ? step.spec["shell"].as<std::string>("") : "";
  bool bash = shell == "Bash" || shell == "bash";
  return {{bash ? "bash" : "sh", step.spec["command"]}};
}

engine::StepOutcome RunStep::Execute(engine::StepContext& ctx) const {
  const YAML::Node& spec = ctx.node.spec;
  auto command = ctx.ResolveString(spec["command"], "spec.command");
  if (!command.ok()) return engine::StepOutcome::Error(command.status().message());
  auto shell = ParseShell(spec["shell"] ? spec["shell"].as<std::string>("") : "", true);
  if (!shell.ok()) return engine::StepOutcome::Error(shell.status().message());

  ScriptRequest req;
  req.shell = *shell;
  req.script = *command;
  req.prefix = "set -xe";
  Status env = ResolveEnvMap(ctx, spec["envVariables"], "spec.envVariables", &req.env);
  if (!env.ok()) return engine::StepOutcome::Error(env.message());
  // With `image:` the command runs in the image's root; the root is
  // unmounted when `image` goes, on every way out of this function.
  std::unique_ptr<ImageRoot> image;
  if (spec["image"] && !spec["image"].IsNull()) {
    auto prepared = PrepareStepImage(ctx, *shell);
    if (!prepared.ok()) return ImageFailureOutcome(prepared.status());
    image = std::move(*prepared);
    req.env = StepEnvironmentInImage(image->config().config, ctx.env, req.env);
    req.root_dir = image->root().string();
    ctx.workspace = WorkspaceInImage(ctx.workspace, image->root());  // what RunStepScript mounts
  }
  std::vector<OutputVariable> outputs = ReadOutputVariables(spec["outputVariables"]);
  for (const OutputVariable& o : outputs) req.capture.push_back(o.variable);

  ScriptRun run = RunStepScript(ctx, req);
  engine::StepOutcome outcome = run.outcome;

  // Outputs: declared ones by name, plus any extra KEY=VALUE the script wrote.
  bool typed = false;
  for (const YAML::Node& item : spec["outputVariables"]) typed = typed || item["type"] || item["value"];
  TakeOutputs(outputs, run, !typed, ctx, &outcome);

  // JUnit reports, parsed whatever the exit code.
  CollectJUnitReports(ctx, spec["reports"], image.get(), &outcome);
  return outcome;
}

}  // namespace sluice::steps
