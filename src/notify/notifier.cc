#include "notify/notifier.h"

#include <algorithm>

#include "common/files.h"
#include "notify/event_text.h"
#include "notify/recipients.h"

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

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// `<+secrets.getValue("id")>` as a whole URL names a secret.
Result<std::string> ResolveUrl(const std::string& url, const SecretLookup& secrets) {
  const std::string prefix = "<+secrets.getValue(\"";
  if (url.rfind(prefix, 0) != 0) return url;
  size_t end = url.find("\")>", prefix.size());
  if (end == std::string::npos || end + 3 != url.size() || !secrets) {
    return Status::InvalidArgument(
        "webhookUrl: only a URL or <+secrets.getValue(\"id\")> is understood");
  }
  return secrets(url.substr(prefix.size(), end - prefix.size()));
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
  if (base.empty() && !options_.state_dir.empty()) {
    auto text = ReadFile(options_.state_dir / "server.json");
    if (text.ok()) {
      auto doc = nlohmann::json::parse(*text, nullptr, false);
      if (doc.is_object() && doc.contains("addr") && doc["addr"].is_string()) {
        base = "http://" + doc["addr"].get<std::string>();
      }
    }
  }
  if (base.empty()) return "";
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/#/executions/" + id;
}

void Notifier::SendEmail(const std::string& what, const std::vector<std::string>& to,
                         const std::string& subject, const std::string& body,
                         const std::function<void(std::string_view)>& log) const {
  MailMessage m;
  m.from_address = mailer_.from_address();
  m.from_name = mailer_.from_name();
  m.to = to;
  m.subject = subject;
  m.body = body;
  m.date_ms = clock_.NowMillis();
  Result<std::string> sent = mailer_.Send(m);
  if (!sent.ok()) {
    log("[sluice] warning: " + what + ": e-mail to " + Joined(to) +
        " not sent: " + sent.status().message());
    return;
  }
  log("[sluice] notify: " + what + ": e-mailed " + Joined(to) + " (" + *sent + ")");
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

  // The approvers hear of a request whatever the rules say.
  if (approval) {
    std::vector<std::string> problems;
    std::vector<std::string> to =
        GroupAddresses(project_, &store_.auth(), approval->user_groups, &problems);
    for (const std::string& p : problems) log("[sluice] warning: approval notification: " + p);
    if (to.empty()) {
      log("[sluice] warning: approval notification: the approvers' groups have no e-mail "
          "addresses; nobody was told");
    } else {
      SendEmail("approval request to the approvers", to, text.subject, text.body, log);
    }
  }

  for (const pipeline::NotificationRule& rule : event.pipeline.notification_rules) {
    if (!rule.enabled) continue;
    const std::string matched = Matches(rule, event, names);
    if (matched.empty()) continue;
    const std::string what = "notification \"" + rule.name + "\" (" + matched + ")";
    if (rule.method == "Email") {
      std::vector<std::string> problems;
      std::vector<std::string> to =
          GroupAddresses(project_, &store_.auth(), rule.user_groups, &problems);
      for (const std::string& r : rule.recipients) {
        if (std::none_of(to.begin(), to.end(), [&](const auto& a) { return a == r; }))
          to.push_back(r);
      }
      for (const std::string& p : problems) log("[sluice] warning: " + what + ": " + p);
      if (to.empty()) {
        log("[sluice] warning: " + what + ": no recipients");
        continue;
      }
      SendEmail(what, to, text.subject, text.body, log);
    } else if (rule.method == "Slack" || rule.method == "Webhook") {
      Result<std::string> target = ResolveUrl(rule.webhook_url, options_.secrets);
      if (!target.ok()) {
        log("[sluice] warning: " + what + ": " + target.status().message());
        continue;
      }
      nlohmann::json payload = rule.method == "Slack"
                                   ? nlohmann::json{{"text", text.subject + "\n" + text.body}}
                                   : WebhookPayload(event, matched, text, url);
      Status posted = PostWebhook(*target, rule.headers, payload.dump(), options_.webhook);
      if (!posted.ok()) {
        log("[sluice] warning: " + what + " not sent: " + posted.message());
      } else {
        log("[sluice] notify: " + what + ": posted to " + RedactedUrl(*target));
      }
    }
  }
}

ProjectNotifier::ProjectNotifier(const pipeline::Project& project, store::Store& store,
                                 const secrets::SecretStore& secrets, const Clock& clock,
                                 NotifierOptions options)
    : mailer_(project.smtp, project.root, options.state_dir,
              [&secrets](const std::string& id) { return secrets.Get(id); }),
      notifier_(project, store, mailer_, clock, WithSecrets(std::move(options), secrets)) {}

}  // namespace sluice::notify
