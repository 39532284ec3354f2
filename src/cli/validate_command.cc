// sluice validate [PATH]: load a project (or one pipeline file) and report
// every problem ninja-style, without running anything: pipelines and the
// entities they use, the triggers of .harness/triggers/ and the alert rules
// of .harness/alerts/.
#include <iostream>

#include "cli/app.h"
#include "cli/load.h"
#include "triggers/trigger.h"

namespace sluice::cli {

void AddValidateCommand(CLI::App& cli, GlobalOptions& options) {
  auto* cmd = cli.add_subcommand("validate", "Check pipelines, inputs and scripts without running them");
  auto path = std::make_shared<std::string>();
  cmd->add_option("path", *path, "Project directory or pipeline file (default: --project)");
  cmd->callback([&options, path] {
    App app(options);
    std::string target = path->empty() ? options.project : *path;
    DiagnosticList diags;
    auto project = LoadAndValidate(app, target, &diags, false);
    if (!project.ok()) std::exit(Fail(project.status(), kExitUsage));
    const size_t trigger_count = triggers::LoadTriggers(&*project, &diags).size();
    std::cerr << pipeline::FormatDiagnostics(diags, *project);
    if (diags.has_errors()) std::exit(kExitFailed);
    if (diags.empty()) {
      const size_t alert_count = project->alert_rules.size();
      std::cout << project->pipelines.size() << " pipeline(s)"
                << (trigger_count > 0 ? ", " + std::to_string(trigger_count) + " trigger(s)" : "")
                << (alert_count > 0 ? ", " + std::to_string(alert_count) + " alert rule(s)" : "")
                << " OK\n";
    }
    std::exit(kExitOk);
  });
}

}  // namespace sluice::cli
