#include "steps/model_staleness_step.h"

#include <cstdio>
#include <filesystem>

#include "monitor/staleness.h"
#include "steps/spec_check.h"

namespace sluice::steps {

namespace {

constexpr std::string_view kWhere = "ModelStaleness step spec";

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

bool IsRemoteUrl(const std::string& s) {
  return (s.find("://") != std::string::npos && s.rfind("file://", 0) != 0) ||
         (s.find('@') != std::string::npos && s.find(':') != std::string::npos);
}

// A connector's url, relative ones from the project root (as the clone step
// reads them); "" when `ref` names no connector with a url.
std::string ConnectorPath(const engine::StepContext& ctx, const std::string& ref) {
  const pipeline::Connector* c = ctx.project.FindConnector(ref);
  if (c == nullptr || !c->spec || !c->spec["url"]) return "";
  std::string url = c->spec["url"].as<std::string>("");
  if (!url.empty() && url[0] != '/' && !IsRemoteUrl(url)) {
    url = std::filesystem::absolute(ctx.project.root / url).lexically_normal().string();
  }
  return url;
}

// The stage's clone when it has one, else the pipeline codebase's
// repository, else the project directory.
std::string DefaultRepository(const engine::StepContext& ctx) {
  std::error_code ec;
  if (std::filesystem::exists(ctx.workspace.host_dir / ".git", ec)) {
    return ctx.workspace.host_dir.string();
  }
  if (ctx.pipeline.codebase) {
    std::string url = ConnectorPath(ctx, ctx.pipeline.codebase->connector_ref);
    if (!url.empty()) return url;
  }
  return std::filesystem::absolute(ctx.project.root).lexically_normal().string();
}

Result<std::vector<std::string>> Paths(const engine::StepContext& ctx, const YAML::Node& node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      SLUICE_ASSIGN_OR_RETURN(std::string p,
                              ctx.ResolveString(node[i], "spec.paths[" + std::to_string(i) + "]"));
      if (!p.empty()) out.push_back(std::move(p));
    }
    return out;
  }
  SLUICE_ASSIGN_OR_RETURN(std::string p, ctx.ResolveString(node, "spec.paths"));
  if (!p.empty()) out.push_back(std::move(p));
  return out;
}

Result<monitor::StalenessCheck> BuildCheck(const engine::StepContext& ctx, const YAML::Node& spec) {
  monitor::StalenessCheck check;
  SLUICE_ASSIGN_OR_RETURN(std::string branch, ctx.ResolveString(spec["branch"], "spec.branch"));
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> paths, Paths(ctx, spec["paths"]));
  SLUICE_ASSIGN_OR_RETURN(std::string max_age,
                          ctx.ResolveString(spec["maxAgeDays"], "spec.maxAgeDays"));
  if (!max_age.empty()) {
    char* end = nullptr;
    check.max_age_days = std::strtod(max_age.c_str(), &end);
    if (end != max_age.c_str() + max_age.size() || !(check.max_age_days >= 0)) {
      return Status::InvalidArgument("spec.maxAgeDays: \"" + max_age +
                                     "\" is not a number of days >= 0");
    }
  }
  SLUICE_ASSIGN_OR_RETURN(check.function, ctx.ResolveString(spec["function"], "spec.function"));
  SLUICE_ASSIGN_OR_RETURN(check.qualifier, ctx.ResolveString(spec["alias"], "spec.alias"));
  SLUICE_ASSIGN_OR_RETURN(check.model, ctx.ResolveString(spec["model"], "spec.model"));
  if (check.model.empty())
    check.model = !check.function.empty() ? check.function : ctx.pipeline.identifier;

  if (spec["api"]) {
    monitor::CommitsApiQuery api;
    SLUICE_ASSIGN_OR_RETURN(std::string url, ctx.ResolveString(spec["api"]["url"], "spec.api.url"));
    if (!url.empty()) api.api_url = url;
    SLUICE_ASSIGN_OR_RETURN(api.repository,
                            ctx.ResolveString(spec["api"]["repo"], "spec.api.repo"));
    SLUICE_ASSIGN_OR_RETURN(std::string token_ref,
                            ctx.ResolveString(spec["api"]["tokenRef"], "spec.api.tokenRef"));
    if (!token_ref.empty()) {
      auto token = ctx.scope.GetSecret(token_ref);
      if (!token.ok())
        return Status(token.status().code(), "spec.api.tokenRef: " + token.status().message());
      ctx.masker.Add(*token);
      api.token = *token;
    }
    api.branch = branch;
    api.paths = paths;
    check.source = std::move(api);
    return check;
  }
  monitor::GitHistoryQuery git;
  SLUICE_ASSIGN_OR_RETURN(std::string repo,
                          ctx.ResolveString(spec["repository"], "spec.repository"));
  if (repo.empty()) {
    repo = DefaultRepository(ctx);
  } else if (std::string url = ConnectorPath(ctx, repo); !url.empty()) {
    repo = url;
  } else if (!IsRemoteUrl(repo)) {
    repo = ctx.workspace.ToHost(repo).string();
  }
  if (repo.rfind("file://", 0) == 0) repo = repo.substr(7);
  if (IsRemoteUrl(repo)) {
    return Status::InvalidArgument("spec.repository: " + repo +
                                   " is a remote repository; the history is read from a local "
                                   "clone or bare repository -- clone the codebase in this stage, "
                                   "give a local path, or use spec.api for a hosted repository");
  }
  git.repository = repo;
  git.branch = branch;
  git.paths = paths;
  check.source = std::move(git);
  return check;
}

}  // namespace

void ModelStalenessStep::ValidateSpec(const pipeline::ExecutionNode& step,
                                      const pipeline::Stage& stage, DiagnosticList* diags) const {
  (void)stage;
  SpecChecker check(step, diags);
  if (!check.RequireSpec()) return;
  const YAML::Node& spec = check.spec();
  check.WarnUnknownKeys(
      spec, {"model", "repository", "branch", "paths", "maxAgeDays", "api", "function", "alias"},
      kWhere);
  for (const char* key : {"model", "repository", "branch", "maxAgeDays", "function", "alias"}) {
    check.OptionalScalar(spec, key, kWhere);
  }
  if (spec["paths"] && !spec["paths"].IsScalar()) check.OptionalSequence(spec, "paths", kWhere);
  if (check.OptionalMapping(spec, "api", kWhere) && spec["api"]) {
    const YAML::Node& api = spec["api"];
    check.WarnUnknownKeys(api, {"url", "repo", "tokenRef"}, "ModelStaleness spec.api");
    check.RequireScalar(api, "repo", "ModelStaleness spec.api");
    check.OptionalScalar(api, "url", "ModelStaleness spec.api");
    check.OptionalScalar(api, "tokenRef", "ModelStaleness spec.api");
    if (spec["repository"]) {
      check.Error(spec["repository"], "give spec.repository or spec.api, not both");
    }
  }
  if (spec["alias"] && !spec["function"]) {
    check.Error(spec["alias"], "spec.alias needs spec.function (the function it belongs to)");
  }
}

engine::StepOutcome ModelStalenessStep::Execute(engine::StepContext& ctx) const {
  auto check = BuildCheck(ctx, ctx.node.spec);
  if (!check.ok()) return engine::StepOutcome::Error(check.status().message());
  std::unique_ptr<oci::HttpTransport> http;
  if (std::holds_alternative<monitor::CommitsApiQuery>(check->source)) {
    http = oci::NewCurlTransport(std::chrono::seconds(60));
  }
  monitor::StalenessDeps deps{ctx.clock, ctx.functions, http.get()};
  auto report = monitor::CheckStaleness(*check, deps);
  if (!report.ok()) {
    const StatusCode code = report.status().code();
    return engine::StepOutcome::Failure(
        code == StatusCode::kPermissionDenied ? pipeline::ErrorType::kAuthentication
        : code == StatusCode::kIoError        ? pipeline::ErrorType::kConnectivity
                                              : pipeline::ErrorType::kUnknown,
        report.status().message());
  }
  const monitor::StalenessReport& r = *report;
  ctx.Log("[sluice] " + r.model + " last changed " + monitor::FormatIsoUtc(r.commit.committed_ms) +
          " (" + Fixed(r.age_days, 2) + " days ago) in " + r.commit.sha.substr(0, 12) + " by " +
          r.commit.author + ": " + r.commit.summary);
  ctx.Log(r.stale
              ? "[sluice] the model has not been updated in " + Fixed(r.max_age_days, 0) +
                    " days: stale"
              : "[sluice] the model has been updated within " + Fixed(r.max_age_days, 0) + " days");
  engine::StepOutcome out;
  out.outputs["model_stale"] = r.stale ? "true" : "false";
  out.outputs["last_updated"] = monitor::FormatIsoUtc(r.commit.committed_ms);
  out.outputs["age_days"] = Fixed(r.age_days, 2);
  out.outputs["commit_sha"] = r.commit.sha;
  out.outputs["commit_author"] = r.commit.author;
  out.outputs["commit_message"] = r.commit.summary;
  if (r.serving) {
    out.outputs["serving_version"] = r.serving->version;
    out.outputs["serving_age_days"] = Fixed(r.serving_age_days, 2);
    out.outputs["serving_behind"] = r.serving_behind ? "true" : "false";
    ctx.Log("[sluice] " + r.serving->function + ":" + r.serving->qualifier + " serves version " +
            r.serving->version + ", made " + Fixed(r.serving_age_days, 2) + " days ago" +
            (r.serving_behind ? ", before the last change" : ""));
  }
  out.details["staleness"] = monitor::StalenessJson(r);
  if (ctx.monitor != nullptr) {
    if (Status s = monitor::RecordStaleness(*ctx.monitor, r, ctx.execution_id); !s.ok()) {
      out.warnings.push_back("the check's result was not kept for /metrics: " + s.message());
    }
  }
  return out;
}

}  // namespace sluice::steps
