#include "cli/load.h"

#include "common/files.h"
#include "common/hash.h"
#include "runner/script.h"
#include "steps/policy_evaluation.h"

namespace sluice::cli {

pipeline::ScriptChecker ShellScriptChecker(const std::filesystem::path& cache_dir) {
  return [cache_dir](const std::string& shell, const std::string& script) -> Result<std::string> {
    runner::Shell which = shell == "bash" ? runner::Shell::kBash : runner::Shell::kSh;
    if (cache_dir.empty()) return runner::CheckScriptSyntax(which, script);
    // Only successes are remembered: an empty marker file named by the hash.
    std::filesystem::path marker = cache_dir / Sha256Hex(shell + '\0' + script);
    std::error_code ec;
    if (std::filesystem::exists(marker, ec)) return std::string();
    SLUICE_ASSIGN_OR_RETURN(std::string problems, runner::CheckScriptSyntax(which, script));
    // Written only into a state directory that exists already: a command
    // that fails before it runs anything leaves no state behind.
    bool state_exists = std::filesystem::is_directory(cache_dir.parent_path().parent_path(), ec);
    if (problems.empty() && state_exists && MakeDirs(cache_dir).ok()) {
      Status ignored = WriteFileAtomic(marker, "");  // a cache: failing to write it changes nothing
      (void)ignored;
    }
    return problems;
  };
}

Result<pipeline::Project> LoadAndValidate(App& app, const std::filesystem::path& path,
                                          DiagnosticList* diags, bool remember_scripts) {
  auto project = pipeline::LoadProject(path, diags);
  if (!project.ok()) return project.status();
  for (const pipeline::Pipeline& p : project->pipelines) {
    pipeline::ValidatePipeline(p, app.Steps(), ShellScriptChecker(remember_scripts ? app.StateDir() / "cache" / "script-syntax"
                                                                       : std::filesystem::path()),
                               diags);
    steps::CheckPolicyStepReferences(*project, p, diags);
  }
  steps::CheckProjectPolicies(*project, diags);
  return project;
}

Result<const pipeline::Pipeline*> ChoosePipeline(const pipeline::Project& project, const std::string& id) {
  std::string known;
  for (const pipeline::Pipeline& p : project.pipelines) known += (known.empty() ? "" : ", ") + p.identifier;
  if (!id.empty()) {
    const pipeline::Pipeline* p = project.FindPipeline(id);
    if (p == nullptr) {
      return Status::NotFound("no pipeline \"" + id + "\" in " + project.root.string() +
                              (known.empty() ? "" : " (pipelines: " + known + ")"));
    }
    return p;
  }
  if (project.pipelines.empty()) {
    return Status::NotFound("no pipeline found in " + project.root.string() +
                            " (expected .harness/pipelines/*.yaml)");
  }
  if (project.pipelines.size() > 1) {
    return Status::InvalidArgument("the project has several pipelines (" + known +
                                   "); choose one with --pipeline ID");
  }
  return &project.pipelines.front();
}

}  // namespace sluice::cli
