// Running an execution in the foreground: signal handling (Ctrl-C aborts,
// killing every step process group), an abort watcher for `sluice abort`
// from another terminal, live progress, and the final report. Shared by
// `run`, `resume` and `retry`.
#pragma once

#include <map>
#include <string>

#include "cli/app.h"
#include "store/store.h"

namespace sluice::cli {

struct ExecuteOptions {
  bool json = false;      // print the final execution as JSON on stdout
  bool verbose = false;   // stream logs
  bool sandbox = true;
};

// Runs `record` (already stored) and returns the process exit code.
int Execute(App& app, const pipeline::Project& project, const pipeline::Pipeline& pipeline,
            store::ExecutionRecord& record, const std::map<std::string, store::NodeRecord>& prior,
            const ExecuteOptions& options);

// `sluice resume ID`: continues an execution that is not finished (its
// process died, or it waited for an approval) in the foreground; returns
// the exit code. Refuses one still run by a live process.
int ResumeExecution(const GlobalOptions& global, const std::string& id, bool json,
                    bool no_sandbox);

}  // namespace sluice::cli
