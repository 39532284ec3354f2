// LoadProject: reading a `.harness/` folder (or one pipeline file), input sets
// and connectors; FormatDiagnostics for printing what was found.
#include "pipeline/project.h"

#include <algorithm>
#include <initializer_list>
#include <system_error>

#include "common/files.h"
#include "pipeline/deployment.h"
#include "pipeline/parse_internal.h"

namespace sluice::pipeline {

namespace fs = std::filesystem;
using internal::EntityRoot;
using internal::Field;
using internal::Fields;
using internal::FindField;
using internal::ParseContext;

const Pipeline* Project::FindPipeline(std::string_view identifier) const {
  for (const Pipeline& p : pipelines) {
    if (p.identifier == identifier) return &p;
  }
  return nullptr;
}

const InputSet* Project::FindInputSet(std::string_view identifier) const {
  for (const InputSet& s : input_sets) {
    if (s.identifier == identifier) return &s;
  }
  return nullptr;
}

const Connector* Project::FindConnector(std::string_view identifier) const {
  for (const Connector& c : connectors) {
    if (c.identifier == identifier) return &c;
  }
  return nullptr;
}

const PolicySet* Project::FindPolicySet(std::string_view identifier) const {
  for (const PolicySet& s : policy_sets) {
    if (s.identifier == identifier) return &s;
  }
  return nullptr;
}

const PolicySource* Project::FindPolicy(std::string_view identifier) const {
  for (const PolicySource& p : policies) {
    if (p.identifier == identifier) return &p;
  }
  return nullptr;
}

const Service* Project::FindService(std::string_view identifier) const {
  for (const Service& s : services) {
    if (s.identifier == identifier) return &s;
  }
  return nullptr;
}

const Environment* Project::FindEnvironment(std::string_view identifier) const {
  for (const Environment& e : environments) {
    if (e.identifier == identifier) return &e;
  }
  return nullptr;
}

const InfrastructureDefinition* Project::FindInfrastructure(std::string_view identifier) const {
  for (const InfrastructureDefinition& i : infrastructures) {
    if (i.identifier == identifier) return &i;
  }
  return nullptr;
}

const UserGroup* Project::FindUserGroup(std::string_view identifier) const {
  for (const UserGroup& g : user_groups) {
    if (g.identifier == identifier) return &g;
  }
  return nullptr;
}

namespace internal {

const Field* EntityRoot(const ParseContext& ctx, const YAML::Node& doc,
                        const std::vector<Field>& top, std::string_view root_key) {
  const Field* root = FindField(top, root_key);
  if (!doc.IsMap() || root == nullptr) {
    SourceLocation loc = ctx.At(doc).known() ? ctx.At(doc) : SourceLocation{ctx.file(), 1, 1};
    ctx.Error(loc, "expected a " + std::string(root_key) +
                       " document (a mapping with a top-level \"" + std::string(root_key) +
                       ":\" key)");
    return nullptr;
  }
  internal::WarnUnknownKeys(ctx, top, {root_key}, "document");
  if (!internal::ExpectMap(ctx, *root)) return nullptr;
  return root;
}

}  // namespace internal

std::optional<InputSet> ParseInputSet(const YAML::Node& doc, const std::string& file,
                                      DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  auto top = Fields(doc);
  const Field* root = EntityRoot(ctx, doc, top, "inputSet");
  if (root == nullptr) return std::nullopt;
  auto fields = Fields(root->value);
  internal::WarnUnknownKeys(ctx, fields,
                            {"identifier", "name", "description", "tags", "orgIdentifier",
                             "projectIdentifier", "pipeline", "object_type"},
                            "inputSet");
  InputSet set;
  set.file = file;
  set.location = ctx.At(root->value);
  auto id = internal::RequireString(ctx, fields, "identifier", "inputSet", root->value);
  if (id) internal::CheckIdentifier(ctx, *id, ctx.At(*FindField(fields, "identifier")));
  set.name = internal::GetString(ctx, FindField(fields, "name")).value_or(id.value_or(""));
  const Field* pipeline = FindField(fields, "pipeline");
  if (pipeline == nullptr) {
    ctx.Error(ctx.At(root->value), "inputSet is missing required field \"pipeline\"");
    return std::nullopt;
  }
  if (!internal::ExpectMap(ctx, *pipeline)) return std::nullopt;
  auto pid = internal::RequireString(ctx, Fields(pipeline->value), "identifier",
                                     "inputSet pipeline", pipeline->value);
  if (!id || !pid) return std::nullopt;
  set.identifier = *id;
  set.pipeline_identifier = *pid;
  set.pipeline = pipeline->value;
  return set;
}

std::optional<Connector> ParseConnector(const YAML::Node& doc, const std::string& file,
                                        DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  auto top = Fields(doc);
  const Field* root = EntityRoot(ctx, doc, top, "connector");
  if (root == nullptr) return std::nullopt;
  auto fields = Fields(root->value);
  internal::WarnUnknownKeys(ctx, fields,
                            {"identifier", "name", "description", "tags", "orgIdentifier",
                             "projectIdentifier", "type", "spec"},
                            "connector");
  Connector c;
  c.file = file;
  c.location = ctx.At(root->value);
  auto id = internal::RequireString(ctx, fields, "identifier", "connector", root->value);
  auto type = internal::RequireString(ctx, fields, "type", "connector", root->value);
  c.name = internal::GetString(ctx, FindField(fields, "name")).value_or(id.value_or(""));
  if (const Field* spec = FindField(fields, "spec"); spec != nullptr && !spec->value.IsNull()) {
    if (internal::ExpectMap(ctx, *spec)) c.spec = spec->value;
  }
  if (!id || !type) return std::nullopt;
  c.identifier = *id;
  c.type = *type;
  return c;
}

namespace {

std::optional<PolicyEntry> ParsePolicyEntry(const ParseContext& ctx, const YAML::Node& item) {
  if (!item.IsMap()) {
    ctx.Error(ctx.At(item), "each policy must be a mapping {identifier, severity}, got " +
                                internal::KindName(item));
    return std::nullopt;
  }
  auto fields = Fields(item);
  internal::WarnUnknownKeys(ctx, fields, {"identifier", "severity"}, "policy");
  auto id = internal::RequireString(ctx, fields, "identifier", "policy", item);
  if (!id) return std::nullopt;
  PolicyEntry entry;
  entry.identifier = *id;
  entry.location = ctx.At(*FindField(fields, "identifier"));
  const Field* severity = FindField(fields, "severity");
  if (auto text = internal::GetString(ctx, severity)) {
    if (*text == "error") {
      entry.severity = PolicySeverity::kError;
    } else if (*text == "warning" || *text == "warn") {
      entry.severity = PolicySeverity::kWarning;
    } else {
      ctx.Error(ctx.At(*severity), "policy severity must be \"error\" (error and exit) or "
                                   "\"warning\" (warn and continue), got \"" + *text + "\"");
      return std::nullopt;
    }
  }
  return entry;
}

}  // namespace

std::optional<PolicySet> ParsePolicySet(const YAML::Node& doc, const std::string& file,
                                        DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  auto top = Fields(doc);
  const Field* root = EntityRoot(ctx, doc, top, "policySet");
  if (root == nullptr) return std::nullopt;
  auto fields = Fields(root->value);
  internal::WarnUnknownKeys(ctx, fields,
                            {"identifier", "name", "description", "tags", "orgIdentifier",
                             "projectIdentifier", "type", "action", "enabled", "regoVersion",
                             "policies"},
                            "policySet");
  PolicySet set;
  set.file = file;
  set.location = ctx.At(root->value);
  auto id = internal::RequireString(ctx, fields, "identifier", "policySet", root->value);
  if (id) internal::CheckIdentifier(ctx, *id, ctx.At(*FindField(fields, "identifier")));
  set.name = internal::GetString(ctx, FindField(fields, "name")).value_or(id.value_or(""));
  set.type = internal::GetString(ctx, FindField(fields, "type")).value_or("custom");
  set.action = internal::GetString(ctx, FindField(fields, "action")).value_or("");
  set.enabled = internal::GetBool(ctx, FindField(fields, "enabled")).value_or(true);
  if (const Field* version = FindField(fields, "regoVersion")) {
    set.rego_version = internal::GetString(ctx, version).value_or("");
    if (set.rego_version != "v0" && set.rego_version != "v1") {
      ctx.Error(ctx.At(*version), "regoVersion must be v0 or v1 (leave it out to decide per "
                                  "file), got \"" + set.rego_version + "\"");
      set.rego_version.clear();
    }
  }
  const Field* policies = FindField(fields, "policies");
  if (policies == nullptr) {
    ctx.Error(ctx.At(root->value), "policySet is missing required field \"policies\"");
  } else if (internal::ExpectList(ctx, *policies)) {
    for (const YAML::Node& item : policies->value) {
      if (auto entry = ParsePolicyEntry(ctx, item)) set.policies.push_back(std::move(*entry));
    }
    if (policies->value.size() == 0) {
      ctx.Error(ctx.At(*policies), "a policy set needs at least one policy");
    }
  }
  if (!id) return std::nullopt;
  set.identifier = *id;
  return set;
}

namespace {

// Regular files of `dir` ending in one of `extensions`, sorted by name;
// empty when `dir` does not exist.
std::vector<fs::path> FilesWithExtension(const fs::path& dir,
                                         std::initializer_list<std::string_view> extensions) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file(ec) &&
        std::find(extensions.begin(), extensions.end(), ext) != extensions.end()) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// YAML files of `dir`, sorted by name; empty when `dir` does not exist.
std::vector<fs::path> YamlFiles(const fs::path& dir) {
  return FilesWithExtension(dir, {".yaml", ".yml"});
}

// Reads `path` into project.sources under `name`; reports unreadable files.
std::optional<std::string> ReadSource(const fs::path& path, const std::string& name,
                                      Project* project, DiagnosticList* diags) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    diags->Error({name, 0, 0}, "cannot read file: " + text.status().message());
    return std::nullopt;
  }
  project->sources[name] = *text;
  return *text;
}

template <typename T>
void ReportDuplicates(const std::vector<T>& items, std::string_view kind, DiagnosticList* diags) {
  std::map<std::string, const T*> seen;
  for (const T& item : items) {
    auto [it, inserted] = seen.emplace(item.identifier, &item);
    if (!inserted) {
      diags->Error(item.location, "duplicate " + std::string(kind) + " identifier \"" +
                                      item.identifier + "\" (also defined at " +
                                      it->second->location.ToString() +
                                      "); identifiers must be unique in a project");
    }
  }
}

}  // namespace

Result<Project> LoadProject(const fs::path& path, DiagnosticList* diags) {
  std::error_code ec;
  Project project;
  if (fs::is_regular_file(path, ec)) {
    project.root = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const std::string name = path.string();
    auto text = ReadSource(path, name, &project, diags);
    if (!text) return Status::IoError("cannot read " + name);
    if (auto p = ParsePipelineText(*text, name, diags)) project.pipelines.push_back(std::move(*p));
    return project;
  }
  if (!fs::is_directory(path, ec)) {
    return Status::IoError(path.string() +
                           ": no such file or directory (expected a project directory holding "
                           ".harness/pipelines/, or a pipeline YAML file)");
  }
  project.root = path;
  const fs::path harness = path / ".harness";
  if (!fs::is_directory(harness / "pipelines", ec)) {
    diags->Error({path.string(), 0, 0},
                 "no .harness/pipelines directory: a project keeps its pipelines in "
                 ".harness/pipelines/*.yaml "
                 "(input sets in .harness/inputsets/, connectors in .harness/connectors/)");
    return project;
  }
  auto relative = [&](const fs::path& p) { return p.lexically_relative(path).generic_string(); };
  const auto pipeline_files = YamlFiles(harness / "pipelines");
  if (pipeline_files.empty()) {
    diags->Warning({relative(harness / "pipelines"), 0, 0},
                   "no pipelines: add .harness/pipelines/<name>.yaml");
  }
  for (const fs::path& file : pipeline_files) {
    const std::string name = relative(file);
    auto text = ReadSource(file, name, &project, diags);
    if (!text) continue;
    if (auto p = ParsePipelineText(*text, name, diags)) project.pipelines.push_back(std::move(*p));
  }
  // Every YAML file of an entity folder, parsed by `parse` into `out`.
  auto load_entities = [&](const char* folder, auto parse, auto& out) {
    for (const fs::path& file : YamlFiles(harness / folder)) {
      const std::string name = relative(file);
      auto text = ReadSource(file, name, &project, diags);
      if (!text) continue;
      YAML::Node doc = internal::LoadYamlText(*text, name, diags);
      if (!doc.IsDefined()) continue;
      if (auto entity = parse(doc, name, diags)) out.push_back(std::move(*entity));
    }
  };
  load_entities("inputsets", ParseInputSet, project.input_sets);
  load_entities("connectors", ParseConnector, project.connectors);
  load_entities("policysets", ParsePolicySet, project.policy_sets);
  load_entities("services", ParseService, project.services);
  load_entities("environments", ParseEnvironment, project.environments);
  load_entities("infrastructures", ParseInfrastructureDefinition, project.infrastructures);
  load_entities("usergroups", ParseUserGroup, project.user_groups);
  load_entities("alerts", ParseAlertRule, project.alert_rules);
  for (const char* smtp_file : {"smtp.yaml", "smtp.yml"}) {
    if (!fs::is_regular_file(harness / smtp_file, ec)) continue;
    const std::string name = relative(harness / smtp_file);
    if (project.smtp) {
      diags->Error({name, 0, 0}, "both .harness/smtp.yaml and .harness/smtp.yml exist: keep one");
      continue;
    }
    auto text = ReadSource(harness / smtp_file, name, &project, diags);
    if (!text) continue;
    YAML::Node doc = internal::LoadYamlText(*text, name, diags);
    if (doc.IsDefined()) project.smtp = ParseSmtpConfig(doc, name, diags);
  }
  for (const fs::path& file : FilesWithExtension(harness / "policies", {".rego"})) {
    const std::string name = relative(file);
    auto text = ReadSource(file, name, &project, diags);
    if (!text) continue;
    project.policies.push_back({file.stem().string(), name, std::move(*text)});
  }
  ReportDuplicates(project.pipelines, "pipeline", diags);
  ReportDuplicates(project.input_sets, "input set", diags);
  ReportDuplicates(project.connectors, "connector", diags);
  ReportDuplicates(project.policy_sets, "policy set", diags);
  ReportDuplicates(project.services, "service", diags);
  ReportDuplicates(project.environments, "environment", diags);
  ReportDuplicates(project.infrastructures, "infrastructure definition", diags);
  ReportDuplicates(project.user_groups, "user group", diags);
  ReportDuplicates(project.alert_rules, "alert", diags);
  for (const InfrastructureDefinition& infra : project.infrastructures) {
    if (project.FindEnvironment(infra.environment_ref) == nullptr) {
      diags->Error(infra.environment_ref_location,
                   "infrastructure definition \"" + infra.identifier +
                       "\" belongs to environment \"" + infra.environment_ref +
                       "\", which the project does not have: add .harness/environments/" +
                       infra.environment_ref + ".yaml (or correct environmentRef)");
    }
  }
  for (const PolicySet& set : project.policy_sets) {
    for (const PolicyEntry& entry : set.policies) {
      if (project.FindPolicy(entry.identifier) == nullptr) {
        diags->Error(entry.location, "policy \"" + entry.identifier + "\" of policy set \"" +
                                         set.identifier + "\" has no file: add .harness/policies/" +
                                         entry.identifier + ".rego");
      }
    }
  }
  for (const InputSet& s : project.input_sets) {
    if (project.FindPipeline(s.pipeline_identifier) == nullptr) {
      diags->Warning(LocationOf(s.pipeline, s.file),
                     "input set \"" + s.identifier + "\" is for pipeline \"" +
                         s.pipeline_identifier + "\", which this project does not have");
    }
  }
  ValidateDeploymentStages(project, diags);
  return project;
}

std::string FormatDiagnostics(const DiagnosticList& diags, const Project& project) {
  std::string out;
  for (const Diagnostic& d : diags.items()) {
    auto it = project.sources.find(d.location.file);
    out += FormatDiagnostic(
        d, it == project.sources.end() ? std::string_view() : std::string_view(it->second));
  }
  const int errors = diags.error_count();
  const int warnings = diags.warning_count();
  if (errors == 0 && warnings == 0) return out;
  auto count = [](int n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  if (warnings > 0) out += count(warnings, "warning");
  if (warnings > 0 && errors > 0) out += ", ";
  if (errors > 0) out += count(errors, "error");
  out += "\n";
  return out;
}

}  // namespace sluice::pipeline
