#include "server/trigger_runs.h"

#include <unistd.h>

#include "common/ids.h"
#include "engine/status.h"
#include "server/audit.h"
#include "server/launch.h"
#include "triggers/event.h"
#include "triggers/signature.h"
#include "triggers/trigger_inputs.h"
#include "triggers/trigger_scope.h"

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

Result<Launch> PrepareTriggeredRun(TriggerDeps& deps, const pipeline::Project& project,
                                   const triggers::Trigger& trigger,
                                   const pipeline::RuntimeInputValues& inputs,
                                   const std::string& trigger_type,
                                   const triggers::WebhookEvent* event) {
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
  launch.record.trigger = triggers::TriggerDocument(trigger, event);
  SLUICE_RETURN_IF_ERROR(deps.store.UpdateExecution(launch.record));
  return launch;
}

Result<std::string> StartTriggeredRun(TriggerDeps& deps, const pipeline::Project& project,
                                      const triggers::Trigger& trigger,
                                      const pipeline::RuntimeInputValues& inputs,
                                      const std::string& trigger_type,
                                      const triggers::WebhookEvent* event) {
  SLUICE_ASSIGN_OR_RETURN(Launch launch,
                          PrepareTriggeredRun(deps, project, trigger, inputs, trigger_type, event));
  const std::string id = launch.record.id;
  SLUICE_RETURN_IF_ERROR(
      deps.executions.Submit(std::move(launch), "trigger:" + trigger.identifier));
  return id;
}

namespace {

// What a run of `trigger` for `event` supersedes, in words ("a newer push to
// main"), or "" when autoAbortPreviousExecutions does not apply.
std::string SupersedeReason(const triggers::Trigger& trigger, const triggers::WebhookEvent& event) {
  if (trigger.source != triggers::SourceType::kWebhook || !trigger.webhook.auto_abort_previous) {
    return "";
  }
  if (event.kind == triggers::EventKind::kPush && !event.branch.empty()) {
    return "a newer push to " + event.branch;
  }
  if (event.kind == triggers::EventKind::kPullRequest && event.pr_number > 0) {
    return "a newer event of pull request #" + std::to_string(event.pr_number);
  }
  return "";
}

// Whether `values` (an execution's trigger document) is the same branch
// push or the same pull request as `event`.
bool SameChange(const nlohmann::json& values, const triggers::WebhookEvent& event) {
  if (!values.is_object()) return false;
  auto text = [&](const char* key) {
    auto it = values.find(key);
    return it != values.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (event.kind == triggers::EventKind::kPush) {
    return text("event") == "PUSH" && text("branch") == event.branch;
  }
  auto number = values.find("prNumber");
  return text("event") == "PR" && number != values.end() && number->is_number_integer() &&
         number->get<int64_t>() == event.pr_number;
}

}  // namespace

std::vector<std::string> AbortSupersededRuns(TriggerDeps& deps, const triggers::Trigger& trigger,
                                             const triggers::WebhookEvent& event,
                                             const std::string& new_id,
                                             std::vector<std::string>* problems) {
  std::vector<std::string> aborted;
  const std::string why = SupersedeReason(trigger, event);
  if (why.empty()) return aborted;
  const std::string reason = "aborted by trigger " + trigger.identifier + ": " + why;
  auto problem = [&](const std::string& text) {
    if (problems != nullptr) problems->push_back(text);
  };
  // Every status an unfinished execution can have, page by page.
  std::vector<store::ExecutionRecord> candidates;
  for (engine::NodeStatus status :
       {engine::NodeStatus::kRunning, engine::NodeStatus::kNotStarted,
        engine::NodeStatus::kWaitStepRunning, engine::NodeStatus::kInterventionWaiting,
        engine::NodeStatus::kApprovalWaiting}) {
    store::ExecutionQuery query{.pipeline_id = trigger.pipeline_identifier,
                                .status = std::string(engine::StatusName(status)),
                                .limit = 1000};
    do {
      auto page = deps.store.QueryExecutions(query);
      if (!page.ok()) {
        problem("listing unfinished executions: " + page.status().message());
        break;
      }
      for (store::ExecutionRecord& rec : page->executions) {
        // Pages leave the trigger values out: the inputs say which trigger
        // started a run; retries (started by a person) are not superseded.
        auto by = rec.inputs.find("trigger");
        if (rec.id == new_id || !rec.retried_from.empty() || by == rec.inputs.end() ||
            *by != trigger.identifier) {
          continue;
        }
        candidates.push_back(std::move(rec));
      }
      query.cursor = page->next_cursor;
    } while (!query.cursor.empty());
  }
  for (const store::ExecutionRecord& listed : candidates) {
    auto rec = deps.store.GetExecution(listed.id);
    if (!rec.ok()) {
      problem("reading execution " + listed.id + ": " + rec.status().message());
      continue;
    }
    if (!SameChange(rec->trigger, event)) continue;
    auto said = AbortExecutionAnywhere(deps.executions, deps.store, *rec, deps.clock, reason);
    if (!said.ok()) {
      problem("aborting execution " + rec->id + ": " + said.status().message());
      continue;
    }
    aborted.push_back(rec->id);
    Status audited =
        WriteAudit(deps.store.audit(), deps.clock, Actor{"trigger:" + trigger.identifier, ""},
                   "trigger.abort", rec->id, kOutcomeSuccess,
                   {{"reason", reason}, {"execution", new_id}, {"delivery", event.delivery_id}});
    if (!audited.ok()) problem("auditing the abort of " + rec->id + ": " + audited.message());
  }
  return aborted;
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
      std::vector<std::string> aborted, abort_problems;
      if (!d.inputs) {
        error = d.input_error;
      } else {
        const triggers::Trigger* t = nullptr;
        for (const triggers::Trigger& candidate : loaded) {
          if (candidate.identifier == e.trigger_id) t = &candidate;
        }
        auto launch = t == nullptr ? Result<Launch>(Status::NotFound("trigger vanished"))
                                   : PrepareTriggeredRun(deps, *project, *t, *d.inputs,
                                                         trigger_type, &*event);
        if (launch.ok()) {
          // Recorded first, so the runs it supersedes stop only for a run
          // that will take their place; queued after they stopped.
          execution = launch->record.id;
          aborted = AbortSupersededRuns(deps, *t, *event, execution, &abort_problems);
          Status submitted = deps.executions.Submit(std::move(*launch), "trigger:" + t->identifier);
          if (!submitted.ok()) error = submitted.message();
        } else {
          error = launch.status().message();
        }
      }
      (void)deps.store.triggers().SetEvaluationOutcome(record.id, execution, error);
      if (!execution.empty()) one["execution"] = execution;
      if (!aborted.empty()) one["aborted"] = aborted;
      if (!abort_problems.empty()) one["abortErrors"] = abort_problems;
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
