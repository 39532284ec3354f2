#include "notify/notifier.h"

#include <algorithm>

#include "notify/delivery.h"
#include "notify/event_text.h"
#include "notify/recipients.h"
#include "store/server_record.h"

namespace sluice::notify {

namespace {

bool IsStageEvent(engine::EventType t) {
  return t == engine::EventType::kStageStart || t == engine::EventType::kStageEnd;
}

// The rule event of `rule` that `event` matches ("" for none).
std::string Matches(const pipeline::NotificationRule& rule, const engine::ExecutionEvent& event,
                    const std::vector<std::string>& names) {
  for (const pipeline::NotificationEvent& e : rule.events) {
    if (e.type != "AllEvents" && std::find(names.begin(), names.end(), e.type) == names.end()) {
      continue;
    }
    if (IsStageEvent(event.type) && !e.for_stages.empty() && event.node &&
        std::find(e.for_stages.begin(), e.for_stages.end(), event.node->identifier) ==
            e.for_stages.end()) {
      continue;
    }
    return names.front();
  }
  return "";
}

NotifierOptions WithSecrets(NotifierOptions options, const secrets::SecretStore& secrets) {
  if (!options.secrets) {
    options.secrets = [&secrets](const std::string& id) { return secrets.Get(id); };
  }
  return options;
}

}  // namespace

Notifier::Notifier(const pipeline::Project& project, store::Store& store, const Mailer& mailer,
                   const Clock& clock, NotifierOptions options)
    : project_(project),
      store_(store),
      mailer_(mailer),
      clock_(clock),
      options_(std::move(options)) {}

std::string Notifier::ExecutionUrl(const std::string& id) const {
  std::string base = options_.server_url;
  if (base.empty() && !options_.state_dir.empty())
    base = store::OwningServerUrl(options_.state_dir);
  if (base.empty()) return "";
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/#/executions/" + id;
}

void Notifier::OnEvent(const engine::ExecutionEvent& event,
                       const std::function<void(std::string_view)>& log) {
  const std::vector<std::string> names = RuleEventsOf(event);
  const std::string url = ExecutionUrl(event.execution.id);
  std::optional<store::ApprovalRecord> approval;
  if (event.type == engine::EventType::kApprovalWaiting && event.node) {
    auto got = store_.approvals().GetApproval(event.execution.id, event.node->path);
    if (got.ok()) approval = *std::move(got);
  }
  const EventText text =
      DescribeEvent(event, clock_.NowMillis(), url, approval ? &*approval : nullptr);

  const DeliveryContext context{project_, &store_.auth(),   mailer_,
                                clock_,   options_.secrets, options_.webhook};

  // The approvers hear of a request whatever the rules say.
  if (approval) {
    std::vector<std::string> problems;
    pipeline::NotificationMethod approvers;
    approvers.type = "Email";
    approvers.recipients =
        GroupAddresses(project_, &store_.auth(), approval->user_groups, &problems);
    for (const std::string& p : problems) log("[sluice] warning: approval notification: " + p);
    if (approvers.recipients.empty()) {
      log("[sluice] warning: approval notification: the approvers' groups have no e-mail "
          "addresses; nobody was told");
    } else {
      (void)Deliver(approvers, {"approval request to the approvers", text.subject, text.body, {}},
                    context, log);
    }
  }

  for (const pipeline::NotificationRule& rule : event.pipeline.notification_rules) {
    if (!rule.enabled) continue;
    const std::string matched = Matches(rule, event, names);
    if (matched.empty()) continue;
    const Notification n{"notification \"" + rule.name + "\" (" + matched + ")", text.subject,
                         text.body, WebhookPayload(event, matched, text, url)};
    (void)Deliver(rule.method, n, context, log);
  }
}

ProjectNotifier::ProjectNotifier(const pipeline::Project& project, store::Store& store,
                                 const secrets::SecretStore& secrets, const Clock& clock,
                                 NotifierOptions options)
    : mailer_(project.smtp, project.root, options.state_dir,
              [&secrets](const std::string& id) { return secrets.Get(id); }),
      notifier_(project, store, mailer_, clock, WithSecrets(std::move(options), secrets)) {}

}  // namespace sluice::notify
