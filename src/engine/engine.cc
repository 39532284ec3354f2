#include "engine/engine.h"

#include <poll.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "common/files.h"
#include "common/ids.h"
#include "common/json_util.h"
#include "engine/environment.h"
#include "engine/run_state.h"
#include "engine/workspace.h"

namespace sluice::engine {

namespace {

// The log of one node: masks each line, appends it to the store, tells the observer.
class NodeLog final : public runner::LineSink {
 public:
  NodeLog(std::function<void(std::string_view)> write) : write_(std::move(write)) {}
  void OnLine(runner::StreamKind stream, std::string_view line) override {
    (void)stream;
    write_(line);
  }

 private:
  std::function<void(std::string_view)> write_;
};

bool StatusAllows(pipeline::StatusFilter filter, NodeStatus current) {
  switch (filter) {
    case pipeline::StatusFilter::kSuccess: return IsPositive(current);
    case pipeline::StatusFilter::kFailure: return IsNegative(current);
    case pipeline::StatusFilter::kAll: return true;
  }
  return false;
}

std::string_view FilterName(pipeline::StatusFilter f) {
  switch (f) {
    case pipeline::StatusFilter::kSuccess: return "Success";
    case pipeline::StatusFilter::kFailure: return "Failure";
    case pipeline::StatusFilter::kAll: return "All";
  }
  return "";
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

// ---------------------------------------------------------------------------

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
  void SetDocStatus(const JsonPointer& ptr, NodeStatus s);
  void MarkSubtree(const std::string& prefix, NodeStatus s);
  bool Adopt(const std::string& path, const JsonPointer& ptr, NodeStatus* status);
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
  std::mutex ran_mu_;
  std::vector<const pipeline::Stage*> ran_stages_;  // guarded by ran_mu_; for PipelineRollback

  // Every planned node with its display order; constant once Run() starts.
  std::map<std::string, std::pair<PlannedNode, int>> planned_;
  std::mutex mu_;  // guards nodes_ and every store call
  std::map<std::string, store::NodeRecord> nodes_;
  sluice::Status store_error_;  // first store failure; guarded by mu_
};

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
  }
  SetDocStatus(ptr, *s);
  if (!old.outputs.empty()) doc_.Set(ptr / "output", {{"outputVariables", old.outputs}});
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
  doc_.Set(JsonPointer("/trigger"), nullptr);

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
      return NodeStatus::kErrored;
    }
    doc_.Set(JsonPointer("/pipeline/variables") / v.name, *value);
    pipeline_env_[v.name] = *value;
  }

  NodeStatus result = RunStages(pipeline_.stages);
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
  return result;
}

NodeStatus Engine::Run_::RunStages(const std::vector<pipeline::StageNode>& stages) {
  for (const pipeline::StageNode& sn : stages) {
    if (Aborted()) break;
    if (sn.kind == pipeline::StageNode::Kind::kStage) {
      finished_stages_.Set(sn.stage.identifier, RunStage(sn.stage));
      continue;
    }
    // Parallel stages: each in its own thread; the block ends when all end.
    std::vector<NodeStatus> results(sn.parallel.size(), NodeStatus::kSuccess);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < sn.parallel.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = RunStage(sn.parallel[i]); });
    }
    for (std::thread& t : threads) t.join();
    for (size_t i = 0; i < results.size(); ++i) finished_stages_.Set(sn.parallel[i].identifier, results[i]);
  }
  return finished_stages_.Current();
}

NodeStatus Engine::Run_::RunStage(const pipeline::Stage& stage) {
  const std::string path = stage.identifier;
  const JsonPointer ptr = StagePointer(stage.identifier);
  NodeStatus adopted;
  if (Adopt(path, ptr, &adopted)) {
    // Adopt the stage's steps too (their records and outputs).
    AdoptBelow(path, ptr / "spec" / "execution" / "steps");
    std::lock_guard<std::mutex> lock(ran_mu_);
    ran_stages_.push_back(&stage);
    return adopted;
  }

  NodeScope stage_scope(doc_, ScopePosition{stage.identifier, ptr / "spec" / "execution" / "steps", JsonPointer(), JsonPointer()},
                        secrets_);
  std::string error;
  std::optional<bool> run = EvaluateWhen(stage.when, finished_stages_.Current(),
                                         pipeline::StatusFilter::kSuccess, stage_scope, &error);
  if (!run) {
    SetStatus(path, NodeStatus::kErrored, error);
    SetDocStatus(ptr, NodeStatus::kErrored);
    MarkSubtree(path, NodeStatus::kSkipped);
    return NodeStatus::kErrored;
  }
  if (!*run) {
    std::string why = stage.when && !stage.when->condition.empty()
                          ? "skipped: its when condition is false or pipelineStatus " +
                                std::string(FilterName(stage.when->status)) + " does not hold"
                          : "skipped: pipelineStatus " +
                                std::string(FilterName(stage.when ? stage.when->status
                                                                  : pipeline::StatusFilter::kSuccess)) +
                                " does not hold (an earlier stage failed)";
    SetStatus(path, NodeStatus::kSkipped, why);
    SetDocStatus(ptr, NodeStatus::kSkipped);
    MarkSubtree(path, NodeStatus::kSkipped);
    return NodeStatus::kSkipped;
  }

  StageRun st{stage, {}, {}, {}, {}, {}, {}, {}, {}};
  st.strategies.push_back(&stage.failure_strategies);
  if (stage.timeout) st.deadline = deps_.clock.Steady() + *stage.timeout;
  SetStatus(path, NodeStatus::kRunning);
  SetDocStatus(ptr, NodeStatus::kRunning);
  {
    std::lock_guard<std::mutex> lock(ran_mu_);
    ran_stages_.push_back(&stage);
  }

  auto fail_stage = [&](const std::string& message) {
    SetStatus(path, NodeStatus::kErrored, message);
    SetDocStatus(ptr, NodeStatus::kErrored);
    MarkSubtree(path, NodeStatus::kSkipped);
    return NodeStatus::kErrored;
  };

  // Stage variables, then the workspace.
  for (const pipeline::Variable& v : stage.variables) {
    auto r = ResolveVariable(v, stage_scope);
    if (!r.ok()) {
      return fail_stage(v.location.ToString() + ": stage variable " + v.name + ": " + r.status().message());
    }
    doc_.Set(ptr / "variables" / v.name, *r);
    st.env[v.name] = *r;
  }
  bool ci = stage.type == pipeline::StageType::kCI;
  auto ws = PrepareStageWorkspace(work_dir_, stage.identifier, stage.shared_paths, ci && sandbox_);
  if (!ws.ok()) return fail_stage(ws.status().message());
  st.workspace = *ws;
  st.processes = deps_.processes.OpenSession(st.workspace.mounts);  // one sandbox per stage
  if (ci && !sandbox_ && !e_.options_.sandbox) {
    // Chosen by the user: nothing to say.
  } else if (ci && !sandbox_) {
    Log(path, "[sluice] bubblewrap is not available: steps run in " + st.workspace.host_dir.string() +
                  " instead of /harness");
  }

  if (ci && stage.clone_codebase && !Aborted()) {
    // A failed clone is a failed step: later steps skip by their `when`. A
    // clone from an earlier attempt (resume, retry) is kept with its files.
    const std::string clone_path = stage.identifier + "." + std::string(kCloneStepId);
    NodeStatus clone;
    if (!Adopt(clone_path, ptr / "spec" / "execution" / "steps" / std::string(kCloneStepId), &clone)) {
      clone = CloneCodebase(st, cancel_);
    }
    st.finished.Set(clone_path, clone);
  }

  StepList list;
  list.prefix = path;
  list.steps = ptr / "spec" / "execution" / "steps";
  list.chain = st.strategies;
  list.stop = &st.stop;
  list.rollback = &st.rollback;
  Cancellation stage_cancel(&cancel_);
  RunList(st, stage.steps, list, stage_cancel);

  if (st.rollback && !Aborted()) {
    StepList rb;
    rb.prefix = path + ".rollback";
    rb.steps = ptr / "spec" / "execution" / "rollbackSteps";
    rb.chain = {};
    std::atomic<bool> rb_stop{false};
    std::atomic<bool> rb_rollback{false};
    rb.stop = &rb_stop;
    rb.rollback = &rb_rollback;
    rb.rollback_mode = true;
    Log(path, "[sluice] stage rollback: running " + std::to_string(stage.rollback_steps.size()) +
                  " rollback step(s)");
    Cancellation rb_cancel(&cancel_);
    RunList(st, stage.rollback_steps, rb, rb_cancel);
  }

  NodeStatus result = st.finished.Current();
  // A rollback (even one that stopped parallel siblings with failAll) leaves
  // the stage Failed; only a user abort makes it Aborted.
  if (st.rollback && !Aborted()) result = NodeStatus::kFailed;
  if (st.expired && !Aborted()) result = NodeStatus::kExpired;
  if (Aborted()) result = NodeStatus::kAborted;
  std::string message;
  if (result == NodeStatus::kExpired && st.expired && stage.timeout) {
    message = "stage timeout of " + FormatDuration(*stage.timeout) + " reached";
  } else if (result == NodeStatus::kExpired && deadline_ && deps_.clock.Steady() >= *deadline_) {
    message = "pipeline timeout of " + FormatDuration(*pipeline_.timeout) + " reached";
  }
  SetStatus(path, result, message, result == NodeStatus::kExpired ? pipeline::ErrorType::kTimeout
                                                               : pipeline::ErrorType::kUnknown);
  SetDocStatus(ptr, result);
  return result;
}

NodeStatus Engine::Run_::RunPipelineRollback() {
  std::vector<const pipeline::Stage*> stages;
  {
    std::lock_guard<std::mutex> lock(ran_mu_);
    stages = ran_stages_;
  }
  for (auto it = stages.rbegin(); it != stages.rend(); ++it) {
    const pipeline::Stage& stage = **it;
    if (stage.rollback_steps.empty()) continue;
    StageRun st{stage, {}, {}, {}, {}, {}, {}, {}, {}};
    bool ci = stage.type == pipeline::StageType::kCI;
    auto ws = PrepareStageWorkspace(work_dir_, stage.identifier, stage.shared_paths, ci && sandbox_);
    if (!ws.ok()) continue;
    st.workspace = *ws;
    st.processes = deps_.processes.OpenSession(st.workspace.mounts);
    StepList rb;
    rb.prefix = stage.identifier + ".rollback";
    rb.steps = StagePointer(stage.identifier) / "spec" / "execution" / "rollbackSteps";
    std::atomic<bool> stop{false};
    std::atomic<bool> rollback{false};
    rb.stop = &stop;
    rb.rollback = &rollback;
    rb.rollback_mode = true;
    Log(stage.identifier, "[sluice] pipeline rollback: rolling back stage " + stage.identifier);
    Cancellation c(&cancel_);
    RunList(st, stage.rollback_steps, rb, c);
  }
  return NodeStatus::kSuccess;
}

// --- steps -------------------------------------------------------------------

NodeStatus Engine::Run_::RunList(StageRun& st, const std::vector<pipeline::ExecutionNode>& list,
                             StepList& owner, Cancellation& cancel) {
  for (const pipeline::ExecutionNode& n : list) RunElement(st, n, owner, cancel);
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
  if (Aborted() || cancel.cancelled()) return NodeStatus::kNotStarted;
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
    if (retry == nullptr || Aborted() || cancel.cancelled()) break;
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
  if (Aborted() || cancel.cancelled()) return NodeStatus::kNotStarted;
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
  {
    auto it = prior_.find(path);
    resumed = it != prior_.end() && it->second.execution_id == record_.id &&
              it->second.status == StatusName(NodeStatus::kRunning);
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
      rec.started_ms = deps_.clock.NowMillis();
    }
    SetStatus(path, n.type == "Wait" ? NodeStatus::kWaitStepRunning : NodeStatus::kRunning);
    SetDocStatus(ptr, NodeStatus::kRunning);
    doc_.Set(ptr / "retryCount", attempt);
    outcome = ExecuteOnce(st, n, path, scope, attempt, cancel);
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
  }
  if (!outcome.outputs.empty() || outcome.status == NodeStatus::kSuccess) {
    nlohmann::json vars = nlohmann::json::object();
    for (const auto& [k, v] : outcome.outputs) vars[k] = v;
    doc_.Set(ptr / "output", {{"outputVariables", vars}});
  }
  SetStatus(path, final, outcome.failure_message, outcome.failure_type);
  SetDocStatus(ptr, final);
  st.finished.Set(path, final);
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
  StepContext ctx{pipeline_,
                  st.stage,
                  n,
                  record_.id,
                  path,
                  attempt,
                  scope,
                  StepWorkspace{st.workspace.host_dir, st.workspace.working_dir, st.workspace.mounts,
                                scratch->path()},
                  std::move(env),
                  st.processes ? *st.processes : deps_.processes,
                  log,
                  cancel,
                  timeout,
                  e_.masker_,
                  deps_.clock};
  StepOutcome outcome = type->Execute(ctx);
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

NodeStatus Engine::Run_::CloneCodebase(StageRun& st, Cancellation& cancel) {
  const std::string path = st.stage.identifier + "." + std::string(kCloneStepId);
  const JsonPointer ptr = StagePointer(st.stage.identifier) / "spec" / "execution" / "steps" /
                          std::string(kCloneStepId);
  SetStatus(path, NodeStatus::kRunning);
  auto fail = [&](const std::string& message) {
    Log(path, "[sluice] " + message);
    SetStatus(path, NodeStatus::kFailed, message, pipeline::ErrorType::kConnectivity);
    return NodeStatus::kFailed;
  };
  if (!pipeline_.codebase) {
    return fail("stage " + st.stage.identifier +
                " has cloneCodebase: true but the pipeline has no properties.ci.codebase");
  }
  const pipeline::Codebase& cb = *pipeline_.codebase;
  std::string source;
  const pipeline::Connector* conn = deps_.project.FindConnector(cb.connector_ref);
  if (conn != nullptr && conn->spec && conn->spec["url"]) {
    source = conn->spec["url"].as<std::string>("");
    if (!cb.repo_name.empty() && conn->spec["type"] && conn->spec["type"].as<std::string>("") == "Account") {
      source += (source.empty() || source.back() == '/' ? "" : "/") + cb.repo_name;
    }
    // A relative path in a connector is relative to the project.
    if (!source.empty() && source[0] != '/' && source.find("://") == std::string::npos &&
        source.find('@') == std::string::npos) {
      source = std::filesystem::absolute(deps_.project.root / source).lexically_normal().string();
    }
  } else {
    source = std::filesystem::absolute(deps_.project.root).lexically_normal().string();
    Log(path, "[sluice] connector \"" + cb.connector_ref +
                  "\" is not defined in .harness/connectors; cloning the project directory " + source);
  }
  nlohmann::json codebase = doc_.Get(JsonPointer("/codebase"));
  if (!codebase.is_object()) codebase = nlohmann::json::object();
  std::string branch = codebase.value("branch", "");
  std::string tag = codebase.value("tag", "");
  std::string sha = codebase.value("commitSha", "");

  std::filesystem::path dest = st.workspace.host_dir;
  auto git = [&](std::vector<std::string> args) -> bool {
    args.insert(args.begin(), "git");
    runner::ProcessSpec spec;
    spec.argv = args;
    spec.env = HostEnvironment();
    spec.env.erase("SLUICE_MASTER_KEY");
    spec.env["GIT_TERMINAL_PROMPT"] = "0";
    spec.working_dir = dest.string();
    spec.timeout = TimeLeft(&st, std::nullopt);
    std::string shown = "+";
    for (const auto& a : args) shown += " " + a;
    Log(path, shown);
    NodeLog log([this, path](std::string_view line) { Log(path, line); });
    auto r = deps_.processes.Run(spec, log, cancel);
    if (!r.ok()) {
      Log(path, r.status().message());
      return false;
    }
    return r->exit_code == 0;
  };
  // A resumed or retried stage may find an earlier clone: start clean.
  std::error_code ec;
  if (std::filesystem::exists(dest / ".git", ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(dest, ec)) {
      std::filesystem::remove_all(entry.path(), ec);
    }
  }
  std::vector<std::string> clone = {"clone", "--quiet"};
  std::string ref = !branch.empty() ? branch : tag;
  if (!ref.empty()) {
    clone.push_back("--branch");
    clone.push_back(ref);
  }
  if (cb.depth && *cb.depth > 0 && sha.empty()) {
    clone.push_back("--depth");
    clone.push_back(std::to_string(*cb.depth));
    if (source.find("://") == std::string::npos) source = "file://" + source;
  }
  clone.push_back(source);
  clone.push_back(".");
  if (!git(clone)) {
    if (Aborted() || cancel.cancelled()) {
      SetStatus(path, NodeStatus::kAborted, "aborted");
      return NodeStatus::kAborted;
    }
    return fail("git clone of " + source + (ref.empty() ? "" : " at " + ref) + " failed (see the log above)");
  }
  if (!sha.empty() && !git({"checkout", "--quiet", sha})) {
    return fail("commit " + sha + " is not in " + source);
  }
  // Facts for <+codebase.*> and DRONE_* variables.
  auto capture = [&](std::vector<std::string> args) -> std::string {
    struct Capture : runner::LineSink {
      std::string text;  // the last line of stdout
      void OnLine(runner::StreamKind s, std::string_view l) override {
        if (s == runner::StreamKind::kStdout) text = std::string(l);
      }
    } sink;
    args.insert(args.begin(), "git");
    runner::ProcessSpec spec;
    spec.argv = args;
    spec.env = {{"PATH", host_env_.count("PATH") ? host_env_["PATH"] : "/usr/bin:/bin"}};
    spec.working_dir = dest.string();
    auto r = deps_.processes.Run(spec, sink, cancel);
    return r.ok() && r->exit_code == 0 ? sink.text : std::string();
  };
  std::string head = capture({"rev-parse", "HEAD"});
  codebase["commitSha"] = head;
  codebase["shortCommitSha"] = head.substr(0, 7);
  codebase["repoUrl"] = source;
  codebase["commitMessage"] = capture({"log", "-1", "--format=%s"});
  codebase["gitUser"] = capture({"log", "-1", "--format=%an"});
  codebase["gitUserEmail"] = capture({"log", "-1", "--format=%ae"});
  if (branch.empty() && tag.empty()) {
    std::string current = capture({"rev-parse", "--abbrev-ref", "HEAD"});
    if (current != "HEAD") codebase["branch"] = current;
  }
  if (!codebase.contains("build")) codebase["build"] = {{"type", branch.empty() ? "tag" : "branch"}};
  doc_.Set(JsonPointer("/codebase"), codebase);
  Log(path, "[sluice] cloned " + source + " at " + head.substr(0, 12) + " into " +
                st.workspace.working_dir);
  {
    std::lock_guard<std::mutex> lock(mu_);
    store::NodeRecord& n = Node(path);
    n.outputs = {{"commitSha", head}, {"branch", codebase.value("branch", "")}};
    n.details["codebase"] = codebase;  // restored when a resume or retry reuses this clone
  }
  SetStatus(path, NodeStatus::kSuccess);
  SetDocStatus(ptr, NodeStatus::kSuccess);
  return NodeStatus::kSuccess;
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
