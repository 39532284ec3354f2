// The execution engine: runs one pipeline execution to its end, recording
// every state change in the store before the next action.
//
// Order: stages in sequence (a `parallel` block's members at once, each in its
// own thread), and inside each stage its steps, step groups and parallel
// blocks the same way. Before each node its `when` is evaluated against the
// current roll-up status of what already finished (harness-semantics §3);
// failures go through the failure strategies of the step, its step groups
// and its stage (§4); statuses roll up by §10.
//
// Resume and retry reuse earlier results: `prior` maps node paths to records
// from the store. A node whose prior record is finished is not run again —
// its status and outputs are adopted (and, for a retry, copied into the new
// execution with a note in its log); anything else runs. Resuming the same
// execution after a crash re-runs the interrupted step and says so in its log.
//
// Waiting for an approval holds nothing: a step that answers
// ApprovalWaiting (HarnessApproval before its decision) ends Run() with
// that status once whatever was already running in parallel has finished.
// No other step of its stage and no later stage starts; the execution is
// stored as ApprovalWaiting with no runner, and resuming it runs the step
// again, which then finds its decision.
//
// Threading: Run() blocks; it may be aborted from any thread by cancelling
// the Cancellation handed in. Observers are called from worker threads.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "common/cancellation.h"
#include "common/clock.h"
#include "engine/events.h"
#include "engine/status.h"
#include "engine/step.h"
#include "pipeline/project.h"
#include "runner/process.h"
#include "secrets/masker.h"
#include "secrets/secret_store.h"
#include "store/store.h"

namespace sluice::engine {

// Receives progress for display. Must be thread-safe.
class ExecutionObserver {
 public:
  virtual ~ExecutionObserver() = default;
  virtual void OnNodeChanged(const store::NodeRecord& node) { (void)node; }
  virtual void OnLogLine(const std::string& node_path, std::string_view line) {
    (void)node_path;
    (void)line;
  }
};

struct EngineOptions {
  std::filesystem::path state_dir;
  // Run CI steps in a mount namespace with the workspace at /harness. When
  // false (or bubblewrap is unavailable) steps run in the host directory.
  bool sandbox = true;
  // Who started the run (pipeline.triggeredBy).
  std::string triggered_by = "local";
};

struct EngineDeps {
  store::Store& store;
  const secrets::SecretStore& secrets;
  runner::ProcessRunner& processes;
  const StepRegistry& steps;
  const pipeline::Project& project;
  const Clock& clock;
  ExecutionObserver* observer = nullptr;  // optional
  // Told of pipeline, stage, step-failure and approval events (events.h);
  // optional.
  ExecutionEventListener* events = nullptr;
};

class Engine {
 public:
  Engine(EngineDeps deps, EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs `record` (already created in the store, status Running) for
  // `pipeline`. `prior`: finished nodes to adopt, by path. Returns the final
  // status, also written to the store. An error NodeStatus means the engine
  // itself could not go on (the store failed); the execution is then marked
  // Errored where possible.
  Result<NodeStatus> Run(store::ExecutionRecord& record, const pipeline::Pipeline& pipeline,
                     const std::map<std::string, store::NodeRecord>& prior,
                     Cancellation& cancel);

  // The masker holding every secret value this engine resolved.
  secrets::Masker& masker();

 private:
  class Run_;
  EngineDeps deps_;
  EngineOptions options_;
  secrets::Masker masker_;
};

// Paths of every node of `pipeline` in execution order, with their kind:
// used to pre-create NotStarted records and to choose what `--from` keeps.
// The identifier of the implicit first step of a CI stage with cloneCodebase.
inline constexpr std::string_view kCloneStepId = "clone_codebase";

struct PlannedNode {
  std::string path;
  std::string kind;  // stage | step | stepGroup
  std::string identifier;
  std::string name;
  std::string type;
  bool rollback = false;  // a rollback step: recorded only when it runs
};
std::vector<PlannedNode> PlanNodes(const pipeline::Pipeline& pipeline);

// For `sluice retry --from POINT`: the finished records of `earlier` that
// come before POINT ("Stage" or "Stage.step" or "Stage.group.step") in
// execution order and are not its ancestors. NotFound when POINT names no
// node.
Result<std::map<std::string, store::NodeRecord>> NodesBefore(
    const pipeline::Pipeline& pipeline, const std::vector<store::NodeRecord>& earlier,
    const std::string& point);

}  // namespace sluice::engine
