// The contract between the engine and step types.
//
// A StepType is a stateless object that knows one `type:` (Run, ShellScript,
// Wait, ...): how to validate its spec before anything runs, which of its
// fields are shell scripts (for `sluice validate`), and how to execute one
// step. The engine hands Execute() a StepContext with everything the step may
// touch — the step never reads global state, starts processes or writes logs
// except through it. Execute() is called from engine worker threads; several
// steps may run at once, so a StepType must be thread-safe (stateless).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/cancellation.h"
#include "common/clock.h"
#include "common/duration.h"
#include "engine/status.h"
#include "expr/expr.h"
#include "pipeline/ir.h"
#include "pipeline/project.h"
#include "runner/process.h"
#include "secrets/masker.h"
#include "store/store.h"

namespace sluice::engine {

// Where a step's commands run.
struct StepWorkspace {
  std::filesystem::path host_dir;     // the stage workspace on the host
  std::string working_dir;            // as the command sees it ("/harness" in a sandbox)
  std::vector<runner::Mount> mounts;  // empty: run directly on the host
  std::filesystem::path scratch_dir;  // per step attempt, on the host, never in the workspace

  // The host path of a path as commands see it: relative paths start at
  // working_dir; absolute ones go through the mount with the longest
  // matching target (/harness/output before /harness). Paths outside every
  // mount are host paths already.
  std::filesystem::path ToHost(const std::string& path) const;
};

// What a step can use while it runs.
struct StepContext {
  const pipeline::Project& project;  // policy sets, policies, connectors
  const pipeline::Pipeline& pipeline;
  const pipeline::Stage& stage;
  const pipeline::ExecutionNode& node;
  std::string execution_id;
  std::string node_path;  // "Stage.group.step"
  int attempt = 0;        // 0 on the first try, n on the n-th retry

  const expr::Scope& scope;
  StepWorkspace workspace;
  // HARNESS_*/DRONE_*/CI variables, stage and pipeline variables.
  std::map<std::string, std::string> env;

  runner::ProcessRunner& processes;
  runner::LineSink& log;                // lines are masked and stored
  const Cancellation& cancel;
  std::optional<Millis> timeout;        // the tightest of step, stage and pipeline limits
  secrets::Masker& masker;              // register values that must never be shown
  const Clock& clock;
  // The state directory (.sluice): the local image store is its images/.
  std::filesystem::path state_dir;
  // What the execution has published so far (earlier steps' artifacts, in
  // the order they were stored); empty when not set. A publisher step uses
  // it to describe an object an upload step stored.
  std::function<std::vector<store::ArtifactRecord>()> published;
  // The function runtime's records in the state database (function
  // deployments); null when not given.
  store::FunctionStore* functions = nullptr;
  // Approval requests and decisions (HarnessApproval); null when not given.
  store::ApprovalStore* approvals = nullptr;
  // Where model checks keep their latest results (ModelStaleness,
  // ModelDrift); null when not given.
  store::MonitorStore* monitor = nullptr;
  // Users and their e-mail addresses (the Email step's recipients); null
  // when not given.
  store::AuthStore* users = nullptr;

  // Resolves the expressions of a spec field. Errors name the field and its
  // file:line:col. A missing (null) field resolves to null / "".
  Result<expr::Value> Resolve(const YAML::Node& field, std::string_view name) const;
  Result<std::string> ResolveString(const YAML::Node& field, std::string_view name) const;
  // Writes one line to the step log (masked on the way).
  void Log(std::string_view line) const;
};

struct StepOutcome {
  // Success, Failed, Errored, Expired, Aborted, ApprovalRejected; or
  // ApprovalWaiting: the step waits for a decision that is not there yet --
  // the execution stops (engine.h) and runs the step again when resumed.
  NodeStatus status = NodeStatus::kSuccess;
  pipeline::ErrorType failure_type = pipeline::ErrorType::kUnknown;
  std::string failure_message;
  std::map<std::string, std::string> outputs;  // outputVariables
  std::set<std::string> secret_outputs;        // names whose values are masked everywhere
  // Fields of `<+execution.steps.<id>.output.X>` besides outputVariables
  // (a Policy step's `status`); kept in details["output"] too.
  nlohmann::json output = nlohmann::json::object();
  nlohmann::json details = nlohmann::json::object();  // test results, artifacts...
  // Shown under the step whatever its status (a policy that warns); kept
  // in details["warnings"].
  std::vector<std::string> warnings;
  // What a Policy step decided; the engine fills in execution, node path
  // and attempt, masks the string leaves of input and results, and stores
  // it. The step itself replaces an input that held a secret by its masked
  // text (numbers and JSON pieces of a secret are not strings to mask).
  std::optional<store::PolicyEvaluationRecord> policy_evaluation;
  // What the step published (S3Upload's objects, a publisher plugin's
  // URLs); the engine fills in execution, node path, attempt and time and
  // stores them, whatever the step's status.
  std::vector<store::ArtifactRecord> artifacts;

  static StepOutcome Success() { return {}; }
  static StepOutcome Failure(pipeline::ErrorType type, std::string message);
  static StepOutcome Error(std::string message);  // Errored, e.g. an expression failed
};

class StepType {
 public:
  virtual ~StepType() = default;
  virtual std::string_view name() const = 0;
  // Checks the spec; reports at the YAML marks of the offending fields.
  virtual void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                            DiagnosticList* diags) const = 0;
  // Script fields for `sh -n`: (shell "sh"|"bash", node holding the script).
  virtual std::vector<std::pair<std::string, YAML::Node>> Scripts(
      const pipeline::ExecutionNode& step) const {
    (void)step;
    return {};
  }
  virtual StepOutcome Execute(StepContext& ctx) const = 0;
};

// All step types, registered once at start-up by an explicit function
// (steps::RegisterBuiltinSteps). Immutable afterwards; safe to share.
class StepRegistry final : public pipeline::StepCatalog {
 public:
  void Register(std::unique_ptr<StepType> type);
  const StepType* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

  bool Knows(std::string_view step_type) const override;
  std::vector<std::string> KnownTypes() const override { return Names(); }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  std::vector<std::pair<std::string, YAML::Node>> Scripts(
      const pipeline::ExecutionNode& step) const override;

 private:
  std::map<std::string, std::unique_ptr<StepType>, std::less<>> types_;
};

}  // namespace sluice::engine
