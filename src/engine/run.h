// Internal to the engine: Engine::Run_, the state and logic of one
// execution while Engine::Run() works on it. Its methods are split by what
// they run: engine.cc (records, adoption, the pipeline), run_stage.cc (stages,
// workspaces, the codebase clone, pipeline rollback) and run_step.cc (step
// lists, groups, parallel blocks, steps and their failure strategies).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/engine.h"
#include "engine/environment.h"
#include "engine/run_state.h"
#include "engine/workspace.h"

namespace sluice::engine {

// The log of one node: masks each line, appends it to the store, tells the observer.
class NodeLog final : public runner::LineSink {
 public:
  explicit NodeLog(std::function<void(std::string_view)> write) : write_(std::move(write)) {}
  void OnLine(runner::StreamKind stream, std::string_view line) override {
    (void)stream;
    write_(line);
  }

 private:
  std::function<void(std::string_view)> write_;
};

inline std::string_view FilterName(pipeline::StatusFilter f) {
  switch (f) {
    case pipeline::StatusFilter::kSuccess: return "Success";
    case pipeline::StatusFilter::kFailure: return "Failure";
    case pipeline::StatusFilter::kAll: return "All";
  }
  return "";
}

class Engine::Run_ {
 public:
  Run_(Engine& engine, store::ExecutionRecord& record, const pipeline::Pipeline& pipeline,
       const std::map<std::string, store::NodeRecord>& prior, Cancellation& cancel)
      : e_(engine),
        deps_(engine.deps_),
        record_(record),
        pipeline_(pipeline),
        prior_(prior),
        cancel_(cancel),
        doc_(nlohmann::json::object()),
        secrets_(engine.deps_.secrets, engine.masker_),
        work_dir_(ExecutionWorkDir(engine.options_.state_dir, record.id)),
        sandbox_(engine.options_.sandbox && runner::SandboxAvailable()) {}

  Result<NodeStatus> Run();

 private:
  // --- records -------------------------------------------------------------
  store::NodeRecord& Node(const std::string& path);
  // Store failures are kept in store_error_ and end the run; callers go on.
  void Save(const store::NodeRecord& node);
  void SetStatus(const std::string& path, NodeStatus s, const std::string& message = "",
                   pipeline::ErrorType type = pipeline::ErrorType::kUnknown);
  void Log(const std::string& path, std::string_view line);
  // Stores what a Policy step decided (masked), for this node and attempt.
  void SavePolicyEvaluation(const std::string& path, int attempt,
                            std::optional<store::PolicyEvaluationRecord> rec);
  // The execution's artifacts stored so far (StepContext::published).
  std::vector<store::ArtifactRecord> Published();
  // Stores what a step published (name and url masked), for this node and
  // attempt, stamped with the clock.
  void SaveArtifacts(const std::string& path, int attempt,
                     std::vector<store::ArtifactRecord> artifacts);
  void SetDocStatus(const JsonPointer& ptr, NodeStatus s);
  void MarkSubtree(const std::string& prefix, NodeStatus s);
  bool Adopt(const std::string& path, const JsonPointer& ptr, NodeStatus* status);
  sluice::Status CopyPolicyEvaluations(const std::string& from, const std::string& path);
  sluice::Status CopyArtifacts(const std::string& from, const std::string& path);
  void AdoptBelow(const std::string& path, const JsonPointer& steps);

  // --- running -------------------------------------------------------------
  NodeStatus RunStages(const std::vector<pipeline::StageNode>& stages);
  NodeStatus RunStage(const pipeline::Stage& stage);
  NodeStatus RunList(StageRun& st, const std::vector<pipeline::ExecutionNode>& list, StepList& owner,
                 Cancellation& cancel);
  NodeStatus RunElement(StageRun& st, const pipeline::ExecutionNode& n, StepList& owner,
                    Cancellation& cancel);
  NodeStatus RunGroup(StageRun& st, const pipeline::ExecutionNode& g, StepList& owner,
                  Cancellation& cancel);
  NodeStatus RunStep(StageRun& st, const pipeline::ExecutionNode& n, StepList& owner,
                 Cancellation& cancel);
  std::optional<pipeline::ActionType> WaitForIntervention(StageRun& st, const std::string& path,
                                                          const JsonPointer& ptr,
                                                          const pipeline::FailureAction& action,
                                                          Cancellation& cancel);
  StepOutcome ExecuteOnce(StageRun& st, const pipeline::ExecutionNode& n, const std::string& path,
                          const NodeScope& scope, int attempt, Cancellation& cancel);
  NodeStatus CloneCodebase(StageRun& st, Cancellation& cancel);
  NodeStatus RunPipelineRollback();

  Result<std::string> ResolveVariable(const pipeline::Variable& v, const NodeScope& scope);
  // Evaluates a `when`; nullopt with `*error` set when the condition fails.
  std::optional<bool> EvaluateWhen(const std::optional<pipeline::When>& when, NodeStatus current,
                                   pipeline::StatusFilter default_filter, const NodeScope& scope,
                                   std::string* error);
  std::optional<Millis> TimeLeft(const StageRun* st, std::optional<Millis> own) const;
  std::string Mask(std::string_view text) const { return e_.masker_.Mask(text); }
  // Every string inside `value` masked (test names, messages, artifact links...).
  nlohmann::json MaskJson(const nlohmann::json& value) const;
  bool Aborted() const { return cancel_.cancelled(); }
  // Tells deps_.events (if any) of an event about `path` ("" for the
  // pipeline); what it writes goes to `log_path`'s log.
  void Emit(EventType type, const std::string& path, NodeStatus status,
            const std::string& log_path);
  // The node path pipeline events log to: the first stage, or the last one
  // that ran.
  std::string PipelineLogPath(bool last) const;

  Engine& e_;
  EngineDeps& deps_;
  store::ExecutionRecord& record_;
  const pipeline::Pipeline& pipeline_;
  const std::map<std::string, store::NodeRecord>& prior_;
  Cancellation& cancel_;

  ExpressionDocument doc_;
  SecretResolver secrets_;
  std::filesystem::path work_dir_;
  bool sandbox_;
  std::optional<SteadyTime> deadline_;  // pipeline timeout
  std::map<std::string, std::string> host_env_ = HostEnvironment();
  std::map<std::string, std::string> pipeline_env_;  // pipeline variables as env

  FinishedSet finished_stages_;
  std::atomic<bool> pipeline_rollback_{false};
  std::atomic<bool> parked_{false};  // a step waits for an approval
  mutable std::mutex ran_mu_;
  std::vector<const pipeline::Stage*> ran_stages_;  // guarded by ran_mu_; for PipelineRollback

  // Every planned node with its display order; constant once Run() starts.
  std::map<std::string, std::pair<PlannedNode, int>> planned_;
  std::mutex mu_;  // guards nodes_ and every store call
  std::map<std::string, store::NodeRecord> nodes_;
  sluice::Status store_error_;  // first store failure; guarded by mu_
};

}  // namespace sluice::engine
