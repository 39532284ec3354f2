// Deciding whether a webhook trigger fires for an event, and explaining it
// (harness-semantics §8.3).
//
// The checks run in this order; the first that fails decides:
//   1. the trigger is enabled;
//   2. it is a webhook trigger of the event's source (Github / Custom);
//   3. for Github, the event type matches (Push ↔ push, PullRequest ↔
//      pull_request) and, for PullRequest, the action is one of `actions`
//      (empty = all);
//   4. payload conditions, header conditions, then jexlCondition — all of
//      them AND-ed. Every condition is evaluated (so a person sees them all),
//      and the first that failed is the deciding one.
//
// Condition keys: `sourceBranch`, `targetBranch`, `changedFiles`, an
// expression (`<+trigger.payload.repository.name>`, `<+trigger.header['X']>`),
// or a plain path: a payload path `repository.name` in payloadConditions,
// a header name `X-GitHub-Event` in headerConditions. A value the event
// does not have compares as the text "null".
//
// Operators (comparison is case-sensitive, on text): Equals, NotEquals,
// In and NotIn (the value is a comma-separated list, items trimmed),
// StartsWith, EndsWith, Contains, DoesNotContain, Regex (RE2, the whole
// actual value must match — Harness uses Java's full match).
// changedFiles matches when at least one changed file satisfies the
// operator: `NotIn docs/a.md,docs/b.md` fires when something other than
// those files changed, `StartsWith models/` when anything under models/
// did. An empty list of changed files matches nothing; an unknown one
// (pull requests) never matches, with an error saying why.
// A key expression or jexlCondition that fails to evaluate (a payload path
// that does not exist in a jexlCondition, a syntax error) makes its
// condition fail with the error kept, never the whole evaluation.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "triggers/event.h"
#include "triggers/trigger.h"

namespace sluice::triggers {

struct ConditionResult {
  std::string kind;      // "event", "action", "payload", "header", "jexl", "enabled", "source"
  std::string key;       // the condition's key, or the JEXL text
  std::string op;        // "Equals", ...; "" for jexl and the built-in checks
  std::string expected;  // the condition's value
  std::string actual;    // what the event had ("a.py, b.py" for changedFiles)
  bool matched = false;
  std::string error;         // why it could not be evaluated; "" when it could
  std::string matched_item;  // changedFiles: the first file that matched
};

struct TriggerEvaluation {
  std::string trigger_id;
  std::string pipeline_id;
  bool fired = false;
  // "all conditions matched", or the deciding failure in a sentence:
  // "trigger is disabled", "payload condition targetBranch Equals \"main\" failed (actual
  // \"dev\")".
  std::string reason;
  std::vector<ConditionResult> conditions;  // in evaluation order
};

// Evaluates `trigger` (a webhook trigger) against `event`. A scheduled
// trigger never fires on an event (reason says so).
TriggerEvaluation EvaluateTrigger(const Trigger& trigger, const WebhookEvent& event);

// Applies one operator to one actual value. `error` (may be null) receives
// a regex compile error.
bool ApplyOperator(Operator op, const std::string& actual, const std::string& expected,
                   std::string* error = nullptr);

}  // namespace sluice::triggers
