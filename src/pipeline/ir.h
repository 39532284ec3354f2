// The typed pipeline IR: what a Harness v0 `pipeline:` document means, after
// parsing and before anything runs.
//
// Every node keeps the SourceLocation of the YAML it came from, so later
// stages (validation, expression errors at run time) can point at the user's
// file. Type-specific step and stage settings stay as the original YAML node
// (`spec`): a step type reads the fields it understands and reports errors
// at those nodes' marks. YAML::Node has reference semantics; the IR is
// immutable once built and may be shared between threads for reading.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "common/duration.h"
#include "pipeline/notifications.h"

namespace sluice::pipeline {

// Which earlier outcomes let a node run (`pipelineStatus` on stages,
// `stageStatus` on steps and step groups).
enum class StatusFilter { kSuccess, kFailure, kAll };

struct When {
  StatusFilter status = StatusFilter::kSuccess;
  std::string condition;  // JEXL; empty = none
  SourceLocation location;
  SourceLocation condition_location;
};

// Failure types a strategy can match (harness-semantics §4.1).
enum class ErrorType {
  kAllErrors, kUnknown, kAuthentication, kAuthorization, kConnectivity, kTimeout,
  kVerification, kDelegateProvisioning, kPolicyEvaluationFailure, kInputTimeoutError,
  kApprovalRejection, kDelegateRestart, kUserMarkedFailure, kInfrastructureFailure,
  kPluginImageFailure, kResourceLimitsFailure, kConfigurationFailure,
  kRetryableTransientFailure,
};
std::string_view ErrorTypeName(ErrorType t);
std::optional<ErrorType> ParseErrorType(std::string_view name);

enum class ActionType {
  kIgnore, kMarkAsSuccess, kMarkAsFailure, kAbort, kRetry, kManualIntervention,
  kStageRollback, kStepGroupRollback, kPipelineRollback, kProceedWithDefaultValues,
  kRetryStepGroup,
};
std::string_view ActionTypeName(ActionType t);
std::optional<ActionType> ParseActionType(std::string_view name);

struct FailureAction {
  ActionType type = ActionType::kMarkAsFailure;
  // Retry / RetryStepGroup
  int retry_count = 0;
  std::vector<Millis> retry_intervals;           // the last one repeats
  std::shared_ptr<const FailureAction> on_retry_failure;  // null = MarkAsFailure
  // ManualIntervention
  std::optional<Millis> timeout;
  std::shared_ptr<const FailureAction> on_timeout;       // null = MarkAsFailure
  bool fail_all = false;  // stop parallel siblings (StageRollback/PipelineRollback/Abort)
  SourceLocation location;
};

struct FailureStrategy {
  std::vector<ErrorType> errors;  // non-empty
  FailureAction action;
  SourceLocation location;
};

struct Variable {
  std::string name;
  std::string type = "String";  // String | Number | Secret
  YAML::Node value;             // scalar text, may hold expressions or <+input>
  std::string description;
  bool required = false;
  std::optional<std::string> default_value;
  SourceLocation location;
};

// One element of a steps list: a step, a step group, or a parallel block.
struct ExecutionNode {
  enum class Kind { kStep, kStepGroup, kParallel };
  Kind kind = Kind::kStep;

  // kStep and kStepGroup
  std::string identifier;
  std::string name;
  std::optional<When> when;  // absent = stageStatus: Success
  std::vector<FailureStrategy> failure_strategies;
  std::optional<Millis> timeout;
  SourceLocation location;

  // kStep
  std::string type;          // "Run", "ShellScript", ...
  SourceLocation type_location;
  YAML::Node spec;           // the step's `spec` mapping (may be null)

  // kStepGroup: `steps`; kParallel: the members
  std::vector<ExecutionNode> children;
  // kStepGroup only
  std::vector<ExecutionNode> rollback_steps;
  std::vector<std::string> shared_paths;
  std::vector<Variable> variables;
};

enum class StageType { kCI, kCustom, kApproval, kDeployment, kOther };
std::optional<StageType> ParseStageType(std::string_view name);

struct Stage {
  std::string identifier;
  std::string name;
  std::string type_name;  // as written
  StageType type = StageType::kOther;
  std::string description;
  std::optional<When> when;  // absent = pipelineStatus: Success
  std::vector<FailureStrategy> failure_strategies;
  std::vector<Variable> variables;
  std::optional<Millis> timeout;
  std::vector<std::string> delegate_selectors;

  // spec
  bool clone_codebase = false;              // CI only
  std::vector<std::string> shared_paths;    // CI only
  std::vector<ExecutionNode> steps;         // spec.execution.steps
  std::vector<ExecutionNode> rollback_steps;// spec.execution.rollbackSteps
  YAML::Node spec;                          // everything else (service, environment, ...)
  SourceLocation location;
};

// One element of the stages list: a stage or a parallel block of stages.
struct StageNode {
  enum class Kind { kStage, kParallel };
  Kind kind = Kind::kStage;
  Stage stage;                  // kStage
  std::vector<Stage> parallel;  // kParallel
  SourceLocation location;
};

struct Codebase {
  std::string connector_ref;
  std::string repo_name;
  YAML::Node build;  // <+input> or {type: branch|tag|PR|commitSha, spec: {...}}
  std::optional<int> depth;
  SourceLocation location;
};

struct Pipeline {
  std::string identifier;
  std::string name;
  std::string description;
  std::string org_identifier;
  std::string project_identifier;
  std::map<std::string, std::string> tags;
  std::vector<Variable> variables;
  std::optional<Codebase> codebase;  // properties.ci.codebase
  std::optional<Millis> timeout;
  bool allow_stage_executions = false;
  std::vector<std::string> delegate_selectors;
  std::vector<StageNode> stages;
  std::vector<NotificationRule> notification_rules;  // notifications.h

  std::string file;  // path as loaded (relative to the project when inside it)
  YAML::Node root;   // the `pipeline:` mapping as parsed (after inputs were applied)
  // The text `root` was parsed from, when known (ParsePipelineText and
  // LoadProject set it). Validation uses it to place errors found inside
  // block scalars (an expression on line 3 of a `command: |`) and
  // ApplyRuntimeInputs re-reads it so the copy keeps every node's location.
  std::shared_ptr<const std::string> source;
  SourceLocation location;
};

// `inputSet:` — a sparse copy of a pipeline holding values for its runtime inputs.
struct InputSet {
  std::string identifier;
  std::string name;
  std::string pipeline_identifier;
  YAML::Node pipeline;  // the `pipeline:` mapping of the input set
  std::string file;
  SourceLocation location;
};

// `connector:` — named endpoints and credentials (Git, registries, AWS...).
struct Connector {
  std::string identifier;
  std::string name;
  std::string type;  // Github, Git, Aws, DockerRegistry, ...
  YAML::Node spec;
  std::string file;
  SourceLocation location;
};

// How a failing policy (one whose `deny` set is not empty) affects the step:
// kError fails it ("Error and exit"), kWarning warns and lets it continue
// ("Warn & continue").
enum class PolicySeverity { kError, kWarning };

// One policy of a set: `.harness/policies/<identifier>.rego`.
struct PolicyEntry {
  std::string identifier;
  PolicySeverity severity = PolicySeverity::kError;
  SourceLocation location;
};

// `policySet:` — policies evaluated together by a Policy step.
struct PolicySet {
  std::string identifier;
  std::string name;
  std::string type;    // entity type: "custom" for sets a Policy step evaluates
  std::string action;  // event; "" for custom sets (they fire at the Policy step)
  bool enabled = true;
  // The Rego dialect of its policies: "v0", "v1", or "" (decided per file:
  // `import rego.v1` or v1 keywords, see policy/parser.h).
  std::string rego_version;
  std::vector<PolicyEntry> policies;
  std::string file;
  SourceLocation location;
};

// A policy's Rego source, `.harness/policies/<identifier>.rego`.
struct PolicySource {
  std::string identifier;
  std::string file;  // as named in diagnostics (relative to the project)
  std::string text;
};

}  // namespace sluice::pipeline
