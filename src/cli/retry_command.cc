// sluice retry ID --from STAGE[.STEP]: a new execution of the same pipeline
// and inputs that reuses the earlier execution's results (statuses, outputs,
// workspace files) for everything before the given point.
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "cli/app.h"
#include "cli/execute.h"
#include "cli/load.h"
#include "common/clock.h"
#include "common/ids.h"
#include "engine/engine.h"
#include "engine/workspace.h"

namespace sluice::cli {
namespace {

int Retry(const GlobalOptions& global, const std::string& id, const std::string& from, bool json,
          bool no_sandbox) {
  App app(global);
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto old = (*store)->FindExecution(id);
  if (!old.ok()) return Fail(old.status(), kExitUsage);
  auto recorded = LoadRecorded(*old);
  if (!recorded.ok()) return Fail(recorded.status());
  auto nodes = (*store)->GetNodes(old->id);
  if (!nodes.ok()) return Fail(nodes.status());
  std::string point = from;
  if (point.empty()) {
    // Default: from the first stage that did not succeed.
    std::vector<store::NodeRecord> sorted = *nodes;
    std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.sort_order < b.sort_order; });
    for (const auto& n : sorted) {
      if (n.kind == "stage" && n.status != "Success" && n.status != "IgnoreFailed") {
        point = n.path;
        break;
      }
    }
    if (point.empty()) {
      return Fail(Status::InvalidArgument("every stage of " + old->id +
                                          " succeeded; say where to start with --from STAGE[.STEP]"),
                  kExitUsage);
    }
  }
  auto prior = engine::NodesBefore(recorded->pipeline, *nodes, point);
  if (!prior.ok()) return Fail(prior.status(), kExitUsage);

  store::ExecutionRecord rec = *old;
  rec.id = NewExecutionId();
  rec.status = "Running";
  rec.started_ms = DefaultClock().NowMillis();
  rec.ended_ms = 0;
  rec.failure_message.clear();
  rec.retried_from = old->id;
  rec.retry_from_node = point;
  rec.runner_pid = getpid();
  rec.abort_requested = false;
  Status created = (*store)->CreateExecution(&rec);
  if (!created.ok()) return Fail(created);
  Status copied = engine::CopyWorkDir(engine::ExecutionWorkDir(app.StateDir(), old->id),
                                      engine::ExecutionWorkDir(app.StateDir(), rec.id));
  if (!copied.ok()) return Fail(copied);
  if (!json) {
    std::cout << "Retrying execution " << old->id << " from " << point << " (" << prior->size()
              << " earlier result(s) reused)\n";
  }
  ExecuteOptions options;
  options.json = json;
  options.verbose = global.verbose;
  options.sandbox = !no_sandbox;
  return Execute(app, recorded->project, recorded->pipeline, rec, *prior, options);
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
