#include "steps/spec_check.h"

#include "common/duration.h"
#include "expr/expr.h"
#include "pipeline/project.h"

namespace sluice::steps {

SpecChecker::SpecChecker(const pipeline::ExecutionNode& step, DiagnosticList* diags)
    : step_(step), spec_(step.spec), diags_(diags) {}

SourceLocation SpecChecker::Where(const YAML::Node& at) const {
  if (at && at.Mark().line >= 0) return pipeline::LocationOf(at, step_.location.file);
  return step_.location;
}

void SpecChecker::Error(const YAML::Node& at, std::string message) {
  diags_->Error(Where(at), std::move(message));
}

void SpecChecker::Warning(const YAML::Node& at, std::string message) {
  diags_->Warning(Where(at), std::move(message));
}

bool SpecChecker::RequireSpec() {
  if (spec_ && spec_.IsMap()) return true;
  if (!spec_ || spec_.IsNull()) {
    diags_->Error(step_.location, "step " + step_.identifier + " (" + step_.type +
                                      ") needs a spec mapping");
  } else {
    Error(spec_, "spec of step " + step_.identifier + " must be a mapping");
  }
  return false;
}

bool SpecChecker::RequireScalar(const YAML::Node& parent, std::string_view key, std::string_view where) {
  YAML::Node v = parent[std::string(key)];
  if (!v || v.IsNull()) {
    Error(parent, std::string(where) + " is missing required field \"" + std::string(key) + "\"");
    return false;
  }
  if (!v.IsScalar()) {
    Error(v, std::string(where) + "." + std::string(key) + " must be a single value");
    return false;
  }
  return true;
}

bool SpecChecker::OptionalScalar(const YAML::Node& parent, std::string_view key, std::string_view where) {
  YAML::Node v = parent[std::string(key)];
  if (!v || v.IsNull() || v.IsScalar()) return true;
  Error(v, std::string(where) + "." + std::string(key) + " must be a single value");
  return false;
}

bool SpecChecker::OptionalSequence(const YAML::Node& parent, std::string_view key, std::string_view where) {
  YAML::Node v = parent[std::string(key)];
  if (!v || v.IsNull() || v.IsSequence()) return true;
  if (v.IsScalar() && expr::HasExpressions(v.Scalar())) return true;
  Error(v, std::string(where) + "." + std::string(key) + " must be a list");
  return false;
}

bool SpecChecker::OptionalMapping(const YAML::Node& parent, std::string_view key, std::string_view where) {
  YAML::Node v = parent[std::string(key)];
  if (!v || v.IsNull() || v.IsMap()) return true;
  if (v.IsScalar() && expr::HasExpressions(v.Scalar())) return true;
  Error(v, std::string(where) + "." + std::string(key) + " must be a mapping");
  return false;
}

void SpecChecker::WarnUnknownKeys(const YAML::Node& node, std::initializer_list<std::string_view> known,
                                  std::string_view where) {
  if (!node || !node.IsMap()) return;
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>("");
    bool ok = false;
    for (std::string_view k : known) ok = ok || k == key;
    if (!ok) {
      Warning(kv.first, "unknown key \"" + key + "\" in " + std::string(where) + " (ignored)");
    }
  }
}

void SpecChecker::CheckOneOf(const YAML::Node& parent, std::string_view key,
                             std::initializer_list<std::string_view> allowed, std::string_view where) {
  YAML::Node v = parent[std::string(key)];
  if (!v || !v.IsScalar()) return;
  std::string value = v.Scalar();
  if (expr::HasExpressions(value)) return;
  std::string list;
  for (std::string_view a : allowed) {
    if (a == value) return;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  Error(v, std::string(where) + "." + std::string(key) + " \"" + value + "\" is not supported (use one of: " +
               list + ")");
}

void SpecChecker::CheckDuration(const YAML::Node& parent, std::string_view key) {
  YAML::Node v = parent[std::string(key)];
  if (!v || !v.IsScalar() || expr::HasExpressions(v.Scalar())) return;
  auto d = ParseDuration(v.Scalar());
  if (!d.ok()) Error(v, d.status().message());
}

}  // namespace sluice::steps
