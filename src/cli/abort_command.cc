// sluice abort ID: stop a running execution from another terminal. The
// request is recorded in the store (the running sluice polls it) and the
// running process gets SIGTERM, so its steps' process groups are killed.
#include <signal.h>

#include <cerrno>
#include <iostream>

#include "cli/app.h"
#include "common/clock.h"
#include "common/files.h"
#include "engine/status.h"
#include "runner/orphans.h"

namespace sluice::cli {
namespace {

// True when `pid` is alive and is a sluice process: a pid recorded by a
// crashed run may have been reused by something else, which must not be
// signalled.
bool IsSluiceProcess(int64_t pid) {
  if (pid <= 0) return false;
  auto cmdline = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  if (!cmdline.ok() || cmdline->empty()) return false;
  std::string argv0 = cmdline->substr(0, cmdline->find('\0'));
  return std::filesystem::path(argv0).filename() == "sluice";
}

}  // namespace

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
    if (!IsSluiceProcess(rec->runner_pid)) {
      // Nothing runs it any more (sluice was killed): stop what its steps left
      // running on the host and finish the record here.
      runner::KillProcessesOfExecution(rec->id);
      rec->status = "Aborted";
      rec->ended_ms = DefaultClock().NowMillis();
      if (rec->failure_message.empty()) rec->failure_message = "aborted after its sluice process had stopped";
      Status u = (*store)->UpdateExecution(*rec);
      if (!u.ok()) std::exit(Fail(u));
      auto nodes = (*store)->GetNodes(rec->id);
      if (nodes.ok()) {
        for (store::NodeRecord n : *nodes) {
          auto ns = engine::ParseStatus(n.status);
          if (!ns || engine::IsTerminal(*ns) || *ns == engine::NodeStatus::kNotStarted) continue;
          n.status = "Aborted";
          n.ended_ms = rec->ended_ms;
          Status p = (*store)->PutNode(n);
          if (!p.ok()) std::exit(Fail(p));
        }
      }
      std::cout << "execution " << rec->id << " had no running sluice process (it was interrupted); "
                << "marked Aborted\n";
      std::exit(kExitOk);
    }
    ::kill(static_cast<pid_t>(rec->runner_pid), SIGTERM);
    std::cout << "abort requested for execution " << rec->id << "\n";
    std::exit(kExitOk);
  });
}

}  // namespace sluice::cli
