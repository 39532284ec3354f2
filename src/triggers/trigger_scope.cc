// TriggerScope (trigger_scope.h).
#include "triggers/trigger_scope.h"

#include <set>

#include "common/text.h"

namespace sluice::triggers {

namespace {

using expr::Value;

Value OrNull(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Walks `root` along path[from...]; `label` names the start in messages.
Result<Value> Walk(const Value& root, const std::vector<std::string>& path, size_t from,
                   std::string label) {
  const Value* node = &root;
  for (size_t i = from; i < path.size(); ++i) {
    const std::string& part = path[i];
    if (node->is_null()) return Value(nullptr);
    if (node->is_object()) {
      auto it = node->find(part);
      if (it == node->end()) return Status::NotFound(label + " has no \"" + part + "\"");
      node = &*it;
    } else if (node->is_array()) {
      size_t index = 0;
      bool numeric = !part.empty() && part.size() < 10 &&
                     part.find_first_not_of("0123456789") == std::string::npos;
      if (numeric) index = std::stoul(part);
      if (!numeric || index >= node->size()) {
        return Status::NotFound(label + " (a list of " + std::to_string(node->size()) +
                                ") has no item \"" + part + "\"");
      }
      node = &(*node)[index];
    } else {
      return Status::NotFound(label + " is not an object, so it has no \"" + part + "\"");
    }
    label += "." + part;
  }
  return *node;
}

// Everything but payload and header.
Value Fields(const Trigger& trigger, const WebhookEvent* event) {
  Value fields = Value::object();
  fields["type"] = trigger.source == SourceType::kScheduled ? "Scheduled" : "Webhook";
  fields["triggerName"] = trigger.name.empty() ? trigger.identifier : trigger.name;
  fields["identifier"] = trigger.identifier;
  for (const char* name :
       {"event", "branch", "sourceBranch", "targetBranch", "tag", "commitSha", "baseCommitSha",
        "prNumber", "prTitle", "gitUser", "repoUrl", "sourceRepo"}) {
    fields[name] = nullptr;
  }
  if (event == nullptr) return fields;
  const WebhookEvent& e = *event;
  if (e.kind == EventKind::kPush) {
    fields["event"] = "PUSH";
  } else if (e.kind == EventKind::kPullRequest) {
    fields["event"] = "PR";
  } else if (e.kind == EventKind::kOther) {
    fields["event"] = Upper(e.github_event);
  }
  fields["branch"] = OrNull(e.branch);
  fields["sourceBranch"] = OrNull(e.source_branch);
  fields["targetBranch"] = OrNull(e.target_branch);
  fields["tag"] = OrNull(e.tag);
  fields["commitSha"] = OrNull(e.commit_sha);
  fields["baseCommitSha"] = OrNull(e.base_commit_sha);
  if (e.pr_number > 0) fields["prNumber"] = e.pr_number;
  fields["prTitle"] = OrNull(e.pr_title);
  fields["gitUser"] = OrNull(e.sender);
  fields["repoUrl"] = OrNull(e.repo_url);
  fields["sourceRepo"] = e.kind == EventKind::kCustom ? "CUSTOM" : "GITHUB";
  return fields;
}

}  // namespace

TriggerScope::TriggerScope(const Trigger& trigger, const WebhookEvent* event)
    : event_(event), fields_(Fields(trigger, event)) {}

nlohmann::json TriggerDocument(const Trigger& trigger, const WebhookEvent* event) {
  nlohmann::json doc = Fields(trigger, event);
  doc["payload"] = event != nullptr ? event->payload : nlohmann::json();
  nlohmann::json headers = nlohmann::json::object();
  if (event != nullptr) {
    for (const auto& [name, value] : event->headers) {
      if (!IsCredentialHeader(name)) headers[name] = value;
    }
  }
  doc["header"] = std::move(headers);
  return doc;
}

Result<Value> TriggerScope::Lookup(const std::vector<std::string>& path) const {
  if (path.empty()) return Status::NotFound("empty reference");
  static const Value kNoPayload = nullptr;
  const Value& payload = event_ != nullptr ? event_->payload : kNoPayload;
  if (path[0] == "eventPayload") return Walk(payload, path, 1, "eventPayload");
  if (path[0] != "trigger") {
    return Status::NotFound("\"" + path[0] +
                            "\" is not known when a trigger is evaluated: use <+trigger.*> (" +
                            std::string(kTriggerValueNames) + ")");
  }
  if (path.size() == 1) return fields_;
  if (path[1] == "payload") return Walk(payload, path, 2, "trigger.payload");
  if (path[1] == "header") {
    if (path.size() == 2) {
      Value all = Value::object();
      if (event_ != nullptr) {
        for (const auto& [k, v] : event_->headers) all[k] = v;
      }
      return all;
    }
    if (path.size() > 3) return Status::NotFound("a header value has no \"" + path[3] + "\"");
    std::optional<std::string> v = event_ != nullptr ? event_->Header(path[2]) : std::nullopt;
    return v ? Value(*v) : Value(nullptr);
  }
  if (!fields_.contains(path[1])) {
    return Status::NotFound("trigger has no \"" + path[1] +
                            "\" (known: " + std::string(kTriggerValueNames) + ")");
  }
  return Walk(fields_, path, 1, "trigger");
}

Result<std::string> TriggerScope::GetSecret(std::string_view id) const {
  return Status::FailedPrecondition(
      "secrets.getValue(\"" + std::string(id) +
      "\") cannot be read while a trigger is evaluated; the run reads it");
}

std::vector<std::string> UnknownTriggerReferences(std::string_view text) {
  static const std::set<std::string> kKnown = {
      "type",         "triggerName", "identifier", "event",         "branch",   "sourceBranch",
      "targetBranch", "tag",         "commitSha",  "baseCommitSha", "prNumber", "prTitle",
      "gitUser",      "repoUrl",     "sourceRepo", "payload",       "header"};
  std::vector<std::string> out;
  for (const expr::Reference& ref : expr::CollectReferences(text)) {
    if (ref.path.size() >= 2 && ref.path[0] == "trigger" && !kKnown.count(ref.path[1])) {
      out.push_back("trigger." + ref.path[1]);
    }
  }
  return out;
}

}  // namespace sluice::triggers
