#include "steps/build_and_push_step.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/files.h"
#include "common/text.h"
#include "expr/expr.h"
#include "oci/build_push.h"
#include "oci/builder.h"
#include "oci/registry_http.h"
#include "oci/transfer.h"
#include "steps/build_context.h"
#include "steps/image_registry.h"
#include "steps/spec_check.h"

namespace sluice::steps {
namespace {

using engine::StepOutcome;
using pipeline::ErrorType;

// Harness fields for Kaniko / Buildx that have no meaning here.
constexpr std::string_view kIgnoredFields[] = {
    "optimize", "remoteCacheImage",       "remoteCacheRepo", "caching",  "cacheFrom",
    "cacheTo",  "baseImageConnectorRefs", "resources",       "runAsUser"};

constexpr std::string_view kCommonFields[] = {"connectorRef", "tags",      "dockerfile", "context",
                                              "target",       "buildArgs", "labels"};

StepOutcome Configuration(std::string message) {
  return StepOutcome::Failure(ErrorType::kConfigurationFailure, std::move(message));
}

// spec.tags: a list, or one expression giving a JSON list or "a,b".
Result<std::vector<std::string>> ResolveTags(const engine::StepContext& ctx,
                                             const YAML::Node& node) {
  SLUICE_ASSIGN_OR_RETURN(expr::Value value, ctx.Resolve(node, "spec.tags"));
  if (value.is_string()) {
    expr::Value list = nlohmann::json::parse(value.get<std::string>(), nullptr, false);
    if (list.is_array()) {
      value = std::move(list);
    } else {
      std::vector<std::string> tags;
      for (std::string_view rest = value.get_ref<const std::string&>(); !rest.empty();) {
        size_t comma = rest.find(',');
        std::string_view tag = rest.substr(0, comma);
        while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
        while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
        if (!tag.empty()) tags.emplace_back(tag);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
      return tags;
    }
  }
  std::vector<std::string> tags;
  if (!value.is_array()) return tags;
  for (const expr::Value& item : value) {
    std::string tag = expr::ToText(item);
    if (!tag.empty()) tags.push_back(std::move(tag));
  }
  return tags;
}

// A map field (buildArgs, labels) with every value as text.
Result<std::map<std::string, std::string>> ResolveMap(const engine::StepContext& ctx,
                                                      const YAML::Node& node,
                                                      std::string_view name) {
  SLUICE_ASSIGN_OR_RETURN(expr::Value value, ctx.Resolve(node, name));
  std::map<std::string, std::string> out;
  if (!value.is_object()) return out;
  for (const auto& [key, item] : value.items()) out[key] = expr::ToText(item);
  return out;
}

// The Dockerfile's errors, formatted with their lines, for the log; the
// first of them for the failure message.
std::string ReportDockerfileErrors(const engine::StepContext& ctx, const DiagnosticList& diags,
                                   const std::filesystem::path& dockerfile) {
  Result<std::string> text = ReadFile(dockerfile);
  std::string first;
  for (const Diagnostic& d : diags.items()) {
    std::string formatted = FormatDiagnostic(d, text.ok() ? *text : "");
    for (std::string_view rest = formatted; !rest.empty();) {
      size_t nl = rest.find('\n');
      ctx.Log(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    if (first.empty() && d.severity == Severity::kError) {
      first = d.location.ToString() + ": " + d.message;
    }
  }
  return first;
}

// SOURCE_DATE_EPOCH from the step environment; 0 when unset.
Result<int64_t> Epoch(const engine::StepContext& ctx) {
  auto it = ctx.env.find("SOURCE_DATE_EPOCH");
  if (it == ctx.env.end() || it->second.empty()) return int64_t{0};
  Result<int64_t> epoch = oci::ParseSourceDateEpoch(it->second);
  if (!epoch.ok()) return epoch.status().Annotate("SOURCE_DATE_EPOCH");
  return epoch;
}

// Aborted, with what was going on.
StepOutcome Aborted(std::string message) {
  StepOutcome o = StepOutcome::Error(std::move(message));
  o.status = engine::NodeStatus::kAborted;
  return o;
}

// Where each tag goes (the first names the image in outputs). On failure
// returns the outcome: Errored for an expression, Failed for the mapping.
std::optional<StepOutcome> ResolveLocations(const engine::StepContext& ctx,
                                            BuildAndPushStep::Target target,
                                            const pipeline::Connector& connector,
                                            const std::vector<std::string>& tags,
                                            std::vector<ImageLocation>* out) {
  auto field = [&](std::string_view key) {
    return ctx.ResolveString(ctx.node.spec[std::string(key)], "spec." + std::string(key));
  };
  const bool ecr = target == BuildAndPushStep::Target::kEcr;
  Result<std::string> account = ecr ? field("account") : std::string();
  Result<std::string> region = ecr ? field("region") : std::string();
  Result<std::string> name = field(ecr ? "imageName" : "repo");
  for (const auto* r : {&account, &region, &name}) {
    if (!r->ok()) return StepOutcome::Error(r->status().message());
  }
  for (const std::string& tag : tags) {
    Result<ImageLocation> loc = ecr ? EcrImage(ctx, connector, *account, *region, *name, tag)
                                    : DockerRegistryImage(ctx, connector, *name, tag);
    if (!loc.ok()) return Configuration(loc.status().message());
    out->push_back(std::move(*loc));
  }
  return std::nullopt;
}

// The build of spec's dockerfile, context, target, buildArgs and labels,
// tagged `tag` in the store. Errors are the expressions' (or
// SOURCE_DATE_EPOCH's).
Result<oci::BuildRequest> MakeRequest(engine::StepContext& ctx, std::string tag) {
  const YAML::Node& spec = ctx.node.spec;
  oci::BuildRequest request;
  SLUICE_ASSIGN_OR_RETURN(std::string dockerfile,
                          ctx.ResolveString(spec["dockerfile"], "spec.dockerfile"));
  SLUICE_ASSIGN_OR_RETURN(std::string context, ctx.ResolveString(spec["context"], "spec.context"));
  SLUICE_ASSIGN_OR_RETURN(request.target, ctx.ResolveString(spec["target"], "spec.target"));
  request.dockerfile = ctx.workspace.ToHost(dockerfile.empty() ? "Dockerfile" : dockerfile);
  SLUICE_ASSIGN_OR_RETURN(request.context, HostBuildContext(ctx.workspace, context));
  SLUICE_ASSIGN_OR_RETURN(auto build_args, ResolveMap(ctx, spec["buildArgs"], "spec.buildArgs"));
  for (auto& [k, v] : build_args) request.build_args[k] = v;
  SLUICE_ASSIGN_OR_RETURN(request.labels, ResolveMap(ctx, spec["labels"], "spec.labels"));
  SLUICE_ASSIGN_OR_RETURN(request.epoch, Epoch(ctx));
  ctx.Log("building " + (dockerfile.empty() ? "Dockerfile" : dockerfile) + " (context " +
          (context.empty() ? "." : context) + ")");
  request.tag = std::move(tag);
  request.log = [&ctx](std::string_view line) { ctx.Log(line); };
  request.cancel = &ctx.cancel;
  return request;
}

std::unique_ptr<oci::RegistryClient> RegistryFor(const ImageLocation& loc) {
  return std::make_unique<oci::RegistryClient>(loc.reference.registry, loc.registry,
                                               oci::NewCurlTransport());
}

// Logs how pushing loc.display went and lists the pushed image among the
// step's artifacts; the step's failure when it did not.
std::optional<StepOutcome> ReportPush(const engine::StepContext& ctx, const ImageLocation& loc,
                                      const Result<oci::PushResult>& pushed,
                                      nlohmann::json* artifacts) {
  if (!pushed.ok()) {
    return StepOutcome::Failure(ErrorType::kConnectivity,
                                "pushing " + loc.display + ": " + pushed.status().message());
  }
  const std::string digest = pushed->manifest.digest.str();
  ctx.Log("pushed " + loc.display + " to " + loc.reference.str() + "@" + digest + " (" +
          std::to_string(pushed->blobs_uploaded) + " blob(s) uploaded, " +
          std::to_string(pushed->blobs_skipped) + " already there)");
  artifacts->push_back(
      {{"type", "image"}, {"name", loc.display}, {"digest", digest}, {"url", loc.reference.str()}});
  return std::nullopt;
}

// Pushes the image tagged loc.display in the store to its registry.
std::optional<StepOutcome> Push(const engine::StepContext& ctx, const oci::ImageLayout& store,
                                const ImageLocation& loc, nlohmann::json* artifacts) {
  if (ctx.cancel.cancelled()) return Aborted("cancelled before pushing " + loc.display);
  auto client = RegistryFor(loc);
  return ReportPush(
      ctx, loc, oci::Push(store, loc.display, *client, loc.reference.repository, loc.reference.tag),
      artifacts);
}

}  // namespace

std::string_view BuildAndPushStep::name() const {
  return target_ == Target::kEcr ? "BuildAndPushECR" : "BuildAndPushDockerRegistry";
}

void BuildAndPushStep::ValidateSpec(const pipeline::ExecutionNode& step,
                                    const pipeline::Stage& stage, DiagnosticList* diags) const {
  SpecChecker check(step, diags);
  const std::string where = std::string(name()) + " step spec";
  if (stage.type != pipeline::StageType::kCI) {
    check.Error(
        step.spec ? step.spec : YAML::Node(),
        std::string(name()) + " steps run in CI stages, not in stage \"" + stage.identifier + "\"");
  }
  if (!check.RequireSpec()) return;
  const YAML::Node& spec = check.spec();
  const std::vector<std::string_view> own =
      target_ == Target::kEcr ? std::vector<std::string_view>{"region", "account", "imageName"}
                              : std::vector<std::string_view>{"repo", "registryRef"};
  std::vector<std::string> known(std::begin(kCommonFields), std::end(kCommonFields));
  known.insert(known.end(), std::begin(kIgnoredFields), std::end(kIgnoredFields));
  known.insert(known.end(), own.begin(), own.end());
  for (const auto& entry : spec) {
    const std::string key = entry.first.as<std::string>("");
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      check.Warning(entry.first, where + " has unknown field \"" + key + "\" (ignored)");
    }
  }
  check.RequireScalar(spec, "connectorRef", where);
  for (std::string_view field : own) {
    if (field != "registryRef") check.RequireScalar(spec, field, where);
  }
  YAML::Node tags = spec["tags"];
  if (!tags || tags.IsNull()) {
    check.Error(spec, where + " is missing required field \"tags\" (a list of image tags)");
  } else if (tags.IsSequence()) {
    if (tags.size() == 0) check.Error(tags, "tags must name at least one tag");
    for (const YAML::Node& tag : tags) {
      if (!tag.IsScalar()) check.Error(tag, "each tag is a single value (a string)");
    }
  } else if (!tags.IsScalar() || !expr::HasExpressions(tags.Scalar())) {
    check.Error(tags, "tags must be a list of image tags, e.g. [latest, <+pipeline.sequenceId>]");
  }
  for (std::string_view field : {"dockerfile", "context", "target"}) {
    check.OptionalScalar(spec, field, where);
  }
  for (std::string_view field : {"buildArgs", "labels"}) {
    YAML::Node map = spec[std::string(field)];
    if (map && !map.IsNull() && !map.IsMap() &&
        !(map.IsScalar() && expr::HasExpressions(map.Scalar()))) {
      check.Error(map, where + "." + std::string(field) + " must be a map of names to values");
    }
  }
}

engine::StepOutcome BuildAndPushStep::Execute(engine::StepContext& ctx) const {
  const YAML::Node& spec = ctx.node.spec;
  for (std::string_view field : kIgnoredFields) {
    if (spec[std::string(field)]) {
      ctx.Log("warning: spec." + std::string(field) +
              " is ignored: sluice builds without Kaniko or Buildx (layers are reproducible "
              "and cached by content)");
    }
  }
  Result<std::string> connector_ref = ctx.ResolveString(spec["connectorRef"], "spec.connectorRef");
  if (!connector_ref.ok()) return StepOutcome::Error(connector_ref.status().message());
  const pipeline::Connector* connector = ctx.project.FindConnector(WithoutScope(*connector_ref));
  if (connector == nullptr) {
    return Configuration("connector \"" + *connector_ref +
                         "\" is not defined: add it to .harness/connectors/");
  }
  Result<std::vector<std::string>> tags = ResolveTags(ctx, spec["tags"]);
  if (!tags.ok()) return StepOutcome::Error(tags.status().message());
  if (tags->empty()) return Configuration("spec.tags resolved to no tag: name at least one");
  std::vector<ImageLocation> locations;
  if (auto failed = ResolveLocations(ctx, target_, *connector, *tags, &locations)) return *failed;
  Result<oci::BuildRequest> request = MakeRequest(ctx, locations.front().display);
  if (!request.ok()) return StepOutcome::Error(request.status().message());

  std::optional<oci::ImageLayout> store;
  oci::Descriptor image;
  // The first location, when it is a registry, is pushed while the image
  // is built (oci/build_push.h).
  const ImageLocation& pushed_first = locations.front();
  std::unique_ptr<oci::RegistryClient> first_registry;
  if (!pushed_first.local_store) first_registry = RegistryFor(pushed_first);
  std::optional<Result<oci::PushResult>> first_push;
  {
    // Held while the store is created, and while the build and the tags
    // change its index.
    Result<ImageStoreLock> lock = LockImageStore(ctx, ctx.cancel);
    if (!lock.ok()) {
      return lock.status().code() == StatusCode::kAborted
                 ? Aborted(lock.status().message())
                 : StepOutcome::Error(lock.status().message());
    }
    Result<oci::ImageLayout> opened = OpenImageStore(ctx);
    if (!opened.ok()) return StepOutcome::Error(opened.status().message());
    store.emplace(std::move(*opened));
    DiagnosticList diags;
    Result<oci::Descriptor> built = [&]() -> Result<oci::Descriptor> {
      if (!first_registry) return oci::BuildImage(*request, *store, diags);
      SLUICE_ASSIGN_OR_RETURN(
          oci::BuildPushResult both,
          oci::BuildAndPush(*request, *store, diags, *first_registry,
                            pushed_first.reference.repository, pushed_first.reference.tag));
      first_push = std::move(both.pushed);
      return both.image;
    }();
    if (ctx.cancel.cancelled()) return Aborted("cancelled while building");
    if (!built.ok()) {
      std::string first = ReportDockerfileErrors(ctx, diags, request->dockerfile);
      return Configuration(first.empty() ? built.status().message() : first);
    }
    image = *built;
    for (size_t i = 1; i < locations.size(); ++i) {
      Status tagged = store->Tag(locations[i].display, image);
      if (!tagged.ok()) return StepOutcome::Error(tagged.message());
    }
  }
  ctx.Log("built " + image.digest.str());

  nlohmann::json artifacts = nlohmann::json::array();
  for (const ImageLocation& loc : locations) {
    if (&loc == &pushed_first && first_push) {
      if (auto failed = ReportPush(ctx, loc, *first_push, &artifacts)) return *failed;
      continue;
    }
    if (!loc.local_store) {
      if (auto failed = Push(ctx, *store, loc, &artifacts)) return *failed;
      continue;
    }
    ctx.Log("tagged " + loc.display + " in the local image store");
    artifacts.push_back({{"type", "image"},
                         {"name", loc.display},
                         {"digest", image.digest.str()},
                         {"url", "oci:" + store->dir().string() + ":" + loc.display}});
  }
  if (scans_ && connector->spec && connector->spec["scanOnPush"] &&
      connector->spec["scanOnPush"].as<std::string>("") == "true") {
    scans_->StartScan(ctx.state_dir, image);
    ctx.Log("scan on push (connector " + connector->identifier + "): scanning " +
            image.digest.str());
  }
  StepOutcome outcome = StepOutcome::Success();
  outcome.output = {
      {"image", locations.front().display}, {"digest", image.digest.str()}, {"tags", *tags}};
  outcome.details["artifacts"] = std::move(artifacts);
  return outcome;
}

}  // namespace sluice::steps
