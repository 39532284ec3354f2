// Alert rules at work: each evaluation looks at what a rule watches
// (pipeline/alerts.h), decides whether it holds, and tells the rule's
// notificationMethod (notify/delivery.h) when that changes -- at most once
// per episode. An episode runs from the evaluation that first sees the
// condition hold to the one that first sees it no longer hold.
//
// What each condition looks at:
//   ModelStale  the latest staleness check of the model (monitor_checks,
//               kind "staleness", subject the model; RecordStaleness), aged
//               to now: it holds when the days since the source's last
//               change, counted to the evaluation, exceed the check's
//               maxAgeDays. A model checked 6.5 days after its last change
//               is stale a day later without another check.
//   ModelDrift  the latest drift check of the model (kind "drift"): it holds
//               when its status is "drift" (or "warn" too, with level: warn).
//   ErrorRate   the function's invocation records (store/function_records.h)
//               started within the window, only those asked for the rule's
//               qualifier when it names one: it holds when at least
//               threshold of them failed (an answer other than 200, or a
//               function error). Fewer than minInvocations calls say nothing.
// "Say nothing" (no check recorded yet, too little traffic, insufficient
// data for drift) leaves the rule where it was.
//
// The state of each rule lives in the store (store/monitor_store.h
// AlertStateRecord), so episodes span restarts and are shared by every
// process on the state directory. On a change the rule's notification is
// due; it is marked sent only once delivered, and an undelivered one is
// tried again at the next evaluation (still once per episode). A rule that
// stops holding before its firing notification went out resolves
// silently; sendResolved: false never says "resolved". Disabled and
// removed rules lose their state.
//
// Messages: subject "[sluice] FIRING: <name>" or "[sluice] RESOLVED: <name>";
// a body with the rule, its condition, what was seen, since when, and a
// link when a UI URL is known. Webhooks get {"alert", "name", "status":
// "firing"|"resolved", "condition", "summary", "since", "episode",
// "value", "url"?}.
//
// Thread-safe as long as one evaluation runs at a time per state directory
// (sluice server evaluates on one thread).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "notify/delivery.h"
#include "pipeline/alerts.h"
#include "pipeline/project.h"
#include "secrets/secret_store.h"
#include "store/store.h"

namespace sluice::monitor {

struct AlertObservation {
  bool known = false;   // false: nothing to judge by; the rule stays where it was
  bool holds = false;   // the condition holds (with known)
  std::string summary;  // what was seen, in words
  nlohmann::json value = nlohmann::json::object();  // and in figures
};

// What `rule` watches, now. Errors: the store's.
Result<AlertObservation> ObserveAlert(const pipeline::AlertRule& rule, store::Store& store,
                                      int64_t now_ms);

// "ErrorRate of function cc:live at or above 5.0% over 15m", "ModelStale of
// model ccapproval".
std::string DescribeCondition(const pipeline::AlertRule& rule);

struct AlertChange {
  std::string alert;
  bool firing = false;  // what it became
  std::string summary;
  Status delivered;  // the notification's outcome (Ok when none is sent)
};

struct AlertDeps {
  store::Store& store;
  const notify::DeliveryContext& delivery;  // its project holds the rules; its clock is "now"
  std::string ui_url;                       // the web UI's base URL for links; "" for none
};

// One evaluation of every rule of deps.delivery.project. Returns the rules
// that started or stopped firing. `log` gets a line per change and per
// notification. Errors of one rule (a store read) are kept in its state and
// logged; the other rules go on.
std::vector<AlertChange> EvaluateAlerts(const AlertDeps& deps, const notify::LogLine& log);

// EvaluateAlerts for `project` with a Mailer of its own (its
// .harness/smtp.yaml or the local Maildir under `state_dir`) and webhook
// URLs and the SMTP password read from `secrets`. Nothing to do (and no
// store access) when the project has no alert rules.
std::vector<AlertChange> EvaluateProjectAlerts(
    const pipeline::Project& project, store::Store& store, const secrets::SecretStore& secrets,
    const Clock& clock, const std::filesystem::path& state_dir, const std::string& ui_url,
    const notify::LogLine& log);

}  // namespace sluice::monitor
