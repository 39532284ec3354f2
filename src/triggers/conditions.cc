// EvaluateTrigger (conditions.h).
#include "triggers/conditions.h"

#include <re2/re2.h>

#include <algorithm>

#include "common/text.h"
#include "expr/expr.h"
#include "triggers/text_util.h"
#include "triggers/trigger_scope.h"

namespace sluice::triggers {

namespace {

bool InList(const std::string& actual, const std::string& list) {
  for (std::string_view item : internal::Split(list, ',')) {
    if (TrimAsciiSpace(item) == actual) return true;
  }
  return false;
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string JoinFiles(const std::vector<std::string>& files) {
  std::string out;
  for (const std::string& f : files) out += (out.empty() ? "" : ", ") + f;
  return out.empty() ? "(none)" : out;
}

// The actual value of a condition key, as text; an error when an
// expression key fails.
Result<std::string> ActualValue(const Condition& c, bool header, const TriggerScope& scope,
                                const WebhookEvent& event) {
  if (expr::HasExpressions(c.key)) {
    Result<expr::Value> v = expr::Render(c.key, scope);
    if (!v.ok()) {
      if (v.status().code() == StatusCode::kNotFound) return std::string("null");
      return v.status();
    }
    return expr::ToText(*v);
  }
  if (header) return event.Header(c.key).value_or("null");
  if (c.key == "sourceBranch") return event.source_branch.empty() ? "null" : event.source_branch;
  if (c.key == "targetBranch") return event.target_branch.empty() ? "null" : event.target_branch;
  // A plain payload path: repository.name.
  std::vector<std::string> path = {"trigger", "payload"};
  for (std::string_view part : internal::Split(c.key, '.')) path.emplace_back(part);
  Result<expr::Value> v = scope.Lookup(path);
  if (!v.ok()) return std::string("null");
  return expr::ToText(*v);
}

ConditionResult Evaluate(const Condition& c, bool header, const TriggerScope& scope,
                         const WebhookEvent& event) {
  ConditionResult r;
  r.kind = header ? "header" : "payload";
  r.key = c.key;
  r.op = std::string(OperatorName(c.op));
  r.expected = c.value;
  if (!header && c.key == "changedFiles") {
    if (!event.changed_files) {
      r.actual = "(unknown)";
      r.error = "the changed files of a " + event.TypeName() +
                " event are not in its payload (GitHub lists them only for pushes)";
      return r;
    }
    r.actual = JoinFiles(*event.changed_files);
    for (const std::string& f : *event.changed_files) {
      if (ApplyOperator(c.op, f, c.value, &r.error)) {
        r.matched = true;
        r.matched_item = f;
        break;
      }
    }
    return r;
  }
  Result<std::string> actual = ActualValue(c, header, scope, event);
  if (!actual.ok()) {
    r.actual = "(error)";
    r.error = actual.status().message();
    return r;
  }
  r.actual = *actual;
  r.matched = ApplyOperator(c.op, r.actual, c.value, &r.error);
  return r;
}

std::string Describe(const ConditionResult& r) {
  if (r.kind == "jexl") {
    return "jexlCondition " + r.key + (r.error.empty() ? " was false" : " failed: " + r.error);
  }
  std::string s = r.kind + " condition " + r.key + " " + r.op + " " + Quote(r.expected) + " failed";
  if (!r.error.empty()) return s + ": " + r.error;
  return s + " (actual " + (r.key == "changedFiles" ? r.actual : Quote(r.actual)) + ")";
}

}  // namespace

bool ApplyOperator(Operator op, const std::string& actual, const std::string& expected,
                   std::string* error) {
  switch (op) {
    case Operator::kEquals:
      return actual == expected;
    case Operator::kNotEquals:
      return actual != expected;
    case Operator::kIn:
      return InList(actual, expected);
    case Operator::kNotIn:
      return !InList(actual, expected);
    case Operator::kStartsWith:
      return actual.rfind(expected, 0) == 0;
    case Operator::kEndsWith:
      return actual.size() >= expected.size() &&
             actual.compare(actual.size() - expected.size(), expected.size(), expected) == 0;
    case Operator::kContains:
      return actual.find(expected) != std::string::npos;
    case Operator::kDoesNotContain:
      return actual.find(expected) == std::string::npos;
    case Operator::kRegex: {
      RE2 re(expected, RE2::Quiet);
      if (!re.ok()) {
        if (error != nullptr)
          *error = "invalid regular expression " + Quote(expected) + ": " + re.error();
        return false;
      }
      return RE2::FullMatch(actual, re);
    }
  }
  return false;
}

TriggerEvaluation EvaluateTrigger(const Trigger& t, const WebhookEvent& event) {
  TriggerEvaluation out;
  out.trigger_id = t.identifier;
  out.pipeline_id = t.pipeline_identifier;
  auto decide = [&](std::string kind, std::string actual, std::string reason) {
    ConditionResult r;
    r.kind = std::move(kind);
    r.actual = std::move(actual);
    out.conditions.push_back(std::move(r));
    out.reason = std::move(reason);
    return out;
  };
  if (!t.enabled) return decide("enabled", "false", "trigger is disabled (enabled: false)");
  if (t.source != SourceType::kWebhook) {
    return decide("source", "Scheduled", "a scheduled trigger does not fire on webhook events");
  }
  const bool custom_event = event.kind == EventKind::kCustom;
  if ((t.webhook.type == WebhookType::kCustom) != custom_event) {
    return decide(
        "source", custom_event ? "Custom" : "Github",
        std::string("trigger listens for ") +
            (t.webhook.type == WebhookType::kCustom ? "Custom webhooks" : "GitHub webhooks") +
            ", this is a " + (custom_event ? "Custom" : "GitHub") + " delivery");
  }
  if (t.webhook.type == WebhookType::kGithub) {
    const bool wants_push = t.webhook.event == GithubEvent::kPush;
    const EventKind wanted = wants_push ? EventKind::kPush : EventKind::kPullRequest;
    ConditionResult type;
    type.kind = "event";
    type.key = "X-GitHub-Event";
    type.expected = wants_push ? "push" : "pull_request";
    type.actual = event.TypeName();
    type.matched = event.kind == wanted;
    out.conditions.push_back(type);
    if (!type.matched) {
      out.reason = std::string("trigger listens for ") + (wants_push ? "Push" : "PullRequest") +
                   " events, this is a " + event.TypeName() + " event";
      return out;
    }
    if (!wants_push && !t.webhook.actions.empty()) {
      ConditionResult action;
      action.kind = "action";
      action.key = "action";
      action.op = "In";
      for (const std::string& a : t.webhook.actions) {
        action.expected += (action.expected.empty() ? "" : ",") + std::string(GithubActionName(a));
      }
      action.actual = event.action;
      action.matched = InList(event.action, action.expected);
      out.conditions.push_back(action);
      if (!action.matched) {
        out.reason = "pull request action \"" + event.action +
                     "\" is not one of the trigger's actions (" + action.expected + ")";
        return out;
      }
    }
  }
  TriggerScope scope(t, &event);
  for (const Condition& c : t.webhook.payload_conditions)
    out.conditions.push_back(Evaluate(c, false, scope, event));
  for (const Condition& c : t.webhook.header_conditions)
    out.conditions.push_back(Evaluate(c, true, scope, event));
  if (!TrimAsciiSpace(t.webhook.jexl_condition).empty()) {
    ConditionResult r;
    r.kind = "jexl";
    r.key = t.webhook.jexl_condition;
    Result<bool> v = expr::EvaluateCondition(t.webhook.jexl_condition, scope);
    if (v.ok()) {
      r.matched = *v;
      r.actual = *v ? "true" : "false";
    } else {
      r.actual = "(error)";
      r.error = v.status().message();
    }
    out.conditions.push_back(std::move(r));
  }
  auto failed = std::find_if(out.conditions.begin(), out.conditions.end(),
                             [](const ConditionResult& r) { return !r.matched; });
  out.fired = failed == out.conditions.end();
  out.reason = out.fired ? "all conditions matched" : Describe(*failed);
  return out;
}

}  // namespace sluice::triggers
