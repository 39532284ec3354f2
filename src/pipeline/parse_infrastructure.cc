// `infrastructureDefinition:` documents (.harness/infrastructures; format
// in entities.h).
#include "pipeline/parse_internal.h"
#include "pipeline/project.h"

namespace sluice::pipeline {

using internal::Field;
using internal::Fields;
using internal::FindField;
using internal::ParseContext;

std::optional<InfrastructureDefinition> ParseInfrastructureDefinition(const YAML::Node& doc,
                                                                      const std::string& file,
                                                                      DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  auto top = Fields(doc);
  const Field* root = internal::EntityRoot(ctx, doc, top, "infrastructureDefinition");
  if (root == nullptr) return std::nullopt;
  auto fields = Fields(root->value);
  internal::WarnUnknownKeys(
      ctx, fields,
      {"identifier", "name", "description", "tags", "orgIdentifier", "projectIdentifier",
       "environmentRef", "deploymentType", "type", "spec", "allowSimultaneousDeployments"},
      "infrastructureDefinition");
  InfrastructureDefinition infra;
  infra.file = file;
  infra.location = ctx.At(root->value);
  const char* what = "infrastructureDefinition";
  auto id = internal::RequireString(ctx, fields, "identifier", what, root->value);
  infra.name = internal::GetString(ctx, FindField(fields, "name")).value_or(id.value_or(""));
  infra.description = internal::GetString(ctx, FindField(fields, "description")).value_or("");
  auto env = internal::RequireString(ctx, fields, "environmentRef", what, root->value);
  auto deployment_type = internal::RequireString(ctx, fields, "deploymentType", what, root->value);
  auto type = internal::RequireString(ctx, fields, "type", what, root->value);
  if (const Field* spec = FindField(fields, "spec");
      spec != nullptr && !spec->value.IsNull() && internal::ExpectMap(ctx, *spec)) {
    infra.spec = spec->value;
    auto spec_fields = Fields(spec->value);
    infra.connector_ref =
        internal::GetString(ctx, FindField(spec_fields, "connectorRef")).value_or("");
    infra.region = internal::GetString(ctx, FindField(spec_fields, "region")).value_or("");
    if (type && *type == "AwsLambda") {
      internal::WarnUnknownKeys(ctx, spec_fields, {"connectorRef", "region", "provisioner"},
                                "AwsLambda infrastructure spec");
      if (infra.connector_ref.empty()) {
        ctx.Error(ctx.At(spec->key),
                  "AwsLambda infrastructure spec is missing required field \"connectorRef\" (the "
                  "Aws connector to deploy with)");
      }
      if (infra.region.empty()) {
        ctx.Error(ctx.At(spec->key),
                  "AwsLambda infrastructure spec is missing required field \"region\"");
      }
    }
  } else if (type && *type == "AwsLambda") {
    ctx.Error(ctx.At(root->value),
              "infrastructureDefinition of type AwsLambda needs a spec with connectorRef and "
              "region");
  }
  if (!id || !env || !deployment_type || !type) return std::nullopt;
  infra.identifier = *id;
  infra.environment_ref = *env;
  infra.environment_ref_location = ctx.At(*FindField(fields, "environmentRef"));
  infra.deployment_type = *deployment_type;
  infra.deployment_type_location = ctx.At(*FindField(fields, "deploymentType"));
  infra.type = *type;
  return infra;
}

}  // namespace sluice::pipeline
