// `trigger:` YAML → Trigger (trigger.h). Every problem is a diagnostic at
// the offending node; parsing carries on with what it can read.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>

#include "common/files.h"
#include "common/text.h"
#include "expr/expr.h"
#include "triggers/trigger.h"
#include "triggers/trigger_scope.h"

namespace sluice::triggers {

namespace {

// What parsing one file needs: its name, its text (for locations inside
// block scalars) and where diagnostics go.
struct Context {
  std::string file;
  const std::string* source = nullptr;
  DiagnosticList* diags = nullptr;

  SourceLocation At(const YAML::Node& node) const { return pipeline::LocationOf(node, file); }
  void Error(const YAML::Node& node, std::string message) const {
    diags->Error(At(node), std::move(message));
  }
  void Warning(const YAML::Node& node, std::string message) const {
    diags->Warning(At(node), std::move(message));
  }
};

// `map[key]`, or an undefined node when `map` is not a mapping or lacks the
// key. (yaml-cpp's const operator[] returns an invalid node for a missing key,
// which throws when asked anything but IsDefined().)
YAML::Node Child(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string Kind(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "empty";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  return "a string";
}

// The keys of a mapping in document order.
std::vector<std::pair<std::string, YAML::Node>> Entries(const YAML::Node& map) {
  std::vector<std::pair<std::string, YAML::Node>> out;
  if (!map.IsMap()) return out;
  for (const auto& kv : map) {
    if (kv.first.IsScalar()) out.emplace_back(kv.first.Scalar(), kv.second);
  }
  return out;
}

void WarnUnknown(const Context& ctx, const YAML::Node& map, std::vector<std::string_view> known,
                 std::string_view where) {
  if (!map.IsMap()) return;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) continue;
    const std::string& k = kv.first.Scalar();
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      ctx.Warning(kv.first, "unknown key \"" + k + "\" in " + std::string(where) + " (ignored)");
    }
  }
}

std::optional<std::string> String(const Context& ctx, const YAML::Node& parent,
                                  std::string_view key) {
  YAML::Node v = Child(parent, key);
  if (!v.IsDefined() || v.IsNull()) return std::nullopt;
  if (!v.IsScalar()) {
    ctx.Error(v, "\"" + std::string(key) + "\" must be a string, not " + Kind(v));
    return std::nullopt;
  }
  return v.Scalar();
}

std::optional<std::string> Required(const Context& ctx, const YAML::Node& parent,
                                    std::string_view key, std::string_view what) {
  auto v = String(ctx, parent, key);
  if (!v || v->empty()) {
    if (!Child(parent, key).IsDefined() || Child(parent, key).IsNull()) {
      ctx.Error(parent,
                std::string(what) + " is missing required field \"" + std::string(key) + "\"");
    } else if (v) {
      ctx.Error(Child(parent, key), "\"" + std::string(key) + "\" must not be empty");
    }
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Bool(const Context& ctx, const YAML::Node& parent, std::string_view key) {
  auto v = String(ctx, parent, key);
  if (!v) return std::nullopt;
  if (*v == "true") return true;
  if (*v == "false") return false;
  ctx.Error(Child(parent, key),
            "\"" + std::string(key) + "\" must be true or false, not \"" + *v + "\"");
  return std::nullopt;
}

std::vector<std::string> StringList(const Context& ctx, const YAML::Node& parent,
                                    std::string_view key) {
  std::vector<std::string> out;
  YAML::Node v = Child(parent, key);
  if (!v.IsDefined() || v.IsNull()) return out;
  if (!v.IsSequence()) {
    ctx.Error(v, "\"" + std::string(key) + "\" must be a list, not " + Kind(v));
    return out;
  }
  for (const YAML::Node& item : v) {
    if (!item.IsScalar()) {
      ctx.Error(item, "items of \"" + std::string(key) + "\" must be strings, not " + Kind(item));
      continue;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

bool IsIdentifier(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  if (!(std::isalpha(static_cast<unsigned char>(id[0])) || id[0] == '_')) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Where byte `offset` of a scalar's value is in the file, for errors inside
// a `|` block (inputYaml). Falls back to the scalar's own mark.
SourceLocation InScalar(const Context& ctx, const YAML::Node& scalar, int inner_line,
                        int inner_column) {
  SourceLocation at = ctx.At(scalar);
  if (ctx.source == nullptr || !at.known()) return at;
  std::string_view first = LineOf(*ctx.source, at.line);
  if (static_cast<size_t>(at.column) > first.size()) return at;
  char indicator = first[at.column - 1];
  if (indicator != '|' && indicator != '>') return at;
  // The block's indentation is that of its first non-empty line.
  int line = at.line + 1;
  std::string_view text = LineOf(*ctx.source, line);
  size_t indent = text.find_first_not_of(' ');
  if (indent == std::string_view::npos) indent = 0;
  return {ctx.file, at.line + 1 + inner_line, static_cast<int>(indent) + inner_column + 1};
}

std::string OperatorList() {
  return "Equals, NotEquals, In, NotIn, StartsWith, EndsWith, Contains, DoesNotContain, Regex";
}

void CheckExpression(const Context& ctx, const YAML::Node& node, const std::string& text,
                     bool condition) {
  auto error = condition ? expr::CheckConditionSyntax(text) : expr::CheckTemplateSyntax(text);
  if (error) ctx.Error(node, "invalid expression: " + error->message);
}

std::vector<Condition> ParseConditions(const Context& ctx, const YAML::Node& spec,
                                       std::string_view key, bool headers) {
  std::vector<Condition> out;
  YAML::Node list = Child(spec, key);
  if (!list.IsDefined() || list.IsNull()) return out;
  if (!list.IsSequence()) {
    ctx.Error(list, "\"" + std::string(key) + "\" must be a list of {key, operator, value}, not " +
                        Kind(list));
    return out;
  }
  for (const YAML::Node& item : list) {
    if (!item.IsMap()) {
      ctx.Error(item, "a condition must be a mapping {key, operator, value}, not " + Kind(item));
      continue;
    }
    WarnUnknown(ctx, item, {"key", "operator", "value"}, "a condition");
    auto k = Required(ctx, item, "key", "condition");
    auto op_name = Required(ctx, item, "operator", "condition");
    auto value = String(ctx, item, "value");
    if (!k || !op_name) continue;
    auto op = ParseOperator(*op_name);
    if (!op) {
      ctx.Error(Child(item, "operator"),
                "unknown operator \"" + *op_name + "\": use one of " + OperatorList());
      continue;
    }
    Condition c{*k, *op, value.value_or(""), ctx.At(item)};
    if (expr::HasExpressions(c.key)) CheckExpression(ctx, Child(item, "key"), c.key, false);
    if (headers && !expr::HasExpressions(c.key) &&
        c.key.find_first_of(" \t:") != std::string::npos) {
      ctx.Error(Child(item, "key"), "header condition key \"" + c.key +
                                        "\" is not a header name; write "
                                        "<+trigger.header['X-GitHub-Event']> or X-GitHub-Event");
    }
    if (c.op == Operator::kRegex) {
      RE2 re(c.value, RE2::Quiet);
      if (!re.ok()) {
        ctx.Error(Child(item, "value").IsDefined() ? Child(item, "value") : item,
                  "invalid regular expression \"" + c.value + "\": " + re.error() +
                      " (RE2 syntax; the whole value must match)");
        continue;
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

const std::vector<std::string_view> kPullRequestActions = {
    "Open", "Close", "Reopen", "Edit", "Label", "Unlabel", "Synchronize", "ReadyForReview"};

void ParseConditionsInto(const Context& ctx, const YAML::Node& spec, WebhookSpec* w) {
  w->payload_conditions = ParseConditions(ctx, spec, "payloadConditions", false);
  w->header_conditions = ParseConditions(ctx, spec, "headerConditions", true);
  if (auto jexl = String(ctx, spec, "jexlCondition")) {
    w->jexl_condition = *jexl;
    w->jexl_location = ctx.At(Child(spec, "jexlCondition"));
    if (!jexl->empty()) CheckExpression(ctx, Child(spec, "jexlCondition"), *jexl, true);
  }
}

bool ParseGithub(const Context& ctx, const YAML::Node& outer, WebhookSpec* w) {
  // outer = source.spec.spec: {type: Push, spec: {...}}
  auto type = Required(ctx, outer, "type", "GitHub webhook spec");
  if (!type) return false;
  WarnUnknown(ctx, outer, {"type", "spec"}, "the GitHub webhook spec");
  if (*type == "Push") {
    w->event = GithubEvent::kPush;
  } else if (*type == "PullRequest") {
    w->event = GithubEvent::kPullRequest;
  } else {
    ctx.Error(Child(outer, "type"),
              "GitHub event type \"" + *type +
                  "\" is not supported: use Push or PullRequest (IssueComment, "
                  "Release, Delete, Create, PullRequestReview and MergeQueue are not)");
    return false;
  }
  YAML::Node spec = Child(outer, "spec");
  if (spec.IsDefined() && !spec.IsNull() && !spec.IsMap()) {
    ctx.Error(spec, "the GitHub " + *type + " spec must be a mapping, not " + Kind(spec));
    return true;
  }
  WarnUnknown(ctx, spec,
              {"connectorRef", "repoName", "autoAbortPreviousExecutions", "payloadConditions",
               "headerConditions", "jexlCondition", "actions"},
              "the GitHub " + *type + " spec");
  w->connector_ref = String(ctx, spec, "connectorRef").value_or("");
  w->repo_name = String(ctx, spec, "repoName").value_or("");
  w->auto_abort_previous = Bool(ctx, spec, "autoAbortPreviousExecutions").value_or(false);
  w->actions = StringList(ctx, spec, "actions");
  if (w->event == GithubEvent::kPush && !w->actions.empty()) {
    ctx.Warning(Child(spec, "actions"),
                "\"actions\" applies to PullRequest triggers only (ignored for Push)");
    w->actions.clear();
  }
  for (size_t i = 0; i < w->actions.size(); ++i) {
    if (std::find(kPullRequestActions.begin(), kPullRequestActions.end(), w->actions[i]) ==
        kPullRequestActions.end()) {
      ctx.Error(Child(spec, "actions")[i], "unknown PullRequest action \"" + w->actions[i] +
                                               "\": use Open, Close, Reopen, Edit, Label, Unlabel, "
                                               "Synchronize or ReadyForReview");
    }
  }
  ParseConditionsInto(ctx, spec, w);
  return true;
}

bool ParseWebhook(const Context& ctx, const YAML::Node& source_spec, Trigger* t) {
  auto type = Required(ctx, source_spec, "type", "webhook source spec");
  if (!type) return false;
  WarnUnknown(ctx, source_spec, {"type", "spec"}, "the webhook source spec");
  YAML::Node spec = Child(source_spec, "spec");
  if (spec.IsDefined() && !spec.IsNull() && !spec.IsMap()) {
    ctx.Error(spec, "the " + *type + " webhook spec must be a mapping, not " + Kind(spec));
    return false;
  }
  if (*type == "Github") {
    t->webhook.type = WebhookType::kGithub;
    if (!spec.IsMap()) {
      ctx.Error(source_spec,
                "a Github webhook needs spec: {type: Push | PullRequest, spec: {...}}");
      return false;
    }
    return ParseGithub(ctx, spec, &t->webhook);
  }
  if (*type == "Custom") {
    t->webhook.type = WebhookType::kCustom;
    WarnUnknown(ctx, spec, {"payloadConditions", "headerConditions", "jexlCondition"},
                "the Custom webhook spec");
    ParseConditionsInto(ctx, spec, &t->webhook);
    return true;
  }
  ctx.Error(Child(source_spec, "type"),
            "webhook type \"" + *type +
                "\" is not supported: use Github or Custom (Gitlab, "
                "Bitbucket, AzureRepo, AwsCodeCommit and Harness are not)");
  return false;
}

bool ParseSchedule(const Context& ctx, const YAML::Node& source_spec, Trigger* t) {
  auto type = Required(ctx, source_spec, "type", "scheduled source spec");
  if (!type) return false;
  WarnUnknown(ctx, source_spec, {"type", "spec"}, "the scheduled source spec");
  if (*type != "Cron") {
    ctx.Error(Child(source_spec, "type"),
              "schedule type \"" + *type + "\" is not supported: use Cron");
    return false;
  }
  YAML::Node spec = Child(source_spec, "spec");
  if (!spec.IsMap()) {
    ctx.Error(spec.IsDefined() ? spec : source_spec,
              "a Cron schedule needs spec: {type: UNIX | QUARTZ, expression: \"0 3 * * *\"}");
    return false;
  }
  WarnUnknown(ctx, spec, {"type", "expression", "timezone"}, "the Cron spec");
  std::string dialect_name = String(ctx, spec, "type").value_or("UNIX");
  CronDialect dialect = CronDialect::kUnix;
  if (dialect_name == "QUARTZ") {
    dialect = CronDialect::kQuartz;
  } else if (dialect_name != "UNIX") {
    ctx.Error(Child(spec, "type"),
              "cron type \"" + dialect_name + "\" is not supported: use UNIX or QUARTZ");
    return false;
  }
  auto expression = Required(ctx, spec, "expression", "Cron spec");
  if (!expression) return false;
  t->schedule.location = ctx.At(Child(spec, "expression"));
  Result<CronSchedule> cron = ParseCron(*expression, dialect);
  if (!cron.ok()) {
    ctx.Error(Child(spec, "expression"), "invalid cron expression: " + cron.status().message());
    return false;
  }
  t->schedule.cron = std::move(*cron);
  if (auto tz = String(ctx, spec, "timezone")) {
    if (Status s = CheckTimeZone(*tz); !s.ok()) {
      ctx.Error(Child(spec, "timezone"), s.message());
      return false;
    }
    t->schedule.time_zone = *tz;
  }
  return true;
}

// inputYaml: YAML holding a `pipeline:` mapping; expressions checked.
void CheckInputYaml(const Context& ctx, const YAML::Node& node, const std::string& text) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    ctx.diags->Error(InScalar(ctx, node, e.mark.line, e.mark.column),
                     "inputYaml is not valid YAML: " + e.msg);
    return;
  }
  if (!doc.IsMap() || !Child(doc, "pipeline").IsMap()) {
    ctx.Error(node,
              "inputYaml must hold a runtime-input document: pipeline: {identifier: ..., ...}");
    return;
  }
  std::function<void(const YAML::Node&)> walk = [&](const YAML::Node& n) {
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      if (!expr::HasExpressions(s)) return;
      SourceLocation at = InScalar(ctx, node, n.Mark().line, n.Mark().column);
      if (auto error = expr::CheckTemplateSyntax(s)) {
        ctx.diags->Error(at, "invalid expression in inputYaml: " + error->message);
        return;
      }
      for (const std::string& unknown : UnknownTriggerReferences(s)) {
        ctx.diags->Warning(at, "<+" + unknown + "> is not a trigger value sluice knows (" +
                                   std::string(kTriggerValueNames) + "); resolving it will fail");
      }
    } else if (n.IsMap()) {
      for (const auto& kv : n) walk(kv.second);
    } else if (n.IsSequence()) {
      for (const auto& item : n) walk(item);
    }
  };
  walk(Child(doc, "pipeline"));
}

std::optional<Trigger> ParseTriggerWithSource(const YAML::Node& doc, const std::string& file,
                                              const std::string* source, DiagnosticList* diags);

}  // namespace

std::string_view OperatorName(Operator op) {
  switch (op) {
    case Operator::kEquals:
      return "Equals";
    case Operator::kNotEquals:
      return "NotEquals";
    case Operator::kIn:
      return "In";
    case Operator::kNotIn:
      return "NotIn";
    case Operator::kStartsWith:
      return "StartsWith";
    case Operator::kEndsWith:
      return "EndsWith";
    case Operator::kContains:
      return "Contains";
    case Operator::kDoesNotContain:
      return "DoesNotContain";
    case Operator::kRegex:
      return "Regex";
  }
  return "Equals";
}

std::optional<Operator> ParseOperator(std::string_view name) {
  for (Operator op : {Operator::kEquals, Operator::kNotEquals, Operator::kIn, Operator::kNotIn,
                      Operator::kStartsWith, Operator::kEndsWith, Operator::kContains,
                      Operator::kDoesNotContain, Operator::kRegex}) {
    if (OperatorName(op) == name) return op;
  }
  return std::nullopt;
}

std::string Trigger::SourceSummary() const {
  if (source == SourceType::kScheduled) {
    return "Cron " + schedule.cron.text + " (" + schedule.time_zone + ")";
  }
  if (webhook.type == WebhookType::kCustom) return "Custom webhook";
  return webhook.event == GithubEvent::kPush ? "Github Push" : "Github PullRequest";
}

std::optional<Trigger> ParseTrigger(const YAML::Node& doc, const std::string& file,
                                    DiagnosticList* diags) {
  return ParseTriggerWithSource(doc, file, nullptr, diags);
}

namespace {

std::optional<Trigger> ParseTriggerWithSource(const YAML::Node& doc, const std::string& file,
                                              const std::string* source, DiagnosticList* diags) {
  Context ctx{file, source, diags};
  if (!doc.IsMap() || !Child(doc, "trigger").IsMap()) {
    diags->Error(doc.IsDefined() ? ctx.At(doc) : SourceLocation{file, 0, 0},
                 "a trigger file holds one mapping `trigger: {identifier, pipelineIdentifier, "
                 "source, ...}`");
    return std::nullopt;
  }
  WarnUnknown(ctx, doc, {"trigger"}, "the trigger file");
  const YAML::Node root = Child(doc, "trigger");
  WarnUnknown(ctx, root,
              {"name", "identifier", "enabled", "description", "tags", "orgIdentifier",
               "projectIdentifier", "pipelineIdentifier", "pipelineBranchName", "inputYaml",
               "inputSetRefs", "encryptedWebhookSecretIdentifier", "source", "stagesToExecute"},
              "trigger");
  Trigger t;
  t.file = file;
  t.location = ctx.At(root);
  auto id = Required(ctx, root, "identifier", "trigger");
  if (!id) return std::nullopt;
  t.identifier = *id;
  if (!IsIdentifier(t.identifier)) {
    ctx.Error(Child(root, "identifier"),
              "invalid identifier \"" + t.identifier +
                  "\": use letters, digits and _, starting with a letter or _");
  }
  t.name = String(ctx, root, "name").value_or(t.identifier);
  t.description = String(ctx, root, "description").value_or("");
  t.enabled = Bool(ctx, root, "enabled").value_or(true);
  t.org_identifier = String(ctx, root, "orgIdentifier").value_or("");
  t.project_identifier = String(ctx, root, "projectIdentifier").value_or("");
  t.pipeline_identifier = Required(ctx, root, "pipelineIdentifier", "trigger").value_or("");
  t.pipeline_location = ctx.At(Child(root, "pipelineIdentifier"));
  t.pipeline_branch = String(ctx, root, "pipelineBranchName").value_or("");
  t.input_set_refs = StringList(ctx, root, "inputSetRefs");
  t.webhook_secret = String(ctx, root, "encryptedWebhookSecretIdentifier").value_or("");
  if (Child(root, "stagesToExecute").IsSequence() && Child(root, "stagesToExecute").size() > 0) {
    ctx.Warning(Child(root, "stagesToExecute"),
                "stagesToExecute is not supported yet: the whole pipeline runs");
  }
  if (YAML::Node tags = Child(root, "tags"); tags.IsDefined() && !tags.IsNull()) {
    if (!tags.IsMap()) {
      ctx.Error(tags, "\"tags\" must be a mapping, not " + Kind(tags));
    } else {
      for (const auto& [k, v] : Entries(tags)) t.tags[k] = v.IsScalar() ? v.Scalar() : "";
    }
  }
  if (auto input_yaml = String(ctx, root, "inputYaml")) {
    t.input_yaml = *input_yaml;
    t.input_yaml_location = ctx.At(Child(root, "inputYaml"));
    if (!TrimAsciiSpace(t.input_yaml).empty())
      CheckInputYaml(ctx, Child(root, "inputYaml"), t.input_yaml);
  }

  YAML::Node source_node = Child(root, "source");
  if (!source_node.IsMap()) {
    ctx.Error(source_node.IsDefined() ? source_node : root,
              "trigger needs source: {type: Webhook | Scheduled, spec: {...}}");
    return std::nullopt;
  }
  WarnUnknown(ctx, source_node, {"type", "spec", "pollInterval", "webhookId"},
              "the trigger source");
  auto type = Required(ctx, source_node, "type", "trigger source");
  if (!type) return std::nullopt;
  YAML::Node spec = Child(source_node, "spec");
  if (!spec.IsMap()) {
    ctx.Error(spec.IsDefined() ? spec : source_node, "the trigger source needs a spec mapping");
    return std::nullopt;
  }
  bool ok = false;
  if (*type == "Webhook") {
    t.source = SourceType::kWebhook;
    ok = ParseWebhook(ctx, spec, &t);
  } else if (*type == "Scheduled") {
    t.source = SourceType::kScheduled;
    ok = ParseSchedule(ctx, spec, &t);
  } else {
    ctx.Error(Child(source_node, "type"),
              "trigger source type \"" + *type +
                  "\" is not supported: use Webhook or Scheduled (Artifact, "
                  "Manifest and SystemEvent triggers are not)");
  }
  if (!ok) return std::nullopt;
  if (!t.webhook_secret.empty() &&
      (t.source != SourceType::kWebhook || t.webhook.type != WebhookType::kGithub)) {
    ctx.Warning(
        Child(root, "encryptedWebhookSecretIdentifier"),
        "only GitHub webhooks are signed; encryptedWebhookSecretIdentifier is ignored here");
  }
  return t;
}

}  // namespace

std::optional<Trigger> ParseTriggerText(std::string_view text, const std::string& file,
                                        DiagnosticList* diags) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    diags->Error({file, e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
    return std::nullopt;
  }
  std::string source(text);
  return ParseTriggerWithSource(doc, file, &source, diags);
}

void CheckTriggerReferences(const Trigger& t, const pipeline::Project& project,
                            DiagnosticList* diags) {
  const pipeline::Pipeline* p = project.FindPipeline(t.pipeline_identifier);
  if (p == nullptr && !t.pipeline_identifier.empty()) {
    std::string known;
    for (const pipeline::Pipeline& each : project.pipelines) {
      known += (known.empty() ? "" : ", ") + each.identifier;
    }
    diags->Error(t.pipeline_location, "trigger \"" + t.identifier + "\" names pipeline \"" +
                                          t.pipeline_identifier +
                                          "\", which the project does not have" +
                                          (known.empty() ? std::string(" (it has no pipelines)")
                                                         : " (its pipelines: " + known + ")"));
  }
  for (const std::string& ref : t.input_set_refs) {
    const pipeline::InputSet* set = project.FindInputSet(ref);
    if (set == nullptr) {
      diags->Error(t.location, "trigger \"" + t.identifier + "\" names input set \"" + ref +
                                   "\", which is not in .harness/inputsets/");
    } else if (!set->pipeline_identifier.empty() &&
               set->pipeline_identifier != t.pipeline_identifier) {
      diags->Error(t.location, "input set \"" + ref + "\" is for pipeline \"" +
                                   set->pipeline_identifier + "\", not \"" + t.pipeline_identifier +
                                   "\"");
    }
  }
  if (!t.input_yaml.empty()) {
    try {
      YAML::Node doc = YAML::Load(t.input_yaml);
      YAML::Node id = doc.IsMap() && Child(doc, "pipeline").IsMap()
                          ? Child(doc, "pipeline")["identifier"]
                          : YAML::Node();
      if (id.IsScalar() && id.Scalar() != t.pipeline_identifier) {
        diags->Error(t.input_yaml_location, "inputYaml is for pipeline \"" + id.Scalar() +
                                                "\" but the trigger runs \"" +
                                                t.pipeline_identifier + "\"");
      }
    } catch (const YAML::Exception&) {
      // Reported by the parser.
    }
  }
}

std::vector<Trigger> LoadTriggers(pipeline::Project* project, DiagnosticList* diags) {
  namespace fs = std::filesystem;
  std::vector<Trigger> out;
  std::error_code ec;
  const fs::path dir = project->root / ".harness" / "triggers";
  if (!fs::is_directory(project->root / ".harness" / "pipelines", ec) ||
      !fs::is_directory(dir, ec)) {
    return out;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string ext = entry.path().extension().string();
    if (entry.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml"))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, SourceLocation> seen;
  for (const fs::path& path : files) {
    const std::string name = path.lexically_relative(project->root).generic_string();
    Result<std::string> text = ReadFile(path);
    if (!text.ok()) {
      diags->Error({name, 0, 0}, "cannot read file: " + text.status().message());
      continue;
    }
    project->sources[name] = *text;
    std::optional<Trigger> t = ParseTriggerText(*text, name, diags);
    if (!t) continue;
    auto [it, inserted] = seen.emplace(t->identifier, t->location);
    if (!inserted) {
      diags->Error(t->location, "duplicate trigger identifier \"" + t->identifier +
                                    "\" (also defined at " + it->second.ToString() +
                                    "); identifiers must be unique in a project");
      continue;
    }
    CheckTriggerReferences(*t, *project, diags);
    out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace sluice::triggers
