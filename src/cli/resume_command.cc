// sluice resume ID: continue an execution whose sluice process died (kill -9,
// power loss, a closed laptop). Finished steps keep their results; the step
// that was running runs again.
#include <unistd.h>

#include <iostream>

#include "cli/app.h"
#include "cli/execute.h"
#include "cli/load.h"
#include "server/launch.h"

namespace sluice::cli {

int ResumeExecution(const GlobalOptions& global, const std::string& id, bool json,
                    bool no_sandbox) {
  App app(global);
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  int leftovers = 0;
  auto launch = server::PrepareResume(**store, id, getpid(), &leftovers);
  if (!launch.ok()) {
    const bool usage = launch.status().code() == StatusCode::kNotFound ||
                       launch.status().code() == StatusCode::kFailedPrecondition;
    return Fail(launch.status(), usage ? kExitUsage : kExitFailed);
  }
  if (leftovers > 0 && !json) {
    std::cout << "stopped " << leftovers << " process(es) left running by the interrupted sluice\n";
  }
  if (!json) std::cout << "Resuming execution " << launch->record.id << "\n";
  ExecuteOptions options;
  options.json = json;
  options.verbose = global.verbose;
  options.sandbox = !no_sandbox;
  return Execute(app, launch->project, launch->pipeline, launch->record, launch->prior, options);
}

void AddResumeCommand(CLI::App& cli, GlobalOptions& options) {
  auto id = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto no_sandbox = std::make_shared<bool>(false);
  auto* cmd = cli.add_subcommand("resume", "Continue an interrupted execution where it stopped");
  cmd->add_option("id", *id, "Execution id (or a unique prefix)")->required();
  cmd->add_flag("--json", *json, "Print the finished execution as JSON");
  cmd->add_flag("--no-sandbox", *no_sandbox, "Run CI steps in the host workspace folder");
  cmd->callback([&options, id, json, no_sandbox] { std::exit(ResumeExecution(options, *id, *json, *no_sandbox)); });
}

}  // namespace sluice::cli
