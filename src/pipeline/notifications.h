// What a project says about notifications: a pipeline's `notificationRules`
// (who hears of which events, and how) and the project's SMTP settings
// (`.harness/smtp.yaml`), as typed values with their source locations.
// Sending is the notify module's business; this is only the parsed YAML.
//
// NOTIFICATION RULES (Harness v0, under `pipeline:`):
//   notificationRules:
//     - name: Failures to the team
//       identifier: failures            # optional; defaults to the name
//       enabled: true                   # default true
//       pipelineEvents:
//         - type: PipelineFailed        # AllEvents | PipelineStart | PipelineSuccess |
//                                       # PipelineFailed | PipelineEnd | PipelinePaused |
//                                       # StageStart | StageSuccess | StageFailed | StepFailed
//         - type: StageFailed
//           forStages: [Train_Model]    # stage events only; absent or AllStages: every stage
//       notificationMethod:
//         type: Email                   # Email | Webhook | Slack (others are warned about)
//         spec:
//           userGroups: [account.ml_team]     # Email and Slack: members' e-mail addresses
//           recipients: [ops@example.com]     # Email
//           webhookUrl: https://hooks...      # Webhook and Slack
//           headers: {X-Token: abc}           # Webhook: a map, or [{key, value}]
//
// SMTP SETTINGS (one document, `.harness/smtp.yaml`; the field names of
// Harness's account-level SMTP configuration where it has them):
//   smtp:
//     host: smtp.example.com          # required
//     port: 587                       # default 25, 465 with useSSL
//     fromAddress: sluice@example.com # required
//     fromName: sluice                # optional display name
//     useSSL: false                   # implicit TLS from the first byte (smtps)
//     startTLS: true                  # true (required) | opportunistic | false
//     username: ci                    # AUTH when set
//     passwordRef: smtp_password      # a sluice secret (`sluice secret set`)
//     caFile: certs/ca.pem            # CA bundle, relative to the project
//     ehloName: ci.example.com        # default: the machine's host name
//     connectTimeout: 10s             # default 10s
//     timeout: 60s                    # whole transaction; default 60s
// Without the file, mail goes to the local Maildir <state>/mail (notify/mail.h).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "common/duration.h"

namespace sluice::pipeline {

struct NotificationEvent {
  // One of the names in the format above (PipelinePaused: a HarnessApproval
  // waits).
  std::string type;
  std::vector<std::string> for_stages;  // empty: every stage
  SourceLocation location;
};

// How a notification is sent: a `notificationMethod:` mapping, shared by
// notification rules and alert rules (alerts.h).
struct NotificationMethod {
  std::string type;                      // Email | Webhook | Slack (others: unusable)
  std::vector<std::string> user_groups;  // as written (`account.` prefixes kept)
  std::vector<std::string> recipients;   // e-mail addresses
  std::string webhook_url;
  std::map<std::string, std::string> headers;
  SourceLocation location;
};

struct NotificationRule {
  std::string name;
  std::string identifier;
  bool enabled = true;
  std::vector<NotificationEvent> events;
  NotificationMethod method;
  SourceLocation location;
};

enum class StartTls { kOff, kOpportunistic, kRequired };

struct SmtpConfig {
  std::string host;
  int port = 25;
  std::string from_address;
  std::string from_name;
  bool use_ssl = false;
  StartTls start_tls = StartTls::kOff;
  std::string username;
  std::string password_ref;  // a secret's identifier, never its value
  std::string ca_file;       // as written; relative paths are from the project root
  std::string ehlo_name;
  Millis connect_timeout{10000};
  Millis timeout{60000};
  std::string file;
  SourceLocation location;
};

// Every event type a rule may name.
const std::vector<std::string>& NotificationEventTypes();

// `notificationRules:` of a pipeline, with diagnostics for unknown event
// types and methods, missing recipients or URLs.
std::vector<NotificationRule> ParseNotificationRules(const YAML::Node& list,
                                                     const std::string& file,
                                                     DiagnosticList* diags);

// A `notificationMethod:` value (the mapping {type, spec}), with
// diagnostics for an unknown type and missing recipients or URL. nullopt
// when it has no type.
std::optional<NotificationMethod> ParseNotificationMethod(const YAML::Node& method,
                                                          const std::string& file,
                                                          DiagnosticList* diags);

// One `smtp:` document (.harness/smtp.yaml). nullopt when unusable.
std::optional<SmtpConfig> ParseSmtpConfig(const YAML::Node& doc, const std::string& file,
                                          DiagnosticList* diags);

}  // namespace sluice::pipeline
