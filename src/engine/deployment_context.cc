#include "engine/deployment_context.h"

#include "pipeline/deployment.h"

namespace sluice::engine {

namespace {

bool IsInput(const std::string& text) { return expr::ParseRuntimeInput(text).has_value(); }

// A field as written, rendered in the stage's scope.
Result<std::string> RenderField(const std::string& text, const std::string& what,
                                const expr::Scope& scope) {
  if (IsInput(text)) {
    return Status::InvalidArgument(what + " is a runtime input (" + text +
                                   ") that no input gave: give it in the stage's serviceInputs "
                                   "and pass it with --input or an input set");
  }
  auto r = expr::RenderString(text, scope);
  if (!r.ok()) return Status::InvalidArgument(what + " " + text + ": " + r.status().message());
  return r;
}

// The host[:port] of a registry URL ("" for Docker Hub's or none).
std::string RegistryHost(std::string url) {
  for (const char* scheme : {"https://", "http://"}) {
    if (url.rfind(scheme, 0) == 0) url = url.substr(std::string_view(scheme).size());
  }
  url = url.substr(0, url.find('/'));
  for (const char* hub :
       {"index.docker.io", "registry.hub.docker.com", "docker.io", "registry-1.docker.io"}) {
    if (url == hub) return "";
  }
  return url;
}

bool NamesHost(const std::string& image_path) {
  const size_t slash = image_path.find('/');
  if (slash == std::string::npos) return false;
  const std::string first = image_path.substr(0, slash);
  return first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
         first == "localhost";
}

std::string ImageOf(const nlohmann::json& a, const pipeline::Project& project) {
  const std::string path = a.value("imagePath", "");
  const std::string tagged = path + ":" + a.value("tag", "");
  if (a.value("type", "") == "Ecr") {
    const std::string account = a.value("registryId", "");
    if (account.empty()) return tagged;
    return account + ".dkr.ecr." + a.value("region", "") + ".amazonaws.com/" + tagged;
  }
  if (NamesHost(path)) return tagged;
  const pipeline::Connector* c = project.FindConnector(a.value("connectorRef", ""));
  if (c == nullptr || !c->spec.IsMap() || !c->spec["dockerRegistryUrl"].IsScalar()) return tagged;
  const std::string host = RegistryHost(c->spec["dockerRegistryUrl"].Scalar());
  return host.empty() ? tagged : host + "/" + tagged;
}

}  // namespace

JsonPointer DeploymentPointer(const std::string& stage_id) {
  return JsonPointer("/deployments") / stage_id;
}

bool IsDeploymentRoot(std::string_view root) {
  return root == "service" || root == "serviceVariables" || root == "env" || root == "infra" ||
         root == "artifact" || root == "artifacts";
}

Status BindDeployment(const pipeline::Stage& stage, const pipeline::Project& project,
                      ExpressionDocument& doc, const expr::Scope& scope,
                      const VariableResolver& resolve) {
  DiagnosticList diags;
  auto d = pipeline::ResolveDeploymentStage(stage, project, &diags);
  if (d == nullptr) {
    std::string problems;
    for (const Diagnostic& diag : diags.items()) {
      if (diag.severity != Severity::kError) continue;
      problems += (problems.empty() ? "" : "; ") + diag.location.ToString() + ": " + diag.message;
    }
    if (problems.empty()) {
      problems =
          "the stage's service, environment or infrastructure is still a runtime input "
          "(<+input>): pass it with --input or an input set";
    }
    return Status::InvalidArgument("Deployment stage \"" + stage.identifier + "\": " + problems);
  }
  const JsonPointer base = DeploymentPointer(stage.identifier);
  const pipeline::Service& svc = *d->service;
  const pipeline::Environment& env = *d->environment;
  const pipeline::InfrastructureDefinition& infra = *d->infrastructure;
  doc.Set(base, {{"service",
                  {{"identifier", svc.identifier},
                   {"name", svc.name},
                   {"description", svc.description},
                   {"type", svc.definition_type}}},
                 {"serviceVariables", nlohmann::json::object()},
                 {"env",
                  {{"identifier", env.identifier},
                   {"name", env.name},
                   {"description", env.description},
                   {"type", std::string(pipeline::EnvironmentTypeName(env.type))},
                   {"variables", nlohmann::json::object()}}},
                 {"infra",
                  {{"identifier", infra.identifier},
                   {"name", infra.name},
                   {"type", infra.type},
                   {"deploymentType", infra.deployment_type},
                   {"environmentRef", infra.environment_ref},
                   {"connectorRef", nullptr},
                   {"region", nullptr}}},
                 {"artifact", nullptr},
                 {"artifacts", {{"primary", nullptr}}}});
  for (const pipeline::Variable& v : d->service_variables) {
    auto value = resolve(v);
    if (!value.ok()) {
      return Status::InvalidArgument(v.location.ToString() + ": service variable " + v.name + ": " +
                                     value.status().message());
    }
    doc.Set(base / "serviceVariables" / v.name, *value);
  }
  for (const pipeline::Variable& v : env.variables) {
    auto value = resolve(v);
    if (!value.ok()) {
      return Status::InvalidArgument(v.location.ToString() + ": environment variable " + v.name +
                                     ": " + value.status().message());
    }
    doc.Set(base / "env" / "variables" / v.name, *value);
  }
  const std::string infra_where =
      infra.location.ToString() + ": infrastructure definition \"" + infra.identifier + "\" ";
  for (const auto& [key, text] :
       {std::pair<const char*, std::string>{"connectorRef", infra.connector_ref},
        {"region", infra.region}}) {
    auto value = RenderField(text, infra_where + key, scope);
    if (!value.ok()) return value.status();
    doc.Set(base / "infra" / key, *value);
  }
  if (d->primary_artifact != nullptr) {
    const pipeline::ArtifactSource& a = *d->primary_artifact;
    const std::string where = svc.file + ": artifact source \"" + a.identifier +
                              "\" of service \"" + svc.identifier + "\" ";
    nlohmann::json artifact = {{"identifier", a.identifier}, {"type", a.type}};
    for (const auto& [key, text] :
         {std::pair<const char*, std::string>{"connectorRef", a.connector_ref},
          {"region", a.region},
          {"registryId", a.registry_id},
          {"imagePath", a.image_path},
          {"tag", a.tag}}) {
      auto value = RenderField(text, where + key, scope);
      if (!value.ok()) return value.status();
      artifact[key] = *value;
    }
    artifact["image"] = ImageOf(artifact, project);
    doc.Set(base / "artifact", artifact);
    doc.Set(base / "artifacts" / "primary", artifact);
  }
  return Status::Ok();
}

}  // namespace sluice::engine
