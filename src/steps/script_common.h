// What Run and ShellScript steps share: running a resolved script through
// the runner with the step's workspace, environment and timeout, and turning
// the runner's result into a StepOutcome.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/step.h"
#include "runner/script.h"
#include "steps/output_variables.h"

namespace sluice::steps {

struct ScriptRequest {
  runner::Shell shell = runner::Shell::kSh;
  std::string script;                       // resolved
  std::string prefix;                       // "set -xe" for Run steps
  std::map<std::string, std::string> env;   // added on top of the context's env
  std::vector<std::string> capture;         // shell variable names to read back
  bool sandboxed = true;                    // use the workspace mounts
  // Non-empty: run inside this container image root (steps/container_image.h)
  // with the workspace mounts; `env` is then the complete environment.
  std::string root_dir;
};

struct ScriptRun {
  engine::StepOutcome outcome;              // status and failure only
  std::map<std::string, std::string> values;  // captured variables (and DRONE_OUTPUT lines)
  std::vector<std::string> missing;
};

ScriptRun RunStepScript(engine::StepContext& ctx, const ScriptRequest& request);

// A finished process as a step's status: Aborted when cancelled, Expired on
// timeout, Failed for a signal or a non-zero exit ("<what> exited with code
// N"), else Success.
engine::StepOutcome ProcessOutcome(const engine::StepContext& ctx, const runner::ProcessResult& p,
                                   std::string_view what);

// Fills `outcome` with the declared outputs (a declared variable the script
// never set is "" and, on success, noted in the log) and, when `keep_extra`,
// every other KEY=VALUE the script wrote to $DRONE_OUTPUT.
void TakeOutputs(const std::vector<OutputVariable>& declared, const ScriptRun& run, bool keep_extra,
                 engine::StepContext& ctx, engine::StepOutcome* outcome);

// Resolves a `{name: value}` mapping (Run envVariables) into `env`.
Status ResolveEnvMap(engine::StepContext& ctx, const YAML::Node& map, std::string_view field,
                     std::map<std::string, std::string>* env);

// "Sh"/"Bash" (case-insensitive) → shell; anything else is an error naming the field.
Result<runner::Shell> ParseShell(const std::string& text, bool default_sh);

}  // namespace sluice::steps
