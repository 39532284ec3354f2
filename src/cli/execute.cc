#include "cli/execute.h"

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "cli/progress.h"
#include "cli/render.h"
#include "cli/signal_watcher.h"
#include "common/cancellation.h"
#include "engine/engine.h"
#include "monitor/alerts.h"
#include "notify/notifier.h"
#include "runner/process.h"
#include "server/launch.h"

namespace sluice::cli {
namespace {

// Polls the store for `sluice abort` requests made from another process.
class AbortWatcher {
 public:
  AbortWatcher(const std::filesystem::path& state_dir, std::string id, Cancellation& cancel)
      : thread_([this, state_dir, id, &cancel] {
          auto store = store::Store::Open(state_dir);
          if (!store.ok()) return;
          while (!stop_.cancelled()) {
            auto requested = (*store)->AbortRequested(id);
            if (requested.ok() && *requested) {
              cancel.Cancel();
              return;
            }
            pollfd p{stop_.fd(), POLLIN, 0};
            ::poll(&p, 1, 250);
          }
        }) {}
  ~AbortWatcher() {
    stop_.Cancel();
    thread_.join();
  }

 private:
  Cancellation stop_;
  std::thread thread_;
};

}  // namespace

int Execute(App& app, const pipeline::Project& project, const pipeline::Pipeline& pipeline,
            store::ExecutionRecord& record, const std::map<std::string, store::NodeRecord>& prior,
            const ExecuteOptions& options) {
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto secrets = app.Secrets();
  if (!secrets.ok()) return Fail(secrets.status());

  // Signals are blocked before any thread starts (the live printer's ticker
  // included), so only the watcher's sigwait() ever receives them.
  Cancellation cancel;
  SignalWatcher signals(cancel, "aborting", "; stopping running steps");

  bool tty = isatty(STDOUT_FILENO) != 0 && !options.json;
  std::ostream& progress_out = options.json ? std::cerr : std::cout;
  ProgressPrinter printer(progress_out, tty, tty, options.verbose);
  if (!options.json) {
    progress_out << "Execution " << record.id << " (#" << record.sequence_id << " of "
                 << record.pipeline_id << ")\n";
  }

  runner::LocalProcessRunner processes;
  notify::ProjectNotifier notifier(project, **store, **secrets, DefaultClock(),
                                   {.state_dir = app.StateDir()});
  engine::EngineDeps deps{**store, **secrets,      processes, app.Steps(),
                          project, DefaultClock(), &printer,  &notifier};
  engine::EngineOptions engine_options;
  engine_options.state_dir = app.StateDir();
  engine_options.sandbox = options.sandbox;
  const char* user = getenv("USER");
  engine_options.triggered_by = user != nullptr ? user : "local";
  engine::Engine engine(deps, engine_options);

  Result<engine::NodeStatus> result = engine::NodeStatus::kErrored;
  {
    AbortWatcher aborts(app.StateDir(), record.id, cancel);
    result = engine.Run(record, pipeline, prior, cancel);
  }
  printer.Finish();
  if (!result.ok()) {
    // The engine could not go on (the store failed): record that if we can.
    record.status = "Errored";
    record.ended_ms = DefaultClock().NowMillis();
    record.failure_message = result.status().message();
    Status ignored = (*store)->UpdateExecution(record);
    (void)ignored;
    return Fail(result.status());
  }

  auto nodes = (*store)->GetNodes(record.id);
  if (!nodes.ok()) return Fail(nodes.status());
  auto evaluations = (*store)->GetPolicyEvaluations(record.id);
  if (!evaluations.ok()) return Fail(evaluations.status());
  auto artifacts = (*store)->GetArtifacts(record.id);
  if (!artifacts.ok()) return Fail(artifacts.status());
  if (options.json) {
    nlohmann::ordered_json out = ExecutionJson(record, *nodes, *evaluations);
    out["artifacts"] = ArtifactsJson(*artifacts);
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "\n";
    // The final tree adds what the live one leaves out: outputs, failures,
    // tests, warnings, policy decisions, published artifacts.
    PrintExecutionTree(std::cout, record, *nodes, tty, *evaluations);
    PrintArtifactsSection(std::cout, *artifacts);
  }
  // A run may have recorded a model check: the alert rules look at once
  // (a server that owns the state directory evaluates them itself).
  if (!project.alert_rules.empty() && server::OwningServerUrl(app.StateDir()).empty()) {
    std::ostream& out = options.json ? std::cerr : std::cout;
    monitor::EvaluateProjectAlerts(project, **store, **secrets, DefaultClock(), app.StateDir(), "",
                                   [&out](std::string_view line) { out << line << "\n"; });
  }
  if (*result == engine::NodeStatus::kApprovalWaiting) {
    // Nothing holds the execution while it waits: say how it goes on.
    auto waiting = (*store)->approvals().ApprovalsOf(record.id);
    std::ostream& hint = options.json ? std::cerr : std::cout;
    if (waiting.ok()) {
      for (const store::ApprovalRecord& a : *waiting) {
        if (a.status != "Waiting") continue;
        hint << "\nWaiting for approval at " << a.node_path << ": " << a.message << "\n"
             << "  sluice approve " << record.id << " " << a.node_path
             << " [--reject] [--comment TEXT]\n";
      }
    }
    return kExitWaiting;
  }
  return engine::IsPositive(*result) ? kExitOk : kExitFailed;
}

}  // namespace sluice::cli
