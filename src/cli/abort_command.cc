// sluice abort ID: stop a running execution from another terminal. The
// request is recorded in the store (the running sluice polls it) and the
// running process gets SIGTERM, so its steps' process groups are killed.
#include <iostream>

#include "cli/app.h"
#include "common/clock.h"
#include "server/launch.h"

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
    auto said = server::AbortElsewhere(**store, *rec, DefaultClock());
    if (!said.ok()) std::exit(Fail(said.status()));
    std::cout << *said << "\n";
    std::exit(kExitOk);
  });
}

}  // namespace sluice::cli
