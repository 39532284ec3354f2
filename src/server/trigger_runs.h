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
//        "execution"?, "aborted"?, "abortErrors"?, "error"?}]}
//                                      decided (fired or not)
//   200 {"delivery", "duplicate": true, "message"}   a replay, ignored
//   400 / 413 {"code", "message"}      not JSON, a wrong shape, too large
//   401 {"code", "message"}            every trigger the event could fire
//                                      needs a signature and it was
//                                      missing or wrong
// A run records its trigger type (WEBHOOK, WEBHOOK_CUSTOM, SCHEDULER_CRON)
// and is started by "trigger:<identifier>" (<+pipeline.triggeredBy.name>).
// Its record keeps the trigger's values (triggers::TriggerDocument, without
// credential headers): every <+trigger.*> and <+eventPayload.*> of the
// pipeline reads them, after a server restart and in a retry too.
//
// autoAbortPreviousExecutions (harness-semantics §8.3): when such a GitHub
// trigger fires for a push to a branch or for a pull request, the new run
// is recorded first, then every unfinished execution (running, queued,
// waiting for an approval or an intervention) of the same pipeline that the
// same trigger started for the same branch (push) or pull request number
// (pull request) is aborted the way the API aborts one, with the failure
// message "aborted by trigger <id>: a newer push to <branch>" (or "a newer
// event of pull request #<n>") and an audit record (actor
// "trigger:<id>", action "trigger.abort"); then the new run is queued.
// Manual runs, retries (a person started them), other triggers' runs and
// other branches are left alone. "aborted" in the answer lists the ids.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/diagnostic.h"
#include "net/http_message.h"
#include "pipeline/project.h"
#include "secrets/secret_store.h"
#include "server/executions.h"
#include "store/store.h"
#include "triggers/event.h"
#include "triggers/trigger.h"

namespace sluice::server {

struct TriggerDeps {
  store::Store& store;
  ExecutionQueue& executions;
  const Clock& clock;
  const secrets::SecretStore* secrets = nullptr;  // none: signed triggers never fire
  std::function<Result<pipeline::Project>(DiagnosticList* diags)> load_project;
};

// Records a run of `trigger`'s pipeline with `inputs` for `event` (null: a
// scheduled fire), its trigger values included, ready to submit.
Result<Launch> PrepareTriggeredRun(TriggerDeps& deps, const pipeline::Project& project,
                                   const triggers::Trigger& trigger,
                                   const pipeline::RuntimeInputValues& inputs,
                                   const std::string& trigger_type,
                                   const triggers::WebhookEvent* event);

// PrepareTriggeredRun, then queues it; its execution id.
Result<std::string> StartTriggeredRun(TriggerDeps& deps, const pipeline::Project& project,
                                      const triggers::Trigger& trigger,
                                      const pipeline::RuntimeInputValues& inputs,
                                      const std::string& trigger_type,
                                      const triggers::WebhookEvent* event);

// autoAbortPreviousExecutions for a run of `trigger` for `event` (see
// above): aborts what the new run `new_id` supersedes and returns their
// ids; nothing when the trigger does not ask for it or the event is
// neither a branch push nor a pull request. Failures to abort one are
// added to `problems` and the others still go.
std::vector<std::string> AbortSupersededRuns(TriggerDeps& deps, const triggers::Trigger& trigger,
                                             const triggers::WebhookEvent& event,
                                             const std::string& new_id,
                                             std::vector<std::string>* problems);

struct WebhookAnswer {
  int status = 202;
  nlohmann::ordered_json body;
};

// One delivery; `github` says which route it came to.
WebhookAnswer HandleWebhook(TriggerDeps& deps, const net::HttpRequest& request, bool github);

}  // namespace sluice::server
