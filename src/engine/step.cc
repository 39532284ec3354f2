#include "engine/step.h"

#include "common/json_util.h"

namespace sluice::engine {

std::filesystem::path StepWorkspace::ToHost(const std::string& path) const {
  std::string full = path;
  if (full.empty() || full[0] != '/') full = working_dir + "/" + full;
  const runner::Mount* best = nullptr;
  for (const runner::Mount& m : mounts) {
    bool under = full == m.target || full.rfind(m.target + "/", 0) == 0;
    if (under && (best == nullptr || m.target.size() > best->target.size())) best = &m;
  }
  if (best == nullptr) return std::filesystem::path(full).lexically_normal();
  std::string rest = full.substr(best->target.size());
  return (std::filesystem::path(best->source) / std::filesystem::path(rest).relative_path()).lexically_normal();
}

Result<expr::Value> StepContext::Resolve(const YAML::Node& field, std::string_view name) const {
  if (!field || field.IsNull()) return expr::Value();
  nlohmann::json raw = pipeline::YamlToJson(field);
  SourceLocation where = pipeline::LocationOf(field, node.location.file);
  // Resolve every string inside (scalars, lists, maps alike); the first error wins.
  std::string error;
  auto resolve = [&](const std::string& text) -> nlohmann::json {
    if (!error.empty() || !expr::HasExpressions(text)) return text;
    auto r = expr::Render(text, scope);
    if (!r.ok()) {
      error = r.status().message();
      return nullptr;
    }
    return *r;
  };
  nlohmann::json resolved = MapStrings(raw, resolve);
  if (!error.empty()) {
    // Point at the failing expression itself when the field is one text (a
    // multi-line script): the message quotes it as <+...>.
    if (field.IsScalar()) {
      size_t open = error.find("<+");
      size_t close = open == std::string::npos ? open : error.find('>', open);
      size_t at = close == std::string::npos ? close : field.Scalar().find(error.substr(open, close - open + 1));
      if (at != std::string::npos) where = pipeline::LocationInScalar(field, at, pipeline);
    }
    return sluice::Status::InvalidArgument(where.ToString() + ": in " + std::string(name) + ": " + error);
  }
  return resolved;
}

Result<std::string> StepContext::ResolveString(const YAML::Node& field, std::string_view name) const {
  SLUICE_ASSIGN_OR_RETURN(expr::Value v, Resolve(field, name));
  if (v.is_null()) return std::string();
  return expr::ToText(v);
}

void StepContext::Log(std::string_view line) const {
  log.OnLine(runner::StreamKind::kStdout, line);
}

StepOutcome StepOutcome::Failure(pipeline::ErrorType type, std::string message) {
  StepOutcome o;
  o.status = NodeStatus::kFailed;
  o.failure_type = type;
  o.failure_message = std::move(message);
  return o;
}

StepOutcome StepOutcome::Error(std::string message) {
  StepOutcome o;
  o.status = NodeStatus::kErrored;
  o.failure_type = pipeline::ErrorType::kUnknown;
  o.failure_message = std::move(message);
  return o;
}

void StepRegistry::Register(std::unique_ptr<StepType> type) {
  std::string key(type->name());
  types_[key] = std::move(type);
}

const StepType* StepRegistry::Find(std::string_view name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : it->second.get();
}

std::vector<std::string> StepRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, type] : types_) names.push_back(name);
  return names;
}

bool StepRegistry::Knows(std::string_view step_type) const { return Find(step_type) != nullptr; }

void StepRegistry::ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                                DiagnosticList* diags) const {
  if (const StepType* t = Find(step.type)) t->ValidateSpec(step, stage, diags);
}

std::vector<std::pair<std::string, YAML::Node>> StepRegistry::Scripts(
    const pipeline::ExecutionNode& step) const {
  const StepType* t = Find(step.type);
  return t == nullptr ? std::vector<std::pair<std::string, YAML::Node>>{} : t->Scripts(step);
}

}  // namespace sluice::engine
