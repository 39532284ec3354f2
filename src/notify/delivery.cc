#include "notify/delivery.h"

#include <algorithm>

#include "notify/mail_message.h"
#include "notify/recipients.h"

namespace sluice::notify {

namespace {

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

Status Warn(const LogLine& log, const std::string& what, const std::string& why) {
  log("[sluice] warning: " + what + ": " + why);
  return Status::IoError(what + ": " + why);
}

Status SendEmail(const pipeline::NotificationMethod& method, const Notification& n,
                 const DeliveryContext& ctx, const LogLine& log) {
  std::vector<std::string> problems;
  std::vector<std::string> to =
      GroupAddresses(ctx.project, ctx.users, method.user_groups, &problems);
  for (const std::string& r : method.recipients) {
    if (std::find(to.begin(), to.end(), r) == to.end()) to.push_back(r);
  }
  for (const std::string& p : problems) log("[sluice] warning: " + n.what + ": " + p);
  if (to.empty()) return Warn(log, n.what, "no recipients");
  MailMessage m;
  m.from_address = ctx.mailer.from_address();
  m.from_name = ctx.mailer.from_name();
  m.to = to;
  m.subject = n.subject;
  m.body = n.body;
  m.date_ms = ctx.clock.NowMillis();
  Result<std::string> sent = ctx.mailer.Send(m);
  if (!sent.ok()) {
    return Warn(log, n.what, "e-mail to " + Joined(to) + " not sent: " + sent.status().message());
  }
  log("[sluice] notify: " + n.what + ": e-mailed " + Joined(to) + " (" + *sent + ")");
  return Status::Ok();
}

Status Post(const pipeline::NotificationMethod& method, const Notification& n,
            const DeliveryContext& ctx, const LogLine& log) {
  Result<std::string> target = ResolveWebhookUrl(method.webhook_url, ctx.secrets);
  if (!target.ok()) return Warn(log, n.what, target.status().message());
  const nlohmann::json payload = method.type == "Slack"
                                     ? nlohmann::json{{"text", n.subject + "\n" + n.body}}
                                     : n.webhook_payload;
  Status posted = PostWebhook(*target, method.headers, payload.dump(), ctx.webhook);
  if (!posted.ok()) return Warn(log, n.what, "not sent: " + posted.message());
  log("[sluice] notify: " + n.what + ": posted to " + RedactedUrl(*target));
  return Status::Ok();
}

}  // namespace

Result<std::string> ResolveWebhookUrl(const std::string& url, const SecretLookup& secrets) {
  const std::string prefix = "<+secrets.getValue(\"";
  if (url.rfind(prefix, 0) != 0) return url;
  size_t end = url.find("\")>", prefix.size());
  if (end == std::string::npos || end + 3 != url.size() || !secrets) {
    return Status::InvalidArgument(
        "webhookUrl: only a URL or <+secrets.getValue(\"id\")> is understood");
  }
  return secrets(url.substr(prefix.size(), end - prefix.size()));
}

Status Deliver(const pipeline::NotificationMethod& method, const Notification& notification,
               const DeliveryContext& context, const LogLine& log) {
  if (method.type == "Email") return SendEmail(method, notification, context, log);
  if (method.type == "Slack" || method.type == "Webhook") {
    return Post(method, notification, context, log);
  }
  return Warn(log, notification.what,
              "notification method \"" + method.type +
                  "\" is not supported (Email, Webhook and Slack are)");
}

}  // namespace sluice::notify
