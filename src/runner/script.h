// Running a step's shell script the way Harness CI runs Run steps, and the
// way a delegate runs ShellScript steps, then reading its output variables.
//
// The full text (prefix + script + capture lines) is written to
// <scratch_dir>/script.sh (a private folder) and run as `sh script.sh` /
// `bash script.sh` — never as `sh -c <text>`, because a command line is
// readable by every local user and a resolved script may hold secrets. The
// prefix shares the first line with the script ("set -xe; echo hi"), so the
// shell's line numbers in errors are the user's ("script.sh: 2: foo: not
// found").
//
// After the user's script the runner appends lines (silenced from `set -x`,
// keeping the script's exit status) that write each declared output variable
// that is set (${NAME+x}) as NAME=<base64 -w0 of value> into a capture file
// of their own in scratch_dir — so `export X=1`, plain `X=1` and values with
// newlines, quotes and '=' all work; a script that `exit`s early (or stops
// under `set -e`) loses them, as on Harness. Scripts may also write
// KEY=VALUE lines to $DRONE_OUTPUT / $HARNESS_OUTPUT_FILE (one file,
// <scratch_dir>/output.env) themselves; those count as outputs too, and a
// declared variable set in the shell wins over a line with the same name.
// Files: runner/output_capture.h.
//
// In a container image (root_dir set) the host filesystem is not visible:
// scratch_dir is then bound at kScriptDirInImage, and the script file, the
// output files and the variables pointing at them use that path; the shell
// is /bin/sh or /bin/bash of the image (the caller checks it exists there).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/process.h"

namespace sluice::runner {

enum class Shell { kSh, kBash };

// Where scratch_dir appears inside a container image (scripts find it
// through $DRONE_OUTPUT, not by this name).
inline constexpr std::string_view kScriptDirInImage = "/sluice/step";

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
  std::string root_dir;                         // non-empty: a container image's root (ProcessSpec)
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
// the environment (host paths, as the host filesystem is visible in the
// sandbox too; under kScriptDirInImage in an image). Outputs are read whatever the exit status. InvalidArgument
// for an output name that is not a shell variable name.
Result<ScriptResult> RunScript(const ScriptSpec& spec, ProcessRunner& runner, LineSink& sink,
                               const Cancellation& cancel);

// The KEY=VALUE lines a step's own program (a plugin's entrypoint) wrote to
// $DRONE_OUTPUT or $HARNESS_OUTPUT_FILE: dotenv as above ("export " prefix,
// matching quotes removed, blank and '#' lines skipped, later keys win).
std::map<std::string, std::string> ParseOutputFile(std::string_view text);

// `sh -n -c` / `bash -n -c` on `script` without running it. A script made
// only of simple commands of plain words (no quotes, `$`, operators,
// redirections, comments or reserved words), which cannot be wrong, is
// accepted without starting a shell. Returns the
// shell's messages, one per line with '\n' (empty when the syntax is fine),
// with line numbers as the shell reports them: dash "sh: 1: Syntax error:
// Unterminated quoted string", bash "bash: -c: line 2: unexpected EOF while
// looking for matching `\"'".
Result<std::string> CheckScriptSyntax(Shell shell, const std::string& script);

}  // namespace sluice::runner
