// sluice abort ID: stop a running execution from another terminal. The
// request is recorded in the store (the running sluice polls it) and the
// running process gets SIGTERM, so its steps' process groups are killed.
#include <signal.h>

#include <cerrno>
#include <iostream>

#include "cli/app.h"
#include "engine/status.h"

namespace sluice::cli {

void AddAbortCommand(CLI::App& cli, GlobalOptions& options) {
  auto id = std::make_shared<std::string>();
  auto* cmd = cli.add_subcommand("abort", "Abort a running execution");
  cmd->add_option("id", *id, "Execution id (or a unique prefix)")->required();
  cmd->callback([&options, id] {
    App app(options);
    auto store = app.Store();
    if (!store.ok()) std::exit(Fail(store.status()));
    auto rec = (*store)->FindExecution(*id);
    if (!rec.ok()) std::exit(Fail(rec.status(), kExitUsage));
    auto status = engine::ParseStatus(rec->status);
    if (status && engine::IsTerminal(*status)) {
      std::cout << "execution " << rec->id << " already finished (" << rec->status << ")\n";
      std::exit(kExitOk);
    }
    Status s = (*store)->RequestAbort(rec->id);
    if (!s.ok()) std::exit(Fail(s));
    if (rec->runner_pid > 0 && ::kill(static_cast<pid_t>(rec->runner_pid), SIGTERM) != 0 && errno == ESRCH) {
      std::cout << "execution " << rec->id << " has no running process (it was interrupted); "
                << "`sluice resume " << rec->id << "` would continue it\n";
      rec->status = "Aborted";
      Status u = (*store)->UpdateExecution(*rec);
      if (!u.ok()) std::exit(Fail(u));
      std::exit(kExitOk);
    }
    std::cout << "abort requested for execution " << rec->id << "\n";
    std::exit(kExitOk);
  });
}

}  // namespace sluice::cli
