// Preparing an execution to run, shared by the CLI (`sluice run`, `resume`,
// `retry`, `abort`) and sluice server: a new execution of a pipeline with
// its runtime inputs, resuming one whose process died, retrying one from a
// stage or step, and aborting one no live process runs. Each Prepare*
// call checks what it must, writes the execution record (status Running)
// and returns a Launch ready for engine::Engine::Run; running it is the
// caller's business (in the foreground, or in the server's queue).
//
// Errors are Status values: NotFound for an unknown execution or point,
// FailedPrecondition for one that cannot be resumed (finished, or still
// run by a live process) with the command to use instead, InvalidArgument
// for bad runtime inputs (their diagnostics in `diags`), store errors as
// the store gives them.
//
// Not thread-safe on its own: the store calls follow store.h's rules.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/diagnostic.h"
#include "common/status.h"
#include "pipeline/inputs.h"
#include "pipeline/project.h"
#include "store/server_record.h"
#include "store/store.h"

namespace sluice::server {

// An execution ready for engine::Engine::Run: the stored record, the
// project and the pipeline as it runs (inputs applied), and the finished
// nodes to adopt.
struct Launch {
  store::ExecutionRecord record;
  pipeline::Project project;
  pipeline::Pipeline pipeline;
  std::map<std::string, store::NodeRecord> prior;
  std::string retry_point;  // PrepareRetry: the stage or step it starts from
};

// The project and the pipeline exactly as an earlier execution ran it (its
// stored YAML, inputs already applied), for resume and retry.
struct Recorded {
  pipeline::Project project;
  pipeline::Pipeline pipeline;
};
Result<Recorded> LoadRecorded(const store::ExecutionRecord& rec);

// Applies runtime inputs to `p` and re-parses it, giving the pipeline as it
// will run; nullopt with the errors in `diags` when the inputs do not fit.
std::optional<pipeline::Pipeline> Instantiate(const pipeline::Pipeline& p,
                                              const pipeline::RuntimeInputValues& values,
                                              DiagnosticList* diags);

// Records a new execution of `instance` (Instantiate's result) of
// `project`, run by process `runner_pid`. `inputs` is what the user passed
// (masked), kept with the record.
Result<Launch> PrepareNewExecution(store::Store& store, const pipeline::Project& project,
                                   const pipeline::Pipeline& instance, nlohmann::json inputs,
                                   const Clock& clock, int64_t runner_pid);

// Takes over execution `id` (or a unique prefix) left unfinished by a
// process that died: stops the processes its steps left running, and marks
// the record as run by `runner_pid`. `stopped_leftovers` (optional) gets
// how many processes were stopped.
Result<Launch> PrepareResume(store::Store& store, const std::string& id, int64_t runner_pid,
                             int* stopped_leftovers = nullptr);

// A new execution that reruns execution `id` from `from` ("Stage",
// "Stage.step"; "" = the first stage that did not succeed), adopting what
// finished before that point and copying the earlier workspace.
Result<Launch> PrepareRetry(store::Store& store, const std::filesystem::path& state_dir,
                            const std::string& id, const std::string& from, const Clock& clock,
                            int64_t runner_pid);

// Which server owns a state directory, and process checks (shared with the
// modules below the server).
using store::IsSluiceProcess;
using store::IsSluiceServer;
using store::OwningServer;
using store::OwningServerUrl;
using store::ProcessAlive;

// Aborts an execution that this process does not run: records the request
// (the running sluice polls it) and sends that process SIGTERM (not to a
// sluice server, which runs other executions too), or, when no
// sluice process runs it any more, stops what its steps left running and
// marks it and its unfinished nodes Aborted (with `reason` as its failure
// message when given). Returns a sentence saying which happened. Ok with a
// note for an execution already finished.
Result<std::string> AbortElsewhere(store::Store& store, store::ExecutionRecord rec,
                                   const Clock& clock, const std::string& reason = "");

}  // namespace sluice::server
