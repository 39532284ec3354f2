#include "server/api_json.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "expr/expr.h"
#include "pipeline/inputs.h"

namespace sluice::server {
namespace {

using Json = nlohmann::ordered_json;

int64_t DurationMs(int64_t started, int64_t ended) {
  return started > 0 && ended >= started ? ended - started : 0;
}

// The q-th quantile of sorted values (nearest rank).
double Quantile(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(q * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / 1000.0;
}

// `node[key]`, or a null node when `node` is no map or has no `key` (a
// const yaml-cpp node throws on a missing key's children).
YAML::Node Child(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) return YAML::Node();
  YAML::Node child = node[key];
  return child.IsDefined() ? child : YAML::Node();
}

std::string IdentifierOf(const YAML::Node& item, const char* kind) {
  const YAML::Node id = Child(Child(item, kind), "identifier");
  return id.IsScalar() ? id.Scalar() : "";
}

// The `parallel` blocks in `steps` (a stage's or a step group's list,
// under `prefix`), into `groups`; step groups are walked too.
void ParallelSteps(const YAML::Node& steps, const std::string& prefix, Json* groups) {
  if (!steps.IsSequence()) return;
  for (const YAML::Node& item : steps) {
    if (const YAML::Node parallel = Child(item, "parallel"); parallel.IsSequence()) {
      Json group = Json::array();
      for (const YAML::Node& member : parallel) {
        for (const char* kind : {"step", "stepGroup"}) {
          if (std::string id = IdentifierOf(member, kind); !id.empty()) {
            group.push_back(prefix + "." + id);
          }
        }
      }
      if (group.size() > 1) groups->push_back(std::move(group));
      for (const YAML::Node& member : parallel) {  // then the blocks inside its step groups
        if (std::string id = IdentifierOf(member, "stepGroup"); !id.empty()) {
          ParallelSteps(Child(Child(member, "stepGroup"), "steps"), prefix + "." + id, groups);
        }
      }
    } else if (std::string id = IdentifierOf(item, "stepGroup"); !id.empty()) {
      ParallelSteps(Child(Child(item, "stepGroup"), "steps"), prefix + "." + id, groups);
    }
  }
}

}  // namespace

Json LayoutJson(const std::string& pipeline_yaml) {
  Json columns = Json::array();
  Json parallel_steps = Json::array();
  YAML::Node root;
  try {
    root = YAML::Load(pipeline_yaml);
  } catch (const YAML::Exception&) {
    return Json{{"stageColumns", columns}, {"parallelSteps", parallel_steps}};
  }
  const YAML::Node stages = Child(Child(root, "pipeline"), "stages");
  auto stage_steps = [&](const YAML::Node& item, const std::string& id) {
    const YAML::Node execution = Child(Child(Child(item, "stage"), "spec"), "execution");
    ParallelSteps(Child(execution, "steps"), id, &parallel_steps);
  };
  if (stages.IsSequence()) {
    for (const YAML::Node& item : stages) {
      Json column = Json::array();
      if (const YAML::Node parallel = Child(item, "parallel"); parallel.IsSequence()) {
        for (const YAML::Node& member : parallel) {
          if (std::string id = IdentifierOf(member, "stage"); !id.empty()) {
            column.push_back(id);
            stage_steps(member, id);
          }
        }
      } else if (std::string id = IdentifierOf(item, "stage"); !id.empty()) {
        column.push_back(id);
        stage_steps(item, id);
      }
      if (!column.empty()) columns.push_back(std::move(column));
    }
  }
  return Json{{"stageColumns", columns}, {"parallelSteps", parallel_steps}};
}

Json ExecutionSummaryJson(const store::ExecutionRecord& rec) {
  return Json{{"id", rec.id},
              {"pipelineId", rec.pipeline_id},
              {"pipelineName", rec.pipeline_name},
              {"sequenceId", rec.sequence_id},
              {"status", rec.status},
              {"startedMs", rec.started_ms},
              {"endedMs", rec.ended_ms},
              {"durationMs", DurationMs(rec.started_ms, rec.ended_ms)},
              {"triggerType", rec.trigger_type},
              {"inputs", rec.inputs},
              {"failureMessage", rec.failure_message},
              {"retriedFrom", rec.retried_from},
              {"retryFromNode", rec.retry_from_node}};
}

Json NodeJson(const store::NodeRecord& n) {
  return Json{{"path", n.path},
              {"kind", n.kind},
              {"identifier", n.identifier},
              {"name", n.name},
              {"type", n.type},
              {"status", n.status},
              {"startedMs", n.started_ms},
              {"endedMs", n.ended_ms},
              {"durationMs", DurationMs(n.started_ms, n.ended_ms)},
              {"attempt", n.attempt},
              {"outputs", n.outputs},
              {"failureType", n.failure_type},
              {"failureMessage", n.failure_message},
              {"sortOrder", n.sort_order},
              {"details", n.details}};
}

Json ArtifactJson(const store::ArtifactRecord& a) {
  return Json{
      {"id", a.id},
      {"nodePath", a.node_path},
      {"attempt", a.attempt},
      {"name", a.name},
      {"url", a.url},
      {"size", a.size},
      {"sha256", a.sha256},
      {"contentType", a.content_type},
      {"createdMs", a.created_ms},
      {"stored", !a.bucket.empty() && (a.url.rfind("file://", 0) == 0 || !a.s3.connector.empty())}};
}

Json PolicyEvaluationJson(const store::PolicyEvaluationRecord& e) {
  Json results = Json::array();
  for (const auto& r : e.results) {
    results.push_back(Json{{"policySet", r.policy_set},
                           {"policySetName", r.policy_set_name},
                           {"policy", r.policy},
                           {"severity", r.severity},
                           {"status", r.status},
                           {"denyMessages", r.deny_messages},
                           {"error", r.error},
                           {"durationUs", r.duration_us}});
  }
  return Json{{"id", e.id},         {"nodePath", e.node_path}, {"attempt", e.attempt},
              {"status", e.status}, {"input", e.input},        {"evaluatedMs", e.evaluated_ms},
              {"results", results}};
}

Json PipelineJson(const pipeline::Project& project, const pipeline::Pipeline& p) {
  Json inputs = Json::array();
  for (const pipeline::RuntimeInputField& field : pipeline::ListRuntimeInputs(p.root, p.file)) {
    Json input{{"path", field.path}, {"text", field.text}};
    auto parsed = expr::ParseRuntimeInput(field.text);
    if (parsed && parsed->ok()) {
      const expr::RuntimeInput& in = **parsed;
      input["default"] = in.default_value ? Json(*in.default_value) : Json();
      input["allowedValues"] = in.allowed_values;
      input["selectMany"] = in.select_many;
      input["regex"] = in.regex ? Json(*in.regex) : Json();
    }
    inputs.push_back(std::move(input));
  }
  Json sets = Json::array();
  for (const pipeline::InputSet& set : project.input_sets) {
    if (set.pipeline_identifier == p.identifier) {
      sets.push_back(Json{{"identifier", set.identifier}, {"name", set.name}});
    }
  }
  return Json{{"identifier", p.identifier},   {"name", p.name},
              {"description", p.description}, {"file", p.file},
              {"inputs", std::move(inputs)},  {"inputSets", std::move(sets)}};
}

Json FunctionJson(const store::FunctionRecord& function,
                  const std::vector<store::FunctionVersionRecord>& versions,
                  const std::vector<store::FunctionAliasRecord>& aliases,
                  const std::vector<store::InvocationRecord>& samples) {
  Json version_list = Json::array();
  for (const auto& v : versions) {
    version_list.push_back(Json{{"version", v.version},
                                {"description", v.description},
                                {"image", v.config.image},
                                {"createdMs", v.created_ms}});
  }
  Json alias_list = Json::array();
  for (const auto& a : aliases) {
    Json routes = Json::array();
    const double extra = a.additional_version ? a.additional_weight : 0.0;
    routes.push_back(Json{{"version", a.version}, {"weight", 1.0 - extra}});
    if (a.additional_version) {
      routes.push_back(Json{{"version", *a.additional_version}, {"weight", extra}});
    }
    alias_list.push_back(Json{{"name", a.name},
                              {"description", a.description},
                              {"routes", routes},
                              {"updatedMs", a.updated_ms}});
  }
  std::vector<int64_t> latencies;
  int64_t errors = 0;
  for (const auto& s : samples) {
    latencies.push_back(s.latency_us);
    if (s.status >= 400 || !s.error_type.empty()) ++errors;
  }
  std::sort(latencies.begin(), latencies.end());
  const double count = static_cast<double>(samples.size());
  Json recent{{"count", samples.size()},
              {"errors", errors},
              {"errorRate", samples.empty() ? 0.0 : static_cast<double>(errors) / count},
              {"p50Ms", Quantile(latencies, 0.50)},
              {"p99Ms", Quantile(latencies, 0.99)}};
  return Json{{"name", function.name},
              {"image", function.latest.image},
              {"lastVersion", function.last_version},
              {"updatedMs", function.updated_ms},
              {"versions", version_list},
              {"aliases", alias_list},
              {"recentInvocations", recent}};
}

Json AuditRecordJson(const store::AuditRecord& r) {
  return Json{{"id", r.id},
              {"timeMs", r.time_ms},
              {"actor", r.actor},
              {"action", r.action},
              {"target", r.target},
              {"outcome", r.outcome},
              {"remoteAddress", r.remote_address},
              {"detail", r.detail}};
}

}  // namespace sluice::server
