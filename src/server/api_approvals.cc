// POST /api/executions/{id}/approve and /reject: the signed-in user decides
// a HarnessApproval the execution waits for, by the rules of
// engine/approvals.h (the role was checked by the route; the user groups
// come from the principal). The body: {"step": "Stage.step" (needed when
// several wait), "comments": "...", "inputs": {"name": "value"}}. Once the
// approval is decided the execution queue resumes the execution.
#include "engine/approvals.h"
#include "server/api.h"
#include "server/api_call.h"
#include "server/api_json.h"
#include "server/audit.h"

namespace sluice::server {

namespace {

using Json = nlohmann::json;

Result<std::map<std::string, std::string>> Inputs(const Json& body) {
  std::map<std::string, std::string> inputs;
  if (!body.contains("inputs")) return inputs;
  if (!body["inputs"].is_object()) {
    return Status::InvalidArgument("\"inputs\" must be an object of approver input values");
  }
  for (const auto& [name, value] : body["inputs"].items()) {
    if (!value.is_string()) {
      return Status::InvalidArgument("approver input \"" + name + "\" must be a string");
    }
    inputs[name] = value.get<std::string>();
  }
  return inputs;
}

}  // namespace

net::HttpResponse ApiServer::DecideApproval(Call& call) {
  const bool reject = call.route->path.ends_with("/reject");
  auto body = ParseBody(call.request);
  if (!body.ok()) return ErrorResponse(body.status());
  auto rec = deps_.store.FindExecution(call.params["id"]);
  if (!rec.ok()) return ErrorResponse(rec.status());
  for (const char* field : {"step", "comments"}) {
    if (body->contains(field) && !(*body)[field].is_string()) {
      return ErrorResponse(
          Status::InvalidArgument("\"" + std::string(field) + "\" must be a string"));
    }
  }
  const std::string step = body->value("step", "");
  const std::string comments = body->value("comments", "");
  auto inputs = Inputs(*body);
  if (!inputs.ok()) return ErrorResponse(inputs.status());
  auto approval = engine::ChooseApproval(deps_.store.approvals(), rec->id, step);
  if (!approval.ok()) return ErrorResponse(approval.status());
  engine::Approver who{call.principal.user, call.principal.email,
                       {call.principal.groups.begin(), call.principal.groups.end()},
                       call.request.remote_address};
  auto decided = engine::Act(deps_.store.approvals(), rec->id, approval->node_path, who,
                             reject ? engine::ApprovalAction::kReject
                                    : engine::ApprovalAction::kApprove,
                             comments, *inputs, deps_.clock.NowMillis());
  const std::string target = rec->id + "/" + approval->node_path;
  if (!decided.ok()) {
    Audit(call, target, kOutcomeDenied, {{"reason", decided.status().message()}});
    return ErrorResponse(decided.status());
  }
  Audit(call, target, kOutcomeSuccess, {{"approval", decided->status}});
  return net::HttpResponse::Json(
      200, Json{{"id", rec->id}, {"step", approval->node_path}, {"status", decided->status}}
               .dump());
}

}  // namespace sluice::server
