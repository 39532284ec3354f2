#include "server/api_json.h"

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

}  // namespace

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
  return Json{{"id", a.id},
              {"nodePath", a.node_path},
              {"attempt", a.attempt},
              {"name", a.name},
              {"url", a.url},
              {"size", a.size},
              {"sha256", a.sha256},
              {"contentType", a.content_type},
              {"createdMs", a.created_ms},
              {"stored", !a.bucket.empty() && a.url.rfind("file://", 0) == 0}};
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
