#include "steps/s3_upload_step.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "common/glob.h"
#include "common/text.h"
#include "engine/environment.h"
#include "steps/artifact_location.h"
#include "steps/spec_check.h"

namespace sluice::steps {
namespace {

namespace fs = std::filesystem;
using engine::StepOutcome;
using pipeline::ErrorType;

constexpr std::string_view kFields[] = {"connectorRef", "region",   "bucket",     "sourcePath",
                                        "target",       "endpoint", "stripPrefix"};
// Harness fields about the plugin container, which sluice does not start.
constexpr std::string_view kContainerFields[] = {"resources", "runAsUser", "imagePullPolicy"};

StepOutcome Configuration(std::string message) {
  return StepOutcome::Failure(ErrorType::kConfigurationFailure, std::move(message));
}

StepOutcome Aborted(std::string message) {
  StepOutcome o = StepOutcome::Error(std::move(message));
  o.status = engine::NodeStatus::kAborted;
  return o;
}

struct UploadSpec {
  std::string connector_ref, region, bucket, source_path, target, endpoint, strip_prefix;
};

Result<UploadSpec> ResolveSpec(const engine::StepContext& ctx) {
  const YAML::Node& spec = ctx.node.spec;
  UploadSpec s;
  std::pair<std::string_view, std::string*> fields[] = {
      {"connectorRef", &s.connector_ref}, {"region", &s.region}, {"bucket", &s.bucket},
      {"sourcePath", &s.source_path},     {"target", &s.target}, {"endpoint", &s.endpoint},
      {"stripPrefix", &s.strip_prefix}};
  for (auto& [key, out] : fields) {
    SLUICE_ASSIGN_OR_RETURN(*out,
                            ctx.ResolveString(spec[std::string(key)], "spec." + std::string(key)));
  }
  return s;
}

// A file sourcePath matched: on the host, and as commands see it.
struct Source {
  fs::path host;
  std::string path;
};

// The files `pattern` names (see the header), sorted. NotFound naming the
// pattern when there are none.
Result<std::vector<Source>> FindSources(const engine::StepWorkspace& ws,
                                        const std::string& pattern) {
  const bool absolute = !pattern.empty() && pattern.front() == '/';
  std::vector<std::string> base, rest;
  for (size_t at = 0; at <= pattern.size();) {
    size_t slash = std::min(pattern.find('/', at), pattern.size());
    std::string segment = pattern.substr(at, slash - at);
    at = slash + 1;
    if (segment.empty()) continue;
    bool glob = segment.find_first_of("*?[") != std::string::npos;
    (rest.empty() && !glob ? base : rest).push_back(std::move(segment));
  }
  std::string base_path = absolute ? "/" : "";
  for (const std::string& segment : base) {
    if (!base_path.empty() && base_path.back() != '/') base_path += '/';
    base_path += segment;
  }
  const fs::path host_base = ws.ToHost(base_path.empty() ? "." : base_path);
  std::vector<Source> out;
  std::error_code ec;
  if (rest.empty()) {
    if (fs::is_directory(host_base, ec)) {
      return Status::NotFound("spec.sourcePath \"" + pattern +
                              "\" is a directory, and directories are skipped; write \"" +
                              base_path + "/**\" to upload every file under it");
    }
    if (fs::is_regular_file(host_base, ec)) out.push_back({host_base, pattern});
  } else {
    std::string rest_pattern;
    for (const std::string& segment : rest)
      rest_pattern += (rest_pattern.empty() ? "" : "/") + segment;
    for (const fs::path& file : FindFiles(host_base, rest_pattern)) {
      std::string rel = file.lexically_relative(host_base).generic_string();
      std::string seen = base_path.empty() ? rel : base_path + (base_path == "/" ? "" : "/") + rel;
      out.push_back({file, std::move(seen)});
    }
  }
  if (out.empty()) {
    return Status::NotFound("spec.sourcePath \"" + pattern + "\" matches no file (looked in " +
                            host_base.string() +
                            "); check the path and that an earlier step wrote it");
  }
  return out;
}

}  // namespace

std::string S3UploadKey(std::string_view target, std::string_view path,
                        std::string_view strip_prefix) {
  if (!strip_prefix.empty() && path.rfind(strip_prefix, 0) == 0)
    path.remove_prefix(strip_prefix.size());
  std::string joined = "/" + std::string(target) + "/" + std::string(path);
  std::string key = fs::path(joined).lexically_normal().generic_string();
  while (!key.empty() && key.front() == '/') key.erase(0, 1);
  return key;
}

void S3UploadStep::ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                                DiagnosticList* diags) const {
  SpecChecker check(step, diags);
  const std::string where = "S3Upload step spec";
  if (stage.type != pipeline::StageType::kCI) {
    check.Error(step.spec ? step.spec : YAML::Node(),
                "S3Upload steps run in CI stages, not in stage \"" + stage.identifier + "\"");
  }
  if (!check.RequireSpec()) return;
  const YAML::Node& spec = check.spec();
  for (const auto& entry : spec) {
    const std::string key = entry.first.as<std::string>("");
    bool known = std::find(std::begin(kFields), std::end(kFields), key) != std::end(kFields) ||
                 std::find(std::begin(kContainerFields), std::end(kContainerFields), key) !=
                     std::end(kContainerFields);
    if (!known) check.Warning(entry.first, where + " has unknown field \"" + key + "\" (ignored)");
  }
  for (std::string_view field : {"connectorRef", "region", "bucket", "sourcePath"}) {
    check.RequireScalar(spec, field, where);
  }
  for (std::string_view field : {"target", "endpoint", "stripPrefix"}) {
    check.OptionalScalar(spec, field, where);
  }
}

StepOutcome S3UploadStep::Execute(engine::StepContext& ctx) const {
  Result<UploadSpec> resolved = ResolveSpec(ctx);
  if (!resolved.ok()) return StepOutcome::Error(resolved.status().message());
  const UploadSpec& s = *resolved;
  for (auto [field, value] :
       {std::pair{"connectorRef", &s.connector_ref}, std::pair{"bucket", &s.bucket},
        std::pair{"sourcePath", &s.source_path}}) {
    if (value->empty())
      return Configuration("spec." + std::string(field) + " is empty; S3Upload needs it");
  }
  const pipeline::Connector* connector = ctx.project.FindConnector(WithoutScope(s.connector_ref));
  if (connector == nullptr) {
    return Configuration("connector \"" + s.connector_ref +
                         "\" is not defined: add it to .harness/connectors/");
  }
  Result<std::unique_ptr<store::ArtifactStore>> store = OpenArtifactLocation(
      ctx, *connector, s.endpoint, s.region, s.bucket, engine::HostEnvironment(), s3_transport_);
  if (!store.ok()) return Configuration(store.status().message());
  Result<std::vector<Source>> sources = FindSources(ctx.workspace, s.source_path);
  if (!sources.ok()) return Configuration(sources.status().message());

  std::vector<store::ArtifactUpload> uploads;
  for (const Source& source : *sources) {
    uploads.push_back({source.host, S3UploadKey(s.target, source.path, s.strip_prefix), ""});
  }
  ctx.Log("Uploading " + std::to_string(uploads.size()) +
          (uploads.size() == 1 ? " file" : " files") + " to " + (*store)->Describe());
  if (ctx.cancel.cancelled()) return Aborted("cancelled before uploading");
  Result<std::vector<store::ArtifactObject>> objects = (*store)->PutFiles(uploads, &ctx.cancel);
  if (!objects.ok()) {
    const Status& failed = objects.status();
    // The message holds the server's text, which could echo anything back.
    const std::string message = ctx.masker.Mask(failed.message());
    ctx.Log("upload failed: " + message);
    if (failed.code() == StatusCode::kAborted || ctx.cancel.cancelled()) return Aborted(message);
    bool input =
        failed.code() == StatusCode::kInvalidArgument || failed.code() == StatusCode::kNotFound;
    return StepOutcome::Failure(input ? ErrorType::kConfigurationFailure : ErrorType::kConnectivity,
                                message);
  }

  // On an S3 server: how the server reads the objects back.
  store::ArtifactRecord::S3Origin origin;
  if (std::string endpoint = S3Endpoint(*connector, s.endpoint); !endpoint.empty()) {
    origin = {connector->identifier, std::move(endpoint), s.region};
  }
  StepOutcome outcome;
  for (size_t i = 0; i < objects->size(); ++i) {
    const store::ArtifactObject& object = (*objects)[i];
    ctx.Log((*sources)[i].path + " -> " + object.key + " (" + std::to_string(object.size) +
            " bytes, " + object.content_type + ") " + object.url);
    store::ArtifactRecord artifact;
    artifact.name = fs::path(object.key).filename().string();
    artifact.url = object.url;
    artifact.size = object.size;
    artifact.sha256 = object.sha256;
    artifact.content_type = object.content_type;
    artifact.bucket = object.bucket;
    artifact.key = object.key;
    artifact.s3 = origin;
    outcome.artifacts.push_back(std::move(artifact));
  }
  return outcome;
}

}  // namespace sluice::steps
