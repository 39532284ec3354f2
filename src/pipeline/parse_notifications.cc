// `notificationRules:` and `.harness/smtp.yaml` (formats in notifications.h).
#include <algorithm>

#include "pipeline/notifications.h"
#include "pipeline/parse_internal.h"

namespace sluice::pipeline {

using internal::Field;
using internal::Fields;
using internal::FindField;
using internal::ParseContext;

namespace {

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

bool IsStageEvent(std::string_view type) { return type.rfind("Stage", 0) == 0; }

std::vector<NotificationEvent> ParseEvents(const ParseContext& ctx, const Field& field) {
  std::vector<NotificationEvent> events;
  if (!internal::ExpectList(ctx, field)) return events;
  for (const YAML::Node& item : field.value) {
    auto fields = Fields(item);
    if (!item.IsMap()) {
      ctx.Error(ctx.At(item),
                "each pipelineEvents entry is a mapping {type: PipelineFailed}, not " +
                    internal::KindName(item));
      continue;
    }
    internal::WarnUnknownKeys(ctx, fields, {"type", "forStages"}, "pipelineEvents entry");
    auto type = internal::RequireString(ctx, fields, "type", "pipelineEvents entry", item);
    if (!type) continue;
    NotificationEvent e;
    e.type = *type;
    e.location = ctx.At(*FindField(fields, "type"));
    const auto& known = NotificationEventTypes();
    if (std::find(known.begin(), known.end(), e.type) == known.end()) {
      ctx.Error(e.location,
                "unknown notification event \"" + e.type + "\"; use one of " + Joined(known));
      continue;
    }
    if (const Field* stages = FindField(fields, "forStages")) {
      if (!IsStageEvent(e.type) && e.type != "AllEvents") {
        ctx.Warning(ctx.At(*stages),
                    "forStages applies to stage events only (ignored for " + e.type + ")");
      }
      for (std::string& s : internal::GetStringList(ctx, stages)) {
        if (s != "AllStages" && s != "<+input>") e.for_stages.push_back(std::move(s));
      }
    }
    events.push_back(std::move(e));
  }
  return events;
}

// Webhook headers: a map, or a list of {key, value}.
std::map<std::string, std::string> ParseHeaders(const ParseContext& ctx, const Field& field) {
  std::map<std::string, std::string> headers;
  if (field.value.IsMap()) {
    for (const Field& h : Fields(field.value)) {
      headers[h.name] = h.value.IsScalar() ? h.value.Scalar() : std::string();
    }
  } else if (field.value.IsSequence()) {
    for (const YAML::Node& item : field.value) {
      if (!item.IsMap() || !item["key"]) {
        ctx.Error(ctx.At(item), "each header is {key: NAME, value: VALUE}");
        continue;
      }
      headers[item["key"].as<std::string>("")] = item["value"].as<std::string>("");
    }
  } else if (!field.value.IsNull()) {
    ctx.Error(ctx.At(field), "\"headers\" must be a mapping of header names to values");
  }
  return headers;
}

// A `notificationMethod:` mapping.
std::optional<NotificationMethod> ParseMethod(const ParseContext& ctx, const YAML::Node& method) {
  NotificationMethod m;
  auto mfields = Fields(method);
  internal::WarnUnknownKeys(ctx, mfields, {"type", "spec"}, "notificationMethod");
  auto type = internal::RequireString(ctx, mfields, "type", "notificationMethod", method);
  if (!type) return std::nullopt;
  m.type = *type;
  m.location = ctx.At(method);
  const SourceLocation type_at = ctx.At(*FindField(mfields, "type"));
  const Field* spec = FindField(mfields, "spec");
  std::vector<Field> sfields = spec != nullptr ? Fields(spec->value) : std::vector<Field>{};
  if (m.type == "Email") {
    internal::WarnUnknownKeys(ctx, sfields, {"userGroups", "recipients"},
                              "Email notification spec");
    m.user_groups = internal::GetStringList(ctx, FindField(sfields, "userGroups"));
    m.recipients = internal::GetStringList(ctx, FindField(sfields, "recipients"));
    if (m.user_groups.empty() && m.recipients.empty()) {
      ctx.Error(type_at,
                "an Email notification needs spec.recipients (addresses) or "
                "spec.userGroups (.harness/usergroups)");
    }
  } else if (m.type == "Webhook" || m.type == "Slack") {
    internal::WarnUnknownKeys(ctx, sfields, {"webhookUrl", "headers", "userGroups"},
                              m.type + " notification spec");
    m.webhook_url = internal::GetString(ctx, FindField(sfields, "webhookUrl")).value_or("");
    m.user_groups = internal::GetStringList(ctx, FindField(sfields, "userGroups"));
    if (const Field* h = FindField(sfields, "headers")) m.headers = ParseHeaders(ctx, *h);
    if (m.webhook_url.empty()) {
      ctx.Error(type_at, "a " + m.type + " notification needs spec.webhookUrl");
    } else if (m.webhook_url.rfind("http://", 0) != 0 && m.webhook_url.rfind("https://", 0) != 0 &&
               m.webhook_url.rfind("<+", 0) != 0) {
      ctx.Error(ctx.At(*FindField(sfields, "webhookUrl")),
                "webhookUrl must be an http:// or https:// URL");
    }
  } else {
    ctx.Warning(type_at, "notification method \"" + m.type +
                             "\" is not supported (Email, Webhook and Slack are); this rule "
                             "sends nothing");
  }
  return m;
}

std::optional<NotificationRule> ParseRule(const ParseContext& ctx, const YAML::Node& item) {
  if (!item.IsMap()) {
    ctx.Error(ctx.At(item),
              "each notificationRules entry is a mapping, not " + internal::KindName(item));
    return std::nullopt;
  }
  auto fields = Fields(item);
  internal::WarnUnknownKeys(
      ctx, fields, {"name", "identifier", "enabled", "pipelineEvents", "notificationMethod"},
      "notification rule");
  NotificationRule r;
  r.location = ctx.At(item);
  auto name = internal::RequireString(ctx, fields, "name", "notification rule", item);
  r.name = name.value_or("");
  r.identifier = internal::GetString(ctx, FindField(fields, "identifier")).value_or(r.name);
  r.enabled = internal::GetBool(ctx, FindField(fields, "enabled")).value_or(true);
  const Field* events = FindField(fields, "pipelineEvents");
  if (events == nullptr || events->value.IsNull()) {
    ctx.Error(r.location, "notification rule \"" + r.name +
                              "\" needs pipelineEvents: [{type: PipelineFailed}, ...]");
  } else {
    r.events = ParseEvents(ctx, *events);
  }
  const Field* method = FindField(fields, "notificationMethod");
  if (method == nullptr || !method->value.IsMap()) {
    ctx.Error(method ? ctx.At(*method) : r.location,
              "notification rule \"" + r.name +
                  "\" needs notificationMethod: {type: Email | Webhook | Slack, spec: {...}}");
    return std::nullopt;
  }
  auto parsed = ParseMethod(ctx, method->value);
  if (!parsed) return std::nullopt;
  r.method = std::move(*parsed);
  if (!name) return std::nullopt;
  return r;
}

}  // namespace

const std::vector<std::string>& NotificationEventTypes() {
  static const std::vector<std::string> kTypes = {
      "AllEvents",      "PipelineStart", "PipelineSuccess", "PipelineFailed", "PipelineEnd",
      "PipelinePaused", "StageStart",    "StageSuccess",    "StageFailed",    "StepFailed"};
  return kTypes;
}

std::vector<NotificationRule> ParseNotificationRules(const YAML::Node& list,
                                                     const std::string& file,
                                                     DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  std::vector<NotificationRule> rules;
  if (!list || list.IsNull()) return rules;
  if (!list.IsSequence()) {
    ctx.Error(ctx.At(list),
              "\"notificationRules\" must be a list, not " + internal::KindName(list));
    return rules;
  }
  for (const YAML::Node& item : list) {
    if (auto r = ParseRule(ctx, item)) rules.push_back(std::move(*r));
  }
  return rules;
}

std::optional<NotificationMethod> ParseNotificationMethod(const YAML::Node& method,
                                                          const std::string& file,
                                                          DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  if (!method.IsMap()) {
    ctx.Error(ctx.At(method),
              "notificationMethod must be a mapping {type: Email | Webhook | Slack, "
              "spec: {...}}, not " +
                  internal::KindName(method));
    return std::nullopt;
  }
  return ParseMethod(ctx, method);
}

std::optional<SmtpConfig> ParseSmtpConfig(const YAML::Node& doc, const std::string& file,
                                          DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  auto top = Fields(doc);
  const Field* root = internal::EntityRoot(ctx, doc, top, "smtp");
  if (root == nullptr) return std::nullopt;
  auto fields = Fields(root->value);
  internal::WarnUnknownKeys(
      ctx, fields,
      {"host", "port", "fromAddress", "fromName", "useSSL", "startTLS", "username", "passwordRef",
       "caFile", "ehloName", "connectTimeout", "timeout", "delegateSelectors"},
      "smtp",
      {{"password",
        "put the password in a sluice secret "
        "(`sluice secret set NAME`) and name it in passwordRef"}});
  SmtpConfig c;
  c.file = file;
  c.location = ctx.At(root->value);
  bool ok = true;
  auto host = internal::RequireString(ctx, fields, "host", "smtp", root->value);
  auto from = internal::RequireString(ctx, fields, "fromAddress", "smtp", root->value);
  ok = host.has_value() && from.has_value();
  c.host = host.value_or("");
  c.from_address = from.value_or("");
  if (from && from->find('@') == std::string::npos) {
    ctx.Error(ctx.At(*FindField(fields, "fromAddress")),
              "fromAddress must be an e-mail address (name@domain)");
    ok = false;
  }
  c.from_name = internal::GetString(ctx, FindField(fields, "fromName")).value_or("");
  c.use_ssl = internal::GetBool(ctx, FindField(fields, "useSSL")).value_or(false);
  if (const Field* tls = FindField(fields, "startTLS"); tls != nullptr && !tls->value.IsNull()) {
    const std::string v = tls->value.IsScalar() ? tls->value.Scalar() : "";
    if (v == "true") {
      c.start_tls = StartTls::kRequired;
    } else if (v == "opportunistic") {
      c.start_tls = StartTls::kOpportunistic;
    } else if (v == "false") {
      c.start_tls = StartTls::kOff;
    } else {
      ctx.Error(ctx.At(*tls), "startTLS must be true (required), opportunistic or false");
      ok = false;
    }
  }
  if (c.use_ssl && c.start_tls != StartTls::kOff) {
    ctx.Warning(ctx.At(*FindField(fields, "startTLS")),
                "startTLS has no effect with useSSL: true (the connection is TLS from the start)");
  }
  c.port = c.use_ssl ? 465 : 25;
  if (const Field* port = FindField(fields, "port")) {
    if (auto p = internal::GetInt(ctx, port)) {
      if (*p < 1 || *p > 65535) {
        ctx.Error(ctx.At(*port), "port must be between 1 and 65535");
        ok = false;
      } else {
        c.port = *p;
      }
    }
  }
  c.username = internal::GetString(ctx, FindField(fields, "username")).value_or("");
  c.password_ref = internal::GetString(ctx, FindField(fields, "passwordRef")).value_or("");
  if (!c.password_ref.empty() && c.username.empty()) {
    ctx.Error(ctx.At(*FindField(fields, "passwordRef")),
              "passwordRef needs a username to authenticate with");
    ok = false;
  }
  c.ca_file = internal::GetString(ctx, FindField(fields, "caFile")).value_or("");
  c.ehlo_name = internal::GetString(ctx, FindField(fields, "ehloName")).value_or("");
  if (auto t = internal::GetDuration(ctx, FindField(fields, "connectTimeout")))
    c.connect_timeout = *t;
  if (auto t = internal::GetDuration(ctx, FindField(fields, "timeout"))) c.timeout = *t;
  if (!ok) return std::nullopt;
  return c;
}

}  // namespace sluice::pipeline
