// Reading a connector's YAML fields, shared by the steps that use
// connectors (image_registry.h, artifact_location.h). Connector fields are
// read as written (no expressions). Secret values are resolved through the
// step's scope and registered with the step's masker; they never appear in
// errors. Pure but for the masker; thread-safe as StepContext is.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/step.h"
#include "pipeline/ir.h"

namespace sluice::steps {

// "connector \"ecr\" (.harness/connectors/ecr.yaml:3:3)": where to look.
std::string ConnectorName(const pipeline::Connector& c);

// `parent[key]`, or a null node when `parent` is not a map or lacks it.
YAML::Node ConnectorChild(const YAML::Node& parent, std::string_view key);

// The text of a scalar field, "" when absent or not a scalar.
std::string ConnectorField(const YAML::Node& parent, std::string_view key);

// The value of the secret `id` a connector field names (`passwordRef:
// docker_pw`), masked from now on. The secret store's error, prefixed with
// the connector and `field`, when it cannot be had.
Result<std::string> ConnectorSecret(const engine::StepContext& ctx, const pipeline::Connector& c,
                                    const std::string& id, std::string_view field);

// Where a connector's secrets come from outside a step (the server reading
// back what a step stored): the secret store's lookup. Values are not
// masked by it; the caller keeps them out of what it shows.
using SecretLookup = std::function<Result<std::string>(const std::string& id)>;

// As above, through `lookup`, without masking.
Result<std::string> ConnectorSecret(const SecretLookup& lookup, const pipeline::Connector& c,
                                    const std::string& id, std::string_view field);

}  // namespace sluice::steps
