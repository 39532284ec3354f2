// The triggers half of the API: webhook deliveries (server/trigger_runs.h)
// and what the project's triggers did.
#include "server/api.h"
#include "server/api_call.h"
#include "server/trigger_runs.h"
#include "triggers/cron.h"
#include "triggers/trigger.h"

namespace sluice::server {
namespace {

using Json = nlohmann::ordered_json;

Json EvaluationJson(const store::TriggerEvaluationRecord& e) {
  Json one{{"delivery", e.delivery_id}, {"trigger", e.trigger_id}, {"pipeline", e.pipeline_id},
           {"fired", e.fired},          {"reason", e.reason},      {"evaluatedMs", e.evaluated_ms}};
  one["conditions"] = Json::parse(e.conditions.dump());
  if (!e.execution_id.empty()) one["execution"] = e.execution_id;
  if (!e.error.empty()) one["error"] = e.error;
  return one;
}

}  // namespace

net::HttpResponse ApiServer::Webhook(Call& call) {
  TriggerDeps deps{deps_.store, deps_.executions, deps_.clock, deps_.secrets, deps_.load_project};
  WebhookAnswer answer =
      HandleWebhook(deps, call.request, call.route->path == "/api/webhooks/github");
  return net::HttpResponse::Json(answer.status, answer.body.dump());
}

net::HttpResponse ApiServer::ListTriggers(Call&) {
  DiagnosticList diags;
  auto project = deps_.load_project(&diags);
  if (!project.ok()) return ErrorResponse(project.status());
  std::vector<triggers::Trigger> loaded = triggers::LoadTriggers(&*project, &diags);
  Json list = Json::array();
  for (const triggers::Trigger& t : loaded) {
    Json one{{"identifier", t.identifier},        {"name", t.name},
             {"pipeline", t.pipeline_identifier}, {"enabled", t.enabled},
             {"source", t.SourceSummary()},       {"file", t.file}};
    if (auto schedule = deps_.store.triggers().GetSchedule(t.identifier); schedule.ok()) {
      one["schedule"] = Json{{"lastFireMs", schedule->last_fire_ms},
                             {"nextFireMs", schedule->next_fire_ms},
                             {"lastExecution", schedule->last_execution_id},
                             {"lastError", schedule->last_error}};
    }
    Json recent = Json::array();
    if (auto evaluations = deps_.store.triggers().EvaluationsOfTrigger(t.identifier, 10);
        evaluations.ok()) {
      for (const auto& e : *evaluations) recent.push_back(EvaluationJson(e));
    }
    one["recentEvaluations"] = std::move(recent);
    list.push_back(std::move(one));
  }
  return net::HttpResponse::Json(200, Json{{"triggers", list}}.dump());
}

net::HttpResponse ApiServer::ListDeliveries(Call& call) {
  auto limit = IntParam(call.request, "limit", 50);
  if (!limit.ok()) return ErrorResponse(limit.status());
  if (*limit < 1 || *limit > 1000) {
    return ErrorResponse(
        Status::InvalidArgument("limit=" + std::to_string(*limit) + ": give 1 to 1000"));
  }
  auto deliveries = deps_.store.triggers().RecentDeliveries(static_cast<int>(*limit));
  if (!deliveries.ok()) return ErrorResponse(deliveries.status());
  Json list = Json::array();
  for (const store::DeliveryRecord& d : *deliveries) {
    Json one{{"delivery", d.delivery_id},
             {"receivedMs", d.received_ms},
             {"source", d.source},
             {"event", d.event_type},
             {"payloadSize", d.payload_size},
             {"signature", d.signature_status},
             {"error", d.error}};
    Json evaluations = Json::array();
    if (auto e = deps_.store.triggers().EvaluationsOf(d.delivery_id); e.ok()) {
      for (const auto& one_evaluation : *e) evaluations.push_back(EvaluationJson(one_evaluation));
    }
    one["triggers"] = std::move(evaluations);
    list.push_back(std::move(one));
  }
  return net::HttpResponse::Json(200, Json{{"deliveries", list}}.dump());
}

}  // namespace sluice::server
