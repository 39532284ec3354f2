// The executions half of the API: running pipelines, listing and reading
// executions, their logs and artifacts, and aborting, retrying and
// resuming them.
#include <unistd.h>

#include <algorithm>

#include "pipeline/project.h"
#include "engine/approvals.h"
#include "server/api.h"
#include "server/api_call.h"
#include "server/api_json.h"
#include "server/audit.h"
#include "store/artifact_store.h"

namespace sluice::server {
namespace {

using Json = nlohmann::ordered_json;

// "ab12 Success" → the text a person reads; the user when signed in.
std::string TriggeredBy(const Principal& p) { return p.anonymous() ? "anonymous" : p.user; }

// A run request's body {"inputSets": [ID...], "inputs": {PATH: VALUE},
// "branch": B} as `sluice run --inputset ID --input PATH=VALUE --branch B`
// takes them: input sets first, in order, then single values. `recorded`
// gets what the execution records as its inputs.
Status ReadRunRequest(const nlohmann::json& body, const pipeline::Project& project,
                      pipeline::RuntimeInputValues* values, nlohmann::json* recorded) {
  if (body.contains("inputSets")) {
    const nlohmann::json& sets = body["inputSets"];
    if (!sets.is_array()) {
      return Status::InvalidArgument("\"inputSets\" must be an array of input set identifiers");
    }
    for (const nlohmann::json& id : sets) {
      const pipeline::InputSet* set =
          id.is_string() ? project.FindInputSet(id.get<std::string>()) : nullptr;
      if (set == nullptr) {
        return Status::NotFound("no input set " + id.dump() +
                                " in .harness/inputsets (GET /api/pipelines lists each "
                                "pipeline's inputSets)");
      }
      values->input_sets.push_back(set->pipeline);
    }
    if (!sets.empty()) (*recorded)["inputSets"] = sets;
  }
  if (body.contains("inputs")) {
    const nlohmann::json& inputs = body["inputs"];
    if (!inputs.is_object()) {
      return Status::InvalidArgument(
          "\"inputs\" must be an object of runtime input values, e.g. {\"tag\": \"v1\"}");
    }
    for (const auto& [key, value] : inputs.items()) {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      values->pairs.emplace_back(key, text);
      (*recorded)[key] = text;
    }
  }
  if (body.contains("branch")) {
    if (!body["branch"].is_string()) {
      return Status::InvalidArgument("\"branch\" must be a string (the codebase branch to build)");
    }
    std::string branch = body["branch"].get<std::string>();
    if (!branch.empty()) {
      (*recorded)["branch"] = branch;
      values->branch = std::move(branch);
    }
  }
  return Status::Ok();
}

}  // namespace

net::HttpResponse ApiServer::RunPipeline(Call& call) {
  const std::string& id = call.params["id"];
  auto body = ParseBody(call.request);
  if (!body.ok()) return ErrorResponse(body.status());
  DiagnosticList diags;
  auto project = deps_.load_project(&diags);
  if (!project.ok()) return ErrorResponse(project.status());
  const pipeline::Pipeline* p = project->FindPipeline(id);
  if (p == nullptr) {
    return ErrorResponse(Status::NotFound("no pipeline \"" + id + "\" in the project (GET " +
                                          "/api/pipelines lists them)"));
  }
  // Only this pipeline's problems (and the project's shared files') stop it.
  DiagnosticList mine;
  for (const Diagnostic& d : diags.items()) {
    if (d.location.file == p->file || d.location.file.rfind(".harness/pipelines", 0) != 0)
      mine.Add(d);
  }
  if (mine.has_errors()) {
    Audit(call, id, kOutcomeError, {{"reason", "the pipeline does not validate"}});
    return ErrorResponse(Status::InvalidArgument(
        "pipeline " + id + " does not validate (`sluice validate` shows why):\n" +
        pipeline::FormatDiagnostics(mine, *project)));
  }
  pipeline::RuntimeInputValues values;
  nlohmann::json recorded = nlohmann::json::object();
  if (Status s = ReadRunRequest(*body, *project, &values, &recorded); !s.ok()) {
    return ErrorResponse(s);
  }
  DiagnosticList input_diags;
  auto instance = Instantiate(*p, values, &input_diags);
  if (!instance) {
    return ErrorResponse(
        Status::InvalidArgument("the runtime inputs of " + id + " do not fit:\n" +
                                pipeline::FormatDiagnostics(input_diags, *project)));
  }
  auto launch =
      PrepareNewExecution(deps_.store, *project, *instance, recorded, deps_.clock, getpid());
  if (!launch.ok()) return ErrorResponse(launch.status());
  const std::string execution_id = launch->record.id;
  if (Status s = deps_.executions.Submit(std::move(*launch), TriggeredBy(call.principal));
      !s.ok()) {
    return ErrorResponse(s);
  }
  Audit(call, id, kOutcomeSuccess, {{"execution", execution_id}});
  return net::HttpResponse::Json(201, Json{{"id", execution_id}}.dump());
}

net::HttpResponse ApiServer::ListExecutions(Call& call) {
  store::ExecutionQuery query;
  query.pipeline_id = call.request.query_param("pipeline");
  query.status = call.request.query_param("status");
  query.cursor = call.request.query_param("cursor");
  auto limit = IntParam(call.request, "limit", 50);
  if (!limit.ok()) return ErrorResponse(limit.status());
  if (*limit < 1 || *limit > 1000) {
    return ErrorResponse(
        Status::InvalidArgument("limit=" + std::to_string(*limit) + ": give 1 to 1000"));
  }
  query.limit = static_cast<int>(*limit);
  auto page = deps_.store.QueryExecutions(query);
  if (!page.ok()) return ErrorResponse(page.status());
  Json list = Json::array();
  for (const auto& rec : page->executions) {
    Json one = ExecutionSummaryJson(rec);
    one["queued"] = deps_.executions.queued(rec.id);
    list.push_back(std::move(one));
  }
  Json out{{"executions", std::move(list)},
           {"nextCursor", page->next_cursor.empty() ? Json() : Json(page->next_cursor)}};
  return net::HttpResponse::Json(200, out.dump());
}

net::HttpResponse ApiServer::GetExecution(Call& call) {
  auto rec = deps_.store.FindExecution(call.params["id"]);
  if (!rec.ok()) return ErrorResponse(rec.status());
  auto nodes = deps_.store.GetNodes(rec->id);
  if (!nodes.ok()) return ErrorResponse(nodes.status());
  auto artifacts = deps_.store.GetArtifacts(rec->id);
  if (!artifacts.ok()) return ErrorResponse(artifacts.status());
  auto evaluations = deps_.store.GetPolicyEvaluations(rec->id);
  if (!evaluations.ok()) return ErrorResponse(evaluations.status());
  Json out = ExecutionSummaryJson(*rec);
  out["queued"] = deps_.executions.queued(rec->id);
  out["pipelineYaml"] = rec->pipeline_yaml;
  out["layout"] = LayoutJson(rec->pipeline_yaml);
  Json node_list = Json::array();
  for (const auto& n : *nodes) node_list.push_back(NodeJson(n));  // in display order
  out["nodes"] = std::move(node_list);
  Json artifact_list = Json::array();
  for (const auto& a : *artifacts) artifact_list.push_back(ArtifactJson(a));
  out["artifacts"] = std::move(artifact_list);
  Json evaluation_list = Json::array();
  for (const auto& e : *evaluations) evaluation_list.push_back(PolicyEvaluationJson(e));
  out["policyEvaluations"] = std::move(evaluation_list);
  // What the execution asked approval for, and who decided what.
  Json approval_list = Json::array();
  if (auto approvals = deps_.store.approvals().ApprovalsOf(rec->id); approvals.ok()) {
    for (const store::ApprovalRecord& a : *approvals) {
      auto activities = deps_.store.approvals().Activities(a.execution_id, a.node_path);
      Json item{{"step", a.node_path},
                {"status", a.status},
                {"message", a.message},
                {"userGroups", a.user_groups},
                {"minimumCount", a.minimum_count},
                {"disallowPipelineExecutor", a.disallow_executor},
                {"approverInputs", a.approver_inputs},
                {"requestedMs", a.requested_ms},
                {"deadlineMs", a.deadline_ms},
                {"decidedMs", a.decided_ms}};
      item["activities"] = Json::array();
      if (activities.ok()) {
        // The step's own approvalActivities output, as ordered JSON.
        item["activities"] = Json::parse(
            engine::ApprovalOutput(a, *activities)["approvalActivities"].dump());
      }
      approval_list.push_back(std::move(item));
    }
  }
  out["approvals"] = std::move(approval_list);
  return net::HttpResponse::Json(200, out.dump());
}

net::HttpResponse ApiServer::AbortExecution(Call& call) {
  auto rec = deps_.store.FindExecution(call.params["id"]);
  if (!rec.ok()) return ErrorResponse(rec.status());
  auto said = AbortExecutionAnywhere(deps_.executions, deps_.store, *rec, deps_.clock);
  if (!said.ok()) return ErrorResponse(said.status());
  Audit(call, rec->id, kOutcomeSuccess);
  return net::HttpResponse::Json(202, Json{{"id", rec->id}, {"message", *said}}.dump());
}

net::HttpResponse ApiServer::RetryExecution(Call& call) {
  auto body = ParseBody(call.request);
  if (!body.ok()) return ErrorResponse(body.status());
  std::string from;
  if (body->contains("from")) {
    if (!(*body)["from"].is_string()) {
      return ErrorResponse(Status::InvalidArgument("\"from\" names a stage or STAGE.STEP"));
    }
    from = (*body)["from"].get<std::string>();
  }
  auto launch =
      PrepareRetry(deps_.store, deps_.state_dir, call.params["id"], from, deps_.clock, getpid());
  if (!launch.ok()) return ErrorResponse(launch.status());
  const std::string id = launch->record.id;
  const std::string old = launch->record.retried_from;
  const std::string point = launch->retry_point;
  if (Status s = deps_.executions.Submit(std::move(*launch), TriggeredBy(call.principal));
      !s.ok()) {
    return ErrorResponse(s);
  }
  Audit(call, old, kOutcomeSuccess, {{"execution", id}, {"from", point}});
  return net::HttpResponse::Json(201, Json{{"id", id}, {"from", point}}.dump());
}

net::HttpResponse ApiServer::ResumeExecution(Call& call) {
  auto rec = deps_.store.FindExecution(call.params["id"]);
  if (!rec.ok()) return ErrorResponse(rec.status());
  if (deps_.executions.queued(rec->id) || deps_.executions.running(rec->id)) {
    return ErrorResponse(
        Status::FailedPrecondition("execution " + rec->id + " is running on this server already"));
  }
  auto launch = PrepareResume(deps_.store, rec->id, getpid());
  if (!launch.ok()) return ErrorResponse(launch.status());
  if (Status s = deps_.executions.Submit(std::move(*launch), TriggeredBy(call.principal));
      !s.ok()) {
    return ErrorResponse(s);
  }
  Audit(call, rec->id, kOutcomeSuccess);
  return net::HttpResponse::Json(202, Json{{"id", rec->id}}.dump());
}

net::HttpResponse ApiServer::GetLog(Call& call) {
  auto rec = deps_.store.FindExecution(call.params["id"]);
  if (!rec.ok()) return ErrorResponse(rec.status());
  const std::string node = call.request.query_param("node");
  if (node.empty()) {
    return ErrorResponse(Status::InvalidArgument(
        "say which log with ?node=PATH (a stage or STAGE.STEP; the execution's nodes list them)"));
  }
  auto nodes = deps_.store.GetNodes(rec->id);
  if (!nodes.ok()) return ErrorResponse(nodes.status());
  if (std::none_of(nodes->begin(), nodes->end(), [&](const auto& n) { return n.path == node; })) {
    return ErrorResponse(Status::NotFound("execution " + rec->id + " has no node " + node));
  }
  auto text = deps_.store.ReadLog(rec->id, node);
  if (!text.ok()) return ErrorResponse(text.status());
  net::HttpResponse r = net::HttpResponse::Text(200, std::move(*text));
  r.set("X-Content-Type-Options", "nosniff");
  return r;
}

net::HttpResponse ApiServer::GetArtifact(Call& call) {
  auto rec = deps_.store.FindExecution(call.params["id"]);
  if (!rec.ok()) return ErrorResponse(rec.status());
  auto artifacts = deps_.store.GetArtifacts(rec->id);
  if (!artifacts.ok()) return ErrorResponse(artifacts.status());
  const std::string& n = call.params["n"];
  auto it = std::find_if(artifacts->begin(), artifacts->end(),
                         [&](const auto& a) { return std::to_string(a.id) == n; });
  if (it == artifacts->end()) {
    return ErrorResponse(Status::NotFound("execution " + rec->id + " has no artifact " + n +
                                          " (its artifacts are listed with their ids)"));
  }
  Result<std::string> bytes = std::string();
  if (!it->s3.connector.empty() && deps_.read_s3_artifact) {
    bytes = deps_.read_s3_artifact(*it);
    if (!bytes.ok()) {
      return ErrorResponse(502, "BadGateway",
                           "artifact " + n + " (" + it->name + ") is on the S3 server at " +
                               it->url + "; reading it back failed: " + bytes.status().message());
    }
  } else if (!it->bucket.empty() && it->url.rfind("file://", 0) == 0) {
    auto local = store::OpenLocalArtifactStore(deps_.state_dir / "artifacts", it->bucket);
    if (!local.ok()) return ErrorResponse(local.status());
    bytes = (*local)->Get(it->key);
    if (!bytes.ok()) return ErrorResponse(bytes.status());
  } else {
    return ErrorResponse(Status::NotFound("artifact " + n + " (" + it->name +
                                          ") is not stored by this server; it is at " + it->url));
  }
  net::HttpResponse r;
  r.status = 200;
  r.body = std::move(*bytes);
  r.set("Content-Type", store::ContentTypeFor(it->key));
  // A report is someone's HTML: shown only sandboxed, with no scripts,
  // no requests, and its own inline styles and data: images.
  r.set("Content-Security-Policy",
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  r.set("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace sluice::server
