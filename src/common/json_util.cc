#include "common/json_util.h"

namespace sluice {

nlohmann::json MapStrings(const nlohmann::json& value,
                          const std::function<nlohmann::json(const std::string&)>& f) {
  if (value.is_string()) return f(value.get_ref<const std::string&>());
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : value) out.push_back(MapStrings(e, f));
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = MapStrings(it.value(), f);
    return out;
  }
  return value;
}

}  // namespace sluice
