#include "steps/output_variables.h"

#include <regex>

namespace sluice::steps {

std::vector<OutputVariable> ReadOutputVariables(const YAML::Node& list) {
  std::vector<OutputVariable> out;
  if (!list || !list.IsSequence()) return out;
  for (const YAML::Node& item : list) {
    if (!item.IsMap() || !item["name"]) continue;
    OutputVariable v;
    v.name = item["name"].as<std::string>("");
    v.variable = item["value"] && item["value"].IsScalar() ? item["value"].Scalar() : v.name;
    if (v.variable.empty()) v.variable = v.name;
    v.secret = item["type"] && item["type"].as<std::string>("") == "Secret";
    if (!v.name.empty()) out.push_back(v);
  }
  return out;
}

void CheckOutputVariables(SpecChecker& check, const YAML::Node& spec) {
  YAML::Node list = spec["outputVariables"];
  if (!list || list.IsNull()) return;
  if (!list.IsSequence()) {
    check.Error(list, "outputVariables must be a list of {name: ...}");
    return;
  }
  static const std::regex kShellName("^[A-Za-z_][A-Za-z0-9_]*$");
  for (const YAML::Node& item : list) {
    if (!item.IsMap() || !item["name"] || !item["name"].IsScalar()) {
      check.Error(item, "each output variable needs a name (e.g. - name: ACCURACY)");
      continue;
    }
    check.WarnUnknownKeys(item, {"name", "type", "value", "description"}, "output variable");
    std::string var = item["value"] && item["value"].IsScalar() ? item["value"].Scalar()
                                                                 : item["name"].Scalar();
    if (!std::regex_match(var, kShellName)) {
      check.Error(item["value"] ? item["value"] : item["name"],
                  "output variable \"" + var + "\" is not a shell variable name ([A-Za-z_][A-Za-z0-9_]*)");
    }
    check.CheckOneOf(item, "type", {"String", "Secret", "Number"}, "output variable");
  }
}

}  // namespace sluice::steps
