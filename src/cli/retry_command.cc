// sluice retry ID --from STAGE[.STEP]: a new execution of the same pipeline
// and inputs that reuses the earlier execution's results (statuses, outputs,
// workspace files) for everything before the given point.
#include <unistd.h>

#include <iostream>

#include "cli/app.h"
#include "cli/execute.h"
#include "cli/load.h"
#include "common/clock.h"
#include "server/launch.h"

namespace sluice::cli {
namespace {

int Retry(const GlobalOptions& global, const std::string& id, const std::string& from, bool json,
          bool no_sandbox) {
  App app(global);
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto launch = server::PrepareRetry(**store, app.StateDir(), id, from, DefaultClock(), getpid());
  if (!launch.ok()) {
    const bool usage = launch.status().code() != StatusCode::kIoError &&
                       launch.status().code() != StatusCode::kInternal;
    return Fail(launch.status(), usage ? kExitUsage : kExitFailed);
  }
  if (!json) {
    std::cout << "Retrying execution " << launch->record.retried_from << " from "
              << launch->retry_point << " (" << launch->prior.size()
              << " earlier result(s) reused)\n";
  }
  ExecuteOptions options;
  options.json = json;
  options.verbose = global.verbose;
  options.sandbox = !no_sandbox;
  return Execute(app, launch->project, launch->pipeline, launch->record, launch->prior, options);
}

}  // namespace

void AddRetryCommand(CLI::App& cli, GlobalOptions& options) {
  auto id = std::make_shared<std::string>();
  auto from = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto no_sandbox = std::make_shared<bool>(false);
  auto* cmd = cli.add_subcommand("retry", "Run an execution again from a stage or step, reusing earlier results");
  cmd->add_option("id", *id, "Execution id (or a unique prefix)")->required();
  cmd->add_option("--from", *from, "STAGE or STAGE.STEP to start from (default: the first stage that failed)");
  cmd->add_flag("--json", *json, "Print the finished execution as JSON");
  cmd->add_flag("--no-sandbox", *no_sandbox, "Run CI steps in the host workspace folder");
  cmd->callback([&options, id, from, json, no_sandbox] {
    std::exit(Retry(options, *id, *from, *json, *no_sandbox));
  });
}

}  // namespace sluice::cli
