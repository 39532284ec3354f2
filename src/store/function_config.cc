// FunctionConfigJson and its parser, and the name rules of function_store.h.
//
// The JSON text is persisted (functions.latest_config_json,
// function_versions.config_json) and hashed (config_sha256): its keys and
// their spelling are part of the database format. nlohmann::json's objects
// are std::maps, which is what sorts the keys.
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/json_util.h"
#include "store/function_store.h"

namespace sluice::store {

namespace {

using nlohmann::json;

constexpr const char* kWhere = "function configuration";

Status FieldError(const std::string& field, const std::string& what) {
  return Status::InvalidArgument(std::string(kWhere) + ": field \"" + field + "\" " + what);
}

Result<std::string> StringField(const json& doc, const std::string& field) {
  const json& v = doc.at(field);
  if (!v.is_string()) return FieldError(field, "must be a string, not " + JsonTypeName(v));
  return v.get<std::string>();
}

Result<int> IntField(const json& doc, const std::string& field) {
  const json& v = doc.at(field);
  if (!v.is_number_integer()) {
    return FieldError(field, "must be an integer, not " + JsonTypeName(v));
  }
  // Unsigned values above INT64_MAX read back negative as int64_t; compare as
  // the type nlohmann parsed.
  if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t{std::numeric_limits<int>::max()}) {
    return FieldError(field, "is out of range");
  }
  int64_t n = v.get<int64_t>();
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
    return FieldError(field, "is out of range");
  }
  return static_cast<int>(n);
}

Status CheckName(const std::string& kind, const std::string& name, size_t max) {
  if (name.empty()) {
    return Status::InvalidArgument(kind + " name is empty; use 1-" + std::to_string(max) +
                                   " letters, digits, '-' or '_'");
  }
  if (name.size() > max) {
    return Status::InvalidArgument(kind + " name \"" + name.substr(0, max) + "...\" is " +
                                   std::to_string(name.size()) + " characters long; at most " +
                                   std::to_string(max) + " are allowed");
  }
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) {
      return Status::InvalidArgument(kind + " name \"" + name +
                                     "\" may hold only letters, digits, '-' and '_'");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string FunctionConfigJson(const FunctionConfig& config) {
  json doc = {
      {"command", config.command},
      {"description", config.description},
      {"env", config.env},
      {"handler", config.handler},
      {"image", config.image},
      {"image_digest", config.image_digest},
      {"memory_mb", config.memory_mb},
      {"reserved_concurrency", config.reserved_concurrency},
      {"timeout_s", config.timeout_s},
  };
  // Text that is not UTF-8 cannot be JSON; the store refuses it before it
  // gets here (PutFunction), so replacing is only a guard against throwing.
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<FunctionConfig> ParseFunctionConfigJson(const std::string& text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string(kWhere) +
                                   " is not valid JSON: " + JsonParseErrorMessage(e));
  }
  if (!doc.is_object()) {
    return Status::InvalidArgument(std::string(kWhere) + " must be a JSON object, not " +
                                   JsonTypeName(doc));
  }
  static const std::set<std::string> kFields = {
      "command",   "description",          "env",      "handler", "image", "image_digest",
      "memory_mb", "reserved_concurrency", "timeout_s"};
  for (const auto& [key, value] : doc.items()) {
    if (kFields.count(key) == 0) return FieldError(key, "is not a configuration field");
  }
  for (const std::string& field : kFields) {
    if (!doc.contains(field)) return FieldError(field, "is missing");
  }

  FunctionConfig config;
  SLUICE_ASSIGN_OR_RETURN(config.image, StringField(doc, "image"));
  SLUICE_ASSIGN_OR_RETURN(config.image_digest, StringField(doc, "image_digest"));
  SLUICE_ASSIGN_OR_RETURN(config.handler, StringField(doc, "handler"));
  SLUICE_ASSIGN_OR_RETURN(config.description, StringField(doc, "description"));
  SLUICE_ASSIGN_OR_RETURN(config.memory_mb, IntField(doc, "memory_mb"));
  SLUICE_ASSIGN_OR_RETURN(config.timeout_s, IntField(doc, "timeout_s"));
  SLUICE_ASSIGN_OR_RETURN(config.reserved_concurrency, IntField(doc, "reserved_concurrency"));

  const json& command = doc.at("command");
  if (!command.is_array()) {
    return FieldError("command", "must be an array of strings, not " + JsonTypeName(command));
  }
  for (size_t i = 0; i < command.size(); ++i) {
    if (!command[i].is_string()) {
      return FieldError("command", "item " + std::to_string(i) + " must be a string, not " +
                                       JsonTypeName(command[i]));
    }
    config.command.push_back(command[i].get<std::string>());
  }

  const json& env = doc.at("env");
  if (!env.is_object()) {
    return FieldError("env", "must be an object of strings, not " + JsonTypeName(env));
  }
  for (const auto& [key, value] : env.items()) {
    if (!value.is_string()) {
      // The variable's name, never its value: values may be sensitive.
      return FieldError("env", "variable " + key + " must be a string, not " + JsonTypeName(value));
    }
    config.env[key] = value.get<std::string>();
  }
  return config;
}

Status CheckFunctionName(const std::string& name) { return CheckName("function", name, 64); }

Status CheckAliasName(const std::string& name) {
  if (name == "$LATEST") {
    return Status::InvalidArgument(
        "alias name \"$LATEST\" is reserved for the function's unpublished configuration; "
        "choose another name");
  }
  SLUICE_RETURN_IF_ERROR(CheckName("alias", name, 128));
  if (name.find_first_not_of("0123456789") == std::string::npos) {
    return Status::InvalidArgument("alias name \"" + name +
                                   "\" is all digits and would read as a version number; "
                                   "include a letter, '-' or '_'");
  }
  return Status::Ok();
}

}  // namespace sluice::store
