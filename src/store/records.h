// How ExecutionRecord and NodeRecord map onto the columns of the migrations,
// internal to the store module: the SQL of every cached statement, and the
// functions that bind a record to it and read one back. Keeping SQL and the
// column order side by side is what keeps them in step.
#pragma once

#include <string_view>

#include "common/status.h"
#include "store/statement.h"
#include "store/store.h"

namespace sluice::store::sql {

// Executions. Statements that read rows select kExecutionColumns in order.
extern const std::string_view kInsertExecution;   // RETURNING sequence_id
extern const std::string_view kUpdateExecution;   // changes() == 0: unknown id
extern const std::string_view kSelectExecution;   // ?1 = id
extern const std::string_view kSelectByPrefix;    // ?1 = prefix, ?2 = max rows
extern const std::string_view kListExecutions;    // ?1 = limit (-1 = all)
// Pages of executions: kExecutionColumns (pipeline_yaml empty, trigger_json
// null) then `row`; ?1 = cursor's started_ms, ?2 = cursor's row (the page
// holds rows before them), ?3 = limit, ?4 = pipeline_id (when filtered), ?5 =
// status (when filtered).
extern const std::string_view kQueryExecutions[4];  // [0] none, [1] pipeline, [2] status, [3] both
inline constexpr int kExecutionRowColumn = 18;
extern const std::string_view kRequestAbort;      // ?1 = id
extern const std::string_view kPutIntervention;   // ?1 execution, ?2 node path, ?3 action, ?4 time
extern const std::string_view kTakeIntervention;  // ?1 execution, ?2 node path; returns action
extern const std::string_view kSelectAbort;       // ?1 = id

// Nodes.
extern const std::string_view kPutNode;
extern const std::string_view kSelectNodes;       // ?1 = execution id
extern const std::string_view kDeleteNodes;       // ?1 = execution id, ?2 = path or ""

// Policy evaluations and their results.
extern const std::string_view kInsertPolicyEvaluation;   // RETURNING id
extern const std::string_view kInsertPolicyResult;       // ?1 = evaluation id
extern const std::string_view kSelectPolicyEvaluations;  // ?1 = execution id
extern const std::string_view kSelectPolicyResults;      // ?1 = execution id; evaluation_id first

// Artifacts.
extern const std::string_view kInsertArtifact;   // RETURNING id
extern const std::string_view kSelectArtifacts;  // ?1 = execution id

// Log index.
extern const std::string_view kUpsertLog;
extern const std::string_view kSelectLogs;        // ?1 = execution id

// Binds ?1..?16 of kInsertExecution and kUpdateExecution (the insert also
// takes ?17 = abort_requested).
void BindExecution(Query& q, const ExecutionRecord& rec);
Result<ExecutionRecord> ReadExecution(const Query& q);

void BindNode(Query& q, const NodeRecord& node);
Result<NodeRecord> ReadNode(const Query& q);

void BindPolicyEvaluation(Query& q, const PolicyEvaluationRecord& rec);
Result<PolicyEvaluationRecord> ReadPolicyEvaluation(const Query& q);
// Binds ?2.. of kInsertPolicyResult (the caller binds ?1).
void BindPolicyResult(Query& q, const PolicyResultRecord& rec);
// Reads a kSelectPolicyResults row: (evaluation id, result).
Result<std::pair<int64_t, PolicyResultRecord>> ReadPolicyResult(const Query& q);

void BindArtifact(Query& q, const ArtifactRecord& rec);
ArtifactRecord ReadArtifact(const Query& q);

}  // namespace sluice::store::sql
