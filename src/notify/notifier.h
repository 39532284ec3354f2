// Notifications of a pipeline's events: the engine's listener
// (engine/events.h) that applies the pipeline's `notificationRules`
// (pipeline/notifications.h) and tells a waiting HarnessApproval's
// approvers.
//
// Which rule events an engine event matches:
//   PipelineStart  -> PipelineStart
//   PipelineEnd    -> PipelineEnd, and PipelineSuccess or PipelineFailed
//                     (Failed, Errored, Expired, Aborted, ApprovalRejected)
//   StageStart     -> StageStart;  StageEnd -> StageSuccess or StageFailed
//                     (each only for the rule's forStages, when it lists some)
//   StepFailed     -> StepFailed
//   ApprovalWaiting-> PipelinePaused
// AllEvents matches every one. A rule matching an event sends once, by its
// method: Email (to its recipients and its user groups' addresses), Slack
// (`{"text": ...}` to its webhookUrl) or Webhook (a JSON document with the
// event, pipeline, execution, stage and step, and the same `text`). A
// waiting approval also mails the members of the approvers' user groups,
// whatever the rules say.
//
// Messages: subject "[sluice] credit_card #12 failed at Train_Model"; a
// body with the pipeline, execution, status, start, duration, the failure
// message, and a link to the execution in the web UI when a sluice server
// owns the state directory (its <state>/server.json) or `server_url` says
// where one is.
//
// Every send is written to the event's log (notify: "...") and a failure
// to send as a warning; nothing here fails the execution. Thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "engine/events.h"
#include "notify/mailer.h"
#include "notify/webhook.h"
#include "pipeline/project.h"
#include "secrets/secret_store.h"
#include "store/store.h"

namespace sluice::notify {

struct NotifierOptions {
  // The web UI's base URL ("http://host:port"); "" finds it in
  // <state>/server.json when a server owns the state directory.
  std::string server_url;
  std::filesystem::path state_dir;
  WebhookOptions webhook;
  // Resolves `<+secrets.getValue("id")>` as a webhookUrl; may be empty.
  SecretLookup secrets;
};

class Notifier final : public engine::ExecutionEventListener {
 public:
  // `project`, `store`, `mailer` and `clock` must outlive the notifier.
  Notifier(const pipeline::Project& project, store::Store& store, const Mailer& mailer,
           const Clock& clock, NotifierOptions options);

  void OnEvent(const engine::ExecutionEvent& event,
               const std::function<void(std::string_view)>& log) override;

 private:
  std::string ExecutionUrl(const std::string& id) const;

  const pipeline::Project& project_;
  store::Store& store_;
  const Mailer& mailer_;
  const Clock& clock_;
  NotifierOptions options_;
};

// What the CLI and the server hand the engine: a Notifier with its own
// Mailer for `project` (its .harness/smtp.yaml or the local Maildir), the
// SMTP password read from `secrets`.
class ProjectNotifier final : public engine::ExecutionEventListener {
 public:
  ProjectNotifier(const pipeline::Project& project, store::Store& store,
                  const secrets::SecretStore& secrets, const Clock& clock, NotifierOptions options);
  void OnEvent(const engine::ExecutionEvent& event,
               const std::function<void(std::string_view)>& log) override {
    notifier_.OnEvent(event, log);
  }

 private:
  Mailer mailer_;
  Notifier notifier_;
};

}  // namespace sluice::notify
