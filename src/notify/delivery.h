// Sending one notification by a `notificationMethod` (pipeline/
// notifications.h), for pipeline notification rules (notifier.h) and alert
// rules (monitor/alerts.h) alike:
//   Email   -> the method's recipients and the e-mail addresses of its user
//              groups' members (recipients.h), through the project's Mailer
//   Slack   -> {"text": subject + "\n" + body} to its webhookUrl
//   Webhook -> the caller's JSON document to its webhookUrl, with its headers
// A webhookUrl may be `<+secrets.getValue("id")>` as a whole (the secret
// holds the URL; a chat tool's webhook path is its credential).
//
// Deliver logs one line: "[sluice] notify: <what>: e-mailed a, b (...)" or
// "... posted to https://host", or a "[sluice] warning: ..." saying why
// nothing went out; the same reason comes back as the error. Logs and
// errors name a webhook by scheme and host only. Thread-safe when the
// context's parts are.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "notify/mailer.h"
#include "notify/webhook.h"
#include "pipeline/notifications.h"
#include "pipeline/project.h"
#include "store/auth_store.h"

namespace sluice::notify {

struct Notification {
  std::string what;  // for the log: `notification "Failures" (PipelineFailed)`
  std::string subject;
  std::string body;
  nlohmann::json webhook_payload;  // the Webhook method's document
};

struct DeliveryContext {
  const pipeline::Project& project;
  const store::AuthStore* users = nullptr;  // sluice users' addresses; may be null
  const Mailer& mailer;
  const Clock& clock;
  SecretLookup secrets;  // resolves a webhookUrl secret; may be empty
  WebhookOptions webhook;
};

using LogLine = std::function<void(std::string_view)>;

Status Deliver(const pipeline::NotificationMethod& method, const Notification& notification,
               const DeliveryContext& context, const LogLine& log);

// Resolves a webhookUrl: a URL as written, or `<+secrets.getValue("id")>`
// as a whole.
Result<std::string> ResolveWebhookUrl(const std::string& url, const SecretLookup& secrets);

}  // namespace sluice::notify
