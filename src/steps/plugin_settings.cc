#include "steps/plugin_settings.h"

#include <cctype>

namespace sluice::steps {

std::string PluginVariableName(std::string_view key) {
  std::string name = "PLUGIN_";
  for (char c : key) {
    if (c == '-' || c == '.') {
      name.push_back('_');
    } else {
      name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return name;
}

namespace {

std::string ScalarText(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();  // numbers: integers exactly, floats in their shortest form
}

}  // namespace

std::string PluginSettingText(const nlohmann::json& value) {
  if (value.is_object()) return value.dump();
  if (value.is_array()) {
    for (const nlohmann::json& item : value) {
      if (item.is_object() || item.is_array()) return value.dump();
    }
    std::string joined;
    bool first = true;
    for (const nlohmann::json& item : value) {
      if (!first) joined.push_back(',');
      first = false;
      joined += ScalarText(item);
    }
    return joined;
  }
  return ScalarText(value);
}

Result<std::map<std::string, std::string>> PluginSettingsEnv(const nlohmann::json& settings) {
  std::map<std::string, std::string> env;
  if (settings.is_null()) return env;
  if (!settings.is_object()) {
    return Status::InvalidArgument("spec.settings must be a mapping of name: value");
  }
  std::map<std::string, std::string> from;  // variable -> the key that gave it
  for (auto it = settings.begin(); it != settings.end(); ++it) {
    std::string name = PluginVariableName(it.key());
    auto [at, fresh] = from.emplace(name, it.key());
    if (!fresh) {
      return Status::InvalidArgument("spec.settings: \"" + at->second + "\" and \"" + it.key() +
                                     "\" both become " + name + "; keep one of them");
    }
    env[name] = PluginSettingText(*it);
  }
  return env;
}

}  // namespace sluice::steps
