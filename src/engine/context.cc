#include "engine/context.h"

#include "common/text.h"
#include "engine/deployment_context.h"

namespace sluice::engine {

void ExpressionDocument::Set(const JsonPointer& where, nlohmann::json value) {
  std::lock_guard<std::mutex> lock(mu_);
  root_[where] = std::move(value);
}

nlohmann::json ExpressionDocument::Get(const JsonPointer& where) const {
  std::lock_guard<std::mutex> lock(mu_);
  return root_.contains(where) ? root_.at(where) : nlohmann::json();
}

nlohmann::json ExpressionDocument::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return root_;
}

Result<nlohmann::json> ExpressionDocument::Walk(const JsonPointer& start,
                                                const std::vector<std::string>& path,
                                                size_t from) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!root_.contains(start)) return Status::NotFound("nothing is in scope here");
  const nlohmann::json* node = &root_.at(start);
  std::string walked;
  for (size_t i = 0; i < from; ++i) walked += (walked.empty() ? "" : ".") + path[i];
  for (size_t i = from; i < path.size(); ++i) {
    const std::string& part = path[i];
    // A known node without a value yet (a step that has not run) is null.
    if (node->is_null()) return nlohmann::json();
    if (node->is_object()) {
      auto it = node->find(part);
      if (it == node->end()) {
        return Status::NotFound((walked.empty() ? std::string("the context") : walked) +
                                " has no \"" + part + "\"");
      }
      node = &*it;
    } else if (node->is_array()) {
      char* end = nullptr;
      long idx = std::strtol(part.c_str(), &end, 10);
      if (part.empty() || *end != '\0' || idx < 0 || static_cast<size_t>(idx) >= node->size()) {
        return Status::NotFound(walked + " has no element " + part);
      }
      node = &(*node)[static_cast<size_t>(idx)];
    } else {
      return Status::NotFound(walked + " is a value, not an object (cannot take \"" + part + "\")");
    }
    walked += (walked.empty() ? "" : ".") + part;
  }
  return *node;
}

Result<std::string> SecretResolver::Get(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(id);
  if (it != cache_.end()) return it->second;
  auto value = store_.Get(std::string(id));
  if (!value.ok()) return value.status();
  masker_.Add(*value);
  cache_.emplace(std::string(id), *value);
  return *value;
}

namespace {

// <+trigger.*> and <+eventPayload.*>: null throughout for a manual run;
// header names compare without case, an absent header is null.
Result<expr::Value> LookupTrigger(const ExpressionDocument& doc,
                                  const std::vector<std::string>& path) {
  const JsonPointer trigger("/trigger");
  if (doc.Get(trigger).is_null()) return expr::Value(nullptr);
  if (path[0] == "eventPayload") return doc.Walk(trigger / "payload", path, 1);
  if (path.size() == 3 && path[1] == "header") {
    const nlohmann::json headers = doc.Get(trigger / "header");
    if (headers.is_object()) {
      for (const auto& [name, value] : headers.items()) {
        if (AsciiEqualsIgnoreCase(name, path[2])) return value;
      }
    }
    return expr::Value(nullptr);
  }
  return doc.Walk(JsonPointer(), path, 0);
}

}  // namespace

JsonPointer StagePointer(const std::string& stage_id) {
  return JsonPointer("/pipeline/stages") / stage_id;
}

Result<expr::Value> NodeScope::Lookup(const std::vector<std::string>& path) const {
  if (path.empty()) return Status::InvalidArgument("empty reference");
  const std::string& root = path[0];
  auto relative = [&](const JsonPointer& base, std::string_view what) -> Result<expr::Value> {
    if (base.empty()) {
      return Status::NotFound("\"" + root + "\" is not available here (no current " +
                              std::string(what) + ")");
    }
    return doc_.Walk(base, path, 1);
  };
  if (root == "trigger" || root == "eventPayload") return LookupTrigger(doc_, path);
  if (root == "pipeline" || root == "org" || root == "project" || root == "account" ||
      root == "codebase") {
    return doc_.Walk(JsonPointer(), path, 0);
  }
  if (root == "stage") {
    return relative(pos_.stage_id.empty() ? JsonPointer() : StagePointer(pos_.stage_id), "stage");
  }
  if (root == "execution") {
    return relative(pos_.stage_id.empty() ? JsonPointer()
                                          : StagePointer(pos_.stage_id) / "spec" / "execution",
                    "stage");
  }
  if (IsDeploymentRoot(root)) {
    const JsonPointer base =
        pos_.stage_id.empty() ? JsonPointer() : DeploymentPointer(pos_.stage_id);
    if (base.empty() || doc_.Get(base).is_null()) {
      return Status::NotFound("\"" + root +
                              "\" is only known inside a Deployment stage (its service, "
                              "environment and infrastructure)");
    }
    return doc_.Walk(base, path, 0);
  }
  if (root == "steps") return relative(pos_.steps, "step list");
  if (root == "step") return relative(pos_.step, "step");
  if (root == "stepGroup") return relative(pos_.step_group, "step group");
  if (root == "strategy" || root == "matrix" || root == "repeat") {
    return Status::Unimplemented("\"" + root + "\" expressions need looping strategies, which are not supported yet");
  }
  return Status::NotFound("unknown expression root \"" + root +
                          "\" (known: pipeline, stage, step, steps, stepGroup, execution, "
                          "codebase, trigger, secrets, org, project, account; in Deployment "
                          "stages service, serviceVariables, env, infra, artifact, artifacts)");
}

Result<std::string> NodeScope::GetSecret(std::string_view id) const { return secrets_.Get(id); }

}  // namespace sluice::engine
