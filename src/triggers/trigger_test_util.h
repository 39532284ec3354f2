// Helpers shared by the trigger tests: triggers from YAML text, and GitHub
// payloads with the fields the module reads.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "triggers/event.h"
#include "triggers/trigger.h"

namespace sluice::triggers::testing {

// Parses `yaml` (a whole `trigger:` document); a parse error fails the test.
inline Trigger MustParse(const std::string& yaml) {
  DiagnosticList diags;
  std::optional<Trigger> t = ParseTriggerText(yaml, "t.yaml", &diags);
  for (const Diagnostic& d : diags.items())
    ADD_FAILURE() << d.location.ToString() << ": " << d.message;
  EXPECT_TRUE(t.has_value());
  return t.value_or(Trigger{});
}

// A Github trigger of `type` (Push | PullRequest) whose spec ends with `extra`
// (YAML lines indented by 12 spaces).
inline std::string GithubTrigger(const std::string& type, const std::string& extra = "") {
  return "trigger:\n"
         "  identifier: t1\n"
         "  pipelineIdentifier: train\n"
         "  source:\n"
         "    type: Webhook\n"
         "    spec:\n"
         "      type: Github\n"
         "      spec:\n"
         "        type: " +
         type +
         "\n"
         "        spec:\n"
         "          connectorRef: github\n" +
         extra;
}

inline constexpr char kPushPayload[] = R"({
  "ref": "refs/heads/main",
  "before": "1111111111111111111111111111111111111111",
  "after": "2222222222222222222222222222222222222222",
  "repository": {"name": "ml", "full_name": "acme/ml", "clone_url": "https://github.com/acme/ml.git"},
  "sender": {"login": "alice"},
  "commits": [
    {"id": "a", "added": ["models/new.py"], "modified": ["README.md"], "removed": []},
    {"id": "b", "added": [], "modified": ["models/new.py", "train.py"], "removed": ["old.txt"]}
  ]
})";

inline constexpr char kPullRequestPayload[] = R"({
  "action": "opened",
  "number": 42,
  "pull_request": {
    "number": 42,
    "title": "Better model",
    "head": {"ref": "feature/x", "sha": "3333333333333333333333333333333333333333"},
    "base": {"ref": "main", "sha": "4444444444444444444444444444444444444444"}
  },
  "repository": {"name": "ml", "full_name": "acme/ml", "clone_url": "https://github.com/acme/ml.git"},
  "sender": {"login": "bob"}
})";

inline WebhookEvent Push(const std::string& body = kPushPayload) {
  auto e =
      ParseGithubEvent("push", body, {{"X-GitHub-Event", "push"}, {"X-GitHub-Delivery", "d-1"}});
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? *e : WebhookEvent{};
}

inline WebhookEvent PullRequest(const std::string& body = kPullRequestPayload) {
  auto e = ParseGithubEvent("pull_request", body, {{"X-GitHub-Event", "pull_request"}});
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? *e : WebhookEvent{};
}

}  // namespace sluice::triggers::testing
