#include "steps/lambda_steps.h"

#include <cstdlib>

#include "common/files.h"
#include "common/text.h"
#include "pipeline/deployment.h"
#include "serve/deploy.h"
#include "serve/function_image.h"
#include "steps/container_image.h"
#include "steps/image_registry.h"
#include "steps/lambda_manifest.h"
#include "steps/spec_check.h"
#include "store/server_record.h"

namespace sluice::steps {
namespace {

using engine::StepOutcome;
using pipeline::ErrorType;

constexpr const char* kDefaultUrlBase = "http://127.0.0.1:8080";

StepOutcome ConfigFailure(std::string message) {
  return StepOutcome::Failure(ErrorType::kConfigurationFailure, std::move(message));
}

void CheckDeploymentStage(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                          std::string_view type, DiagnosticList* diags) {
  SpecChecker check(step, diags);
  if (stage.type != pipeline::StageType::kDeployment) {
    check.Error(step.spec ? step.spec : YAML::Node(),
                std::string(type) +
                    " steps run in Deployment stages (deploymentType: AwsLambda), "
                    "not in stage \"" +
                    stage.identifier + "\"");
  }
}

// The path of the first step of `type` among `nodes` ("steps.a" or
// "steps.group.steps.a"), "" when none.
std::string FindStepPath(const std::vector<pipeline::ExecutionNode>& nodes, std::string_view type) {
  for (const pipeline::ExecutionNode& n : nodes) {
    if (n.kind == pipeline::ExecutionNode::Kind::kStep) {
      if (n.type == type) return "steps." + n.identifier;
    } else if (n.kind == pipeline::ExecutionNode::Kind::kStepGroup) {
      std::string inner = FindStepPath(n.children, type);
      if (!inner.empty()) return "steps." + n.identifier + "." + inner;
    } else {
      for (const pipeline::ExecutionNode& member : n.children) {
        std::string inner = FindStepPath({member}, type);
        if (!inner.empty()) return inner;
      }
    }
  }
  return "";
}

// The stage's AwsLambdaDeploy record, from that step's output; nullopt
// (with `why`) when the deploy has not changed anything.
std::optional<serve::DeployRecord> StageDeployRecord(engine::StepContext& ctx, std::string* why) {
  const std::string path = FindStepPath(ctx.stage.steps, "AwsLambdaDeploy");
  if (path.empty()) {
    *why = "stage \"" + ctx.stage.identifier + "\" has no AwsLambdaDeploy step";
    return std::nullopt;
  }
  auto text = ctx.ResolveString(YAML::Node("<+execution." + path + ".output.deployRecord>"),
                                "the deploy record");
  if (!text.ok() || text->empty() || text->starts_with("<+")) {
    *why = "the AwsLambdaDeploy step (" + path + ") changed nothing";
    return std::nullopt;
  }
  auto json = nlohmann::json::parse(*text, nullptr, false);
  auto record = serve::DeployRecord::FromJson(json);
  if (!record.ok()) {
    *why = record.status().message();
    return std::nullopt;
  }
  return *record;
}

// Where the function's URL is served: SLUICE_FUNCTION_URL_BASE, else the
// sluice server that owns the state directory, else `sluice functions
// serve`'s default address.
std::string UrlBase(const std::filesystem::path& state_dir) {
  const char* base = std::getenv("SLUICE_FUNCTION_URL_BASE");
  if (base != nullptr && *base != '\0') return base;
  std::string server = store::OwningServerUrl(state_dir);
  return server.empty() ? kDefaultUrlBase : server;
}

// Reads and resolves the manifest file at `path` of `manifest`.
Result<std::pair<std::string, std::string>> ReadManifest(engine::StepContext& ctx,
                                                         const pipeline::LambdaManifest& manifest) {
  if (manifest.paths.empty()) {
    return Status::InvalidArgument("manifest " + manifest.identifier + " names no file");
  }
  SLUICE_ASSIGN_OR_RETURN(
      std::filesystem::path file,
      pipeline::ManifestLocalPath(ctx.project.root, manifest, manifest.paths.front()));
  auto text = ReadFile(file);
  if (!text.ok()) {
    return Status::NotFound("manifest " + manifest.identifier + ": cannot read " + file.string() +
                            ": " + text.status().message());
  }
  SLUICE_ASSIGN_OR_RETURN(std::string resolved,
                          ctx.ResolveString(YAML::Node(*text), "manifest " + manifest.identifier));
  return std::make_pair(file.string(), std::move(resolved));
}

// The primary artifact as an image in the local store: its display name
// and manifest digest.
Result<std::pair<std::string, std::string>> ArtifactImage(engine::StepContext& ctx,
                                                          const pipeline::ArtifactSource& source) {
  auto field = [&](const std::string& value, const char* name) {
    return ctx.ResolveString(YAML::Node(value),
                             std::string("artifact source ") + source.identifier + " " + name);
  };
  SLUICE_ASSIGN_OR_RETURN(std::string connector_ref, field(source.connector_ref, "connectorRef"));
  SLUICE_ASSIGN_OR_RETURN(std::string image_path, field(source.image_path, "imagePath"));
  SLUICE_ASSIGN_OR_RETURN(std::string tag, field(source.tag, "tag"));
  if (image_path.empty() || tag.empty()) {
    return Status::InvalidArgument("artifact source " + source.identifier +
                                   " needs imagePath and tag");
  }
  const pipeline::Connector* connector = ctx.project.FindConnector(WithoutScope(connector_ref));
  if (connector == nullptr) {
    return Status::InvalidArgument("artifact source " + source.identifier + ": connector \"" +
                                   connector_ref + "\" is not in .harness/connectors");
  }
  ImageLocation where;
  if (source.type == "Ecr") {
    SLUICE_ASSIGN_OR_RETURN(std::string region, field(source.region, "region"));
    SLUICE_ASSIGN_OR_RETURN(std::string account, field(source.registry_id, "registryId"));
    SLUICE_ASSIGN_OR_RETURN(where, EcrImage(ctx, *connector, account, region, image_path, tag));
  } else if (source.type == "DockerRegistry") {
    SLUICE_ASSIGN_OR_RETURN(where, DockerRegistryImage(ctx, *connector, image_path, tag));
  } else {
    return Status::InvalidArgument("artifact source " + source.identifier + " has type \"" +
                                   source.type +
                                   "\"; AwsLambda services take Ecr or DockerRegistry");
  }
  SLUICE_ASSIGN_OR_RETURN(ImageStoreLock lock, LockImageStore(ctx, ctx.cancel));
  SLUICE_ASSIGN_OR_RETURN(oci::ImageLayout store, OpenImageStore(ctx));
  SLUICE_ASSIGN_OR_RETURN(LocalImage local,
                          EnsureLocalImage(where, PullPolicy::kIfNotPresent, store,
                                           [&ctx](std::string_view line) { ctx.Log(line); }));
  return std::make_pair(where.display, local.manifest.digest.str());
}

bool StageHasTrafficShift(const pipeline::Stage& stage) {
  return !FindStepPath(stage.steps, "AwsLambdaTrafficShift").empty();
}

}  // namespace

// --- AwsLambdaDeploy

void AwsLambdaDeployStep::ValidateSpec(const pipeline::ExecutionNode& step,
                                       const pipeline::Stage& stage, DiagnosticList* diags) const {
  CheckDeploymentStage(step, stage, name(), diags);
}

StepOutcome AwsLambdaDeployStep::Execute(engine::StepContext& ctx) const {
  if (ctx.functions == nullptr) return StepOutcome::Error("no function store to deploy to");
  DiagnosticList diags;
  std::unique_ptr<pipeline::DeploymentStage> stage =
      pipeline::ResolveDeploymentStage(ctx.stage, ctx.project, &diags);
  if (stage == nullptr || !stage->aws_lambda) {
    std::string message = "stage \"" + ctx.stage.identifier +
                          "\" does not name an AwsLambda service, environment and infrastructure";
    for (const Diagnostic& d : diags.items()) {
      if (d.severity == Severity::kError)
        message += "; " + d.location.ToString() + ": " + d.message;
    }
    return ConfigFailure(message);
  }
  const pipeline::AwsLambdaServiceSpec& service = *stage->aws_lambda;
  const pipeline::LambdaManifest* definition = service.FunctionDefinition();
  if (definition == nullptr) {
    return ConfigFailure("service " + stage->service->identifier +
                         " has no AwsLambdaFunctionDefinition manifest");
  }
  auto text = ReadManifest(ctx, *definition);
  if (!text.ok()) return ConfigFailure(text.status().message());
  auto function = ParseFunctionDefinition(text->second, text->first);
  if (!function.ok()) return ConfigFailure(function.status().message());
  for (const auto& [name, value] : function->config.env) {
    if (ctx.masker.Mask(value) != value) {
      return ConfigFailure(text->first + ": environment.variables." + name +
                           " holds a secret; function configurations are stored in the state "
                           "database in clear, so sluice does not deploy secrets into them");
    }
  }
  serve::DeployPlan plan;
  plan.function = function->function_name;
  plan.config = function->config;
  for (const pipeline::LambdaManifest* alias_manifest : service.AliasDefinitions()) {
    auto alias_text = ReadManifest(ctx, *alias_manifest);
    if (!alias_text.ok()) return ConfigFailure(alias_text.status().message());
    auto alias = ParseAliasDefinition(alias_text->second, alias_text->first);
    if (!alias.ok()) return ConfigFailure(alias.status().message());
    plan.aliases.push_back(alias->name);
  }
  if (stage->primary_artifact == nullptr) {
    return ConfigFailure("service " + stage->service->identifier +
                         " has no primary artifact (artifacts.primary)");
  }
  auto image = ArtifactImage(ctx, *stage->primary_artifact);
  if (!image.ok()) return ImageFailureOutcome(image.status());
  plan.config.image = image->first;
  plan.config.image_digest = image->second;
  plan.description = "deployed by execution " + ctx.execution_id;
  plan.canary = StageHasTrafficShift(ctx.stage);

  // The new configuration must be able to run before anything moves.
  auto runnable = serve::FunctionInstanceSpec(
      ctx.state_dir, serve::InstanceIdentity{plan.function, "$LATEST"}, plan.config);
  if (!runnable.ok()) {
    return StepOutcome::Failure(
        ErrorType::kConfigurationFailure,
        runnable.status().message() + "; nothing was deployed, the function serves as before");
  }

  auto record = serve::Deploy(*ctx.functions, plan, ctx.clock.NowMillis());
  if (!record.ok())
    return StepOutcome::Error("deploying " + plan.function + ": " + record.status().message());
  ctx.Log(record->created
              ? "Function: [" + plan.function + "] does not exist. Create and Publish."
              : "Function: [" + plan.function + "] already exists. Update and Publish.");
  ctx.Log("Image: " + plan.config.image + " (" + plan.config.image_digest + ")");
  ctx.Log(record->new_version
              ? "Published new version: [" + std::to_string(record->version) + "]"
              : "Configuration unchanged: version [" + std::to_string(record->version) + "]");
  std::string aliases;
  for (const auto& a : record->aliases) {
    aliases += (aliases.empty() ? "" : ",") + a.name;
    if (plan.canary && a.existed) {
      ctx.Log("Alias " + a.name + " keeps version " + std::to_string(a.alias.version) +
              " until AwsLambdaTrafficShift moves it.");
    } else {
      ctx.Log("Updated Alias " + a.name + " for function " + plan.function + " with version " +
              std::to_string(record->version) + ".");
    }
  }
  const std::string url = UrlBase(ctx.state_dir) + "/fn/" + plan.function +
                          (record->aliases.empty() ? "" : "/" + record->aliases.front().name);
  ctx.Log("Function URL: " + url);
  StepOutcome out;
  out.outputs = {{"functionName", plan.function},
                 {"functionArn", "arn:aws:lambda:us-east-1:000000000000:function:" + plan.function},
                 {"version", std::to_string(record->version)},
                 {"aliases", aliases},
                 {"functionUrl", url}};
  out.output["deployRecord"] = record->ToJson().dump();
  for (const auto& [k, v] : out.outputs) out.output[k] = v;
  return out;
}

// --- AwsLambdaTrafficShift

void AwsLambdaTrafficShiftStep::ValidateSpec(const pipeline::ExecutionNode& step,
                                             const pipeline::Stage& stage,
                                             DiagnosticList* diags) const {
  CheckDeploymentStage(step, stage, name(), diags);
  SpecChecker check(step, diags);
  if (!check.RequireSpec()) return;
  check.WarnUnknownKeys(check.spec(), {"trafficPercentage", "errorRateThreshold", "minInvocations"},
                        "AwsLambdaTrafficShift step spec");
  check.RequireScalar(check.spec(), "trafficPercentage", "AwsLambdaTrafficShift step spec");
  check.OptionalScalar(check.spec(), "errorRateThreshold", "AwsLambdaTrafficShift step spec");
  check.OptionalScalar(check.spec(), "minInvocations", "AwsLambdaTrafficShift step spec");
}

StepOutcome AwsLambdaTrafficShiftStep::Execute(engine::StepContext& ctx) const {
  if (ctx.functions == nullptr) return StepOutcome::Error("no function store");
  auto number = [&ctx](const char* field, double fallback) -> Result<double> {
    const YAML::Node& node = ctx.node.spec[field];
    if (!node) return fallback;
    SLUICE_ASSIGN_OR_RETURN(std::string text,
                            ctx.ResolveString(node, std::string("spec.") + field));
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end == nullptr || *end != '\0') {
      return Status::InvalidArgument(std::string("spec.") + field + " must be a number, not \"" +
                                     text + "\"");
    }
    return v;
  };
  auto percent = number("trafficPercentage", -1);
  auto threshold = number("errorRateThreshold", -1);
  auto min_invocations = number("minInvocations", 10);
  for (const auto* r : {&percent, &threshold, &min_invocations}) {
    if (!r->ok()) return ConfigFailure(r->status().message());
  }
  std::string why;
  std::optional<serve::DeployRecord> record = StageDeployRecord(ctx, &why);
  if (!record) return ConfigFailure("nothing to shift: " + why);
  if (record->aliases.empty()) {
    return ConfigFailure("the service of stage \"" + ctx.stage.identifier +
                         "\" defines no alias (AwsLambdaFunctionAliasDefinition) to shift");
  }
  const std::string version = std::to_string(record->version);
  if (*threshold >= 0) {
    // The new version's recorded invocations since its alias last moved.
    int64_t since = 0;
    auto alias = ctx.functions->GetAlias(record->function, record->aliases.front().name);
    if (alias.ok()) since = alias->updated_ms;
    auto invocations = ctx.functions->ListInvocations(record->function, 10'000, 0);
    if (!invocations.ok()) return StepOutcome::Error(invocations.status().message());
    int total = 0, errors = 0;
    for (const store::InvocationRecord& inv : *invocations) {
      if (inv.version != version || inv.started_ms < since) continue;
      ++total;
      if (inv.status >= 400 || !inv.error_type.empty()) ++errors;
    }
    const double rate = total == 0 ? 0 : 100.0 * errors / total;
    char line[200];
    std::snprintf(line, sizeof line,
                  "version %s: %d errors in %d recorded invocations (%.1f%%; threshold %.1f%%)",
                  version.c_str(), errors, total, rate, *threshold);
    ctx.Log(line);
    if (total >= *min_invocations && rate > *threshold) {
      return StepOutcome::Failure(ErrorType::kVerification,
                                  std::string(line) + ": the canary is failing; not shifting");
    }
  }
  for (const auto& a : record->aliases) {
    Status s = serve::ShiftTraffic(*ctx.functions, record->function, a.name, record->version,
                                   *percent, ctx.clock.NowMillis());
    if (!s.ok()) return ConfigFailure(s.message());
    char line[160];
    std::snprintf(line, sizeof line, "Alias %s of %s: %.0f%% of the traffic to version %s",
                  a.name.c_str(), record->function.c_str(), *percent, version.c_str());
    ctx.Log(line);
  }
  return StepOutcome::Success();
}

// --- AwsLambdaRollback

void AwsLambdaRollbackStep::ValidateSpec(const pipeline::ExecutionNode& step,
                                         const pipeline::Stage& stage,
                                         DiagnosticList* diags) const {
  CheckDeploymentStage(step, stage, name(), diags);
}

StepOutcome AwsLambdaRollbackStep::Execute(engine::StepContext& ctx) const {
  if (ctx.functions == nullptr) return StepOutcome::Error("no function store");
  std::string why;
  std::optional<serve::DeployRecord> record = StageDeployRecord(ctx, &why);
  if (!record) {
    ctx.Log("Nothing to roll back: " + why + ".");
    return StepOutcome::Success();
  }
  Status s = serve::Rollback(*ctx.functions, *record, ctx.clock.NowMillis());
  if (!s.ok()) return StepOutcome::Error("rolling back " + record->function + ": " + s.message());
  if (record->created) {
    ctx.Log("Deleted function " + record->function + ", which the deploy created.");
    return StepOutcome::Success();
  }
  for (const auto& a : record->aliases) {
    ctx.Log(a.existed ? "Alias " + a.name + " of " + record->function + " back to version " +
                            std::to_string(a.alias.version) + "."
                      : "Deleted alias " + a.name + ", which the deploy created.");
  }
  ctx.Log("$LATEST of " + record->function + " restored.");
  return StepOutcome::Success();
}

}  // namespace sluice::steps
