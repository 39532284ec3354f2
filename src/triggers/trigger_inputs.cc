// inputYaml resolution and DecideTriggers (trigger_inputs.h).
#include "triggers/trigger_inputs.h"

#include "common/text.h"
#include "expr/template_scanner.h"
#include "triggers/trigger_scope.h"

namespace sluice::triggers {

namespace {

bool ReadsTrigger(std::string_view expression) {
  for (const expr::Reference& ref : expr::CollectReferences(expression)) {
    if (!ref.path.empty() && (ref.path[0] == "trigger" || ref.path[0] == "eventPayload"))
      return true;
  }
  return false;
}

// `text` with its trigger expressions resolved; the rest left as written.
Result<std::string> ResolveText(const std::string& text, const TriggerScope& scope) {
  expr::ScanOutput scan = expr::ScanTemplates(text);
  if (scan.error) {
    return Status::InvalidArgument("invalid expression " +
                                   expr::ExpressionSnippet(text, scan.error_expr_begin) + ": " +
                                   scan.error->message);
  }
  std::string out;
  size_t at = 0;
  for (const expr::TemplateExpr& e : scan.exprs) {
    std::string_view span = std::string_view(text).substr(e.begin, e.end - e.begin);
    out.append(text, at, e.begin - at);
    if (ReadsTrigger(span)) {
      SLUICE_ASSIGN_OR_RETURN(std::string value, expr::RenderString(span, scope));
      out += value;
    } else {
      out.append(span);
    }
    at = e.end;
  }
  out.append(text, at, std::string::npos);
  return out;
}

Status ResolveNode(YAML::Node node, const TriggerScope& scope) {
  if (node.IsScalar()) {
    const std::string text = node.Scalar();
    if (!expr::HasExpressions(text)) return Status::Ok();
    SLUICE_ASSIGN_OR_RETURN(std::string resolved, ResolveText(text, scope));
    if (resolved != text) node = resolved;
    return Status::Ok();
  }
  if (node.IsMap()) {
    for (auto kv : node) SLUICE_RETURN_IF_ERROR(ResolveNode(kv.second, scope));
  } else if (node.IsSequence()) {
    for (auto item : node) SLUICE_RETURN_IF_ERROR(ResolveNode(item, scope));
  }
  return Status::Ok();
}

}  // namespace

Result<YAML::Node> ResolveInputYaml(const Trigger& trigger, const WebhookEvent* event) {
  if (TrimAsciiSpace(trigger.input_yaml).empty()) return YAML::Node();
  const std::string where = "inputYaml of trigger \"" + trigger.identifier + "\" (" +
                            trigger.input_yaml_location.ToString() + ")";
  YAML::Node doc;
  try {
    doc = YAML::Load(trigger.input_yaml);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(where + " is not valid YAML: " + e.msg);
  }
  if (!doc.IsMap() || !doc["pipeline"].IsMap()) {
    return Status::InvalidArgument(where + " must hold pipeline: {identifier: ..., ...}");
  }
  TriggerScope scope(trigger, event);
  YAML::Node pipeline = doc["pipeline"];
  if (Status s = ResolveNode(pipeline, scope); !s.ok()) {
    return Status(s.code(), where + ": " + s.message());
  }
  return pipeline;
}

Result<pipeline::RuntimeInputValues> ResolveTriggerInputs(const pipeline::Project& project,
                                                          const Trigger& trigger,
                                                          const WebhookEvent* event) {
  pipeline::RuntimeInputValues values;
  for (const std::string& ref : trigger.input_set_refs) {
    const pipeline::InputSet* set = project.FindInputSet(ref);
    if (set == nullptr) {
      return Status::NotFound("trigger \"" + trigger.identifier + "\" names input set \"" + ref +
                              "\", which is not in .harness/inputsets/");
    }
    values.input_sets.push_back(set->pipeline);
  }
  SLUICE_ASSIGN_OR_RETURN(YAML::Node resolved, ResolveInputYaml(trigger, event));
  // YAML::Node() is a null node, not an undefined one: no inputYaml.
  if (resolved.IsMap()) values.input_sets.push_back(resolved);
  return values;
}

std::vector<TriggerDecision> DecideTriggers(const pipeline::Project& project,
                                            const std::vector<Trigger>& triggers,
                                            const WebhookEvent& event,
                                            const DecideOptions& options) {
  std::vector<TriggerDecision> out;
  for (const Trigger& t : triggers) {
    if (t.source != SourceType::kWebhook) continue;
    TriggerDecision d;
    if (options.check_signature && !t.webhook_secret.empty() &&
        t.webhook.type == WebhookType::kGithub && t.enabled) {
      if (Status s = options.check_signature(t); !s.ok()) {
        d.evaluation.trigger_id = t.identifier;
        d.evaluation.pipeline_id = t.pipeline_identifier;
        ConditionResult r;
        r.kind = "signature";
        r.key = "X-Hub-Signature-256";
        r.error = s.message();
        d.evaluation.conditions.push_back(r);
        d.evaluation.reason = "signature check failed: " + s.message();
        out.push_back(std::move(d));
        continue;
      }
    }
    d.evaluation = EvaluateTrigger(t, event);
    if (d.evaluation.fired) {
      Result<pipeline::RuntimeInputValues> inputs = ResolveTriggerInputs(project, t, &event);
      if (inputs.ok()) {
        d.inputs = std::move(*inputs);
      } else {
        d.input_error = inputs.status().message();
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::string InputsToYaml(const pipeline::RuntimeInputValues& inputs) {
  std::string out;
  for (const YAML::Node& set : inputs.input_sets) {
    YAML::Emitter e;
    YAML::Node doc;
    doc["pipeline"] = set;
    e << doc;
    if (!out.empty()) out += "---\n";
    out += std::string(e.c_str()) + "\n";
  }
  return out;
}

}  // namespace sluice::triggers
