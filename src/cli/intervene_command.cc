// sluice intervene ID STEP ACTION: the decision for a step that failed and
// waits under a ManualIntervention failure strategy.
#include <iostream>

#include "cli/app.h"
#include "pipeline/ir.h"

namespace sluice::cli {

void AddInterveneCommand(CLI::App& cli, GlobalOptions& options) {
  auto id = std::make_shared<std::string>();
  auto step = std::make_shared<std::string>();
  auto action = std::make_shared<std::string>();
  auto* cmd = cli.add_subcommand("intervene", "Decide what a step waiting on ManualIntervention does next");
  cmd->add_option("id", *id, "Execution id (or a unique prefix)")->required();
  cmd->add_option("step", *step, "The waiting step's path (Stage.step, as `executions show` lists it)")->required();
  cmd->add_option("action", *action,
                  "Retry, Ignore, MarkAsSuccess, MarkAsFailure, Abort, StageRollback or PipelineRollback")
      ->required();
  cmd->callback([&options, id, step, action] {
    static const char* kAllowed[] = {"Retry", "Ignore", "MarkAsSuccess", "MarkAsFailure",
                                     "Abort", "StageRollback", "PipelineRollback"};
    bool known = false;
    for (const char* a : kAllowed) known = known || *action == a;
    if (!known) {
      std::exit(Fail(Status::InvalidArgument("unknown action \"" + *action +
                                             "\" (use Retry, Ignore, MarkAsSuccess, MarkAsFailure, "
                                             "Abort, StageRollback or PipelineRollback)"),
                     kExitUsage));
    }
    App app(options);
    auto store = app.Store();
    if (!store.ok()) std::exit(Fail(store.status()));
    auto rec = (*store)->FindExecution(*id);
    if (!rec.ok()) std::exit(Fail(rec.status(), kExitUsage));
    auto nodes = (*store)->GetNodes(rec->id);
    if (!nodes.ok()) std::exit(Fail(nodes.status()));
    const store::NodeRecord* node = nullptr;
    std::string waiting;
    for (const auto& n : *nodes) {
      if (n.path == *step) node = &n;
      if (n.status == "InterventionWaiting") waiting += (waiting.empty() ? "" : ", ") + n.path;
    }
    if (node == nullptr || node->status != "InterventionWaiting") {
      std::exit(Fail(Status::FailedPrecondition(
                         "step " + *step + " of execution " + rec->id + " is not waiting for an intervention" +
                         (waiting.empty() ? " (no step is)" : " (waiting: " + waiting + ")")),
                     kExitUsage));
    }
    Status s = (*store)->RequestIntervention(rec->id, *step, *action);
    if (!s.ok()) std::exit(Fail(s));
    std::cout << *action << " sent to " << *step << " of execution " << rec->id << "\n";
    std::exit(kExitOk);
  });
}

}  // namespace sluice::cli
