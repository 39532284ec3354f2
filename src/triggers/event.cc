// Webhook payloads → WebhookEvent (event.h).
#include "triggers/event.h"

#include <set>

#include "common/text.h"

namespace sluice::triggers {

namespace {

using Json = nlohmann::json;

Result<Json> ParseBody(std::string_view body, size_t max_bytes, std::string_view what) {
  if (body.size() > max_bytes) {
    return Status::InvalidArgument(std::string(what) + " payload is " +
                                   std::to_string(body.size()) + " bytes, over the limit of " +
                                   std::to_string(max_bytes) + " bytes; it was not read");
  }
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Find where for the message: nlohmann only says where with exceptions.
    std::string where;
    try {
      Json again = Json::parse(body);
      (void)again;
    } catch (const Json::parse_error& e) {
      where = " (at byte " + std::to_string(e.byte) + ")";
    }
    return Status::InvalidArgument(std::string(what) + " payload is not valid JSON" + where);
  }
  return j;
}

// The string at `path` in `j`, "" when absent or not a string.
std::string StringAt(const Json& j, std::initializer_list<const char*> path) {
  const Json* at = &j;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return "";
    at = &(*at)[key];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

Status WrongShape(std::string_view event, std::string_view what) {
  return Status::InvalidArgument("a GitHub " + std::string(event) + " payload must have " +
                                 std::string(what) + "; is this the right --event?");
}

void CommonFields(WebhookEvent* e) {
  e->repo_name = StringAt(e->payload, {"repository", "full_name"});
  e->repo_url = StringAt(e->payload, {"repository", "clone_url"});
  if (e->repo_url.empty()) e->repo_url = StringAt(e->payload, {"repository", "html_url"});
  e->sender = StringAt(e->payload, {"sender", "login"});
}

Status ReadPush(WebhookEvent* e) {
  const Json& p = e->payload;
  if (!p.is_object() || !p.contains("ref") || !p["ref"].is_string()) {
    return WrongShape("push", "a string \"ref\" (refs/heads/<branch> or refs/tags/<tag>)");
  }
  std::string ref = p["ref"].get<std::string>();
  if (ref.rfind("refs/heads/", 0) == 0) {
    e->branch = ref.substr(11);
    e->source_branch = e->target_branch = e->branch;
  } else if (ref.rfind("refs/tags/", 0) == 0) {
    e->tag = ref.substr(10);
  }
  e->commit_sha = StringAt(p, {"after"});
  e->base_commit_sha = StringAt(p, {"before"});
  std::vector<std::string> files;
  std::set<std::string> seen;
  if (p.contains("commits") && !p["commits"].is_null()) {
    if (!p["commits"].is_array()) return WrongShape("push", "\"commits\" as a list");
    for (const Json& commit : p["commits"]) {
      if (!commit.is_object()) return WrongShape("push", "\"commits\" as a list of objects");
      for (const char* kind : {"added", "modified", "removed"}) {
        if (!commit.contains(kind) || commit[kind].is_null()) continue;
        if (!commit[kind].is_array()) {
          return WrongShape("push",
                            std::string("each commit's \"") + kind + "\" as a list of paths");
        }
        for (const Json& f : commit[kind]) {
          if (f.is_string() && seen.insert(f.get<std::string>()).second)
            files.push_back(f.get<std::string>());
        }
      }
    }
  }
  e->changed_files = std::move(files);
  return Status::Ok();
}

Status ReadPullRequest(WebhookEvent* e) {
  const Json& p = e->payload;
  if (!p.is_object() || !p.contains("pull_request") || !p["pull_request"].is_object()) {
    return WrongShape("pull_request", "a \"pull_request\" object");
  }
  const Json& pr = p["pull_request"];
  e->action = StringAt(p, {"action"});
  e->source_branch = StringAt(pr, {"head", "ref"});
  e->target_branch = StringAt(pr, {"base", "ref"});
  if (e->source_branch.empty() || e->target_branch.empty()) {
    return WrongShape("pull_request", "pull_request.head.ref and pull_request.base.ref");
  }
  e->branch = e->source_branch;
  e->commit_sha = StringAt(pr, {"head", "sha"});
  e->base_commit_sha = StringAt(pr, {"base", "sha"});
  e->pr_title = StringAt(pr, {"title"});
  if (pr.contains("number") && pr["number"].is_number_integer()) {
    e->pr_number = pr["number"].get<int64_t>();
  } else if (p.contains("number") && p["number"].is_number_integer()) {
    e->pr_number = p["number"].get<int64_t>();
  }
  e->changed_files = std::nullopt;  // not in the payload
  return Status::Ok();
}

}  // namespace

std::optional<std::string> WebhookEvent::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (AsciiEqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

std::string WebhookEvent::TypeName() const {
  switch (kind) {
    case EventKind::kPush:
      return "push";
    case EventKind::kPullRequest:
      return "pull_request";
    case EventKind::kOther:
      return github_event;
    case EventKind::kCustom:
      return "custom";
  }
  return "custom";
}

Result<WebhookEvent> ParseGithubEvent(std::string_view event_name, std::string_view body,
                                      Headers headers, size_t max_bytes) {
  WebhookEvent e;
  e.headers = std::move(headers);
  e.github_event =
      event_name.empty() ? e.Header("X-GitHub-Event").value_or("") : std::string(event_name);
  if (e.github_event.empty()) {
    return Status::InvalidArgument(
        "a GitHub delivery needs an X-GitHub-Event header (push, pull_request, ...)");
  }
  e.delivery_id = e.Header("X-GitHub-Delivery").value_or("");
  SLUICE_ASSIGN_OR_RETURN(e.payload, ParseBody(body, max_bytes, "the GitHub " + e.github_event));
  if (e.github_event == "push") {
    e.kind = EventKind::kPush;
    SLUICE_RETURN_IF_ERROR(ReadPush(&e));
  } else if (e.github_event == "pull_request") {
    e.kind = EventKind::kPullRequest;
    SLUICE_RETURN_IF_ERROR(ReadPullRequest(&e));
  } else {
    e.kind = EventKind::kOther;
  }
  if (e.payload.is_object()) CommonFields(&e);
  return e;
}

Result<WebhookEvent> ParseCustomEvent(std::string_view body, Headers headers, size_t max_bytes) {
  WebhookEvent e;
  e.kind = EventKind::kCustom;
  e.headers = std::move(headers);
  e.delivery_id = e.Header("X-GitHub-Delivery").value_or("");
  SLUICE_ASSIGN_OR_RETURN(e.payload, ParseBody(body, max_bytes, "the custom webhook"));
  return e;
}

std::string_view GithubActionName(std::string_view a) {
  if (a == "Open") return "opened";
  if (a == "Close") return "closed";
  if (a == "Reopen") return "reopened";
  if (a == "Edit") return "edited";
  if (a == "Label") return "labeled";
  if (a == "Unlabel") return "unlabeled";
  if (a == "Synchronize") return "synchronize";
  if (a == "ReadyForReview") return "ready_for_review";
  return "";
}

}  // namespace sluice::triggers
