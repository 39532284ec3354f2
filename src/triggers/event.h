// A webhook delivery normalised for trigger conditions and inputYaml
// (harness-semantics §8.3, §5.5).
//
// GitHub push (X-GitHub-Event: push):
//   ref "refs/heads/main" → branch, source and target branch "main" (for a
//   push both are the pushed branch, §8.3); "refs/tags/v1" → tag "v1" and
//   no branch. commit_sha = `after`, base_commit_sha = `before`. Changed
//   files are the union of added, modified and removed over `commits`, in
//   first-seen order (GitHub lists at most 20 commits in a push payload,
//   so a larger push may name fewer files than it changed).
// GitHub pull_request: action ("opened", "synchronize", ...), source
//   branch = pull_request.head.ref (also `branch`), target branch =
//   pull_request.base.ref, number, title, head SHA (commit_sha) and base
//   SHA. The payload does not list the changed files, so changed_files is
//   unknown (nullopt): a changedFiles condition cannot be decided for a pull
//   request and does not match, saying why.
// Any other GitHub event (ping, issues, ...) is kept with kind kOther: no
//   trigger fires on it.
// Custom: any JSON body; only the payload and headers are known.
//
// Header names compare case-insensitively (Header()). Parsing never throws:
// a body that is not JSON, a payload of the wrong shape (push without a
// string `ref`, a pull_request without `pull_request.head.ref`), or a body
// over the size limit is an InvalidArgument that says what was expected.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::triggers {

// GitHub caps webhook payloads at 25 MB; a larger body is refused unread.
inline constexpr size_t kMaxPayloadBytes = 25 * 1024 * 1024;

using Headers = std::vector<std::pair<std::string, std::string>>;

enum class EventKind { kPush, kPullRequest, kOther, kCustom };

struct WebhookEvent {
  EventKind kind = EventKind::kCustom;
  std::string
      github_event;  // the X-GitHub-Event value: "push", "pull_request", "ping"; "" for Custom
  std::string delivery_id;  // X-GitHub-Delivery, "" when absent
  std::string action;       // pull_request: "opened", "synchronize", ...
  std::string branch;       // push: the pushed branch; PR: the source branch
  std::string tag;          // push of a tag
  std::string source_branch;
  std::string target_branch;
  std::string commit_sha;
  std::string base_commit_sha;
  int64_t pr_number = 0;  // 0 = none
  std::string pr_title;
  std::string repo_name;                                  // "owner/name" (repository.full_name)
  std::string repo_url;                                   // repository.clone_url, else html_url
  std::string sender;                                     // sender.login
  std::optional<std::vector<std::string>> changed_files;  // nullopt = unknown
  nlohmann::json payload;
  Headers headers;

  // The value of header `name` (case-insensitive), nullopt when absent.
  std::optional<std::string> Header(std::string_view name) const;
  // "push", "pull_request", "custom" — for messages and records.
  std::string TypeName() const;
};

// Parses a GitHub delivery. `event_name` is the X-GitHub-Event value; when
// empty, it is read from `headers`.
Result<WebhookEvent> ParseGithubEvent(std::string_view event_name, std::string_view body,
                                      Headers headers, size_t max_bytes = kMaxPayloadBytes);

// Parses a Custom webhook delivery: any JSON value.
Result<WebhookEvent> ParseCustomEvent(std::string_view body, Headers headers,
                                      size_t max_bytes = kMaxPayloadBytes);

// Maps a PullRequest trigger action (Open, Synchronize, ...) to GitHub's
// action name (opened, synchronize, ...); "" for an unknown one.
std::string_view GithubActionName(std::string_view trigger_action);

}  // namespace sluice::triggers
