#include "store/records.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sluice::store::sql {

#define SLUICE_EXECUTION_COLUMNS                                                             \
  "id, pipeline_id, pipeline_name, sequence_id, status, started_ms, ended_ms, project_dir, " \
  "pipeline_file, pipeline_yaml, inputs_json, trigger_type, failure_message, retried_from, " \
  "retry_from_node, runner_pid, abort_requested, trigger_json"

#define SLUICE_NODE_COLUMNS                                                                       \
  "execution_id, path, kind, identifier, name, type, status, started_ms, ended_ms, attempt, "     \
  "outputs_json, failure_type, failure_message, sort_order, details_json"

// The sequence id is computed inside the INSERT itself: a single statement
// is one transaction and writers are serialized, so two processes starting
// the same pipeline cannot get the same number.
const std::string_view kInsertExecution =
    "INSERT INTO executions (id, pipeline_id, pipeline_name, status, started_ms, ended_ms, "
    "project_dir, pipeline_file, pipeline_yaml, inputs_json, trigger_type, failure_message, "
    "retried_from, retry_from_node, runner_pid, trigger_json, abort_requested, sequence_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
    "(SELECT COALESCE(MAX(sequence_id), 0) + 1 FROM executions WHERE pipeline_id = ?2)) "
    "RETURNING sequence_id";

// ?2 (pipeline_id) is bound but unused: pipeline_id and sequence_id are fixed
// at creation, and abort_requested belongs to RequestAbort().
const std::string_view kUpdateExecution =
    "UPDATE executions SET pipeline_name = ?3, status = ?4, started_ms = ?5, ended_ms = ?6, "
    "project_dir = ?7, pipeline_file = ?8, pipeline_yaml = ?9, inputs_json = ?10, "
    "trigger_type = ?11, failure_message = ?12, retried_from = ?13, retry_from_node = ?14, "
    "runner_pid = ?15, trigger_json = ?16 WHERE id = ?1";

const std::string_view kSelectExecution = "SELECT " SLUICE_EXECUTION_COLUMNS " FROM executions WHERE id = ?1";

const std::string_view kSelectByPrefix =
    "SELECT " SLUICE_EXECUTION_COLUMNS " FROM executions WHERE substr(id, 1, length(?1)) = ?1 "
    "ORDER BY started_ms DESC, row DESC LIMIT ?2";

const std::string_view kListExecutions =
    "SELECT " SLUICE_EXECUTION_COLUMNS " FROM executions ORDER BY started_ms DESC, row DESC LIMIT ?1";

// Pages leave pipeline_yaml and trigger_json out (a list never shows them;
// they are the widest columns): the same columns in the same order, that one empty.
#define SLUICE_PAGE_COLUMNS                                                                  \
  "id, pipeline_id, pipeline_name, sequence_id, status, started_ms, ended_ms, project_dir, " \
  "pipeline_file, '' AS pipeline_yaml, inputs_json, trigger_type, failure_message, "         \
  "retried_from, retry_from_node, runner_pid, abort_requested, 'null' AS trigger_json"
#define SLUICE_QUERY_EXECUTIONS(WHERE)                               \
  "SELECT " SLUICE_PAGE_COLUMNS ", row FROM executions WHERE " WHERE \
  "(started_ms, row) < (?1, ?2) ORDER BY started_ms DESC, row DESC LIMIT ?3"
const std::string_view kQueryExecutions[4] = {
    SLUICE_QUERY_EXECUTIONS(""),
    SLUICE_QUERY_EXECUTIONS("pipeline_id = ?4 AND "),
    SLUICE_QUERY_EXECUTIONS("status = ?5 AND "),
    SLUICE_QUERY_EXECUTIONS("pipeline_id = ?4 AND status = ?5 AND "),
};
#undef SLUICE_QUERY_EXECUTIONS
#undef SLUICE_PAGE_COLUMNS

const std::string_view kRequestAbort = "UPDATE executions SET abort_requested = 1 WHERE id = ?1";
const std::string_view kSelectAbort = "SELECT abort_requested FROM executions WHERE id = ?1";

const std::string_view kPutNode =
    "INSERT OR REPLACE INTO nodes (" SLUICE_NODE_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

const std::string_view kSelectNodes =
    "SELECT " SLUICE_NODE_COLUMNS " FROM nodes WHERE execution_id = ?1 ORDER BY sort_order, path";

const std::string_view kDeleteNodes =
    "DELETE FROM nodes WHERE execution_id = ?1 AND "
    "(?2 = '' OR path = ?2 OR substr(path, 1, length(?2) + 1) = ?2 || '.')";

// bytes takes the larger value so that two appenders committing out of order
// never move it backwards.
const std::string_view kUpsertLog =
    "INSERT INTO logs (execution_id, node_path, file, bytes, line_count, updated_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (execution_id, node_path) DO UPDATE SET "
    "file = excluded.file, bytes = max(logs.bytes, excluded.bytes), "
    "line_count = logs.line_count + excluded.line_count, updated_ms = excluded.updated_ms";

const std::string_view kSelectLogs =
    "SELECT execution_id, node_path, file, bytes, line_count, updated_ms FROM logs "
    "WHERE execution_id = ?1 ORDER BY node_path";

const std::string_view kPutIntervention =
    "INSERT OR REPLACE INTO interventions (execution_id, node_path, action, requested_ms) "
    "VALUES (?1, ?2, ?3, ?4)";
const std::string_view kTakeIntervention =
    "DELETE FROM interventions WHERE execution_id = ?1 AND node_path = ?2 RETURNING action";

#define SLUICE_POLICY_EVALUATION_COLUMNS \
  "execution_id, node_path, attempt, status, input_json, evaluated_ms"
#define SLUICE_POLICY_RESULT_COLUMNS                                                               \
  "policy_set, policy_set_name, policy, severity, status, deny_messages_json, error, duration_us"

const std::string_view kInsertPolicyEvaluation =
    "INSERT INTO policy_evaluations (" SLUICE_POLICY_EVALUATION_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";

const std::string_view kInsertPolicyResult =
    "INSERT INTO policy_results (evaluation_id, " SLUICE_POLICY_RESULT_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

const std::string_view kSelectPolicyEvaluations =
    "SELECT id, " SLUICE_POLICY_EVALUATION_COLUMNS " FROM policy_evaluations WHERE execution_id = ?1 "
    "ORDER BY id";

const std::string_view kSelectPolicyResults =
    "SELECT r.evaluation_id, r.policy_set, r.policy_set_name, r.policy, r.severity, r.status, "
    "r.deny_messages_json, r.error, r.duration_us FROM policy_results r "
    "JOIN policy_evaluations e ON e.id = r.evaluation_id WHERE e.execution_id = ?1 "
    "ORDER BY r.evaluation_id, r.id";

#define SLUICE_ARTIFACT_COLUMNS                                                                   \
  "execution_id, node_path, attempt, name, url, size, sha256, content_type, created_ms, bucket, " \
  "object_key, s3_connector, s3_endpoint, s3_region"

const std::string_view kInsertArtifact =
    "INSERT INTO artifacts (" SLUICE_ARTIFACT_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "RETURNING id";

const std::string_view kSelectArtifacts =
    "SELECT id, " SLUICE_ARTIFACT_COLUMNS " FROM artifacts WHERE execution_id = ?1 ORDER BY id";

#undef SLUICE_ARTIFACT_COLUMNS
#undef SLUICE_POLICY_RESULT_COLUMNS
#undef SLUICE_POLICY_EVALUATION_COLUMNS
#undef SLUICE_EXECUTION_COLUMNS
#undef SLUICE_NODE_COLUMNS

namespace {

// Invalid UTF-8 (from a process's output) is replaced rather than thrown on.
std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<nlohmann::json> ParseJson(const std::string& text, std::string_view column, const std::string& owner,
                                 nlohmann::json if_empty = nlohmann::json::object()) {
  if (text.empty()) return if_empty;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::IoError("column " + std::string(column) + " of " + owner +
                           " holds invalid JSON; the database was changed outside sluice");
  }
  return j;
}

}  // namespace

void BindExecution(Query& q, const ExecutionRecord& rec) {
  q.Bind(1, rec.id);
  q.Bind(2, rec.pipeline_id);
  q.Bind(3, rec.pipeline_name);
  q.Bind(4, rec.status);
  q.Bind(5, rec.started_ms);
  q.Bind(6, rec.ended_ms);
  q.Bind(7, rec.project_dir);
  q.Bind(8, rec.pipeline_file);
  q.Bind(9, rec.pipeline_yaml);
  q.Bind(10, DumpJson(rec.inputs));
  q.Bind(11, rec.trigger_type);
  q.Bind(12, rec.failure_message);
  q.Bind(13, rec.retried_from);
  q.Bind(14, rec.retry_from_node);
  q.Bind(15, rec.runner_pid);
  q.Bind(16, DumpJson(rec.trigger));
}

Result<ExecutionRecord> ReadExecution(const Query& q) {
  ExecutionRecord r;
  r.id = q.Text(0);
  r.pipeline_id = q.Text(1);
  r.pipeline_name = q.Text(2);
  r.sequence_id = q.Int(3);
  r.status = q.Text(4);
  r.started_ms = q.Int(5);
  r.ended_ms = q.Int(6);
  r.project_dir = q.Text(7);
  r.pipeline_file = q.Text(8);
  r.pipeline_yaml = q.Text(9);
  SLUICE_ASSIGN_OR_RETURN(r.inputs, ParseJson(q.Text(10), "inputs_json", "execution " + r.id));
  r.trigger_type = q.Text(11);
  r.failure_message = q.Text(12);
  r.retried_from = q.Text(13);
  r.retry_from_node = q.Text(14);
  r.runner_pid = q.Int(15);
  r.abort_requested = q.Int(16) != 0;
  SLUICE_ASSIGN_OR_RETURN(r.trigger,
                          ParseJson(q.Text(17), "trigger_json", "execution " + r.id, nullptr));
  return r;
}

void BindNode(Query& q, const NodeRecord& node) {
  q.Bind(1, node.execution_id);
  q.Bind(2, node.path);
  q.Bind(3, node.kind);
  q.Bind(4, node.identifier);
  q.Bind(5, node.name);
  q.Bind(6, node.type);
  q.Bind(7, node.status);
  q.Bind(8, node.started_ms);
  q.Bind(9, node.ended_ms);
  q.Bind(10, int64_t{node.attempt});
  q.Bind(11, DumpJson(node.outputs));
  q.Bind(12, node.failure_type);
  q.Bind(13, node.failure_message);
  q.Bind(14, int64_t{node.sort_order});
  q.Bind(15, DumpJson(node.details));
}

Result<NodeRecord> ReadNode(const Query& q) {
  NodeRecord n;
  n.execution_id = q.Text(0);
  n.path = q.Text(1);
  n.kind = q.Text(2);
  n.identifier = q.Text(3);
  n.name = q.Text(4);
  n.type = q.Text(5);
  n.status = q.Text(6);
  n.started_ms = q.Int(7);
  n.ended_ms = q.Int(8);
  n.attempt = static_cast<int>(q.Int(9));
  std::string owner = "node " + n.path + " of execution " + n.execution_id;
  SLUICE_ASSIGN_OR_RETURN(n.outputs, ParseJson(q.Text(10), "outputs_json", owner));
  n.failure_type = q.Text(11);
  n.failure_message = q.Text(12);
  n.sort_order = static_cast<int>(q.Int(13));
  SLUICE_ASSIGN_OR_RETURN(n.details, ParseJson(q.Text(14), "details_json", owner));
  return n;
}

void BindPolicyEvaluation(Query& q, const PolicyEvaluationRecord& rec) {
  q.Bind(1, rec.execution_id);
  q.Bind(2, rec.node_path);
  q.Bind(3, int64_t{rec.attempt});
  q.Bind(4, rec.status);
  q.Bind(5, DumpJson(rec.input));
  q.Bind(6, rec.evaluated_ms);
}

Result<PolicyEvaluationRecord> ReadPolicyEvaluation(const Query& q) {
  PolicyEvaluationRecord r;
  r.id = q.Int(0);
  r.execution_id = q.Text(1);
  r.node_path = q.Text(2);
  r.attempt = static_cast<int>(q.Int(3));
  r.status = q.Text(4);
  SLUICE_ASSIGN_OR_RETURN(r.input, ParseJson(q.Text(5), "input_json",
                                             "the policy evaluation of " + r.node_path + " of execution " +
                                                 r.execution_id,
                                             nullptr));
  r.evaluated_ms = q.Int(6);
  return r;
}

void BindPolicyResult(Query& q, const PolicyResultRecord& rec) {
  q.Bind(2, rec.policy_set);
  q.Bind(3, rec.policy_set_name);
  q.Bind(4, rec.policy);
  q.Bind(5, rec.severity);
  q.Bind(6, rec.status);
  q.Bind(7, DumpJson(rec.deny_messages));
  q.Bind(8, rec.error);
  q.Bind(9, rec.duration_us);
}

Result<std::pair<int64_t, PolicyResultRecord>> ReadPolicyResult(const Query& q) {
  PolicyResultRecord r;
  int64_t evaluation = q.Int(0);
  r.policy_set = q.Text(1);
  r.policy_set_name = q.Text(2);
  r.policy = q.Text(3);
  r.severity = q.Text(4);
  r.status = q.Text(5);
  SLUICE_ASSIGN_OR_RETURN(r.deny_messages,
                          ParseJson(q.Text(6), "deny_messages_json",
                                    "the result of policy " + r.policy + " in evaluation " +
                                        std::to_string(evaluation),
                                    nlohmann::json::array()));
  r.error = q.Text(7);
  r.duration_us = q.Int(8);
  return std::make_pair(evaluation, std::move(r));
}

void BindArtifact(Query& q, const ArtifactRecord& rec) {
  q.Bind(1, rec.execution_id);
  q.Bind(2, rec.node_path);
  q.Bind(3, int64_t{rec.attempt});
  q.Bind(4, rec.name);
  q.Bind(5, rec.url);
  q.Bind(6, rec.size);
  q.Bind(7, rec.sha256);
  q.Bind(8, rec.content_type);
  q.Bind(9, rec.created_ms);
  q.Bind(10, rec.bucket);
  q.Bind(11, rec.key);
  q.Bind(12, rec.s3.connector);
  q.Bind(13, rec.s3.endpoint);
  q.Bind(14, rec.s3.region);
}

ArtifactRecord ReadArtifact(const Query& q) {
  ArtifactRecord r;
  r.id = q.Int(0);
  r.execution_id = q.Text(1);
  r.node_path = q.Text(2);
  r.attempt = static_cast<int>(q.Int(3));
  r.name = q.Text(4);
  r.url = q.Text(5);
  r.size = q.Int(6);
  r.sha256 = q.Text(7);
  r.content_type = q.Text(8);
  r.created_ms = q.Int(9);
  r.bucket = q.Text(10);
  r.key = q.Text(11);
  r.s3.connector = q.Text(12);
  r.s3.endpoint = q.Text(13);
  r.s3.region = q.Text(14);
  return r;
}

}  // namespace sluice::store::sql
