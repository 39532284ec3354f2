// Internal to the engine: the state of one execution while Engine::Run()
// works on it, shared by the worker threads of parallel blocks.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/engine.h"
#include "engine/failure.h"
#include "engine/workspace.h"

namespace sluice::engine {

using SteadyTime = std::chrono::steady_clock::time_point;

// Statuses of the finished children of a stage or the pipeline, by node
// path, for `when` checks ("current status") and roll-up. A node that runs
// again (RetryStepGroup) replaces its earlier status. Thread-safe.
class FinishedSet {
 public:
  void Set(const std::string& path, NodeStatus s) {
    std::lock_guard<std::mutex> lock(mu_);
    statuses_[path] = s;
  }
  void EraseBelow(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = statuses_.begin(); it != statuses_.end();) {
      it = it->first.rfind(prefix + ".", 0) == 0 ? statuses_.erase(it) : std::next(it);
    }
  }
  NodeStatus Current() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<NodeStatus> all;
    for (const auto& [path, s] : statuses_) all.push_back(s);
    return RollUp(all);
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, NodeStatus> statuses_;  // guarded by mu_
};

// One running stage.
struct StageRun {
  const pipeline::Stage& stage;
  StageWorkspace workspace;
  std::map<std::string, std::string> env;
  std::optional<SteadyTime> deadline;
  FinishedSet finished;                    // every finished step, groups included
  std::atomic<bool> stop{false};           // remaining steps do not run
  std::atomic<bool> rollback{false};       // run rollbackSteps at the end
  std::atomic<bool> expired{false};        // the stage timeout fired
  // A step waits for an approval: no other step of the stage starts, and
  // the execution stops until the approval is decided (engine.h).
  std::atomic<bool> parked{false};
  StrategyChain strategies;                // the stage's own list
  // Runs the stage's steps: one sandbox for all of them (runner/sandbox_session.h),
  // ended with the stage. Null until the workspace is ready.
  std::unique_ptr<runner::ProcessRunner> processes;
};

// One list of steps: the stage's execution, a step group, or rollback steps.
struct StepList {
  std::string prefix;          // node path of the owner ("Stage", "Stage.group")
  JsonPointer steps;           // its `steps` object in the expression document
  JsonPointer group;           // the group's node, or empty
  StrategyChain chain;         // group strategies (innermost first) then the stage's
  std::atomic<bool>* stop;     // the owner's stop flag
  std::atomic<bool>* rollback; // where StepGroupRollback / StageRollback requests land
  // Where a RetryStepGroup request lands (the enclosing group), or null.
  std::atomic<const pipeline::FailureAction*>* retry_group = nullptr;
  bool rollback_mode = false;  // rollback steps: no default stageStatus gate
};

}  // namespace sluice::engine
