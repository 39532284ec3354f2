// What `<+trigger.*>` expressions see (harness-semantics §5.5), for
// conditions (conditions.h) and inputYaml (trigger_inputs.h).
//
//   trigger.type           "Webhook" | "Scheduled" (the trigger's source type)
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
// NotFound naming it. Secrets cannot be read here (the run reads them).
//
// The scope borrows the trigger and the event: both must outlive it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "expr/expr.h"
#include "triggers/event.h"
#include "triggers/trigger.h"

namespace sluice::triggers {

// The names above, for messages.
inline constexpr std::string_view kTriggerValueNames =
    "trigger.type, event, branch, sourceBranch, targetBranch, tag, commitSha, baseCommitSha, "
    "prNumber, prTitle, gitUser, repoUrl, sourceRepo, payload.<path>, header['<name>']";

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

// The `trigger.<name>` references of `text` whose name is not one of the
// above ("trigger.changedFiles"), for validation warnings.
std::vector<std::string> UnknownTriggerReferences(std::string_view text);

}  // namespace sluice::triggers
