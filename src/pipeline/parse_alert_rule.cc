// `alert:` documents (.harness/alerts; format in alerts.h).
#include <cmath>
#include <cstdlib>

#include "pipeline/alerts.h"
#include "pipeline/parse_internal.h"

namespace sluice::pipeline {

using internal::Field;
using internal::Fields;
using internal::FindField;
using internal::ParseContext;

namespace {

struct ConditionName {
  AlertCondition condition;
  std::string_view name;
};
constexpr ConditionName kConditions[] = {{AlertCondition::kModelStale, "ModelStale"},
                                         {AlertCondition::kModelDrift, "ModelDrift"},
                                         {AlertCondition::kErrorRate, "ErrorRate"}};

// `threshold:` 0.05 or "5%", a share in (0, 1].
std::optional<double> ParseShare(const ParseContext& ctx, const Field& field) {
  std::string text = field.value.IsScalar() ? field.value.Scalar() : "";
  const bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  char* end = nullptr;
  const double value = text.empty() ? NAN : std::strtod(text.c_str(), &end);
  const double share = percent ? value / 100 : value;
  if (std::isnan(value) || end == nullptr || *end != '\0' || !(share > 0 && share <= 1)) {
    ctx.Error(ctx.At(field),
              "threshold must be a share of calls between 0 and 1 (0.05) or a "
              "percentage (5%), not \"" +
                  (field.value.IsScalar() ? field.value.Scalar() : "") + "\"");
    return std::nullopt;
  }
  return share;
}

// `condition: {type, spec}` into `rule`; false when unusable.
bool ParseCondition(const ParseContext& ctx, const Field& field, AlertRule* rule) {
  if (!internal::ExpectMap(ctx, field)) return false;
  auto fields = Fields(field.value);
  internal::WarnUnknownKeys(ctx, fields, {"type", "spec"}, "alert condition");
  auto type = internal::RequireString(ctx, fields, "type", "alert condition", field.value);
  if (!type) return false;
  const ConditionName* known = nullptr;
  for (const ConditionName& c : kConditions) {
    if (c.name == *type) known = &c;
  }
  if (known == nullptr) {
    ctx.Error(ctx.At(*FindField(fields, "type")),
              "unknown alert condition \"" + *type + "\"; use ModelStale, ModelDrift or ErrorRate");
    return false;
  }
  rule->condition = known->condition;
  const Field* spec = FindField(fields, "spec");
  if (spec == nullptr || !internal::ExpectMap(ctx, *spec)) {
    ctx.Error(ctx.At(field.value),
              "a " + *type + " condition needs a spec (" +
                  (rule->condition == AlertCondition::kErrorRate ? "spec: {function: NAME}"
                                                                 : "spec: {model: NAME}") +
                  ")");
    return false;
  }
  auto sfields = Fields(spec->value);
  const std::string where = *type + " spec";
  if (rule->condition == AlertCondition::kErrorRate) {
    internal::WarnUnknownKeys(
        ctx, sfields, {"function", "qualifier", "threshold", "window", "minInvocations"}, where);
    auto function = internal::RequireString(ctx, sfields, "function", where, spec->value);
    rule->function = function.value_or("");
    rule->qualifier = internal::GetString(ctx, FindField(sfields, "qualifier")).value_or("");
    bool ok = function.has_value();
    if (const Field* t = FindField(sfields, "threshold")) {
      auto share = ParseShare(ctx, *t);
      ok = ok && share.has_value();
      rule->threshold = share.value_or(rule->threshold);
    }
    if (const Field* w = FindField(sfields, "window")) {
      auto window = internal::GetDuration(ctx, w);
      if (window && window->count() <= 0) {
        ctx.Error(ctx.At(*w), "window must be longer than 0 (15m, 1h)");
        window.reset();
      }
      ok = ok && window.has_value();
      rule->window = window.value_or(rule->window);
    }
    if (const Field* n = FindField(sfields, "minInvocations")) {
      auto count = internal::GetInt(ctx, n);
      if (count && *count < 1) {
        ctx.Error(ctx.At(*n), "minInvocations must be at least 1");
        count.reset();
      }
      ok = ok && count.has_value();
      rule->min_invocations = count.value_or(rule->min_invocations);
    }
    return ok;
  }
  if (rule->condition == AlertCondition::kModelDrift) {
    internal::WarnUnknownKeys(ctx, sfields, {"model", "level"}, where);
  } else {
    internal::WarnUnknownKeys(ctx, sfields, {"model"}, where);
  }
  auto model = internal::RequireString(ctx, sfields, "model", where, spec->value);
  rule->model = model.value_or("");
  if (rule->condition == AlertCondition::kModelDrift) {
    if (const Field* level = FindField(sfields, "level")) {
      auto value = internal::GetString(ctx, level);
      if (value && *value != "drift" && *value != "warn") {
        ctx.Error(ctx.At(*level), "level must be drift or warn, not \"" + *value + "\"");
        return false;
      }
      rule->drift_on_warn = value == "warn";
    }
  }
  return model.has_value();
}

}  // namespace

std::string_view AlertConditionName(AlertCondition condition) {
  for (const ConditionName& c : kConditions) {
    if (c.condition == condition) return c.name;
  }
  return "";
}

std::optional<AlertRule> ParseAlertRule(const YAML::Node& doc, const std::string& file,
                                        DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  auto top = Fields(doc);
  const Field* root = internal::EntityRoot(ctx, doc, top, "alert");
  if (root == nullptr) return std::nullopt;
  auto fields = Fields(root->value);
  internal::WarnUnknownKeys(ctx, fields,
                            {"identifier", "name", "description", "enabled", "condition",
                             "notificationMethod", "sendResolved", "tags"},
                            "alert");
  AlertRule rule;
  rule.file = file;
  rule.location = ctx.At(root->value);
  auto id = internal::RequireString(ctx, fields, "identifier", "alert", root->value);
  if (id) internal::CheckIdentifier(ctx, *id, ctx.At(*FindField(fields, "identifier")));
  rule.name = internal::GetString(ctx, FindField(fields, "name")).value_or(id.value_or(""));
  rule.description = internal::GetString(ctx, FindField(fields, "description")).value_or("");
  rule.enabled = internal::GetBool(ctx, FindField(fields, "enabled")).value_or(true);
  rule.send_resolved = internal::GetBool(ctx, FindField(fields, "sendResolved")).value_or(true);
  bool ok = id.has_value();
  if (const Field* condition = FindField(fields, "condition")) {
    ok = ParseCondition(ctx, *condition, &rule) && ok;
  } else {
    ctx.Error(rule.location,
              "alert is missing required field \"condition\" ({type: ModelStale | ModelDrift | "
              "ErrorRate, spec: {...}})");
    ok = false;
  }
  if (const Field* method = FindField(fields, "notificationMethod")) {
    auto parsed = ParseNotificationMethod(method->value, file, diags);
    ok = ok && parsed.has_value();
    if (parsed) rule.method = std::move(*parsed);
  } else {
    ctx.Error(rule.location,
              "alert is missing required field \"notificationMethod\" ({type: Email | Webhook | "
              "Slack, spec: {...}})");
    ok = false;
  }
  if (!ok) return std::nullopt;
  rule.identifier = *id;
  return rule;
}

}  // namespace sluice::pipeline
