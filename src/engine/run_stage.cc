#include <poll.h>

#include <algorithm>
#include <thread>

#include "engine/deployment_context.h"
#include "engine/run.h"

namespace sluice::engine {

NodeStatus Engine::Run_::RunStages(const std::vector<pipeline::StageNode>& stages) {
  for (const pipeline::StageNode& sn : stages) {
    if (Aborted() || parked_) break;
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
  if (parked_ && !Aborted()) return NodeStatus::kApprovalWaiting;
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
  // A stage that waited for an approval is under way already: resuming it
  // is no new start.
  const bool restarting = [&] {
    auto it = prior_.find(path);
    return it != prior_.end() && it->second.execution_id == record_.id &&
           it->second.status != StatusName(NodeStatus::kNotStarted);
  }();
  SetStatus(path, NodeStatus::kRunning);
  SetDocStatus(ptr, NodeStatus::kRunning);
  {
    std::lock_guard<std::mutex> lock(ran_mu_);
    ran_stages_.push_back(&stage);
  }
  if (!restarting) Emit(EventType::kStageStart, path, NodeStatus::kRunning, path);

  auto fail_stage = [&](const std::string& message) {
    SetStatus(path, NodeStatus::kErrored, message);
    SetDocStatus(ptr, NodeStatus::kErrored);
    MarkSubtree(path, NodeStatus::kSkipped);
    Emit(EventType::kStageEnd, path, NodeStatus::kErrored, path);
    return NodeStatus::kErrored;
  };

  // What a Deployment stage deploys, before its variables so they may use it.
  if (stage.type == pipeline::StageType::kDeployment) {
    Status bound = BindDeployment(
        stage, deps_.project, doc_, stage_scope,
        [&](const pipeline::Variable& v) { return ResolveVariable(v, stage_scope); });
    if (!bound.ok()) return fail_stage(bound.message());
  }

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
  if (st.parked && !Aborted()) {
    SetStatus(path, NodeStatus::kApprovalWaiting);
    SetDocStatus(ptr, NodeStatus::kApprovalWaiting);
    return NodeStatus::kApprovalWaiting;
  }

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
  Emit(EventType::kStageEnd, path, result, path);
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

}  // namespace sluice::engine
