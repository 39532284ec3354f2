// sluice resume ID: continue an execution whose sluice process died (kill -9,
// power loss, a closed laptop). Finished steps keep their results; the step
// that was running runs again.
#include <signal.h>
#include <unistd.h>

#include <iostream>

#include "cli/app.h"
#include "cli/execute.h"
#include "cli/load.h"
#include "engine/status.h"
#include "runner/orphans.h"

namespace sluice::cli {
namespace {

bool ProcessAlive(int64_t pid) {
  return pid > 0 && pid != getpid() && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

}  // namespace

int ResumeExecution(const GlobalOptions& global, const std::string& id, bool json,
                    bool no_sandbox) {
  App app(global);
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto rec = (*store)->FindExecution(id);
  if (!rec.ok()) return Fail(rec.status(), kExitUsage);
  auto status = engine::ParseStatus(rec->status);
  if (status && engine::IsTerminal(*status)) {
    return Fail(Status::FailedPrecondition("execution " + rec->id + " already finished (" + rec->status +
                                           "); to run it again use `sluice retry " + rec->id +
                                           " --from STAGE`"),
                kExitUsage);
  }
  if (ProcessAlive(rec->runner_pid)) {
    return Fail(Status::FailedPrecondition("execution " + rec->id + " is still being run by process " +
                                           std::to_string(rec->runner_pid) +
                                           " (stop it with `sluice abort " + rec->id + "`)"),
                kExitUsage);
  }
  // Steps that ran on the host outlive a killed sluice: stop them first, so
  // the interrupted step never runs twice at once.
  int leftovers = runner::KillProcessesOfExecution(rec->id);
  if (leftovers > 0 && !json) {
    std::cout << "stopped " << leftovers << " process(es) left running by the interrupted sluice\n";
  }
  auto recorded = LoadRecorded(*rec);
  if (!recorded.ok()) return Fail(recorded.status());
  auto nodes = (*store)->GetNodes(rec->id);
  if (!nodes.ok()) return Fail(nodes.status());
  std::map<std::string, store::NodeRecord> prior;
  for (const auto& n : *nodes) prior[n.path] = n;

  rec->runner_pid = getpid();
  rec->status = "Running";
  rec->ended_ms = 0;
  Status updated = (*store)->UpdateExecution(*rec);
  if (!updated.ok()) return Fail(updated);
  if (!json) std::cout << "Resuming execution " << rec->id << "\n";
  ExecuteOptions options;
  options.json = json;
  options.verbose = global.verbose;
  options.sandbox = !no_sandbox;
  return Execute(app, recorded->project, recorded->pipeline, *rec, prior, options);
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
