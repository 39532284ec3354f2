// A Plugin step's `settings` as the plugin sees them: one environment
// variable per key, the way Drone and Harness CI hand settings to a plugin
// container.
//
//   key            PLUGIN_ + the key upper-cased, '-' and '.' as '_'
//                  (file_urls -> PLUGIN_FILE_URLS, dry-run -> PLUGIN_DRY_RUN)
//   string         as is
//   number         as YAML read it (3 -> "3", 0.5 -> "0.5")
//   boolean        "true" / "false"
//   null           ""
//   list of strings, numbers or booleans   comma-joined ("a,b,c")
//   map, or a list holding a map or list   JSON text ({"k":"v"})
//
// The settings are resolved first (expressions and secrets, through
// StepContext::Resolve, which registers every secret with the masker), so
// the values here may hold secrets: they go into the plugin's environment
// only, never into a log line or an error.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::steps {

// "PLUGIN_FILE_URLS" for "file_urls".
std::string PluginVariableName(std::string_view key);

// One setting's value as text (the rules above).
std::string PluginSettingText(const nlohmann::json& value);

// Every setting of `settings` (a JSON object, or null for none) as
// PLUGIN_* variables. InvalidArgument when `settings` is not an object or
// two keys give the same variable ("dry-run" and "dry_run"), naming them.
Result<std::map<std::string, std::string>> PluginSettingsEnv(const nlohmann::json& settings);

}  // namespace sluice::steps
