// The `pipeline:` root: its own fields, the stages list and the codebase
// (harness-semantics §1.1, §1.7).
#include <algorithm>
#include <set>

#include "pipeline/parse_internal.h"
#include "pipeline/project.h"

namespace sluice::pipeline {

namespace internal {

YAML::Node LoadYamlText(std::string_view text, const std::string& file, DiagnosticList* diags) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::ParserException& e) {
    SourceLocation loc{file, 0, 0};
    if (!e.mark.is_null()) loc = {file, e.mark.line + 1, e.mark.column + 1};
    diags->Error(loc, "invalid YAML: " + e.msg);
    return YAML::Node(YAML::NodeType::Undefined);
  } catch (const YAML::Exception& e) {
    diags->Error({file, 0, 0}, std::string("invalid YAML: ") + e.what());
    return YAML::Node(YAML::NodeType::Undefined);
  }
  if (docs.empty()) return YAML::Node(YAML::NodeType::Null);
  if (docs.size() > 1) {
    diags->Warning(LocationOf(docs[1], file),
                   "file holds " + std::to_string(docs.size()) +
                       " YAML documents; only the first is read (put one entity per "
                       "file)");
  }
  return docs[0];
}

namespace {

void ParseBuild(const ParseContext& ctx, const Field& field) {
  const YAML::Node& build = field.value;
  if (build.IsScalar()) {
    // `<+input>` (or an expression) supplied when the run starts.
    if (build.Scalar().find("<+") == std::string::npos) {
      ctx.Error(ctx.At(field),
                "\"build\" must be <+input> or {type: branch|tag|PR|commitSha, spec: {...}}, not " +
                    KindName(build));
    }
    return;
  }
  if (!ExpectMap(ctx, field)) return;
  auto fields = Fields(build);
  WarnUnknownKeys(ctx, fields, {"type", "spec"}, "codebase build");
  auto type = RequireString(ctx, fields, "type", "codebase build", build);
  if (!type) return;
  std::string key;
  if (*type == "branch") {
    key = "branch";
  } else if (*type == "tag") {
    key = "tag";
  } else if (*type == "PR") {
    key = "number";
  } else if (*type == "commitSha") {
    key = "commitSha";
  } else {
    ctx.Error(ctx.At(*FindField(fields, "type")), "unknown codebase build type \"" + *type +
                                                      "\" (expected branch, tag, PR or commitSha)");
    return;
  }
  const Field* spec = FindField(fields, "spec");
  if (spec == nullptr || spec->value.IsNull()) {
    ctx.Error(ctx.At(field.key),
              "codebase build is missing required field \"spec\" ({" + key + ": ...})");
    return;
  }
  if (!ExpectMap(ctx, *spec)) return;
  auto spec_fields = Fields(spec->value);
  WarnUnknownKeys(ctx, spec_fields, {key}, "codebase build spec");
  (void)RequireString(ctx, spec_fields, key, "codebase build spec", spec->value);
}

std::optional<Codebase> ParseProperties(const ParseContext& ctx, const Field& field) {
  if (field.value.IsNull() || !ExpectMap(ctx, field)) return std::nullopt;
  auto fields = Fields(field.value);
  WarnUnknownKeys(ctx, fields, {"ci"}, "properties");
  const Field* ci = FindField(fields, "ci");
  if (ci == nullptr || ci->value.IsNull() || !ExpectMap(ctx, *ci)) return std::nullopt;
  auto ci_fields = Fields(ci->value);
  WarnUnknownKeys(ctx, ci_fields, {"codebase"}, "properties.ci");
  const Field* cb = FindField(ci_fields, "codebase");
  if (cb == nullptr || cb->value.IsNull() || !ExpectMap(ctx, *cb)) return std::nullopt;
  auto cb_fields = Fields(cb->value);
  WarnUnknownKeys(ctx, cb_fields,
                  {"connectorRef", "repoName", "build", "depth", "prCloneStrategy", "sslVerify",
                   "lfs", "fetchTags", "sparseCheckout", "submoduleStrategy", "cloneDirectory",
                   "preFetchCommand", "resources"},
                  "codebase");
  Codebase codebase;
  codebase.location = ctx.At(cb->value);
  codebase.connector_ref =
      RequireString(ctx, cb_fields, "connectorRef", "codebase", cb->value).value_or("");
  codebase.repo_name = GetString(ctx, FindField(cb_fields, "repoName")).value_or("");
  const Field* build = FindField(cb_fields, "build");
  if (build == nullptr || build->value.IsNull()) {
    ctx.Error(build != nullptr ? ctx.At(build->key) : ctx.At(cb->value),
              "codebase is missing required field \"build\" (<+input> or {type: branch, spec: "
              "{branch: main}})");
  } else {
    ParseBuild(ctx, *build);
    codebase.build = build->value;
  }
  if (const Field* depth = FindField(cb_fields, "depth")) {
    if (!(depth->value.IsScalar() && depth->value.Scalar().find("<+") != std::string::npos)) {
      codebase.depth = GetInt(ctx, depth);
    }
  }
  return codebase;
}

void ParseStages(const ParseContext& ctx, const Field& field, Pipeline* p) {
  if (!ExpectList(ctx, field)) return;
  if (field.value.size() == 0) {
    ctx.Error(ctx.At(field), "\"stages\" must list at least one stage");
    return;
  }
  IdentifierScope stage_ids("stage");
  for (const auto& item : field.value) {
    auto fields = Fields(item);
    if (!item.IsMap() || fields.size() != 1 ||
        (fields[0].name != "stage" && fields[0].name != "parallel")) {
      ctx.Error(ctx.At(item),
                "elements of \"stages\" must be {stage: ...} or {parallel: [...]}, not " +
                    Describe(item, fields));
      continue;
    }
    StageNode node;
    node.location = ctx.At(item);
    if (fields[0].name == "stage") {
      auto stage = ParseStage(ctx, fields[0], &stage_ids);
      if (!stage) continue;
      node.kind = StageNode::Kind::kStage;
      node.stage = std::move(*stage);
    } else {
      const Field& par = fields[0];
      if (!ExpectList(ctx, par)) continue;
      node.kind = StageNode::Kind::kParallel;
      for (const auto& member : par.value) {
        auto mf = Fields(member);
        if (!member.IsMap() || mf.size() != 1 || mf[0].name != "stage") {
          ctx.Error(ctx.At(member),
                    "elements of a parallel stage block must be {stage: ...}, not " +
                        Describe(member, mf));
          continue;
        }
        if (auto stage = ParseStage(ctx, mf[0], &stage_ids)) {
          node.parallel.push_back(std::move(*stage));
        }
      }
      if (par.value.size() == 0) {
        ctx.Error(ctx.At(par), "\"parallel\" must list at least one stage");
      }
    }
    p->stages.push_back(std::move(node));
  }
}

// A CI stage with cloneCodebase: true needs properties.ci.codebase.
void CheckCodebaseNeeded(const ParseContext& ctx, const Pipeline& p) {
  if (p.codebase) return;
  auto check = [&](const Stage& s) {
    if (s.type == StageType::kCI && s.clone_codebase) {
      ctx.Error(
          s.location,
          "stage \"" + s.identifier +
              "\" has cloneCodebase: true but the pipeline has no properties.ci.codebase (add "
              "one, or set cloneCodebase: false)");
    }
  };
  for (const StageNode& n : p.stages) {
    if (n.kind == StageNode::Kind::kStage) check(n.stage);
    for (const Stage& s : n.parallel) check(s);
  }
}

}  // namespace

}  // namespace internal

namespace {

// Stages a notification rule's forStages names must exist.
void CheckNotificationStages(const internal::ParseContext& ctx, const Pipeline& p) {
  std::set<std::string> ids;
  for (const StageNode& sn : p.stages) {
    if (sn.kind == StageNode::Kind::kStage) ids.insert(sn.stage.identifier);
    for (const Stage& s : sn.parallel) ids.insert(s.identifier);
  }
  for (const NotificationRule& r : p.notification_rules) {
    for (const NotificationEvent& e : r.events) {
      for (const std::string& s : e.for_stages) {
        if (ids.count(s) == 0 && s.rfind("<+", 0) != 0) {
          ctx.Error(e.location, "notification rule \"" + r.name + "\": forStages names stage \"" +
                                    s + "\", which this pipeline does not have");
        }
      }
    }
  }
}

std::optional<Pipeline> ParsePipelineUnsorted(const YAML::Node& doc, const std::string& file,
                                              DiagnosticList* diags) {
  using namespace internal;  // NOLINT(google-build-using-namespace): this file is the parser's
                             // front door
  ParseContext ctx(file, diags);
  auto top = Fields(doc);
  const Field* root_field = FindField(top, "pipeline");
  if (!doc.IsMap() || root_field == nullptr) {
    ctx.Error(ctx.At(doc).known() ? ctx.At(doc) : SourceLocation{file, 1, 1},
              "expected a pipeline document (a mapping with a top-level \"pipeline:\" key)");
    return std::nullopt;
  }
  WarnUnknownKeys(ctx, top, {"pipeline"}, "document");
  if (!ExpectMap(ctx, *root_field)) return std::nullopt;
  try {
    Pipeline p;
    p.file = file;
    p.root = root_field->value;
    p.location = ctx.At(root_field->value);
    auto fields = Fields(root_field->value);
    WarnUnknownKeys(
        ctx, fields,
        {"identifier", "name", "description", "tags", "orgIdentifier", "projectIdentifier",
         "stages", "variables", "properties", "timeout", "delegateSelectors",
         "allowStageExecutions", "notificationRules", "flowControl", "template",
         "fixedInputsOnRerun"},
        "pipeline",
        {{"failureStrategies",
          "failureStrategies belong on stages, step groups and steps, not on the pipeline"}});
    bool ok = true;
    if (auto id = RequireString(ctx, fields, "identifier", "pipeline", root_field->value)) {
      CheckIdentifier(ctx, *id, ctx.At(*FindField(fields, "identifier")));
      p.identifier = *id;
    } else {
      ok = false;
    }
    if (auto name = RequireString(ctx, fields, "name", "pipeline", root_field->value)) {
      p.name = *name;
    }
    if (const Field* t = FindField(fields, "template")) {
      ctx.Error(ctx.At(t->key), "templates are not supported: inline the template's YAML instead");
      ok = false;
    }
    p.description = GetString(ctx, FindField(fields, "description")).value_or("");
    p.org_identifier = GetString(ctx, FindField(fields, "orgIdentifier")).value_or("");
    p.project_identifier = GetString(ctx, FindField(fields, "projectIdentifier")).value_or("");
    if (const Field* tags = FindField(fields, "tags"); tags != nullptr && !tags->value.IsNull()) {
      if (ExpectMap(ctx, *tags)) {
        for (const Field& t : Fields(tags->value)) {
          p.tags[t.name] = t.value.IsScalar() ? t.value.Scalar() : std::string();
        }
      }
    }
    if (const Field* v = FindField(fields, "variables")) p.variables = ParseVariables(ctx, *v);
    if (const Field* props = FindField(fields, "properties")) {
      p.codebase = ParseProperties(ctx, *props);
    }
    p.timeout = GetDuration(ctx, FindField(fields, "timeout"));
    p.allow_stage_executions =
        GetBool(ctx, FindField(fields, "allowStageExecutions")).value_or(false);
    p.delegate_selectors = GetStringList(ctx, FindField(fields, "delegateSelectors"));
    if (const Field* n = FindField(fields, "notificationRules")) {
      p.notification_rules = ParseNotificationRules(n->value, file, ctx.diags());
    }
    if (const Field* f = FindField(fields, "flowControl")) {
      WarnNotSupported(ctx, *f, "barriers are not enforced");
    }
    const Field* stages = FindField(fields, "stages");
    if (stages == nullptr || stages->value.IsNull()) {
      ctx.Error(stages != nullptr ? ctx.At(stages->key) : ctx.At(root_field->value),
                "pipeline is missing required field \"stages\"");
      ok = false;
    } else {
      ParseStages(ctx, *stages, &p);
    }
    CheckCodebaseNeeded(ctx, p);
    CheckNotificationStages(ctx, p);
    if (!ok) return std::nullopt;
    return p;
  } catch (const YAML::Exception& e) {
    // The parser only uses non-throwing accessors; this guards the boundary.
    ctx.Error(ctx.At(root_field->value),
              std::string("internal error reading the pipeline: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace

std::optional<Pipeline> ParsePipeline(const YAML::Node& doc, const std::string& file,
                                      DiagnosticList* diags) {
  // Parsing visits some keys out of document order (a stage's `when` before
  // its `spec`); report in the order a reader meets them.
  DiagnosticList local;
  auto p = ParsePipelineUnsorted(doc, file, &local);
  std::vector<Diagnostic> items = local.items();
  std::stable_sort(items.begin(), items.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.location.line, a.location.column) <
           std::pair(b.location.line, b.location.column);
  });
  for (Diagnostic& d : items) diags->Add(std::move(d));
  return p;
}

std::optional<Pipeline> ParsePipelineText(std::string_view text, const std::string& file,
                                          DiagnosticList* diags) {
  YAML::Node doc = internal::LoadYamlText(text, file, diags);
  if (!doc.IsDefined()) return std::nullopt;
  auto p = ParsePipeline(doc, file, diags);
  if (p) p->source = std::make_shared<const std::string>(text);
  return p;
}

}  // namespace sluice::pipeline
