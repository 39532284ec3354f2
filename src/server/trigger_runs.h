// Runs that triggers start in sluice server, and the webhook deliveries
// that decide them.
//
// HandleWebhook takes one delivery (POST /api/webhooks/github or
// /api/webhooks/custom): it parses the event (triggers/event.h), refuses a
// delivery id it has seen (GitHub re-sends; nothing runs twice), decides
// every webhook trigger of the project against it with signatures checked
// against each trigger's secret (triggers/signature.h), starts the runs of
// those that fire, and records the delivery and, per trigger, whether it
// fired, the deciding condition and the run it started (store/
// trigger_store.h). The answer:
//   202 {"delivery", "triggers": [{"trigger", "pipeline", "fired", "reason",
//        "execution"?, "error"?}]}     decided (fired or not)
//   200 {"delivery", "duplicate": true, "message"}   a replay, ignored
//   400 / 413 {"code", "message"}      not JSON, a wrong shape, too large
//   401 {"code", "message"}            every trigger the event could fire
//                                      needs a signature and it was
//                                      missing or wrong
// A run records its trigger type (WEBHOOK, WEBHOOK_CUSTOM, SCHEDULER_CRON)
// and is started by "trigger:<identifier>" (<+pipeline.triggeredBy.name>).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/diagnostic.h"
#include "net/http_message.h"
#include "pipeline/project.h"
#include "secrets/secret_store.h"
#include "server/executions.h"
#include "store/store.h"
#include "triggers/trigger.h"

namespace sluice::server {

struct TriggerDeps {
  store::Store& store;
  ExecutionQueue& executions;
  const Clock& clock;
  const secrets::SecretStore* secrets = nullptr;  // none: signed triggers never fire
  std::function<Result<pipeline::Project>(DiagnosticList* diags)> load_project;
};

// Starts a run of `trigger`'s pipeline with `inputs`; its execution id.
Result<std::string> StartTriggeredRun(TriggerDeps& deps, const pipeline::Project& project,
                                      const triggers::Trigger& trigger,
                                      const pipeline::RuntimeInputValues& inputs,
                                      const std::string& trigger_type);

struct WebhookAnswer {
  int status = 202;
  nlohmann::ordered_json body;
};

// One delivery; `github` says which route it came to.
WebhookAnswer HandleWebhook(TriggerDeps& deps, const net::HttpRequest& request, bool github);

}  // namespace sluice::server
