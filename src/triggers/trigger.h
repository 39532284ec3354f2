// Harness triggers (harness-semantics §8): the typed form of
// `.harness/triggers/*.yaml` and how it is read.
//
// FORMAT (one `trigger:` document per file, v0 schema):
//   trigger:
//     name: Train on push            # default: the identifier
//     identifier: train_on_push      # required, unique in the project
//     enabled: true                  # default true
//     description / tags / orgIdentifier / projectIdentifier
//     pipelineIdentifier: train      # required; a pipeline of the project
//     pipelineBranchName: main       # kept; sluice runs the pipeline files it has
//     inputYaml: |                   # a `pipeline:` runtime-input document
//       pipeline: {identifier: train, properties: {ci: {codebase: {build:
//         {type: branch, spec: {branch: <+trigger.branch>}}}}}}
//     inputSetRefs: [nightly]        # input sets, applied before inputYaml
//     encryptedWebhookSecretIdentifier: github_webhook   # the signing secret
//     source:
//       type: Webhook                # or Scheduled
//       spec:
//         type: Github               # or Custom
//         spec:
//           type: Push               # or PullRequest (Github only)
//           spec:
//             connectorRef: github
//             autoAbortPreviousExecutions: false
//             actions: [Open, Synchronize]        # PullRequest only; empty = all
//             payloadConditions: [{key: targetBranch, operator: Equals, value: main}]
//             headerConditions:
//               - {key: "<+trigger.header['X-GitHub-Event']>", operator: Equals, value: push}
//             jexlCondition: <+trigger.payload.sender.login> != "bot"
// A Custom webhook's spec holds payloadConditions, headerConditions and
// jexlCondition directly (`source.spec.spec`). A schedule:
//     source:
//       type: Scheduled
//       spec:
//         type: Cron
//         spec: {type: UNIX, expression: "0 3 * * *", timezone: Europe/London}
// (type QUARTZ for 6-7 fields, cron.h; timezone defaults to UTC.)
//
// THE SIGNING SECRET: `encryptedWebhookSecretIdentifier` names a secret of
// sluice's secret store (`sluice secret set <id>`; "org."/"account."
// prefixes are accepted as for <+secrets.getValue>). When it is set, a
// GitHub delivery must carry a valid X-Hub-Signature-256 made with that
// secret (signature.h) or the trigger does not fire.
//
// Parsing never stops at the first problem and never throws: every problem
// is a diagnostic at file:line:col, and triggers that are usable are
// returned. Operators, actions, event types, cron expressions, time zones,
// regexes, expressions and references to pipelines and input sets are all
// checked here, so `sluice validate` reports them before any event comes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"
#include "pipeline/project.h"
#include "triggers/cron.h"

namespace sluice::triggers {

enum class Operator {
  kEquals,
  kNotEquals,
  kIn,
  kNotIn,
  kStartsWith,
  kEndsWith,
  kContains,
  kDoesNotContain,
  kRegex,
};
std::string_view OperatorName(Operator op);  // "Equals", as written in YAML
std::optional<Operator> ParseOperator(std::string_view name);

// One `{key, operator, value}` of payloadConditions or headerConditions.
struct Condition {
  std::string key;  // sourceBranch | targetBranch | changedFiles | an expression | a path
  Operator op = Operator::kEquals;
  std::string value;
  SourceLocation location;
};

enum class WebhookType { kGithub, kCustom };
enum class GithubEvent { kPush, kPullRequest };

struct WebhookSpec {
  WebhookType type = WebhookType::kGithub;
  GithubEvent event = GithubEvent::kPush;  // Github only
  // PullRequest actions as written (Open, Close, Reopen, Edit, Label,
  // Unlabel, Synchronize, ReadyForReview); empty = every action.
  std::vector<std::string> actions;
  std::string connector_ref;
  std::string repo_name;
  bool auto_abort_previous = false;
  std::vector<Condition> payload_conditions;
  std::vector<Condition> header_conditions;
  std::string jexl_condition;  // "" = none
  SourceLocation jexl_location;
};

struct ScheduleSpec {
  CronSchedule cron;
  std::string time_zone = "UTC";
  SourceLocation location;  // of the expression
};

enum class SourceType { kWebhook, kScheduled };

struct Trigger {
  std::string identifier;
  std::string name;
  std::string description;
  std::map<std::string, std::string> tags;
  bool enabled = true;
  std::string org_identifier;
  std::string project_identifier;
  std::string pipeline_identifier;
  SourceLocation pipeline_location;  // of pipelineIdentifier's value
  std::string pipeline_branch;
  std::string input_yaml;  // "" = none
  SourceLocation input_yaml_location;
  std::vector<std::string> input_set_refs;
  std::string webhook_secret;  // encryptedWebhookSecretIdentifier; "" = none
  SourceType source = SourceType::kWebhook;
  WebhookSpec webhook;    // when source == kWebhook
  ScheduleSpec schedule;  // when source == kScheduled
  std::string file;
  SourceLocation location;

  // "Github Push", "Github PullRequest", "Custom", "Cron 0 3 * * * (UTC)".
  std::string SourceSummary() const;
};

// Parses one `trigger:` document. nullopt when it is unusable (no
// identifier, no recognisable source); other problems are diagnostics on
// a trigger that is still returned.
std::optional<Trigger> ParseTrigger(const YAML::Node& doc, const std::string& file,
                                    DiagnosticList* diags);
// The same from YAML text (syntax errors become diagnostics).
std::optional<Trigger> ParseTriggerText(std::string_view text, const std::string& file,
                                        DiagnosticList* diags);

// Checks a trigger against its project: the pipeline exists (the error
// lists the project's pipelines), input sets exist and belong to it, and
// inputYaml's pipeline identifier matches.
void CheckTriggerReferences(const Trigger& trigger, const pipeline::Project& project,
                            DiagnosticList* diags);

// Reads every `.harness/triggers/*.yaml|yml` of `project` (a directory
// project; none for a single pipeline file), adds their text to
// project->sources (for FormatDiagnostics), parses them, checks their
// references and reports duplicate identifiers. Files are read in name order.
std::vector<Trigger> LoadTriggers(pipeline::Project* project, DiagnosticList* diags);

}  // namespace sluice::triggers
