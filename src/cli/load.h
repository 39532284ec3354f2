// Loading and validating a project for the commands that run pipelines.
#pragma once

#include <filesystem>
#include <string>

#include "cli/app.h"
#include "pipeline/inputs.h"
#include "pipeline/project.h"
#include "server/launch.h"
#include "store/store.h"

namespace sluice::cli {

// The ScriptChecker `sluice validate` and `sluice run` use: runner's
// `sh -n` / `bash -n`, with the scripts that parsed remembered by content
// hash under `cache_dir` (when not empty; `<state>/cache/script-syntax`,
// written once the state directory exists), so a pipeline run again does not
// start a shell per script to re-check text that has not changed.
pipeline::ScriptChecker ShellScriptChecker(const std::filesystem::path& cache_dir);

// Loads `path` and validates every pipeline in it. Diagnostics go to `diags`.
// `remember_scripts`: use the state directory's script-syntax cache (runs do;
// `sluice validate` writes nothing).
Result<pipeline::Project> LoadAndValidate(App& app, const std::filesystem::path& path,
                                          DiagnosticList* diags, bool remember_scripts);

// Picks the pipeline to run: `id` when given, else the only one.
Result<const pipeline::Pipeline*> ChoosePipeline(const pipeline::Project& project, const std::string& id);

// Instantiate and LoadRecorded are shared with sluice server (server/launch.h).
using server::Instantiate;
using server::LoadRecorded;
using server::Recorded;

}  // namespace sluice::cli
