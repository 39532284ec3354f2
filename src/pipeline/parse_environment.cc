// `environment:` documents (.harness/environments; format in entities.h).
#include "pipeline/parse_internal.h"
#include "pipeline/project.h"

namespace sluice::pipeline {

using internal::Field;
using internal::Fields;
using internal::FindField;
using internal::ParseContext;

std::string_view EnvironmentTypeName(EnvironmentType type) {
  return type == EnvironmentType::kProduction ? "Production" : "PreProduction";
}

std::optional<Environment> ParseEnvironment(const YAML::Node& doc, const std::string& file,
                                            DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  auto top = Fields(doc);
  const Field* root = internal::EntityRoot(ctx, doc, top, "environment");
  if (root == nullptr) return std::nullopt;
  auto fields = Fields(root->value);
  internal::WarnUnknownKeys(ctx, fields,
                            {"identifier", "name", "description", "tags", "orgIdentifier",
                             "projectIdentifier", "type", "variables", "overrides"},
                            "environment");
  Environment e;
  e.file = file;
  e.location = ctx.At(root->value);
  auto id = internal::RequireString(ctx, fields, "identifier", "environment", root->value);
  e.name = internal::GetString(ctx, FindField(fields, "name")).value_or(id.value_or(""));
  e.description = internal::GetString(ctx, FindField(fields, "description")).value_or("");
  bool ok = id.has_value();
  if (auto type = internal::RequireString(ctx, fields, "type", "environment", root->value)) {
    if (*type == "Production") {
      e.type = EnvironmentType::kProduction;
    } else if (*type == "PreProduction") {
      e.type = EnvironmentType::kPreProduction;
    } else {
      ctx.Error(ctx.At(*FindField(fields, "type")),
                "environment type must be Production or PreProduction, got \"" + *type + "\"");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const Field* vars = FindField(fields, "variables")) {
    e.variables = internal::ParseVariables(ctx, *vars);
  }
  if (const Field* overrides = FindField(fields, "overrides");
      overrides != nullptr && !overrides->value.IsNull()) {
    internal::WarnNotSupported(ctx, *overrides, "overrides of service settings are not applied");
  }
  if (!ok) return std::nullopt;
  e.identifier = *id;
  return e;
}

}  // namespace sluice::pipeline
