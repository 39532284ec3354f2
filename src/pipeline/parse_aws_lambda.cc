// The AwsLambda service definition (deployment.h): manifests and the
// primary artifact, and where a manifest's files are read from.
#include <algorithm>

#include "expr/expr.h"
#include "pipeline/deployment.h"
#include "pipeline/parse_internal.h"

namespace sluice::pipeline {

using internal::Field;
using internal::Fields;
using internal::FindField;
using internal::ParseContext;

const LambdaManifest* AwsLambdaServiceSpec::FunctionDefinition() const {
  for (const LambdaManifest& m : manifests) {
    if (m.kind == LambdaManifestKind::kFunctionDefinition) return &m;
  }
  return nullptr;
}

std::vector<const LambdaManifest*> AwsLambdaServiceSpec::AliasDefinitions() const {
  std::vector<const LambdaManifest*> out;
  for (const LambdaManifest& m : manifests) {
    if (m.kind == LambdaManifestKind::kAliasDefinition) out.push_back(&m);
  }
  return out;
}

const ArtifactSource* AwsLambdaServiceSpec::FindSource(std::string_view identifier) const {
  for (const ArtifactSource& s : sources) {
    if (s.identifier == identifier) return &s;
  }
  return nullptr;
}

namespace {

bool IsGitStore(std::string_view type) {
  return type == "Git" || type == "Github" || type == "GitLab" || type == "Bitbucket" ||
         type == "Local";
}

bool IsInput(const YAML::Node& node) {
  return node.IsScalar() && expr::ParseRuntimeInput(node.Scalar()).has_value();
}

std::optional<LambdaManifest> ParseManifest(const ParseContext& ctx, const YAML::Node& item) {
  auto outer = Fields(item);
  const Field* wrapper = FindField(outer, "manifest");
  if (!item.IsMap() || wrapper == nullptr) {
    ctx.Error(ctx.At(item),
              "each element of \"manifests\" must be a mapping {manifest: "
              "{identifier, type, spec}}, not " +
                  internal::Describe(item, outer));
    return std::nullopt;
  }
  if (!internal::ExpectMap(ctx, *wrapper)) return std::nullopt;
  auto fields = Fields(wrapper->value);
  internal::WarnUnknownKeys(ctx, fields, {"identifier", "type", "spec"}, "manifest");
  LambdaManifest m;
  m.location = ctx.At(wrapper->value);
  auto id = internal::RequireString(ctx, fields, "identifier", "manifest", wrapper->value);
  auto type = internal::RequireString(ctx, fields, "type", "manifest", wrapper->value);
  bool ok = id && type;
  if (type) {
    if (*type == "AwsLambdaFunctionDefinition") {
      m.kind = LambdaManifestKind::kFunctionDefinition;
    } else if (*type == "AwsLambdaFunctionAliasDefinition") {
      m.kind = LambdaManifestKind::kAliasDefinition;
    } else {
      ctx.Error(ctx.At(*FindField(fields, "type")),
                "manifest type \"" + *type +
                    "\" is not one an AwsLambda service uses (expected "
                    "AwsLambdaFunctionDefinition or AwsLambdaFunctionAliasDefinition)");
      ok = false;
    }
  }
  const YAML::Node store = internal::ValueOf(internal::ValueOf(wrapper->value, "spec"), "store");
  if (!store.IsDefined() || !store.IsMap()) {
    ctx.Error(ctx.At(wrapper->value),
              "manifest needs spec.store {type: Harness, spec: {files: [...]}} or {type: Github, "
              "spec: {paths: [...]}}");
    return std::nullopt;
  }
  auto store_fields = Fields(store);
  auto store_type = internal::RequireString(ctx, store_fields, "type", "manifest store", store);
  const YAML::Node spec = internal::ValueOf(store, "spec");
  auto spec_fields = Fields(spec);
  if (store_type && *store_type == "Harness") {
    internal::WarnUnknownKeys(ctx, spec_fields, {"files"}, "Harness store spec");
    m.paths = internal::GetStringList(ctx, FindField(spec_fields, "files"));
    if (m.paths.empty()) {
      ctx.Error(ctx.At(store),
                "a Harness store needs spec.files: File Store paths such as "
                "/lambda/function.json (read from .harness/filestore/)");
      ok = false;
    }
  } else if (store_type && IsGitStore(*store_type)) {
    internal::WarnUnknownKeys(
        ctx, spec_fields,
        {"connectorRef", "gitFetchType", "branch", "commitId", "paths", "repoName", "folderPath"},
        *store_type + " store spec");
    m.paths = internal::GetStringList(ctx, FindField(spec_fields, "paths"));
    m.connector_ref = internal::GetString(ctx, FindField(spec_fields, "connectorRef")).value_or("");
    m.branch = internal::GetString(ctx, FindField(spec_fields, "branch")).value_or("");
    if (m.paths.empty()) {
      ctx.Error(ctx.At(store),
                "a " + *store_type + " store needs spec.paths: files relative to the project root");
      ok = false;
    }
  } else if (store_type) {
    ctx.Error(
        ctx.At(*FindField(store_fields, "type")),
        "manifest store type \"" + *store_type +
            "\" is not supported (supported: Harness, Git, Github, GitLab, Bitbucket, Local)");
    ok = false;
  } else {
    ok = false;
  }
  if (!ok) return std::nullopt;
  m.identifier = *id;
  m.store_type = *store_type;
  return m;
}

std::optional<ArtifactSource> ParseSource(const ParseContext& ctx, const YAML::Node& item) {
  auto fields = Fields(item);
  if (!item.IsMap()) {
    ctx.Error(ctx.At(item),
              "each artifact source must be a mapping {identifier, type, spec}, not " +
                  internal::KindName(item));
    return std::nullopt;
  }
  internal::WarnUnknownKeys(ctx, fields, {"identifier", "type", "spec"}, "artifact source");
  ArtifactSource s;
  s.location = ctx.At(item);
  auto id = internal::RequireString(ctx, fields, "identifier", "artifact source", item);
  auto type = internal::RequireString(ctx, fields, "type", "artifact source", item);
  if (!id || !type) return std::nullopt;
  s.identifier = *id;
  s.type = *type;
  if (*type != "Ecr" && *type != "DockerRegistry") {
    ctx.Error(ctx.At(*FindField(fields, "type")),
              "artifact source type \"" + *type +
                  "\" is not supported: sluice's function runtime runs container images (use Ecr "
                  "or DockerRegistry)");
    return std::nullopt;
  }
  const Field* spec = FindField(fields, "spec");
  if (spec == nullptr || !internal::ExpectMap(ctx, *spec)) {
    if (spec == nullptr)
      ctx.Error(ctx.At(item), "artifact source is missing required field \"spec\"");
    return std::nullopt;
  }
  auto spec_fields = Fields(spec->value);
  if (*type == "Ecr") {
    internal::WarnUnknownKeys(
        ctx, spec_fields,
        {"connectorRef", "region", "registryId", "imagePath", "tag", "tagRegex", "digest"},
        "Ecr artifact source spec");
  } else {
    internal::WarnUnknownKeys(ctx, spec_fields,
                              {"connectorRef", "imagePath", "tag", "tagRegex", "digest"},
                              "DockerRegistry artifact source spec");
  }
  auto get = [&](const char* key) {
    return internal::GetString(ctx, FindField(spec_fields, key)).value_or("");
  };
  s.connector_ref = get("connectorRef");
  s.region = get("region");
  s.registry_id = get("registryId");
  s.image_path = get("imagePath");
  s.tag = get("tag");
  if (s.image_path.empty()) {
    ctx.Error(ctx.At(spec->key),
              "artifact source \"" + s.identifier + "\" is missing required field \"imagePath\"");
  }
  if (*type == "Ecr" && s.region.empty()) {
    ctx.Error(ctx.At(spec->key),
              "Ecr artifact source \"" + s.identifier + "\" is missing required field \"region\"");
  }
  if (s.tag.empty()) {
    const Field* regex = FindField(spec_fields, "tagRegex");
    ctx.Error(regex != nullptr ? ctx.At(regex->key) : ctx.At(spec->key),
              "artifact source \"" + s.identifier + "\" needs spec.tag (a tag, an expression or " +
                  "<+input>" + std::string(regex != nullptr ? "; tagRegex is not supported" : "") +
                  ")");
  }
  return s;
}

}  // namespace

std::optional<AwsLambdaServiceSpec> ParseAwsLambdaServiceSpec(const YAML::Node& spec,
                                                              const std::string& file,
                                                              DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  if (!spec.IsMap()) {
    ctx.Error(ctx.At(spec), "an AwsLambda serviceDefinition.spec must be a mapping, not " +
                                internal::KindName(spec));
    return std::nullopt;
  }
  auto fields = Fields(spec);
  internal::WarnUnknownKeys(ctx, fields, {"manifests", "artifacts", "variables"},
                            "AwsLambda service spec");
  AwsLambdaServiceSpec out;
  const Field* manifests = FindField(fields, "manifests");
  if (manifests != nullptr && internal::ExpectList(ctx, *manifests)) {
    internal::IdentifierScope ids("manifest");
    for (const YAML::Node& item : manifests->value) {
      auto m = ParseManifest(ctx, item);
      if (!m) continue;
      ids.Add(ctx, m->identifier, m->location);
      if (m->kind == LambdaManifestKind::kFunctionDefinition && out.FunctionDefinition()) {
        ctx.Error(m->location,
                  "an AwsLambda service has one AwsLambdaFunctionDefinition manifest; "
                  "\"" +
                      m->identifier + "\" is a second one");
        continue;
      }
      out.manifests.push_back(std::move(*m));
    }
  }
  if (out.FunctionDefinition() == nullptr) {
    ctx.Error(manifests != nullptr ? ctx.At(manifests->key) : ctx.At(spec),
              "an AwsLambda service needs a manifest of type AwsLambdaFunctionDefinition (the "
              "function's settings as JSON, e.g. {\"functionName\": ...})");
  }
  const YAML::Node primary = internal::ValueOf(internal::ValueOf(spec, "artifacts"), "primary");
  if (!primary.IsDefined() || !primary.IsMap()) {
    ctx.Error(ctx.At(spec),
              "an AwsLambda service needs artifacts.primary: the image to run "
              "(sources of type Ecr or DockerRegistry)");
    return out;
  }
  auto primary_fields = Fields(primary);
  internal::WarnUnknownKeys(ctx, primary_fields, {"primaryArtifactRef", "sources"},
                            "artifacts.primary");
  out.primary_artifact_ref =
      internal::GetString(ctx, FindField(primary_fields, "primaryArtifactRef")).value_or("");
  const Field* sources = FindField(primary_fields, "sources");
  if (sources != nullptr && IsInput(sources->value)) {
    out.sources_are_input = true;
  } else if (sources == nullptr || sources->value.IsNull()) {
    ctx.Error(ctx.At(primary), "artifacts.primary needs sources (or sources: <+input>)");
  } else if (internal::ExpectList(ctx, *sources)) {
    internal::IdentifierScope ids("artifact source");
    for (const YAML::Node& item : sources->value) {
      if (auto s = ParseSource(ctx, item)) {
        ids.Add(ctx, s->identifier, s->location);
        out.sources.push_back(std::move(*s));
      }
    }
  }
  return out;
}

Result<std::filesystem::path> ManifestLocalPath(const std::filesystem::path& project_root,
                                                const LambdaManifest& manifest,
                                                const std::string& path) {
  std::string rel = path;
  std::filesystem::path base = project_root;
  if (manifest.store_type == "Harness") {
    for (const char* scope : {"account:", "org:"}) {
      if (rel.rfind(scope, 0) == 0) rel = rel.substr(std::string_view(scope).size());
    }
    base = project_root / ".harness" / "filestore";
  }
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  if (rel.empty()) {
    return Status::InvalidArgument("manifest \"" + manifest.identifier + "\" has an empty path");
  }
  std::filesystem::path joined = std::filesystem::path(rel).lexically_normal();
  if (joined.empty() || *joined.begin() == "..") {
    return Status::InvalidArgument(
        "manifest \"" + manifest.identifier + "\" path \"" + path + "\" leaves " +
        (manifest.store_type == "Harness" ? ".harness/filestore/" : "the project") +
        "; use a path inside it");
  }
  return base / joined;
}

}  // namespace sluice::pipeline
