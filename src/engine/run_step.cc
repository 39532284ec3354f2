#include <poll.h>

#include <algorithm>
#include <thread>

#include "common/files.h"
#include "engine/run.h"

namespace sluice::engine {

NodeStatus Engine::Run_::RunList(StageRun& st, const std::vector<pipeline::ExecutionNode>& list,
                             StepList& owner, Cancellation& cancel) {
  for (const pipeline::ExecutionNode& n : list) {
    if (st.parked) break;  // the rest waits for the approval
    RunElement(st, n, owner, cancel);
  }
  return st.finished.Current();
}

NodeStatus Engine::Run_::RunElement(StageRun& st, const pipeline::ExecutionNode& n, StepList& owner,
                                Cancellation& cancel) {
  switch (n.kind) {
    case pipeline::ExecutionNode::Kind::kStep:
      return RunStep(st, n, owner, cancel);
    case pipeline::ExecutionNode::Kind::kStepGroup:
      return RunGroup(st, n, owner, cancel);
    case pipeline::ExecutionNode::Kind::kParallel: {
      // Members start together and all run to the end unless a failAll
      // strategy cancels the block.
      Cancellation block(&cancel);
      std::vector<std::thread> threads;
      std::vector<NodeStatus> results(n.children.size(), NodeStatus::kSuccess);
      for (size_t i = 0; i < n.children.size(); ++i) {
        threads.emplace_back([&, i] { results[i] = RunElement(st, n.children[i], owner, block); });
      }
      for (std::thread& t : threads) t.join();
      return RollUp(results);
    }
  }
  return NodeStatus::kErrored;
}

NodeStatus Engine::Run_::RunGroup(StageRun& st, const pipeline::ExecutionNode& g, StepList& owner,
                              Cancellation& cancel) {
  const std::string path = owner.prefix + "." + g.identifier;
  const JsonPointer ptr = owner.steps / g.identifier;
  NodeStatus adopted;
  if (Adopt(path, ptr, &adopted)) {
    AdoptBelow(path, ptr / "steps");
    st.finished.Set(path, adopted);
    return adopted;
  }
  if (Aborted() || cancel.cancelled() || st.parked) return NodeStatus::kNotStarted;
  if (*owner.stop) {
    SetStatus(path, NodeStatus::kSkipped, "skipped: the stage is rolling back or stopping");
    MarkSubtree(path, NodeStatus::kSkipped);
    st.finished.Set(path, NodeStatus::kSkipped);
    return NodeStatus::kSkipped;
  }
  NodeScope scope(doc_, ScopePosition{st.stage.identifier, owner.steps, JsonPointer(), ptr}, secrets_);
  std::string error;
  std::optional<bool> run =
      EvaluateWhen(g.when, st.finished.Current(),
                   owner.rollback_mode ? pipeline::StatusFilter::kAll : pipeline::StatusFilter::kSuccess,
                   scope, &error);
  if (!run || !*run) {
    NodeStatus s = run ? NodeStatus::kSkipped : NodeStatus::kErrored;
    SetStatus(path, s, run ? "skipped: stageStatus or condition does not hold" : error);
    SetDocStatus(ptr, s);
    MarkSubtree(path, NodeStatus::kSkipped);
    st.finished.Set(path, s);
    return s;
  }
  SetStatus(path, NodeStatus::kRunning);
  SetDocStatus(ptr, NodeStatus::kRunning);
  for (const pipeline::Variable& v : g.variables) {
    auto r = ResolveVariable(v, scope);
    if (!r.ok()) {
      std::string message = v.location.ToString() + ": step group variable " + v.name + ": " + r.status().message();
      SetStatus(path, NodeStatus::kErrored, message);
      SetDocStatus(ptr, NodeStatus::kErrored);
      MarkSubtree(path, NodeStatus::kSkipped);
      st.finished.Set(path, NodeStatus::kErrored);
      return NodeStatus::kErrored;
    }
    doc_.Set(ptr / "variables" / v.name, *r);
  }

  std::atomic<bool> stop{false};
  std::atomic<bool> rollback{false};
  StepList inner;
  inner.prefix = path;
  inner.steps = ptr / "steps";
  inner.group = ptr;
  inner.chain.push_back(&g.failure_strategies);
  inner.chain.insert(inner.chain.end(), owner.chain.begin(), owner.chain.end());
  inner.stop = &stop;
  inner.rollback = &rollback;
  inner.rollback_mode = owner.rollback_mode;

  std::atomic<const pipeline::FailureAction*> retry_request{nullptr};
  inner.retry_group = &retry_request;

  // The group's own status is the roll-up of its children. A RetryStepGroup
  // strategy runs all of them again, up to its retryCount.
  std::vector<NodeStatus> child_results;
  for (int group_attempt = 0;; ++group_attempt) {
    child_results.clear();
    for (const pipeline::ExecutionNode& child : g.children) {
      if (*owner.stop) stop = true;
      child_results.push_back(RunElement(st, child, inner, cancel));
    }
    const pipeline::FailureAction* retry = retry_request.exchange(nullptr);
    if (retry == nullptr || Aborted() || cancel.cancelled() || st.parked) break;
    if (group_attempt >= retry->retry_count) {
      Log(path, "[sluice] RetryStepGroup: " + std::to_string(retry->retry_count) +
                    " retries used; the failure stands");
      break;
    }
    Millis wait = RetryInterval(*retry, group_attempt + 1);
    Log(path, "[sluice] RetryStepGroup: running the group again (attempt " +
                  std::to_string(group_attempt + 2) + " of " + std::to_string(retry->retry_count + 1) +
                  ")" + (wait.count() > 0 ? " after " + FormatDuration(wait) : ""));
    pollfd p{cancel.fd(), POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(wait.count()));
    st.finished.EraseBelow(path);
    stop = false;
  }
  if (st.parked && !Aborted() &&
      std::any_of(child_results.begin(), child_results.end(),
                  [](NodeStatus s) { return !IsTerminal(s); })) {
    // Part of the group waits for an approval: it goes on once decided.
    SetStatus(path, NodeStatus::kApprovalWaiting);
    SetDocStatus(ptr, NodeStatus::kApprovalWaiting);
    return NodeStatus::kApprovalWaiting;
  }
  if (rollback && !Aborted()) {
    StepList rb;
    rb.prefix = path + ".rollback";
    rb.steps = ptr / "rollbackSteps";
    std::atomic<bool> rb_stop{false};
    std::atomic<bool> rb_rb{false};
    rb.stop = &rb_stop;
    rb.rollback = &rb_rb;
    rb.rollback_mode = true;
    for (const pipeline::ExecutionNode& child : g.rollback_steps) RunElement(st, child, rb, cancel);
  }
  std::vector<NodeStatus> finished;
  for (NodeStatus s : child_results) {
    if (IsTerminal(s)) finished.push_back(s);
  }
  NodeStatus result = Aborted() ? NodeStatus::kAborted : RollUp(finished);
  if (rollback && IsPositive(result)) result = NodeStatus::kFailed;
  SetStatus(path, result);
  SetDocStatus(ptr, result);
  // Steps inside were already counted in the stage's finished set; the group
  // itself adds nothing new to the roll-up.
  return result;
}

NodeStatus Engine::Run_::RunStep(StageRun& st, const pipeline::ExecutionNode& n, StepList& owner,
                             Cancellation& cancel) {
  const std::string path = owner.prefix + "." + n.identifier;
  const JsonPointer ptr = owner.steps / n.identifier;
  NodeStatus adopted;
  if (Adopt(path, ptr, &adopted)) {
    // A rollback this step asked for before a crash is asked for again.
    const nlohmann::json& details = prior_.at(path).details;
    std::string applied = details.is_object() ? details.value("failureStrategy", "") : "";
    if (applied == "StageRollback" || applied == "PipelineRollback") {
      (applied == "StageRollback" ? st.rollback : pipeline_rollback_) = true;
      st.stop = true;
      *owner.stop = true;
    } else if (applied == "StepGroupRollback") {
      *owner.rollback = true;
      *owner.stop = true;
    }
    st.finished.Set(path, adopted);
    return adopted;
  }
  if (Aborted() || cancel.cancelled() || st.parked) return NodeStatus::kNotStarted;
  if (*owner.stop) {
    SetStatus(path, NodeStatus::kSkipped, "skipped: the stage is rolling back or stopping");
    SetDocStatus(ptr, NodeStatus::kSkipped);
    st.finished.Set(path, NodeStatus::kSkipped);
    return NodeStatus::kSkipped;
  }

  NodeScope scope(doc_, ScopePosition{st.stage.identifier, owner.steps, ptr, owner.group}, secrets_);
  std::string error;
  std::optional<bool> run =
      EvaluateWhen(n.when, st.finished.Current(),
                   owner.rollback_mode ? pipeline::StatusFilter::kAll : pipeline::StatusFilter::kSuccess,
                   scope, &error);
  if (!run) {
    SetStatus(path, NodeStatus::kErrored, error);
    SetDocStatus(ptr, NodeStatus::kErrored);
    st.finished.Set(path, NodeStatus::kErrored);
    return NodeStatus::kErrored;
  }
  if (!*run) {
    SetStatus(path, NodeStatus::kSkipped,
              n.when && !n.when->condition.empty()
                  ? "skipped: when condition is false or stageStatus does not hold"
                  : "skipped: stageStatus " +
                        std::string(FilterName(n.when ? n.when->status : pipeline::StatusFilter::kSuccess)) +
                        " does not hold (an earlier step failed)");
    SetDocStatus(ptr, NodeStatus::kSkipped);
    st.finished.Set(path, NodeStatus::kSkipped);
    return NodeStatus::kSkipped;
  }

  bool resumed = false;
  int64_t waiting_since = 0;  // a step that waited for an approval keeps its start
  {
    auto it = prior_.find(path);
    const bool same = it != prior_.end() && it->second.execution_id == record_.id;
    resumed = same && it->second.status == StatusName(NodeStatus::kRunning);
    if (same && it->second.status == StatusName(NodeStatus::kApprovalWaiting)) {
      waiting_since = it->second.started_ms;
    }
  }
  if (resumed) {
    Log(path, "[sluice] resumed: this step was interrupted when sluice stopped, so it runs again");
  }

  StrategyChain chain;
  chain.push_back(&n.failure_strategies);
  chain.insert(chain.end(), owner.chain.begin(), owner.chain.end());

  int attempt = 0;
  StepOutcome outcome;
  NodeStatus final = NodeStatus::kSuccess;
  std::string applied;  // the failure strategy action taken, recorded for resume
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      store::NodeRecord& rec = Node(path);
      rec.attempt = attempt;
      rec.started_ms = waiting_since > 0 ? waiting_since : deps_.clock.NowMillis();
    }
    SetStatus(path, n.type == "Wait" ? NodeStatus::kWaitStepRunning : NodeStatus::kRunning);
    SetDocStatus(ptr, NodeStatus::kRunning);
    doc_.Set(ptr / "retryCount", attempt);
    outcome = ExecuteOnce(st, n, path, scope, attempt, cancel);
    if (outcome.status == NodeStatus::kApprovalWaiting && !Aborted()) {
      // Nothing more runs in this stage and no later stage starts; the
      // execution stops and runs this step again when it is resumed.
      SetStatus(path, NodeStatus::kApprovalWaiting, outcome.failure_message);
      SetDocStatus(ptr, NodeStatus::kApprovalWaiting);
      st.parked = true;
      parked_ = true;
      if (waiting_since == 0)
        Emit(EventType::kApprovalWaiting, path, NodeStatus::kApprovalWaiting, path);
      return NodeStatus::kApprovalWaiting;
    }
    if (outcome.status == NodeStatus::kSuccess) {
      final = NodeStatus::kSuccess;
      break;
    }
    if (Aborted() || outcome.status == NodeStatus::kAborted) {
      final = NodeStatus::kAborted;
      break;
    }
    Log(path, "[sluice] " + std::string(StatusName(outcome.status)) + " (" +
                  std::string(pipeline::ErrorTypeName(outcome.failure_type)) + "): " +
                  outcome.failure_message);
    const pipeline::FailureAction* action = FindFailureAction(chain, outcome.failure_type);
    if (action != nullptr && action->type == pipeline::ActionType::kRetry) {
      if (attempt < action->retry_count) {
        ++attempt;
        Millis wait = RetryInterval(*action, attempt);
        // A retry never waits past the stage's or the pipeline's deadline.
        if (std::optional<Millis> left = TimeLeft(&st, std::nullopt); left && *left < wait) wait = *left;
        Log(path, "[sluice] failure strategy Retry: attempt " + std::to_string(attempt + 1) + " of " +
                      std::to_string(action->retry_count + 1) +
                      (wait.count() > 0 ? " after " + FormatDuration(wait) : ""));
        pollfd p{cancel.fd(), POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(wait.count()));
        if (cancel.cancelled()) {
          final = NodeStatus::kAborted;
          break;
        }
        continue;
      }
      action = action->on_retry_failure.get();
      Log(path, std::string("[sluice] retries exhausted; ") +
                    (action ? "applying " + std::string(pipeline::ActionTypeName(action->type))
                            : "the failure stands"));
    }
    final = outcome.status;
    pipeline::FailureAction decided;
    if (action != nullptr && action->type == pipeline::ActionType::kManualIntervention) {
      std::optional<pipeline::ActionType> choice = WaitForIntervention(st, path, ptr, *action, cancel);
      if (!choice) {
        final = NodeStatus::kAborted;
        break;
      }
      if (*choice == pipeline::ActionType::kRetry) {
        ++attempt;
        Log(path, "[sluice] intervention: Retry (attempt " + std::to_string(attempt + 1) + ")");
        continue;
      }
      decided.type = *choice;
      action = &decided;
    }
    if (action == nullptr) break;
    if (action->type != pipeline::ActionType::kRetry) {
      applied = std::string(pipeline::ActionTypeName(action->type));
      Log(path, "[sluice] failure strategy: " + applied);
    }
    switch (action->type) {
      case pipeline::ActionType::kIgnore: final = NodeStatus::kIgnoreFailed; break;
      case pipeline::ActionType::kMarkAsSuccess: final = NodeStatus::kSuccess; break;
      case pipeline::ActionType::kMarkAsFailure:
      case pipeline::ActionType::kProceedWithDefaultValues:
      case pipeline::ActionType::kRetry:
        break;
      case pipeline::ActionType::kAbort:
        final = NodeStatus::kAborted;
        cancel_.Cancel();
        break;
      case pipeline::ActionType::kStageRollback:
        st.rollback = true;
        st.stop = true;
        *owner.stop = true;
        if (action->fail_all) cancel.Cancel();
        break;
      case pipeline::ActionType::kStepGroupRollback:
        *owner.rollback = true;
        *owner.stop = true;
        break;
      case pipeline::ActionType::kPipelineRollback:
        pipeline_rollback_ = true;
        st.stop = true;
        *owner.stop = true;
        if (action->fail_all) cancel.Cancel();
        break;
      case pipeline::ActionType::kRetryStepGroup:
        if (owner.retry_group != nullptr) {
          *owner.retry_group = action;
          *owner.stop = true;  // the rest of this attempt of the group is skipped
        } else {
          Log(path, "[sluice] RetryStepGroup applies to steps inside a step group; the failure stands");
        }
        break;
      case pipeline::ActionType::kManualIntervention:
        break;  // resolved above into the chosen action
    }
    break;
  }

  // Outputs are kept even when the step failed (what the output file held).
  {
    std::lock_guard<std::mutex> lock(mu_);
    store::NodeRecord& rec = Node(path);
    nlohmann::json outputs = nlohmann::json::object();
    for (const auto& [k, v] : outcome.outputs) {
      outputs[k] = outcome.secret_outputs.count(k) ? std::string(secrets::kMask) : Mask(v);
    }
    rec.outputs = outputs;
    rec.details = MaskJson(outcome.details);
    if (!applied.empty()) rec.details["failureStrategy"] = applied;
    if (!outcome.output.empty()) rec.details["output"] = MaskJson(outcome.output);
    if (!outcome.warnings.empty()) rec.details["warnings"] = MaskJson(outcome.warnings);
  }
  if (!outcome.outputs.empty() || !outcome.output.empty() || outcome.status == NodeStatus::kSuccess) {
    nlohmann::json vars = nlohmann::json::object();
    for (const auto& [k, v] : outcome.outputs) vars[k] = v;
    nlohmann::json output = outcome.output;
    output["outputVariables"] = vars;
    doc_.Set(ptr / "output", output);
  }
  SetStatus(path, final, outcome.failure_message, outcome.failure_type);
  SetDocStatus(ptr, final);
  st.finished.Set(path, final);
  if (IsNegative(final) && final != NodeStatus::kAborted)
    Emit(EventType::kStepFailed, path, final, path);
  return final;
}

// Waits for `sluice intervene` (or the strategy's timeout, then its onTimeout
// action; MarkAsFailure when none). nullopt when the execution is aborted.
std::optional<pipeline::ActionType> Engine::Run_::WaitForIntervention(
    StageRun& st, const std::string& path, const JsonPointer& ptr,
    const pipeline::FailureAction& action, Cancellation& cancel) {
  std::optional<Millis> limit = TimeLeft(&st, action.timeout);
  SetStatus(path, NodeStatus::kInterventionWaiting);
  SetDocStatus(ptr, NodeStatus::kInterventionWaiting);
  Log(path, "[sluice] ManualIntervention: waiting for a decision" +
                (limit ? " for " + FormatDuration(*limit) : std::string()) + ": sluice intervene " +
                record_.id + " " + path +
                " Retry|Ignore|MarkAsSuccess|MarkAsFailure|Abort|StageRollback|PipelineRollback");
  auto until = limit ? std::optional<SteadyTime>(deps_.clock.Steady() + *limit) : std::nullopt;
  while (!cancel.cancelled()) {
    Result<std::string> taken = std::string();
    {
      std::lock_guard<std::mutex> lock(mu_);
      taken = deps_.store.TakeIntervention(record_.id, path);
    }
    if (taken.ok() && !taken->empty()) {
      auto type = pipeline::ParseActionType(*taken);
      if (type && *type != pipeline::ActionType::kManualIntervention) {
        Log(path, "[sluice] intervention received: " + *taken);
        return type;
      }
      Log(path, "[sluice] ignoring intervention \"" + *taken + "\" (not an action this step can take)");
    }
    if (until && deps_.clock.Steady() >= *until) {
      pipeline::ActionType fallback =
          action.on_timeout ? action.on_timeout->type : pipeline::ActionType::kMarkAsFailure;
      Log(path, "[sluice] no decision in time; applying " + std::string(pipeline::ActionTypeName(fallback)));
      return fallback == pipeline::ActionType::kManualIntervention ? pipeline::ActionType::kMarkAsFailure
                                                                   : fallback;
    }
    pollfd p{cancel.fd(), POLLIN, 0};
    ::poll(&p, 1, 200);
  }
  return std::nullopt;
}

StepOutcome Engine::Run_::ExecuteOnce(StageRun& st, const pipeline::ExecutionNode& n,
                                      const std::string& path, const NodeScope& scope, int attempt,
                                      Cancellation& cancel) {
  const StepType* type = deps_.steps.Find(n.type);
  if (type == nullptr) {
    return StepOutcome::Error("step type \"" + n.type + "\" is not supported");
  }
  // The resolved script and output files may hold secret values: they live in
  // a private (0700) temporary folder that is removed when the step ends,
  // never in the state directory.
  auto scratch = TempDir::Create("sluice-step-");
  if (!scratch.ok()) return StepOutcome::Error(scratch.status().message());

  EnvironmentFacts facts{record_.id,
                         record_.sequence_id,
                         pipeline_.identifier,
                         pipeline_.name,
                         pipeline_.org_identifier,
                         pipeline_.project_identifier,
                         st.stage.identifier,
                         st.stage.name,
                         st.workspace.working_dir,
                         doc_.Get(JsonPointer("/codebase")),
                         record_.trigger_type};
  std::map<std::string, std::string> env = StepEnvironment(facts, host_env_);
  env["HARNESS_STEP_ID"] = n.identifier;
  env["DRONE_STEP_NAME"] = n.name;
  for (const auto& [k, v] : pipeline_env_) env[k] = v;
  for (const auto& [k, v] : st.env) env[k] = v;

  NodeLog log([this, path](std::string_view line) { Log(path, line); });
  std::optional<Millis> timeout = TimeLeft(&st, n.timeout);
  StepContext ctx{deps_.project,
                  pipeline_,
                  st.stage,
                  n,
                  record_.id,
                  path,
                  attempt,
                  scope,
                  StepWorkspace{st.workspace.host_dir, st.workspace.working_dir,
                                st.workspace.mounts, scratch->path()},
                  std::move(env),
                  st.processes ? *st.processes : deps_.processes,
                  log,
                  cancel,
                  timeout,
                  e_.masker_,
                  deps_.clock,
                  e_.options_.state_dir,
                  [this] { return Published(); },
                  &deps_.store.functions(),
                  &deps_.store.approvals(),
                  &deps_.store.monitor(),
                  &deps_.store.auth()};
  StepOutcome outcome = type->Execute(ctx);
  SavePolicyEvaluation(path, attempt, std::move(outcome.policy_evaluation));
  SaveArtifacts(path, attempt, std::move(outcome.artifacts));
  if (outcome.status == NodeStatus::kExpired) {
    outcome.failure_type = pipeline::ErrorType::kTimeout;
    bool own = n.timeout && (!timeout || *timeout >= *n.timeout);
    if (!own && st.deadline && deps_.clock.Steady() >= *st.deadline) st.expired = true;
    if (outcome.failure_message.empty() && timeout) {
      outcome.failure_message = "timed out after " + FormatDuration(*timeout);
    }
  }
  if (outcome.status == NodeStatus::kAborted && outcome.failure_message.empty()) {
    outcome.failure_message = "aborted";
  }
  for (const auto& name : outcome.secret_outputs) {
    auto it = outcome.outputs.find(name);
    if (it != outcome.outputs.end()) e_.masker_.Add(it->second);
  }
  return outcome;
}

void Engine::Run_::SavePolicyEvaluation(const std::string& path, int attempt,
                                        std::optional<store::PolicyEvaluationRecord> rec) {
  if (!rec) return;
  rec->execution_id = record_.id;
  rec->node_path = path;
  rec->attempt = attempt;
  rec->input = MaskJson(rec->input);
  for (store::PolicyResultRecord& r : rec->results) {
    r.deny_messages = MaskJson(r.deny_messages);
    r.error = Mask(r.error);
  }
  std::lock_guard<std::mutex> lock(mu_);
  sluice::Status s = deps_.store.AddPolicyEvaluation(&*rec);
  if (!s.ok() && store_error_.ok()) store_error_ = s;
}

std::vector<store::ArtifactRecord> Engine::Run_::Published() {
  std::lock_guard<std::mutex> lock(mu_);
  // A store that cannot be read only costs the publisher the details
  // (size, digest) of what it announces; the write path reports the store.
  Result<std::vector<store::ArtifactRecord>> stored = deps_.store.GetArtifacts(record_.id);
  return stored.ok() ? *std::move(stored) : std::vector<store::ArtifactRecord>{};
}

void Engine::Run_::SaveArtifacts(const std::string& path, int attempt,
                                 std::vector<store::ArtifactRecord> artifacts) {
  if (artifacts.empty()) return;
  const int64_t now = deps_.clock.NowMillis();
  for (store::ArtifactRecord& a : artifacts) {
    a.execution_id = record_.id;
    a.node_path = path;
    a.attempt = attempt;
    a.created_ms = now;
    // A URL may carry a token (a presigned URL's signature is fine to show,
    // a secret is not).
    a.name = Mask(a.name);
    a.url = Mask(a.url);
  }
  std::lock_guard<std::mutex> lock(mu_);
  sluice::Status s = deps_.store.AddArtifacts(&artifacts);
  if (!s.ok() && store_error_.ok()) store_error_ = s;
}

}  // namespace sluice::engine
