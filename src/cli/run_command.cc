// sluice run: validate, fill runtime inputs, record a new execution, run it.
#include <unistd.h>

#include <iostream>

#include "cli/app.h"
#include "cli/execute.h"
#include "cli/load.h"
#include "common/clock.h"
#include "common/files.h"
#include "server/launch.h"

namespace sluice::cli {
namespace {

struct RunFlags {
  std::string pipeline;
  std::vector<std::string> inputs;
  std::vector<std::string> input_sets;
  std::vector<std::string> input_files;
  std::string branch;
  bool json = false;
  bool no_sandbox = false;
};

// Reads an inputs file: an `inputSet:` document or a bare `pipeline:` one.
Result<YAML::Node> ReadInputsFile(const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  try {
    YAML::Node doc = YAML::Load(text);
    if (doc["inputSet"] && doc["inputSet"]["pipeline"]) return doc["inputSet"]["pipeline"];
    if (doc["pipeline"]) return doc["pipeline"];
    return Status::InvalidArgument(path + ": an inputs file holds `pipeline:` (or `inputSet: {pipeline: ...}`) "
                                   "with the values of the runtime inputs");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  }
}

int RunPipeline(const GlobalOptions& global, const RunFlags& flags) {
  App app(global);
  DiagnosticList diags;
  auto project = LoadAndValidate(app, global.project, &diags, true);
  if (!project.ok()) return Fail(project.status(), kExitUsage);
  // An input set belongs to a pipeline: without --pipeline, it chooses.
  std::string pipeline_id = flags.pipeline;
  for (const std::string& id : flags.input_sets) {
    const pipeline::InputSet* set = project->FindInputSet(id);
    if (pipeline_id.empty() && set != nullptr) pipeline_id = set->pipeline_identifier;
  }
  auto chosen = ChoosePipeline(*project, pipeline_id);
  if (!chosen.ok()) {
    std::cerr << pipeline::FormatDiagnostics(diags, *project);
    return Fail(chosen.status(), kExitUsage);
  }
  // Only the chosen pipeline's problems stop the run.
  DiagnosticList mine;
  for (const Diagnostic& d : diags.items()) {
    if (d.location.file == (*chosen)->file || d.location.file.rfind(".harness/pipelines", 0) != 0) mine.Add(d);
  }
  if (mine.has_errors()) {
    std::cerr << pipeline::FormatDiagnostics(mine, *project);
    std::cerr << "sluice: not running " << (*chosen)->identifier << ": fix the errors above first\n";
    return kExitFailed;
  }
  if (mine.warning_count() > 0 && !flags.json) {
    std::cerr << mine.warning_count() << " warning(s); `sluice validate` shows them\n";
  }

  pipeline::RuntimeInputValues values;
  for (const std::string& id : flags.input_sets) {
    const pipeline::InputSet* set = project->FindInputSet(id);
    if (set == nullptr) return Fail(Status::NotFound("no input set \"" + id + "\" in .harness/inputsets"), kExitUsage);
    values.input_sets.push_back(set->pipeline);
  }
  for (const std::string& f : flags.input_files) {
    auto node = ReadInputsFile(f);
    if (!node.ok()) return Fail(node.status(), kExitUsage);
    values.input_sets.push_back(*node);
  }
  nlohmann::json recorded = nlohmann::json::object();
  for (const std::string& kv : flags.inputs) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(Status::InvalidArgument("--input " + kv + ": expected KEY=VALUE"), kExitUsage);
    }
    values.pairs.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    recorded[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (!flags.branch.empty()) {
    values.branch = flags.branch;
    recorded["branch"] = flags.branch;
  }
  if (!flags.input_sets.empty()) recorded["inputSets"] = flags.input_sets;

  DiagnosticList input_diags;
  auto instance = Instantiate(**chosen, values, &input_diags);
  if (!instance) {
    std::cerr << pipeline::FormatDiagnostics(input_diags, *project);
    return kExitUsage;
  }

  // Open everything the run needs before recording it, so a broken store or
  // secret key never leaves an execution "Running" that nothing runs.
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto secrets = app.Secrets();
  if (!secrets.ok()) return Fail(secrets.status());
  auto launch =
      server::PrepareNewExecution(**store, *project, *instance, recorded, DefaultClock(), getpid());
  if (!launch.ok()) return Fail(launch.status());

  ExecuteOptions options;
  options.json = flags.json;
  options.verbose = global.verbose;
  options.sandbox = !flags.no_sandbox;
  return Execute(app, *project, *instance, launch->record, {}, options);
}

}  // namespace

void AddRunCommand(CLI::App& cli, GlobalOptions& options) {
  auto flags = std::make_shared<RunFlags>();
  auto* cmd = cli.add_subcommand("run", "Run a pipeline of the project");
  cmd->add_option("--pipeline", flags->pipeline, "Pipeline identifier (needed when there are several)");
  cmd->add_option("--input", flags->inputs, "Runtime input KEY=VALUE (repeatable)");
  cmd->add_option("--inputset", flags->input_sets, "Input set identifier from .harness/inputsets (repeatable)");
  cmd->add_option("--inputs-file", flags->input_files, "YAML file with runtime input values (repeatable)");
  cmd->add_option("--branch", flags->branch, "Git branch of the codebase to build");
  cmd->add_flag("--json", flags->json, "Print the finished execution as JSON");
  cmd->add_flag("--no-sandbox", flags->no_sandbox, "Run CI steps in the host workspace folder, not at /harness");
  cmd->callback([&options, flags] { std::exit(RunPipeline(options, *flags)); });
}

}  // namespace sluice::cli
