#include "server/trigger_runs.h"

#include <unistd.h>

#include "common/ids.h"
#include "server/launch.h"
#include "triggers/event.h"
#include "triggers/signature.h"
#include "triggers/trigger_inputs.h"

namespace sluice::server {
namespace {

using Json = nlohmann::ordered_json;

Json Error(const std::string& code, const std::string& message) {
  return Json{{"code", code}, {"message", message}};
}

triggers::Headers HeadersOf(const net::HttpRequest& request) {
  triggers::Headers headers;
  for (const auto& [name, value] : request.headers) headers.emplace_back(name, value);
  return headers;
}

nlohmann::json ConditionsJson(const triggers::TriggerEvaluation& evaluation) {
  nlohmann::json list = nlohmann::json::array();
  for (const triggers::ConditionResult& c : evaluation.conditions) {
    nlohmann::json one = {{"kind", c.kind},         {"key", c.key},       {"operator", c.op},
                          {"expected", c.expected}, {"actual", c.actual}, {"matched", c.matched}};
    if (!c.error.empty()) one["error"] = c.error;
    if (!c.matched_item.empty()) one["matchedItem"] = c.matched_item;
    list.push_back(std::move(one));
  }
  return list;
}

}  // namespace

Result<std::string> StartTriggeredRun(TriggerDeps& deps, const pipeline::Project& project,
                                      const triggers::Trigger& trigger,
                                      const pipeline::RuntimeInputValues& inputs,
                                      const std::string& trigger_type) {
  const pipeline::Pipeline* p = project.FindPipeline(trigger.pipeline_identifier);
  if (p == nullptr) {
    return Status::NotFound("trigger " + trigger.identifier + " names pipeline " +
                            trigger.pipeline_identifier + ", which the project does not have");
  }
  DiagnosticList diags;
  auto instance = Instantiate(*p, inputs, &diags);
  if (!instance) {
    return Status::InvalidArgument("the inputs of trigger " + trigger.identifier + " do not fit " +
                                   p->identifier + ":\n" +
                                   pipeline::FormatDiagnostics(diags, project));
  }
  nlohmann::json recorded = {{"trigger", trigger.identifier}};
  if (!trigger.input_set_refs.empty()) recorded["inputSets"] = trigger.input_set_refs;
  if (inputs.branch) recorded["branch"] = *inputs.branch;
  SLUICE_ASSIGN_OR_RETURN(Launch launch, PrepareNewExecution(deps.store, project, *instance,
                                                             recorded, deps.clock, getpid()));
  launch.record.trigger_type = trigger_type;
  SLUICE_RETURN_IF_ERROR(deps.store.UpdateExecution(launch.record));
  const std::string id = launch.record.id;
  SLUICE_RETURN_IF_ERROR(
      deps.executions.Submit(std::move(launch), "trigger:" + trigger.identifier));
  return id;
}

WebhookAnswer HandleWebhook(TriggerDeps& deps, const net::HttpRequest& request, bool github) {
  const int64_t now = deps.clock.NowMillis();
  std::string delivery_id(request.header(github ? "X-GitHub-Delivery" : "X-Request-Id"));
  if (delivery_id.empty()) delivery_id = "sluice-" + NewExecutionId();
  if (deps.store.triggers().GetDelivery(delivery_id).ok()) {
    return {200, Json{{"delivery", delivery_id},
                      {"duplicate", true},
                      {"message", "delivery " + delivery_id +
                                      " was received before; it is not processed again"}}};
  }
  store::DeliveryRecord delivery;
  delivery.delivery_id = delivery_id;
  delivery.received_ms = now;
  delivery.source = github ? "Github" : "Custom";
  for (const auto& [name, value] : request.headers) delivery.headers.emplace_back(name, value);
  delivery.payload_size = static_cast<int64_t>(request.body.size());
  delivery.payload_sample = request.body;

  auto event = github ? triggers::ParseGithubEvent("", request.body, HeadersOf(request))
                      : triggers::ParseCustomEvent(request.body, HeadersOf(request));
  if (!event.ok()) {
    delivery.event_type = github ? std::string(request.header("X-GitHub-Event")) : "custom";
    delivery.error = event.status().message();
    (void)deps.store.triggers().RecordDelivery(delivery);
    const bool too_large = request.body.size() > triggers::kMaxPayloadBytes;
    return {too_large ? 413 : 400,
            Error(too_large ? "PayloadTooLarge" : "InvalidArgument", event.status().message())};
  }
  delivery.event_type = event->TypeName();
  event->delivery_id = delivery_id;

  DiagnosticList diags;
  auto project = deps.load_project(&diags);
  if (!project.ok()) {
    delivery.error = project.status().message();
    (void)deps.store.triggers().RecordDelivery(delivery);
    return {500, Error("Internal", "the project did not load: " + project.status().message())};
  }
  std::vector<triggers::Trigger> loaded = triggers::LoadTriggers(&*project, &diags);

  // Signatures: each trigger with a secret checks its own; the delivery
  // records how the first check went.
  bool signature_required = false;
  Status first_check = Status::Ok();
  bool checked = false;
  triggers::DecideOptions options;
  options.check_signature = [&](const triggers::Trigger& t) -> Status {
    signature_required = true;
    Status s = deps.secrets == nullptr
                   ? Status::FailedPrecondition(
                         "this server has no secret store to check "
                         "signatures with")
                   : triggers::VerifyTriggerSignature(t, *event, request.body, *deps.secrets);
    if (!checked) first_check = s;
    checked = true;
    return s;
  };
  std::vector<triggers::TriggerDecision> decisions =
      triggers::DecideTriggers(*project, loaded, *event, options);
  delivery.signature_status = triggers::SignatureStatusName(first_check, signature_required);
  if (Status s = deps.store.triggers().RecordDelivery(delivery); !s.ok()) {
    if (s.code() == StatusCode::kAlreadyExists) {
      return {200, Json{{"delivery", delivery_id},
                        {"duplicate", true},
                        {"message", "delivery " + delivery_id + " is being processed already"}}};
    }
    return {500, Error("Internal", s.message())};
  }

  Json results = Json::array();
  bool any_fired = false;
  bool refused_by_signature = signature_required;
  const std::string trigger_type = github ? "WEBHOOK" : "WEBHOOK_CUSTOM";
  for (const triggers::TriggerDecision& d : decisions) {
    const triggers::TriggerEvaluation& e = d.evaluation;
    store::TriggerEvaluationRecord record;
    record.delivery_id = delivery_id;
    record.trigger_id = e.trigger_id;
    record.pipeline_id = e.pipeline_id;
    record.fired = e.fired;
    record.reason = e.reason;
    record.conditions = ConditionsJson(e);
    record.evaluated_ms = now;
    (void)deps.store.triggers().AddEvaluation(&record);
    Json one{{"trigger", e.trigger_id},
             {"pipeline", e.pipeline_id},
             {"fired", e.fired},
             {"reason", e.reason}};
    const bool signature_failed = !e.conditions.empty() &&
                                  e.conditions.back().kind == "signature" &&
                                  !e.conditions.back().matched;
    if (!signature_failed) refused_by_signature = false;
    if (e.fired) {
      any_fired = true;
      std::string execution, error;
      if (!d.inputs) {
        error = d.input_error;
      } else {
        const triggers::Trigger* t = nullptr;
        for (const triggers::Trigger& candidate : loaded) {
          if (candidate.identifier == e.trigger_id) t = &candidate;
        }
        auto started = t == nullptr
                           ? Result<std::string>(Status::NotFound("trigger vanished"))
                           : StartTriggeredRun(deps, *project, *t, *d.inputs, trigger_type);
        if (started.ok())
          execution = *started;
        else
          error = started.status().message();
      }
      (void)deps.store.triggers().SetEvaluationOutcome(record.id, execution, error);
      if (!execution.empty()) one["execution"] = execution;
      if (!error.empty()) one["error"] = error;
    }
    results.push_back(std::move(one));
  }
  if (refused_by_signature && !any_fired && !decisions.empty()) {
    return {401, Error("Unauthenticated",
                       "the delivery's X-Hub-Signature-256 is " + delivery.signature_status +
                           " for every trigger it could fire: " + first_check.message())};
  }
  return {202,
          Json{{"delivery", delivery_id}, {"event", event->TypeName()}, {"triggers", results}}};
}

}  // namespace sluice::server
