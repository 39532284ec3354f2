#include "scan/secret_allowlist.h"

#include <yaml-cpp/yaml.h>

#include <utility>

namespace sluice::scan::internal {

namespace {

// Where an error points: "<file>:<line>:<col>: " from a node's mark.
std::string At(std::string_view file, const YAML::Node& node) {
  std::string out(file);
  const YAML::Mark mark = node.Mark();
  if (!mark.is_null() && mark.line >= 0) {
    out += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  return out + ": ";
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

Result<std::string> ScalarField(std::string_view file, const YAML::Node& node,
                                const std::string& where) {
  if (!node.IsScalar()) {
    return Status::InvalidArgument(At(file, node) + where + ": must be a string");
  }
  return node.Scalar();
}

Result<std::unique_ptr<RE2>> CompileField(std::string_view file, const YAML::Node& node,
                                          const std::string& where) {
  SLUICE_ASSIGN_OR_RETURN(std::string pattern, ScalarField(file, node, where));
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) {
    return Status::InvalidArgument(At(file, node) + where + ": invalid regex " + Quoted(pattern) +
                                   ": " + re->error());
  }
  return re;
}

Result<AllowRule> ParseAllowRule(std::string_view file, const YAML::Node& entry, size_t index) {
  std::string where = "allow-rules[" + std::to_string(index) + "]";
  if (!entry.IsMap()) {
    return Status::InvalidArgument(At(file, entry) + where +
                                   ": must be a mapping with id, path and/or regex");
  }
  AllowRule rule;
  if (const YAML::Node id = entry["id"]; id) {
    SLUICE_ASSIGN_OR_RETURN(rule.id, ScalarField(file, id, where + ".id"));
    where += " (" + Quoted(rule.id) + ")";
  }
  for (const auto& kv : entry) {
    const std::string key = kv.first.Scalar();
    if (key == "id" || key == "description") continue;
    if (key == "path") {
      SLUICE_ASSIGN_OR_RETURN(rule.path, CompileField(file, kv.second, where + ": path"));
    } else if (key == "regex") {
      SLUICE_ASSIGN_OR_RETURN(rule.secret, CompileField(file, kv.second, where + ": regex"));
    } else {
      return Status::InvalidArgument(At(file, kv.first) + where + ": unknown field " + Quoted(key) +
                                     " (fields: id, description, path, regex)");
    }
  }
  if (!rule.path && !rule.secret) {
    return Status::InvalidArgument(At(file, entry) + where +
                                   ": needs a path or a regex (an empty entry would allow "
                                   "every secret)");
  }
  return rule;
}

Status ParseDisabled(std::string_view file, const YAML::Node& list,
                     const std::set<std::string>& known_rules, SecretAllowlist& out) {
  if (!list.IsSequence()) {
    return Status::InvalidArgument(At(file, list) + "disable-rules: must be a list of rule ids");
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = "disable-rules[" + std::to_string(i) + "]";
    SLUICE_ASSIGN_OR_RETURN(std::string id, ScalarField(file, list[i], where));
    if (!known_rules.count(id)) {
      std::string known;
      for (const auto& k : known_rules) known += (known.empty() ? "" : ", ") + k;
      return Status::InvalidArgument(At(file, list[i]) + where + ": no built-in rule " +
                                     Quoted(id) + " (rules: " + known + ")");
    }
    out.disabled_rules.insert(id);
  }
  return Status::Ok();
}

Result<SecretAllowlist> ParseRoot(std::string_view file, const YAML::Node& root,
                                  const std::set<std::string>& known_rules) {
  SecretAllowlist out;
  if (!root.IsDefined() || root.IsNull()) return out;
  if (!root.IsMap()) {
    return Status::InvalidArgument(At(file, root) +
                                   "must be a mapping with disable-rules and/or allow-rules");
  }
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    if (key == "disable-rules") {
      SLUICE_RETURN_IF_ERROR(ParseDisabled(file, kv.second, known_rules, out));
    } else if (key == "allow-rules") {
      if (!kv.second.IsSequence()) {
        return Status::InvalidArgument(At(file, kv.second) + "allow-rules: must be a list");
      }
      for (size_t i = 0; i < kv.second.size(); ++i) {
        SLUICE_ASSIGN_OR_RETURN(AllowRule rule, ParseAllowRule(file, kv.second[i], i));
        out.allow_rules.push_back(std::move(rule));
      }
    } else if (key == "rules") {
      return Status::InvalidArgument(At(file, kv.first) +
                                     "rules: custom secret rules are not supported (only "
                                     "disable-rules and allow-rules)");
    } else {
      return Status::InvalidArgument(At(file, kv.first) + "unknown key " + Quoted(key) +
                                     " (keys: disable-rules, allow-rules)");
    }
  }
  return out;
}

}  // namespace

bool SecretAllowlist::Allows(std::string_view path, std::string_view secret) const {
  for (const AllowRule& rule : allow_rules) {
    if (rule.path && !RE2::PartialMatch(path, *rule.path)) continue;
    if (rule.secret && !RE2::PartialMatch(secret, *rule.secret)) continue;
    return true;
  }
  return false;
}

Result<SecretAllowlist> ParseSecretAllowlist(std::string_view yaml, std::string_view name,
                                             const std::set<std::string>& known_rules) {
  const std::string file = name.empty() ? "secret allowlist" : std::string(name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
    return ParseRoot(file, root, known_rules);
  } catch (const YAML::ParserException& e) {
    std::string where = file;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Status::InvalidArgument(where + ": invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(file + ": invalid YAML: " + e.what());
  }
}

}  // namespace sluice::scan::internal
