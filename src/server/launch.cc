#include "server/launch.h"

#include <nlohmann/json.hpp>

#include <signal.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>

#include "common/files.h"
#include "common/ids.h"
#include "engine/engine.h"
#include "engine/status.h"
#include "engine/workspace.h"
#include "runner/orphans.h"

namespace sluice::server {

Result<Recorded> LoadRecorded(const store::ExecutionRecord& rec) {
  DiagnosticList diags;
  auto project = pipeline::LoadProject(rec.project_dir, &diags);
  Recorded out;
  if (project.ok()) {
    out.project = std::move(project).value();
  } else {
    out.project.root = rec.project_dir;
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(rec.pipeline_yaml);
  } catch (const YAML::Exception& e) {
    return Status::Internal("the stored pipeline of execution " + rec.id +
                            " does not parse: " + e.msg);
  }
  DiagnosticList parse;
  auto p = pipeline::ParsePipeline(doc, rec.pipeline_file, &parse);
  if (!p || parse.has_errors()) {
    return Status::Internal("the stored pipeline of execution " + rec.id + " does not parse");
  }
  out.pipeline = std::move(*p);
  return out;
}

std::optional<pipeline::Pipeline> Instantiate(const pipeline::Pipeline& p,
                                              const pipeline::RuntimeInputValues& values,
                                              DiagnosticList* diags) {
  DiagnosticList local;
  // The overload taking the pipeline re-reads its source, so every node keeps
  // its file:line:col for errors at run time.
  YAML::Node applied = pipeline::ApplyRuntimeInputs(p, values, &local);
  diags->Append(local);
  if (local.has_errors()) return std::nullopt;
  YAML::Node doc;
  doc["pipeline"] = applied;
  DiagnosticList parse;
  auto result = pipeline::ParsePipeline(doc, p.file, &parse);
  // Warnings were already shown for the file as written; keep only new errors.
  for (const Diagnostic& d : parse.items()) {
    if (d.severity == Severity::kError) diags->Add(d);
  }
  if (!result || parse.has_errors()) return std::nullopt;
  result->source = p.source;
  return result;
}

Result<Launch> PrepareNewExecution(store::Store& store, const pipeline::Project& project,
                                   const pipeline::Pipeline& instance, nlohmann::json inputs,
                                   const Clock& clock, int64_t runner_pid) {
  Launch launch;
  store::ExecutionRecord& rec = launch.record;
  rec.id = NewExecutionId();
  rec.pipeline_id = instance.identifier;
  rec.pipeline_name = instance.name;
  rec.status = "Running";
  rec.started_ms = clock.NowMillis();
  rec.project_dir = project.root.string();
  rec.pipeline_file = instance.file;
  YAML::Emitter emitter;
  YAML::Node doc;
  doc["pipeline"] = instance.root;
  emitter << doc;
  rec.pipeline_yaml = emitter.c_str();
  rec.inputs = std::move(inputs);
  rec.runner_pid = runner_pid;
  SLUICE_RETURN_IF_ERROR(store.CreateExecution(&rec));
  launch.project = project;
  launch.pipeline = instance;
  return launch;
}

Result<Launch> PrepareResume(store::Store& store, const std::string& id, int64_t runner_pid,
                             int* stopped_leftovers) {
  SLUICE_ASSIGN_OR_RETURN(store::ExecutionRecord rec, store.FindExecution(id));
  auto status = engine::ParseStatus(rec.status);
  if (status && engine::IsTerminal(*status)) {
    return Status::FailedPrecondition("execution " + rec.id + " already finished (" + rec.status +
                                      "); to run it again use `sluice retry " + rec.id +
                                      " --from STAGE`");
  }
  if (ProcessAlive(rec.runner_pid)) {
    return Status::FailedPrecondition("execution " + rec.id + " is still being run by process " +
                                      std::to_string(rec.runner_pid) +
                                      " (stop it with `sluice abort " + rec.id + "`)");
  }
  // Steps that ran on the host outlive a killed sluice: stop them first, so
  // the interrupted step never runs twice at once.
  int leftovers = runner::KillProcessesOfExecution(rec.id);
  if (stopped_leftovers != nullptr) *stopped_leftovers = leftovers;
  SLUICE_ASSIGN_OR_RETURN(Recorded recorded, LoadRecorded(rec));
  SLUICE_ASSIGN_OR_RETURN(std::vector<store::NodeRecord> nodes, store.GetNodes(rec.id));
  Launch launch;
  for (const auto& n : nodes) launch.prior[n.path] = n;
  rec.runner_pid = runner_pid;
  rec.status = "Running";
  rec.ended_ms = 0;
  SLUICE_RETURN_IF_ERROR(store.UpdateExecution(rec));
  launch.record = std::move(rec);
  launch.project = std::move(recorded.project);
  launch.pipeline = std::move(recorded.pipeline);
  return launch;
}

Result<Launch> PrepareRetry(store::Store& store, const std::filesystem::path& state_dir,
                            const std::string& id, const std::string& from, const Clock& clock,
                            int64_t runner_pid) {
  SLUICE_ASSIGN_OR_RETURN(store::ExecutionRecord old, store.FindExecution(id));
  auto old_status = engine::ParseStatus(old.status);
  if (old_status && !engine::IsTerminal(*old_status)) {
    return Status::FailedPrecondition("execution " + old.id + " has not finished (" + old.status +
                                      "); abort or resume it instead of retrying it");
  }
  SLUICE_ASSIGN_OR_RETURN(Recorded recorded, LoadRecorded(old));
  SLUICE_ASSIGN_OR_RETURN(std::vector<store::NodeRecord> nodes, store.GetNodes(old.id));
  std::string point = from;
  if (point.empty()) {
    // Default: from the first stage that did not succeed.
    std::vector<store::NodeRecord> sorted = nodes;
    std::sort(sorted.begin(), sorted.end(),
              [](auto& a, auto& b) { return a.sort_order < b.sort_order; });
    for (const auto& n : sorted) {
      if (n.kind == "stage" && n.status != "Success" && n.status != "IgnoreFailed") {
        point = n.path;
        break;
      }
    }
    if (point.empty()) {
      return Status::InvalidArgument("every stage of " + old.id +
                                     " succeeded; say where to start with --from STAGE[.STEP]");
    }
  }
  SLUICE_ASSIGN_OR_RETURN(auto prior, engine::NodesBefore(recorded.pipeline, nodes, point));

  Launch launch;
  store::ExecutionRecord& rec = launch.record;
  rec = old;
  rec.id = NewExecutionId();
  rec.status = "Running";
  rec.started_ms = clock.NowMillis();
  rec.ended_ms = 0;
  rec.failure_message.clear();
  rec.retried_from = old.id;
  rec.retry_from_node = point;
  rec.runner_pid = runner_pid;
  rec.abort_requested = false;
  SLUICE_RETURN_IF_ERROR(store.CreateExecution(&rec));
  SLUICE_RETURN_IF_ERROR(engine::CopyWorkDir(engine::ExecutionWorkDir(state_dir, old.id),
                                             engine::ExecutionWorkDir(state_dir, rec.id)));
  launch.project = std::move(recorded.project);
  launch.pipeline = std::move(recorded.pipeline);
  launch.prior = std::move(prior);
  launch.retry_point = point;
  return launch;
}

Result<std::string> AbortElsewhere(store::Store& store, store::ExecutionRecord rec,
                                   const Clock& clock, const std::string& reason) {
  auto status = engine::ParseStatus(rec.status);
  if (status && engine::IsTerminal(*status)) {
    return "execution " + rec.id + " already finished (" + rec.status + ")";
  }
  SLUICE_RETURN_IF_ERROR(store.RequestAbort(rec.id));
  if (IsSluiceServer(rec.runner_pid)) {
    // A server runs many executions: it polls the store for the request
    // (a signal would stop all of them).
    return "abort requested for execution " + rec.id + " (run by sluice server, process " +
           std::to_string(rec.runner_pid) + ")";
  }
  if (IsSluiceProcess(rec.runner_pid) && rec.runner_pid != getpid()) {
    ::kill(static_cast<pid_t>(rec.runner_pid), SIGTERM);
    return "abort requested for execution " + rec.id;
  }
  // Nothing runs it any more (sluice was killed): stop what its steps left
  // running on the host and finish the record here.
  runner::KillProcessesOfExecution(rec.id);
  rec.status = "Aborted";
  rec.ended_ms = clock.NowMillis();
  if (!reason.empty()) {
    rec.failure_message = reason;
  } else if (rec.failure_message.empty()) {
    rec.failure_message = "aborted after its sluice process had stopped";
  }
  SLUICE_RETURN_IF_ERROR(store.UpdateExecution(rec));
  SLUICE_ASSIGN_OR_RETURN(std::vector<store::NodeRecord> nodes, store.GetNodes(rec.id));
  for (store::NodeRecord n : nodes) {
    auto ns = engine::ParseStatus(n.status);
    if (!ns || engine::IsTerminal(*ns) || *ns == engine::NodeStatus::kNotStarted) continue;
    n.status = "Aborted";
    n.ended_ms = rec.ended_ms;
    SLUICE_RETURN_IF_ERROR(store.PutNode(n));
  }
  return "execution " + rec.id +
         " had no running sluice process (it was interrupted); marked Aborted";
}

}  // namespace sluice::server
