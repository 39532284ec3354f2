#include "steps/lambda_manifest.h"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "pipeline/project.h"
#include "store/function_store.h"

namespace sluice::steps {
namespace {

using nlohmann::json;

Result<json> ParseDocument(std::string_view text, std::string_view file) {
  try {
    YAML::Node node = YAML::Load(std::string(text));
    json doc = pipeline::YamlToJson(node);
    if (!doc.is_object()) {
      return Status::InvalidArgument(std::string(file) + ": a manifest must be an object");
    }
    return doc;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string(file) + ":" + std::to_string(e.mark.line + 1) +
                                   ": not valid JSON or YAML: " + e.msg);
  }
}

// The field named `camel` or its PascalCase form; null when neither.
const json* Field(const json& doc, const std::string& camel) {
  if (auto it = doc.find(camel); it != doc.end()) return &*it;
  std::string pascal = camel;
  pascal[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(pascal[0])));
  if (auto it = doc.find(pascal); it != doc.end()) return &*it;
  return nullptr;
}

Result<std::string> StringField(const json& doc, const std::string& name, std::string_view file) {
  const json* v = Field(doc, name);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) {
    return Status::InvalidArgument(std::string(file) + ": " + name + " must be a string");
  }
  return v->get<std::string>();
}

// An integer field within [lo, hi]; `fallback` when absent. A string of
// digits is taken too (YAML quoting, resolved expressions).
Result<int> IntField(const json& doc, const std::string& name, int lo, int hi, int fallback,
                     std::string_view file) {
  const json* v = Field(doc, name);
  if (v == nullptr || v->is_null()) return fallback;
  long long n = 0;
  if (v->is_number_integer()) {
    n = v->get<long long>();
  } else if (v->is_string() && !v->get<std::string>().empty() &&
             v->get<std::string>().find_first_not_of("0123456789") == std::string::npos &&
             v->get<std::string>().size() < 10) {
    n = std::stoll(v->get<std::string>());
  } else {
    return Status::InvalidArgument(std::string(file) + ": " + name + " must be a whole number");
  }
  if (n < lo || n > hi) {
    return Status::InvalidArgument(std::string(file) + ": " + name + " is " + std::to_string(n) +
                                   "; it must be between " + std::to_string(lo) + " and " +
                                   std::to_string(hi));
  }
  return static_cast<int>(n);
}

Result<std::vector<std::string>> StringList(const json& doc, const std::string& name,
                                            std::string_view file) {
  const json* v = Field(doc, name);
  std::vector<std::string> out;
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) {
    return Status::InvalidArgument(std::string(file) + ": " + name + " must be a list of strings");
  }
  for (const json& item : *v) {
    if (!item.is_string()) {
      return Status::InvalidArgument(std::string(file) + ": " + name +
                                     " must be a list of strings");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

Result<LambdaFunctionDefinition> ParseFunctionDefinition(std::string_view text,
                                                         std::string_view file) {
  SLUICE_ASSIGN_OR_RETURN(json doc, ParseDocument(text, file));
  LambdaFunctionDefinition def;
  SLUICE_ASSIGN_OR_RETURN(def.function_name, StringField(doc, "functionName", file));
  if (def.function_name.empty()) {
    return Status::InvalidArgument(std::string(file) +
                                   ": functionName is required (the function to create or update)");
  }
  if (Status s = store::CheckFunctionName(def.function_name); !s.ok()) {
    return Status::InvalidArgument(std::string(file) + ": functionName: " + s.message());
  }
  store::FunctionConfig& c = def.config;
  SLUICE_ASSIGN_OR_RETURN(c.memory_mb, IntField(doc, "memorySize", 128, 10240, 128, file));
  SLUICE_ASSIGN_OR_RETURN(c.timeout_s, IntField(doc, "timeout", 1, 900, 3, file));
  SLUICE_ASSIGN_OR_RETURN(c.reserved_concurrency,
                          IntField(doc, "reservedConcurrentExecutions", 1, 1000, -1, file));
  SLUICE_ASSIGN_OR_RETURN(c.handler, StringField(doc, "handler", file));
  SLUICE_ASSIGN_OR_RETURN(c.description, StringField(doc, "description", file));
  if (const json* env = Field(doc, "environment"); env != nullptr && !env->is_null()) {
    const json* vars = env->is_object() ? Field(*env, "variables") : nullptr;
    if (!env->is_object() || (vars != nullptr && !vars->is_object())) {
      return Status::InvalidArgument(std::string(file) +
                                     ": environment must be {variables: {NAME: value}}");
    }
    if (vars != nullptr) {
      for (const auto& [k, v] : vars->items()) {
        if (v.is_string()) {
          c.env[k] = v.get<std::string>();
        } else if (v.is_number() || v.is_boolean()) {
          c.env[k] = v.dump();
        } else {
          return Status::InvalidArgument(std::string(file) + ": environment.variables." + k +
                                         " must be a string");
        }
      }
    }
  }
  if (const json* image = Field(doc, "imageConfig"); image != nullptr && !image->is_null()) {
    if (!image->is_object()) {
      return Status::InvalidArgument(std::string(file) + ": imageConfig must be an object");
    }
    SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> entry, StringList(*image, "entryPoint", file));
    SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> command, StringList(*image, "command", file));
    if (!entry.empty() || !command.empty()) {
      c.command = entry;
      c.command.insert(c.command.end(), command.begin(), command.end());
    }
  }
  return def;
}

Result<LambdaAliasDefinition> ParseAliasDefinition(std::string_view text, std::string_view file) {
  SLUICE_ASSIGN_OR_RETURN(json doc, ParseDocument(text, file));
  LambdaAliasDefinition def;
  SLUICE_ASSIGN_OR_RETURN(def.name, StringField(doc, "name", file));
  if (def.name.empty()) {
    return Status::InvalidArgument(std::string(file) +
                                   ": name is required (the alias to point at "
                                   "the new version)");
  }
  if (Status s = store::CheckAliasName(def.name); !s.ok()) {
    return Status::InvalidArgument(std::string(file) + ": name: " + s.message());
  }
  SLUICE_ASSIGN_OR_RETURN(def.description, StringField(doc, "description", file));
  return def;
}

}  // namespace sluice::steps
