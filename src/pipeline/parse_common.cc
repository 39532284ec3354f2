// Fields shared by pipelines, stages, step groups and steps: `when` and
// `variables` (harness-semantics §1.6, §3.1).
#include <regex>

#include "pipeline/parse_internal.h"

namespace sluice::pipeline::internal {

std::optional<When> ParseWhen(const ParseContext& ctx, const Field& field,
                              std::string_view status_key) {
  if (!ExpectMap(ctx, field)) return std::nullopt;
  auto fields = Fields(field.value);
  const bool stage_level = status_key == "pipelineStatus";
  std::map<std::string, std::string> hints;
  if (stage_level) {
    for (const char* k : {"caching", "cloneCodebase", "platform", "runtime", "infrastructure",
                          "execution", "sharedPaths"}) {
      hints[k] = std::string(k) + " belongs in the stage spec";
    }
    hints["stageStatus"] = "stages use pipelineStatus";
  } else {
    hints["pipelineStatus"] = "steps and step groups use stageStatus";
  }
  WarnUnknownKeys(ctx, fields, {status_key, "condition"}, "when", hints);

  When when;
  when.location = ctx.At(field.value);
  auto status = RequireString(ctx, fields, status_key, "when", field.value);
  if (status) {
    if (*status == "Success") {
      when.status = StatusFilter::kSuccess;
    } else if (*status == "Failure") {
      when.status = StatusFilter::kFailure;
    } else if (*status == "All") {
      when.status = StatusFilter::kAll;
    } else {
      ctx.Error(ctx.At(*FindField(fields, status_key)),
                "invalid " + std::string(status_key) + " \"" + *status +
                    "\" (expected Success, Failure or All)");
    }
  }
  if (const Field* cond = FindField(fields, "condition")) {
    if (auto text = GetString(ctx, cond)) {
      when.condition = *text;
      when.condition_location = ctx.At(*cond);
    }
  }
  return when;
}

std::vector<Variable> ParseVariables(const ParseContext& ctx, const Field& field) {
  std::vector<Variable> out;
  if (field.value.IsNull()) return out;
  if (!ExpectList(ctx, field)) return out;
  static const std::regex kName("[a-zA-Z_][0-9a-zA-Z_.$-]{0,127}");
  IdentifierScope names("variable");
  for (const auto& item : field.value) {
    if (!item.IsMap()) {
      ctx.Error(
          ctx.At(item),
          "elements of \"variables\" must be mappings {name, type, value}, not " + KindName(item));
      continue;
    }
    auto fields = Fields(item);
    WarnUnknownKeys(ctx, fields, {"name", "type", "value", "description", "required", "default"},
                    "variable");
    Variable v;
    v.location = ctx.At(item);
    auto name = RequireString(ctx, fields, "name", "variable", item);
    if (!name) continue;
    const Field* name_field = FindField(fields, "name");
    if (!std::regex_match(*name, kName)) {
      ctx.Error(ctx.At(*name_field), "invalid variable name \"" + *name +
                                         "\": names must match ^[a-zA-Z_][0-9a-zA-Z_.$-]{0,127}$");
    }
    names.Add(ctx, *name, ctx.At(*name_field));
    v.name = *name;
    if (const Field* t = FindField(fields, "type")) {
      if (auto type = GetString(ctx, t)) {
        if (*type != "String" && *type != "Number" && *type != "Secret") {
          ctx.Error(ctx.At(*t),
                    "invalid variable type \"" + *type + "\" (expected String, Number or Secret)");
        } else {
          v.type = *type;
        }
      }
    }
    if (const Field* value = FindField(fields, "value")) {
      if (!value->value.IsNull() && !value->value.IsScalar()) {
        ctx.Error(ctx.At(*value), "\"value\" must be a string, not " + KindName(value->value));
      } else {
        v.value = value->value;
      }
    }
    v.description = GetString(ctx, FindField(fields, "description")).value_or("");
    v.required = GetBool(ctx, FindField(fields, "required")).value_or(false);
    v.default_value = GetString(ctx, FindField(fields, "default"));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace sluice::pipeline::internal
