#include "steps/script_common.h"

#include <algorithm>
#include <cctype>

namespace sluice::steps {

Result<runner::Shell> ParseShell(const std::string& text, bool default_sh) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.empty()) return default_sh ? runner::Shell::kSh : runner::Shell::kBash;
  if (lower == "sh") return runner::Shell::kSh;
  if (lower == "bash") return runner::Shell::kBash;
  return Status::InvalidArgument("shell \"" + text + "\" is not supported here (use Sh or Bash)");
}

Status ResolveEnvMap(engine::StepContext& ctx, const YAML::Node& map, std::string_view field,
                     std::map<std::string, std::string>* env) {
  if (!map || map.IsNull()) return Status::Ok();
  if (!map.IsMap()) return Status::InvalidArgument(std::string(field) + " must be a mapping of NAME: value");
  for (const auto& kv : map) {
    std::string name = kv.first.as<std::string>("");
    SLUICE_ASSIGN_OR_RETURN(std::string value,
                            ctx.ResolveString(kv.second, std::string(field) + "." + name));
    (*env)[name] = value;
  }
  return Status::Ok();
}

void TakeOutputs(const std::vector<OutputVariable>& declared, const ScriptRun& run, bool keep_extra,
                 engine::StepContext& ctx, engine::StepOutcome* outcome) {
  for (const OutputVariable& o : declared) {
    auto it = run.values.find(o.variable);
    outcome->outputs[o.name] = it == run.values.end() ? "" : it->second;
    if (o.secret) outcome->secret_outputs.insert(o.name);
  }
  if (keep_extra) {
    for (const auto& [k, v] : run.values) outcome->outputs.emplace(k, v);
  }
  if (outcome->status != engine::NodeStatus::kSuccess) return;
  for (const std::string& m : run.missing) {
    ctx.Log("[sluice] variable " + m + " was not set by the script; its output is empty");
  }
}

engine::StepOutcome ProcessOutcome(const engine::StepContext& ctx, const runner::ProcessResult& p,
                                   std::string_view what) {
  engine::StepOutcome outcome;
  if (p.cancelled) {
    outcome.status = engine::NodeStatus::kAborted;
    outcome.failure_message = "aborted";
  } else if (p.timed_out) {
    outcome.status = engine::NodeStatus::kExpired;
    outcome.failure_type = pipeline::ErrorType::kTimeout;
    outcome.failure_message = "timed out after " + (ctx.timeout ? FormatDuration(*ctx.timeout)
                                                                : std::string("its limit"));
  } else if (p.term_signal != 0) {
    outcome = engine::StepOutcome::Failure(pipeline::ErrorType::kUnknown,
                                           "killed by signal " + std::to_string(p.term_signal));
  } else if (p.exit_code != 0) {
    outcome = engine::StepOutcome::Failure(
        pipeline::ErrorType::kUnknown,
        std::string(what) + " exited with code " + std::to_string(p.exit_code));
  }
  return outcome;
}

ScriptRun RunStepScript(engine::StepContext& ctx, const ScriptRequest& request) {
  ScriptRun run;
  runner::ScriptSpec spec;
  spec.shell = request.shell;
  spec.script = request.script;
  spec.prefix = request.prefix;
  if (request.root_dir.empty()) spec.env = ctx.env;
  spec.root_dir = request.root_dir;
  for (const auto& [k, v] : request.env) spec.env[k] = v;
  spec.scratch_dir = ctx.workspace.scratch_dir;
  if (request.sandboxed) {
    spec.working_dir = ctx.workspace.working_dir;
    spec.mounts = ctx.workspace.mounts;
  } else {
    spec.working_dir = ctx.workspace.host_dir.string();
  }
  spec.output_variables = request.capture;
  spec.timeout = ctx.timeout;

  auto result = runner::RunScript(spec, ctx.processes, ctx.log, ctx.cancel);
  if (!result.ok()) {
    run.outcome = engine::StepOutcome::Error(result.status().message());
    return run;
  }
  run.values = result->outputs;
  run.missing = result->missing_outputs;
  run.outcome = ProcessOutcome(ctx, result->process, "command");
  return run;
}

}  // namespace sluice::steps
