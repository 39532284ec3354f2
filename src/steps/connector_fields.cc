#include "steps/connector_fields.h"

namespace sluice::steps {

std::string ConnectorName(const pipeline::Connector& c) {
  return "connector \"" + c.identifier + "\" (" + c.location.ToString() + ")";
}

YAML::Node ConnectorChild(const YAML::Node& parent, std::string_view key) {
  if (!parent || !parent.IsMap()) return YAML::Node();
  return parent[std::string(key)];
}

std::string ConnectorField(const YAML::Node& parent, std::string_view key) {
  const YAML::Node node = ConnectorChild(parent, key);
  return node && node.IsScalar() ? node.Scalar() : "";
}

Result<std::string> ConnectorSecret(const engine::StepContext& ctx, const pipeline::Connector& c,
                                    const std::string& id, std::string_view field) {
  Result<std::string> value = ConnectorSecret(
      [&ctx](const std::string& name) { return ctx.scope.GetSecret(name); }, c, id, field);
  if (value.ok()) ctx.masker.Add(*value);
  return value;
}

Result<std::string> ConnectorSecret(const SecretLookup& lookup, const pipeline::Connector& c,
                                    const std::string& id, std::string_view field) {
  Result<std::string> value = lookup(id);
  if (!value.ok()) {
    return Status(value.status().code(), ConnectorName(c) + ": " + std::string(field) +
                                             " names secret \"" + id +
                                             "\": " + value.status().message());
  }
  return value;
}

}  // namespace sluice::steps
