// ResolveDeploymentStage: the service, environment and infrastructure a
// Deployment stage names, with the stage's serviceInputs merged in
// (deployment.h).
#include <set>

#include "expr/expr.h"
#include "pipeline/deployment.h"
#include "pipeline/parse_internal.h"
#include "pipeline/project.h"

namespace sluice::pipeline {

using internal::Field;
using internal::Fields;
using internal::FindField;
using internal::ParseContext;

namespace {

bool IsInput(const YAML::Node& node) {
  return node.IsScalar() && expr::ParseRuntimeInput(node.Scalar()).has_value();
}

// The key a list element is matched on when merging lists: its identifier,
// or its name (variables); "" when it has neither.
std::string ElementKey(const YAML::Node& item) {
  if (!item.IsMap()) return "";
  for (const char* key : {"identifier", "name"}) {
    YAML::Node v = internal::ValueOf(item, key);
    if (v.IsDefined() && v.IsScalar()) return std::string(key) + "=" + v.Scalar();
  }
  return "";
}

bool AllKeyed(const YAML::Node& list) {
  for (const YAML::Node& item : list) {
    if (ElementKey(item).empty()) return false;
  }
  return true;
}

// `over` laid onto `base` (see deployment.h). New nodes are built for
// merged mappings and lists; leaves are shared, so they keep their marks.
YAML::Node Merge(const YAML::Node& base, const YAML::Node& over) {
  if (!over.IsDefined() || over.IsNull()) return base;
  if (!base.IsDefined() || base.IsNull()) return over;
  if (base.IsMap() && over.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    std::set<std::string> seen;
    for (const auto& kv : base) {
      const std::string key = kv.first.Scalar();
      seen.insert(key);
      YAML::Node o = internal::ValueOf(over, key);
      out[kv.first] = o.IsDefined() ? Merge(kv.second, o) : kv.second;
    }
    for (const auto& kv : over) {
      if (!seen.count(kv.first.Scalar())) out[kv.first] = kv.second;
    }
    return out;
  }
  if (base.IsSequence() && over.IsSequence() && AllKeyed(base) && AllKeyed(over)) {
    // Never assign to a YAML::Node that aliases another: yaml-cpp would
    // rewrite the aliased node (here, the service's own definition).
    YAML::Node out(YAML::NodeType::Sequence);
    std::set<std::string> used;
    auto merged = [&](const YAML::Node& item) -> YAML::Node {
      const std::string key = ElementKey(item);
      for (const YAML::Node& o : over) {
        if (ElementKey(o) == key) {
          used.insert(key);
          return Merge(item, o);
        }
      }
      return item;
    };
    for (const YAML::Node& item : base) out.push_back(merged(item));
    for (const YAML::Node& o : over) {
      if (!used.count(ElementKey(o))) out.push_back(o);
    }
    return out;
  }
  return over;
}

std::string Names(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

template <typename T>
std::string KnownList(const std::vector<T>& items, std::string_view what) {
  std::vector<std::string> ids;
  for (const T& item : items) ids.push_back(item.identifier);
  if (ids.empty()) return " (the project has no " + std::string(what) + ")";
  return " (" + std::string(what) + ": " + Names(ids) + ")";
}

// A required reference: its string, or nullopt after an error (or, for
// `<+input>`, silently: it is given at run time).
std::optional<std::string> Reference(const ParseContext& ctx, const std::vector<Field>& fields,
                                     std::string_view key, std::string_view what,
                                     const YAML::Node& object, bool* is_input) {
  const Field* f = FindField(fields, key);
  if (f != nullptr && IsInput(f->value)) {
    *is_input = true;
    return std::nullopt;
  }
  auto value = internal::RequireString(ctx, fields, key, what, object);
  if (value && expr::HasExpressions(*value)) {
    ctx.Error(ctx.At(*f), std::string(key) + " must name an entity; expressions other than " +
                              "<+input> are not supported here");
    return std::nullopt;
  }
  return value;
}

struct Resolver {
  const Stage& stage;
  const Project& project;
  ParseContext ctx;
  bool input_pending = false;

  const Service* ResolveService(const std::vector<Field>& spec, DeploymentStage* out) {
    if (const Field* inline_config = FindField(spec, "serviceConfig")) {
      ctx.Error(ctx.At(inline_config->key),
                "serviceConfig (a service written inside the stage, Harness's older form) is not "
                "supported: move it to .harness/services/<identifier>.yaml and use service: "
                "{serviceRef: <identifier>}");
      return nullptr;
    }
    if (const Field* many = FindField(spec, "services")) {
      ctx.Error(ctx.At(many->key),
                "deploying several services in one stage is not supported "
                "yet: use service: {serviceRef: ...} and one stage per service");
      return nullptr;
    }
    const Field* service = FindField(spec, "service");
    if (service == nullptr) {
      ctx.Error(stage.location, "Deployment stage \"" + stage.identifier +
                                    "\" needs spec.service: {serviceRef: <a service of "
                                    ".harness/services/>}");
      return nullptr;
    }
    if (!internal::ExpectMap(ctx, *service)) return nullptr;
    auto fields = Fields(service->value);
    internal::WarnUnknownKeys(ctx, fields, {"serviceRef", "serviceInputs", "useFromStage"},
                              "service");
    if (const Field* from = FindField(fields, "useFromStage")) {
      ctx.Error(ctx.At(from->key),
                "service.useFromStage is not supported yet: name the service "
                "with serviceRef");
      return nullptr;
    }
    auto ref = Reference(ctx, fields, "serviceRef", "service", service->value, &input_pending);
    if (!ref) return nullptr;
    const Service* found = project.FindService(*ref);
    if (found == nullptr) {
      ctx.Error(ctx.At(*FindField(fields, "serviceRef")),
                "unknown service \"" + *ref + "\": no file in .harness/services/ defines it" +
                    KnownList(project.services, "services") + "; add .harness/services/" + *ref +
                    ".yaml");
      return nullptr;
    }
    out->service = found;
    YAML::Node merged_spec = found->definition_spec;
    out->service_variables = found->variables;
    if (const Field* inputs = FindField(fields, "serviceInputs");
        inputs != nullptr && !inputs->value.IsNull() && !IsInput(inputs->value) &&
        internal::ExpectMap(ctx, *inputs)) {
      auto input_fields = Fields(inputs->value);
      internal::WarnUnknownKeys(ctx, input_fields, {"serviceDefinition"}, "serviceInputs");
      YAML::Node over = internal::ValueOf(inputs->value, "serviceDefinition");
      if (over.IsDefined() && over.IsMap()) {
        YAML::Node over_type = internal::ValueOf(over, "type");
        if (over_type.IsDefined() && over_type.IsScalar() &&
            over_type.Scalar() != found->definition_type) {
          ctx.Error(ctx.At(over_type), "serviceInputs say serviceDefinition.type " +
                                           over_type.Scalar() + " but service \"" + *ref +
                                           "\" is of type " + found->definition_type + " (" +
                                           found->definition_type_location.ToString() + ")");
        }
        YAML::Node over_spec = internal::ValueOf(over, "spec");
        merged_spec.reset(Merge(found->definition_spec, over_spec));
        // Variables given here override the service's by name; parsed in
        // the stage's file so their errors point there.
        if (over_spec.IsDefined() && over_spec.IsMap()) {
          if (const Field* vars = FindField(Fields(over_spec), "variables")) {
            for (Variable& v : internal::ParseVariables(ctx, *vars)) {
              bool replaced = false;
              for (Variable& mine : out->service_variables) {
                if (mine.name == v.name) {
                  mine = v;
                  replaced = true;
                }
              }
              if (!replaced) out->service_variables.push_back(std::move(v));
            }
          }
        }
      }
    }
    // Built once, assigned once (see Merge).
    YAML::Node definition(YAML::NodeType::Map);
    definition["type"] = found->definition_type;
    definition["spec"] = merged_spec;
    out->service_definition = definition;
    return found;
  }

  void ResolveLambda(const Service& service, DeploymentStage* out) {
    // Shape errors of the service alone were reported with its file; only
    // what the stage's serviceInputs added is reported here, at the stage.
    DiagnosticList alone;
    (void)ParseAwsLambdaServiceSpec(service.definition_spec, service.file, &alone);
    std::set<std::string> known;
    for (const Diagnostic& d : alone.items()) known.insert(d.message);
    DiagnosticList merged;
    out->aws_lambda =
        ParseAwsLambdaServiceSpec(out->service_definition["spec"], service.file, &merged);
    for (const Diagnostic& d : merged.items()) {
      if (d.severity == Severity::kError && !known.count(d.message)) {
        ctx.Error(stage.location, "service \"" + service.identifier +
                                      "\" with the serviceInputs "
                                      "of stage \"" +
                                      stage.identifier + "\": " + d.message);
      }
    }
    if (!out->aws_lambda) return;
    const AwsLambdaServiceSpec& spec = *out->aws_lambda;
    if (spec.sources_are_input) {
      input_pending = true;
      return;
    }
    std::string ref = spec.primary_artifact_ref;
    if (expr::ParseRuntimeInput(ref).has_value()) {
      input_pending = true;
      return;
    }
    if (ref.empty() && spec.sources.size() == 1) ref = spec.sources[0].identifier;
    if (ref.empty()) {
      ctx.Error(stage.location, "service \"" + service.identifier +
                                    "\" has several artifact sources and no primaryArtifactRef: "
                                    "name the one to deploy");
      return;
    }
    out->primary_artifact = spec.FindSource(ref);
    if (out->primary_artifact == nullptr) {
      std::vector<std::string> ids;
      for (const ArtifactSource& s : spec.sources) ids.push_back(s.identifier);
      ctx.Error(stage.location, "primaryArtifactRef \"" + ref + "\" of service \"" +
                                    service.identifier + "\" names no artifact source (sources: " +
                                    (ids.empty() ? "none" : Names(ids)) + ")");
    }
  }

  void ResolveEnvironment(const std::vector<Field>& spec, DeploymentStage* out) {
    for (const char* key : {"environments", "environmentGroup"}) {
      if (const Field* f = FindField(spec, key)) {
        ctx.Error(ctx.At(f->key), std::string(key) +
                                      " (deploying to several environments) is "
                                      "not supported yet: use environment: {environmentRef: ...}");
        return;
      }
    }
    if (const Field* f = FindField(spec, "infrastructure")) {
      ctx.Error(ctx.At(f->key),
                "spec.infrastructure (an environment and infrastructure written inside the "
                "stage, Harness's older form) is not supported: add .harness/environments/ and "
                ".harness/infrastructures/ files and use environment: {environmentRef, "
                "infrastructureDefinitions}");
      return;
    }
    const Field* env = FindField(spec, "environment");
    if (env == nullptr) {
      ctx.Error(stage.location, "Deployment stage \"" + stage.identifier +
                                    "\" needs spec.environment: {environmentRef: <an environment "
                                    "of .harness/environments/>, infrastructureDefinitions: "
                                    "[{identifier: ...}]}");
      return;
    }
    if (!internal::ExpectMap(ctx, *env)) return;
    auto fields = Fields(env->value);
    internal::WarnUnknownKeys(
        ctx, fields,
        {"environmentRef", "deployToAll", "infrastructureDefinitions", "environmentInputs",
         "serviceOverrideInputs", "gitOpsClusters", "provisioner"},
        "environment");
    auto ref = Reference(ctx, fields, "environmentRef", "environment", env->value, &input_pending);
    const Environment* found = nullptr;
    if (ref) {
      found = project.FindEnvironment(*ref);
      if (found == nullptr) {
        ctx.Error(ctx.At(*FindField(fields, "environmentRef")),
                  "unknown environment \"" + *ref +
                      "\": no file in .harness/environments/ defines it" +
                      KnownList(project.environments, "environments") +
                      "; add .harness/environments/" + *ref + ".yaml");
      }
      out->environment = found;
    }
    if (const Field* all = FindField(fields, "deployToAll")) {
      if (internal::GetBool(ctx, all).value_or(false)) {
        ctx.Error(ctx.At(*all),
                  "deployToAll: deploying to every infrastructure of an "
                  "environment is not supported yet; list one infrastructure "
                  "definition");
        return;
      }
    }
    const Field* infras = FindField(fields, "infrastructureDefinitions");
    if (infras != nullptr && IsInput(infras->value)) {
      input_pending = true;
      return;
    }
    if (infras == nullptr || infras->value.IsNull() ||
        (infras->value.IsSequence() && infras->value.size() == 0)) {
      ctx.Error(infras != nullptr ? ctx.At(infras->key) : ctx.At(env->value),
                "environment needs infrastructureDefinitions: [{identifier: <an infrastructure "
                "definition of .harness/infrastructures/>}]");
      return;
    }
    if (!internal::ExpectList(ctx, *infras)) return;
    if (infras->value.size() > 1) {
      ctx.Error(ctx.At(infras->value[1]),
                "deploying to more than one infrastructure definition is not supported yet: "
                "keep one (or use one stage per infrastructure)");
      return;
    }
    const YAML::Node item = infras->value[0];
    if (!item.IsMap()) {
      ctx.Error(ctx.At(item),
                "infrastructureDefinitions elements are mappings {identifier: ...}, "
                "not " +
                    internal::KindName(item));
      return;
    }
    auto item_fields = Fields(item);
    internal::WarnUnknownKeys(ctx, item_fields, {"identifier", "inputs"},
                              "infrastructureDefinitions element");
    auto id = Reference(ctx, item_fields, "identifier", "infrastructure definition", item,
                        &input_pending);
    if (!id) return;
    const SourceLocation at = ctx.At(*FindField(item_fields, "identifier"));
    const InfrastructureDefinition* infra = project.FindInfrastructure(*id);
    if (infra == nullptr) {
      ctx.Error(at, "unknown infrastructure definition \"" + *id +
                        "\": no file in .harness/infrastructures/ defines it" +
                        KnownList(project.infrastructures, "infrastructure definitions") +
                        "; add .harness/infrastructures/" + *id + ".yaml");
      return;
    }
    if (found != nullptr && infra->environment_ref != found->identifier) {
      ctx.Error(at, "infrastructure definition \"" + *id + "\" belongs to environment \"" +
                        infra->environment_ref + "\" (" +
                        infra->environment_ref_location.ToString() + "), not to \"" +
                        found->identifier + "\"");
      return;
    }
    out->infrastructure = infra;
  }
};

}  // namespace

std::unique_ptr<DeploymentStage> ResolveDeploymentStage(const Stage& stage, const Project& project,
                                                        DiagnosticList* diags) {
  Resolver r{stage, project, ParseContext(stage.location.file, diags)};
  auto out = std::make_unique<DeploymentStage>();
  const int errors_before = diags->error_count();
  auto spec = Fields(stage.spec);
  const Field* type = FindField(spec, "deploymentType");
  if (auto t = internal::RequireString(r.ctx, spec, "deploymentType", "Deployment stage spec",
                                       stage.spec)) {
    out->deployment_type = *t;
  }
  const Service* service = r.ResolveService(spec, out.get());
  r.ResolveEnvironment(spec, out.get());
  const std::string& want = out->deployment_type;
  if (!want.empty() && type != nullptr) {
    if (service != nullptr && service->definition_type != want) {
      r.ctx.Error(r.ctx.At(*type),
                  "deploymentType " + want + " does not match service \"" + service->identifier +
                      "\", whose serviceDefinition.type is " + service->definition_type + " (" +
                      service->definition_type_location.ToString() + ")");
    }
    if (out->infrastructure != nullptr && out->infrastructure->deployment_type != want) {
      r.ctx.Error(r.ctx.At(*type),
                  "deploymentType " + want + " does not match infrastructure definition \"" +
                      out->infrastructure->identifier + "\", whose deploymentType is " +
                      out->infrastructure->deployment_type + " (" +
                      out->infrastructure->deployment_type_location.ToString() + ")");
    }
  }
  if (service != nullptr && want == "AwsLambda" && service->definition_type == "AwsLambda") {
    r.ResolveLambda(*service, out.get());
  }
  if (diags->error_count() > errors_before || r.input_pending) return nullptr;
  if (out->service == nullptr || out->environment == nullptr || out->infrastructure == nullptr) {
    return nullptr;
  }
  return out;
}

void ValidateDeploymentStages(const Project& project, DiagnosticList* diags) {
  auto check = [&](const Stage& s) {
    if (s.type == StageType::kDeployment && s.spec.IsDefined() && s.spec.IsMap()) {
      (void)ResolveDeploymentStage(s, project, diags);
    }
  };
  for (const Pipeline& p : project.pipelines) {
    for (const StageNode& n : p.stages) {
      if (n.kind == StageNode::Kind::kStage) check(n.stage);
      for (const Stage& s : n.parallel) check(s);
    }
  }
}

}  // namespace sluice::pipeline
