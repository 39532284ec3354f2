// `service:` documents (.harness/services; format in entities.h).
#include "pipeline/deployment.h"
#include "pipeline/parse_internal.h"
#include "pipeline/project.h"

namespace sluice::pipeline {

using internal::Field;
using internal::Fields;
using internal::FindField;
using internal::ParseContext;

std::optional<Service> ParseService(const YAML::Node& doc, const std::string& file,
                                    DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  auto top = Fields(doc);
  const Field* root = internal::EntityRoot(ctx, doc, top, "service");
  if (root == nullptr) return std::nullopt;
  auto fields = Fields(root->value);
  internal::WarnUnknownKeys(ctx, fields,
                            {"identifier", "name", "description", "tags", "orgIdentifier",
                             "projectIdentifier", "serviceDefinition", "gitOpsEnabled"},
                            "service");
  Service s;
  s.file = file;
  s.location = ctx.At(root->value);
  auto id = internal::RequireString(ctx, fields, "identifier", "service", root->value);
  s.name = internal::GetString(ctx, FindField(fields, "name")).value_or(id.value_or(""));
  s.description = internal::GetString(ctx, FindField(fields, "description")).value_or("");
  const Field* definition = FindField(fields, "serviceDefinition");
  if (definition == nullptr) {
    ctx.Error(ctx.At(root->value),
              "service is missing required field \"serviceDefinition\" (its type, e.g. AwsLambda, "
              "and spec: manifests, artifacts, variables)");
  } else if (internal::ExpectMap(ctx, *definition)) {
    auto def_fields = Fields(definition->value);
    internal::WarnUnknownKeys(ctx, def_fields, {"type", "spec"}, "serviceDefinition");
    if (auto type = internal::RequireString(ctx, def_fields, "type", "serviceDefinition",
                                            definition->value)) {
      s.definition_type = *type;
      s.definition_type_location = ctx.At(*FindField(def_fields, "type"));
    }
    const Field* spec = FindField(def_fields, "spec");
    if (spec == nullptr || spec->value.IsNull()) {
      if (s.definition_type == "AwsLambda") {
        ctx.Error(ctx.At(definition->value),
                  "an AwsLambda serviceDefinition needs a spec with manifests and artifacts");
      }
    } else if (internal::ExpectMap(ctx, *spec)) {
      s.definition_spec = spec->value;
      if (const Field* vars = FindField(Fields(spec->value), "variables")) {
        s.variables = internal::ParseVariables(ctx, *vars);
      }
      if (s.definition_type == "AwsLambda") {
        // Shape errors of the definition belong to the service's file.
        (void)ParseAwsLambdaServiceSpec(spec->value, file, diags);
      }
    }
  }
  if (!id) return std::nullopt;
  s.identifier = *id;
  return s;
}

}  // namespace sluice::pipeline
