// Running a step's shell script the way Harness CI runs Run steps, and the
// way a delegate runs ShellScript steps, then reading its output variables.
//
// The script is written to a file in the step's scratch directory and run as
// `sh -c` / `bash -c` equivalent (the file is executed by the shell so line
// numbers in errors match the user's script). After the user's script the
// runner appends lines that write each declared output variable into
// $HARNESS_OUTPUT_FILE as NAME=<base64 of value> — so `export X=1`, plain
// `X=1` and values with newlines all work; a script that `exit`s early
// loses them, as on Harness. Scripts may also write KEY=VALUE lines to
// $DRONE_OUTPUT / $HARNESS_OUTPUT_FILE themselves.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/process.h"

namespace sluice::runner {

enum class Shell { kSh, kBash };

struct ScriptSpec {
  Shell shell = Shell::kSh;
  std::string script;
  // Prepended to the script: "set -xe" for Run steps (Harness' prefix), ""
  // for ShellScript steps.
  std::string prefix;
  std::map<std::string, std::string> env;       // complete environment
  std::filesystem::path scratch_dir;            // host dir for the script file and output files
  std::string working_dir;                      // as seen by the script
  std::vector<Mount> mounts;                    // empty: run on the host directly
  std::vector<std::string> output_variables;    // names to capture
  std::optional<Millis> timeout;
};

struct ScriptResult {
  ProcessResult process;
  // Captured outputs: declared names that were set, plus extra KEY=VALUE lines
  // the script wrote to the output file itself.
  std::map<std::string, std::string> outputs;
  std::vector<std::string> missing_outputs;  // declared but never set
};

// Runs `spec` through `runner`. Sets HARNESS_OUTPUT_FILE and DRONE_OUTPUT in
// the environment (paths visible to the script).
Result<ScriptResult> RunScript(const ScriptSpec& spec, ProcessRunner& runner, LineSink& sink,
                               const Cancellation& cancel);

// `sh -n` / `bash -n` on `script` without running it. Returns the shell's
// messages (empty when the syntax is fine) with line numbers as the shell
// reports them ("line 2: unexpected EOF while looking for matching `\"'").
Result<std::string> CheckScriptSyntax(Shell shell, const std::string& script);

}  // namespace sluice::runner
