// Small helpers over nlohmann::json values.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace sluice {

// A copy of `value` with every string (at any depth, object keys excepted)
// replaced by `f(string)`.
nlohmann::json MapStrings(const nlohmann::json& value,
                          const std::function<nlohmann::json(const std::string&)>& f);

}  // namespace sluice
