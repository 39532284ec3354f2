#include "engine/engine.h"

#include <poll.h>

#include <algorithm>

#include "common/files.h"
#include "common/ids.h"
#include "common/json_util.h"
#include "engine/run.h"

namespace sluice::engine {

namespace {

bool StatusAllows(pipeline::StatusFilter filter, NodeStatus current) {
  switch (filter) {
    case pipeline::StatusFilter::kSuccess: return IsPositive(current);
    case pipeline::StatusFilter::kFailure: return IsNegative(current);
    case pipeline::StatusFilter::kAll: return true;
  }
  return false;
}

nlohmann::json StepDocNode(const pipeline::ExecutionNode& n) {
  nlohmann::json node = {{"identifier", n.identifier},
                         {"name", n.name},
                         {"status", std::string(ExpressionName(NodeStatus::kNotStarted))}};
  if (n.kind == pipeline::ExecutionNode::Kind::kStep) {
    node["type"] = n.type;
    node["retryCount"] = 0;
    node["output"] = nullptr;
  } else {
    node["steps"] = nlohmann::json::object();
    node["variables"] = nlohmann::json::object();
  }
  return node;
}

void AddStepsToDoc(const std::vector<pipeline::ExecutionNode>& list, nlohmann::json* steps) {
  for (const pipeline::ExecutionNode& n : list) {
    if (n.kind == pipeline::ExecutionNode::Kind::kParallel) {
      AddStepsToDoc(n.children, steps);
      continue;
    }
    nlohmann::json node = StepDocNode(n);
    if (n.kind == pipeline::ExecutionNode::Kind::kStepGroup) AddStepsToDoc(n.children, &node["steps"]);
    (*steps)[n.identifier] = std::move(node);
  }
}

nlohmann::json StageDocNode(const pipeline::Stage& s) {
  nlohmann::json steps = nlohmann::json::object();
  AddStepsToDoc(s.steps, &steps);
  nlohmann::json rollback = nlohmann::json::object();
  AddStepsToDoc(s.rollback_steps, &rollback);
  return {{"identifier", s.identifier},
          {"name", s.name},
          {"type", s.type_name},
          {"description", s.description},
          {"status", std::string(ExpressionName(NodeStatus::kNotStarted))},
          {"variables", nlohmann::json::object()},
          {"spec", {{"execution", {{"steps", steps}, {"rollbackSteps", rollback}}}}}};
}

// Codebase facts known before any clone, from properties.ci.codebase.build.
nlohmann::json CodebaseFromBuild(const pipeline::Pipeline& p) {
  if (!p.codebase) return nullptr;
  nlohmann::json cb = nlohmann::json::object();
  nlohmann::json build = pipeline::YamlToJson(p.codebase->build);
  if (build.is_object()) {
    std::string type = build.value("type", "");
    nlohmann::json spec = build.value("spec", nlohmann::json::object());
    cb["build"] = {{"type", type}};
    if (type == "branch") cb["branch"] = spec.value("branch", "");
    if (type == "tag") cb["tag"] = spec.value("tag", "");
    if (type == "commitSha") cb["commitSha"] = spec.value("commitSha", "");
    if (type == "PR") cb["prNumber"] = spec.value("number", nlohmann::json());
  }
  return cb;
}

}  // namespace

store::NodeRecord& Engine::Run_::Node(const std::string& path) {
  auto it = nodes_.find(path);
  if (it != nodes_.end()) return it->second;
  store::NodeRecord& n = nodes_[path];
  n.execution_id = record_.id;
  n.path = path;
  n.kind = "step";
  n.identifier = path.substr(path.rfind('.') + 1);
  n.status = std::string(StatusName(NodeStatus::kNotStarted));
  auto planned = planned_.find(path);
  if (planned != planned_.end()) {
    const PlannedNode& p = planned->second.first;
    n.kind = p.kind;
    n.identifier = p.identifier;
    n.name = p.name;
    n.type = p.type;
    n.sort_order = planned->second.second;
  } else {
    n.sort_order = static_cast<int>(nodes_.size()) * 10 + 100000;
  }
  return n;
}

void Engine::Run_::Save(const store::NodeRecord& node) {
  sluice::Status s = deps_.store.PutNode(node);
  if (!s.ok() && store_error_.ok()) store_error_ = s;
  if (deps_.observer != nullptr) deps_.observer->OnNodeChanged(node);
}

void Engine::Run_::SetStatus(const std::string& path, NodeStatus status, const std::string& message,
                               pipeline::ErrorType type) {
  std::lock_guard<std::mutex> lock(mu_);
  store::NodeRecord& n = Node(path);
  n.status = std::string(StatusName(status));
  int64_t now = deps_.clock.NowMillis();
  if (status == NodeStatus::kRunning && n.started_ms == 0) n.started_ms = now;
  if (IsTerminal(status)) {
    if (n.started_ms == 0) n.started_ms = now;
    n.ended_ms = now;
  } else {
    n.ended_ms = 0;
  }
  if (IsNegative(status) || (status == NodeStatus::kIgnoreFailed && !message.empty())) {
    // An ignored failure keeps its message so users see what was ignored.
    n.failure_message = Mask(message);
    n.failure_type = std::string(pipeline::ErrorTypeName(type));
  } else if (status == NodeStatus::kSkipped || status == NodeStatus::kRunning) {
    n.failure_message = Mask(message);
    n.failure_type.clear();
  }
  Save(n);
}

void Engine::Run_::Log(const std::string& path, std::string_view line) {
  std::string masked = Mask(line);
  masked += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  sluice::Status s = deps_.store.AppendLog(record_.id, path, masked);
  if (!s.ok() && store_error_.ok()) store_error_ = s;
  if (deps_.observer != nullptr) {
    masked.pop_back();
    deps_.observer->OnLogLine(path, masked);
  }
}

void Engine::Run_::SetDocStatus(const JsonPointer& ptr, NodeStatus s) {
  doc_.Set(ptr / "status", std::string(ExpressionName(s)));
}

void Engine::Run_::MarkSubtree(const std::string& prefix, NodeStatus s) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [path, n] : nodes_) {
    if (path.rfind(prefix + ".", 0) != 0) continue;
    auto current = ParseStatus(n.status);
    if (current && IsTerminal(*current)) continue;
    n.status = std::string(StatusName(s));
    Save(n);
  }
}

// Takes over a finished record from `prior` (resume, retry). Returns false
// when the node has to run.
// What a reused Policy step decided in `from` stays part of the new
// execution's record. Called with mu_ held.
sluice::Status Engine::Run_::CopyPolicyEvaluations(const std::string& from, const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<store::PolicyEvaluationRecord> old,
                          deps_.store.GetPolicyEvaluations(from));
  for (store::PolicyEvaluationRecord& rec : old) {
    if (rec.node_path != path) continue;
    rec.execution_id = record_.id;
    SLUICE_RETURN_IF_ERROR(deps_.store.AddPolicyEvaluation(&rec));
  }
  return sluice::Status::Ok();
}

// Likewise the artifacts a reused step published. Called with mu_ held.
sluice::Status Engine::Run_::CopyArtifacts(const std::string& from, const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<store::ArtifactRecord> old, deps_.store.GetArtifacts(from));
  std::vector<store::ArtifactRecord> copied;
  for (store::ArtifactRecord& rec : old) {
    if (rec.node_path != path) continue;
    rec.execution_id = record_.id;
    copied.push_back(std::move(rec));
  }
  return deps_.store.AddArtifacts(&copied);
}

bool Engine::Run_::Adopt(const std::string& path, const JsonPointer& ptr, NodeStatus* status) {
  auto it = prior_.find(path);
  if (it == prior_.end()) return false;
  auto s = ParseStatus(it->second.status);
  if (!s || !IsTerminal(*s)) return false;
  const store::NodeRecord& old = it->second;
  // Secret outputs are stored masked: their values are gone, so the step
  // that made them runs again rather than hand the mask to later steps.
  for (auto o = old.outputs.begin(); o != old.outputs.end(); ++o) {
    if (o->is_string() && o->get_ref<const std::string&>().find(secrets::kMask) != std::string::npos) {
      Log(path, "[sluice] not reused: its output " + o.key() + " was a secret, which is never stored; running it again");
      return false;
    }
  }
  *status = *s;
  bool copied = old.execution_id != record_.id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    store::NodeRecord& n = Node(path);
    int order = n.sort_order;
    n = old;
    n.execution_id = record_.id;
    n.sort_order = order;
    if (copied) n.details["reusedFrom"] = old.execution_id;
    Save(n);
  }
  if (copied) {
    auto text = deps_.store.ReadLog(old.execution_id, path);
    std::lock_guard<std::mutex> lock(mu_);
    std::string log = text.ok() ? *text : std::string();
    log += "[sluice] reused from execution " + old.execution_id + " (status " + old.status +
           "); not run again\n";
    sluice::Status st = deps_.store.AppendLog(record_.id, path, log);
    if (!st.ok() && store_error_.ok()) store_error_ = st;
    if (st.ok()) st = CopyPolicyEvaluations(old.execution_id, path);
    if (st.ok()) st = CopyArtifacts(old.execution_id, path);
    if (!st.ok() && store_error_.ok()) store_error_ = st;
  }
  SetDocStatus(ptr, *s);
  if (!old.outputs.empty() || old.details.contains("output")) {
    nlohmann::json output = old.details.value("output", nlohmann::json::object());
    output["outputVariables"] = old.outputs;
    doc_.Set(ptr / "output", output);
  }
  if (old.details.contains("codebase")) doc_.Set(JsonPointer("/codebase"), old.details["codebase"]);
  return true;
}

nlohmann::json Engine::Run_::MaskJson(const nlohmann::json& value) const {
  return MapStrings(value, [this](const std::string& text) -> nlohmann::json { return Mask(text); });
}

// Adopts every prior record below `path` whose owner list is `steps`
// ("S.a.b" → steps/a/steps/b; "S.rollback.x" → the stage's rollbackSteps).
void Engine::Run_::AdoptBelow(const std::string& path, const JsonPointer& steps) {
  for (const auto& [p, rec] : prior_) {
    if (p.rfind(path + ".", 0) != 0) continue;
    std::string rest = p.substr(path.size() + 1);
    JsonPointer ptr = steps;
    if (rest.rfind("rollback.", 0) == 0) {
      ptr = steps.parent_pointer() / "rollbackSteps";
      rest = rest.substr(9);
    }
    size_t start = 0;
    for (;;) {
      size_t dot = rest.find('.', start);
      ptr = ptr / rest.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (dot == std::string::npos) break;
      ptr = ptr / "steps";
      start = dot + 1;
    }
    NodeStatus ignored;
    Adopt(p, ptr, &ignored);
  }
}

// A Secret variable's value names a secret (or is an expression giving it);
// every other value is a template.
Result<std::string> Engine::Run_::ResolveVariable(const pipeline::Variable& v, const NodeScope& scope) {
  std::string text = v.value.IsScalar() ? v.value.Scalar() : "";
  if (v.type == "Secret" && !expr::HasExpressions(text)) return secrets_.Get(text);
  return expr::RenderString(text, scope);
}

std::optional<bool> Engine::Run_::EvaluateWhen(const std::optional<pipeline::When>& when,
                                               NodeStatus current,
                                               pipeline::StatusFilter default_filter,
                                               const NodeScope& scope, std::string* error) {
  pipeline::StatusFilter filter = when ? when->status : default_filter;
  if (!StatusAllows(filter, current)) return false;
  if (!when || when->condition.empty()) return true;
  auto r = expr::EvaluateCondition(when->condition, scope);
  if (!r.ok()) {
    *error = Mask(when->condition_location.ToString() + ": when.condition " + when->condition +
                  ": " + r.status().message());
    return std::nullopt;
  }
  return *r;
}

std::optional<Millis> Engine::Run_::TimeLeft(const StageRun* st, std::optional<Millis> own) const {
  std::optional<Millis> left = own;
  auto now = deps_.clock.Steady();
  auto tighten = [&](const std::optional<SteadyTime>& deadline) {
    if (!deadline) return;
    Millis rest = std::max(Millis(0), std::chrono::duration_cast<Millis>(*deadline - now));
    if (!left || rest < *left) left = rest;
  };
  tighten(deadline_);
  if (st != nullptr) tighten(st->deadline);
  return left;
}

// --- pipeline ----------------------------------------------------------------

Result<NodeStatus> Engine::Run_::Run() {
  // Expression document.
  nlohmann::json stages = nlohmann::json::object();
  for (const pipeline::StageNode& sn : pipeline_.stages) {
    if (sn.kind == pipeline::StageNode::Kind::kStage) {
      stages[sn.stage.identifier] = StageDocNode(sn.stage);
    } else {
      for (const pipeline::Stage& s : sn.parallel) stages[s.identifier] = StageDocNode(s);
    }
  }
  nlohmann::json tags = nlohmann::json::object();
  for (const auto& [k, v] : pipeline_.tags) tags[k] = v;
  doc_.Set(JsonPointer("/pipeline"),
           {{"identifier", pipeline_.identifier},
            {"name", pipeline_.name},
            {"description", pipeline_.description},
            {"executionId", record_.id},
            {"sequenceId", record_.sequence_id},
            {"startTs", record_.started_ms},
            {"triggerType", record_.trigger_type},
            {"triggeredBy", {{"name", e_.options_.triggered_by}, {"email", ""}}},
            {"orgIdentifier", pipeline_.org_identifier},
            {"projectIdentifier", pipeline_.project_identifier},
            {"tags", tags},
            {"status", std::string(ExpressionName(NodeStatus::kRunning))},
            {"executionUrl", "sluice://executions/" + record_.id},
            {"variables", nlohmann::json::object()},
            {"stages", stages}});
  doc_.Set(JsonPointer("/org"), {{"identifier", pipeline_.org_identifier}});
  doc_.Set(JsonPointer("/project"), {{"identifier", pipeline_.project_identifier}});
  doc_.Set(JsonPointer("/account"), {{"identifier", "local"}});
  doc_.Set(JsonPointer("/codebase"), CodebaseFromBuild(pipeline_));
  // What the trigger that started the run saw (null for a manual run); a
  // resume or a retry reads it back from the record.
  doc_.Set(JsonPointer("/trigger"), record_.trigger);

  // Records for every planned node, so the whole tree is visible from the start.
  {
    std::lock_guard<std::mutex> lock(mu_);
    int order = 0;
    for (PlannedNode& p : PlanNodes(pipeline_)) {
      std::string path = p.path;
      planned_[path] = {std::move(p), order += 10};
    }
    for (const auto& [path, entry] : planned_) {
      if (entry.first.rollback) continue;  // recorded if it runs
      store::NodeRecord& n = Node(path);
      auto prior = prior_.find(path);
      if (prior != prior_.end() && prior->second.execution_id == record_.id) {
        // Resuming: keep what was recorded.
        int keep_order = n.sort_order;
        n = prior->second;
        n.sort_order = keep_order;
      }
      Save(n);
    }
    if (!store_error_.ok()) return store_error_;
  }

  if (pipeline_.timeout) deadline_ = deps_.clock.Steady() + *pipeline_.timeout;
  const bool resuming = std::any_of(prior_.begin(), prior_.end(), [this](const auto& entry) {
    return entry.second.execution_id == record_.id;
  });
  if (!resuming) Emit(EventType::kPipelineStart, "", NodeStatus::kRunning, PipelineLogPath(false));

  // Pipeline variables, resolved once at the start.
  NodeScope scope(doc_, ScopePosition{"", JsonPointer(), JsonPointer(), JsonPointer()}, secrets_);
  for (const pipeline::Variable& v : pipeline_.variables) {
    auto value = ResolveVariable(v, scope);
    if (!value.ok()) {
      record_.failure_message =
          Mask(v.location.ToString() + ": pipeline variable " + v.name + ": " + value.status().message());
      record_.status = std::string(StatusName(NodeStatus::kErrored));
      record_.ended_ms = deps_.clock.NowMillis();
      SLUICE_RETURN_IF_ERROR(deps_.store.UpdateExecution(record_));
      Emit(EventType::kPipelineEnd, "", NodeStatus::kErrored, PipelineLogPath(false));
      return NodeStatus::kErrored;
    }
    doc_.Set(JsonPointer("/pipeline/variables") / v.name, *value);
    pipeline_env_[v.name] = *value;
  }

  NodeStatus result = RunStages(pipeline_.stages);
  if (parked_ && !Aborted()) {
    // Waiting for an approval: not finished; resumed once it is decided.
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!store_error_.ok()) return store_error_;
    }
    record_.status = std::string(StatusName(NodeStatus::kApprovalWaiting));
    record_.ended_ms = 0;
    record_.runner_pid = 0;
    SLUICE_RETURN_IF_ERROR(deps_.store.UpdateExecution(record_));
    return NodeStatus::kApprovalWaiting;
  }
  if (pipeline_rollback_ && !Aborted()) RunPipelineRollback();
  if (Aborted()) result = NodeStatus::kAborted;

  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!store_error_.ok()) return store_error_;
  }
  record_.status = std::string(StatusName(result));
  record_.ended_ms = deps_.clock.NowMillis();
  if (IsNegative(result) && record_.failure_message.empty()) {
    // Name the first node that failed, the way a user looks for it.
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<const store::NodeRecord*> failed;
    for (const auto& [path, n] : nodes_) {
      if (n.kind == "step" && !n.failure_message.empty() && ParseStatus(n.status) &&
          IsNegative(*ParseStatus(n.status))) {
        failed.push_back(&n);
      }
    }
    std::sort(failed.begin(), failed.end(), [](auto* a, auto* b) { return a->sort_order < b->sort_order; });
    if (!failed.empty()) record_.failure_message = failed.front()->path + ": " + failed.front()->failure_message;
  }
  SLUICE_RETURN_IF_ERROR(deps_.store.UpdateExecution(record_));
  Emit(EventType::kPipelineEnd, "", result, PipelineLogPath(true));
  return result;
}

void Engine::Run_::Emit(EventType type, const std::string& path, NodeStatus status,
                        const std::string& log_path) {
  if (deps_.events == nullptr || log_path.empty()) return;
  std::optional<store::NodeRecord> node;
  if (!path.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    node = Node(path);
  }
  ExecutionEvent event{type, record_, pipeline_, std::move(node), status};
  deps_.events->OnEvent(event, [this, &log_path](std::string_view line) { Log(log_path, line); });
}

std::string Engine::Run_::PipelineLogPath(bool last) const {
  if (last) {
    std::lock_guard<std::mutex> lock(ran_mu_);
    if (!ran_stages_.empty()) return ran_stages_.back()->identifier;
  }
  if (pipeline_.stages.empty()) return "";
  const pipeline::StageNode& first = pipeline_.stages.front();
  if (first.kind == pipeline::StageNode::Kind::kStage) return first.stage.identifier;
  return first.parallel.empty() ? "" : first.parallel.front().identifier;
}

// ---------------------------------------------------------------------------

Engine::Engine(EngineDeps deps, EngineOptions options)
    : deps_(deps), options_(std::move(options)) {}

Engine::~Engine() = default;

secrets::Masker& Engine::masker() { return masker_; }

Result<NodeStatus> Engine::Run(store::ExecutionRecord& record, const pipeline::Pipeline& pipeline,
                           const std::map<std::string, store::NodeRecord>& prior,
                           Cancellation& cancel) {
  Run_ run(*this, record, pipeline, prior, cancel);
  return run.Run();
}

}  // namespace sluice::engine
