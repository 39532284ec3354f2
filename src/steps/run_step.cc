#include "steps/run_step.h"

#include "common/files.h"
#include "common/glob.h"
#include "steps/container_image.h"
#include "steps/junit.h"
#include "steps/output_variables.h"
#include "steps/script_common.h"
#include "steps/spec_check.h"

namespace sluice::steps {
namespace {

// A step whose image cannot be made ready fails (failure strategies apply),
// as a container that cannot start does in Harness: a registry that cannot
// be reached is a Connectivity failure, a missing image or shell a
// Configuration failure. Other errors leave the step Errored.
engine::StepOutcome ImageFailure(const Status& status) {
  using pipeline::ErrorType;
  switch (status.code()) {
    case StatusCode::kAborted: {
      engine::StepOutcome aborted;
      aborted.status = engine::NodeStatus::kAborted;
      aborted.failure_message = status.message();
      return aborted;
    }
    case StatusCode::kIoError:
      return engine::StepOutcome::Failure(ErrorType::kConnectivity, status.message());
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kInvalidArgument:
      return engine::StepOutcome::Failure(ErrorType::kConfigurationFailure, status.message());
    default:
      return engine::StepOutcome::Error(status.message());
  }
}

}  // namespace

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
  YAML::Node reports = spec["reports"];
  if (reports && !reports.IsNull()) {
    if (!reports.IsMap()) {
      check.Error(reports, "reports must be {type: JUnit, spec: {paths: [...]}}");
    } else {
      check.CheckOneOf(reports, "type", {"JUnit"}, "reports");
      if (!reports["spec"] || !reports["spec"]["paths"] || !reports["spec"]["paths"].IsSequence()) {
        check.Error(reports, "reports needs spec.paths: a list of globs (e.g. - report.xml)");
      }
    }
  }
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
    if (!prepared.ok()) return ImageFailure(prepared.status());
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
  YAML::Node reports = spec["reports"];
  if (reports && reports.IsMap() && reports["spec"] && reports["spec"]["paths"]) {
    TestReport total;
    int files = 0;
    for (const YAML::Node& p : reports["spec"]["paths"]) {
      auto pattern = ctx.ResolveString(p, "spec.reports.spec.paths");
      if (!pattern.ok()) continue;
      // Paths are as the script saw them: the directory part before the
      // first wildcard goes through the mounts, the rest is globbed there.
      std::string pat = *pattern;
      size_t wild = pat.find_first_of("*?[");
      size_t cut = pat.rfind('/', wild == std::string::npos ? pat.size() : wild);
      std::string dir = cut == std::string::npos ? "." : pat.substr(0, cut == 0 ? 1 : cut);
      std::string rest = cut == std::string::npos ? pat : pat.substr(cut + 1);
      std::filesystem::path base =
          image ? image->ToHost(ctx.workspace, dir) : ctx.workspace.ToHost(dir);
      for (const auto& file : FindFiles(base, rest)) {
        auto text = ReadFile(file);
        if (!text.ok()) continue;
        std::string shown = (std::filesystem::path(dir) / file.lexically_relative(base)).lexically_normal().string();
        auto report = ParseJUnit(*text, shown);
        if (!report.ok()) {
          ctx.Log("[sluice] " + report.status().message());
          continue;
        }
        ++files;
        total.Merge(*report);
      }
    }
    if (files == 0) {
      ctx.Log("[sluice] reports: no JUnit file matched the given paths");
    } else {
      ctx.Log("[sluice] tests: " + std::to_string(total.total) + " total, " +
              std::to_string(total.total - total.failed - total.skipped) + " passed, " +
              std::to_string(total.failed) + " failed, " + std::to_string(total.skipped) +
              " skipped (" + std::to_string(files) + " report file(s))");
      for (const TestCaseResult& c : total.cases) {
        if (c.outcome == "failed" || c.outcome == "error") {
          ctx.Log("[sluice]   " + c.outcome + ": " + (c.classname.empty() ? "" : c.classname + ".") +
                  c.name + (c.message.empty() ? "" : ": " + c.message));
        }
      }
    }
    outcome.details["tests"] = total.ToJson();
  }
  return outcome;
}

}  // namespace sluice::steps
