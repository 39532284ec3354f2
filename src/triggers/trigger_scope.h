// What `<+trigger.*>` expressions see (harness-semantics §5.5), for
// conditions (conditions.h), inputYaml (trigger_inputs.h) and, through
// TriggerDocument, every expression of the run a trigger starts.
//
//   trigger.type           "Webhook" | "Scheduled" (the trigger's source type)
//   trigger.triggerName, trigger.identifier   the trigger's name and identifier
//   trigger.event          "PUSH" | "PR" | GitHub's event in upper case; null for Custom and cron
//   trigger.branch         push: the pushed branch; PR: the source branch
//   trigger.sourceBranch, trigger.targetBranch, trigger.tag
//   trigger.commitSha, trigger.baseCommitSha (push: `after` / `before`; PR: head / base SHA)
//   trigger.prNumber, trigger.prTitle
//   trigger.gitUser        sender.login;  trigger.repoUrl;  trigger.sourceRepo "GITHUB" | "CUSTOM"
//   trigger.payload.x.y    the raw JSON body; <+eventPayload.x.y> is the older alias
//   trigger.header['X-GitHub-Event']   a request header, case-insensitive
// Values a delivery does not have are null (a push has no prNumber), as is
// a header it did not send; a payload path that does not exist is a
// NotFound naming it. A scheduled fire has no event: only type (and the
// trigger's name and identifier) are set, payload is null. Secrets cannot
// be read here (the run reads them).
//
// The scope borrows the trigger and the event: both must outlive it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "expr/expr.h"
#include "triggers/event.h"
#include "triggers/trigger.h"

namespace sluice::triggers {

// The names above, for messages.
inline constexpr std::string_view kTriggerValueNames =
    "trigger.type, triggerName, identifier, event, branch, sourceBranch, targetBranch, tag, "
    "commitSha, baseCommitSha, prNumber, prTitle, gitUser, repoUrl, sourceRepo, payload.<path>, "
    "header['<name>']";

class TriggerScope final : public expr::Scope {
 public:
  // `event` is null for a scheduled fire.
  TriggerScope(const Trigger& trigger, const WebhookEvent* event);

  Result<expr::Value> Lookup(const std::vector<std::string>& path) const override;
  Result<std::string> GetSecret(std::string_view id) const override;

 private:
  const WebhookEvent* event_;
  expr::Value fields_;  // everything but payload and header
};

// The values above as one JSON document, the `trigger` of a triggered
// run's expressions (engine/context.h) and what its execution record keeps
// (store::ExecutionRecord::trigger): the fields, `payload` (the event's
// JSON, null for a scheduled fire) and `header`, an object of the headers
// as received except credentials (IsCredentialHeader, common/text.h: a
// signature or token must never reach a record or a step). Persisted with
// executions: a change of shape must keep reading older records.
nlohmann::json TriggerDocument(const Trigger& trigger, const WebhookEvent* event);

// The `trigger.<name>` references of `text` whose name is not one of the
// above ("trigger.changedFiles"), for validation warnings.
std::vector<std::string> UnknownTriggerReferences(std::string_view text);

}  // namespace sluice::triggers
