// The execution store: every execution, every stage/step node, their
// statuses, timings, inputs, outputs and failures, in SQLite (WAL mode) in the
// state directory, plus one log file per node under `logs/`.
//
// Every mutating call is its own committed transaction, so after a crash
// (kill -9) the database holds every state change made before it. The schema
// is versioned (PRAGMA user_version) and migrated forward on Open(); the
// column layout below is persisted — change it only with a new migration.
// A Store is meant for one thread at a time, but the SQLite store serializes
// every call (sqlite_store.h), which the engine's parallel blocks and sluice
// server's workers rely on; several processes may open the same database
// (SQLite locking, busy timeout 5 s).
// Nothing stored here may contain a secret in clear text: callers mask
// outputs, messages and logs before handing them in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/approval_store.h"
#include "store/audit_log.h"
#include "store/auth_store.h"
#include "store/function_store.h"
#include "store/monitor_store.h"
#include "store/trigger_store.h"

namespace sluice {
class Clock;
}  // namespace sluice

namespace sluice::store {

struct ExecutionRecord {
  std::string id;                 // NewExecutionId()
  std::string pipeline_id;
  std::string pipeline_name;
  int64_t sequence_id = 0;        // per pipeline, 1, 2, 3...
  std::string status;             // ExecutionStatus name: Running, Success, Failed...
  int64_t started_ms = 0;
  int64_t ended_ms = 0;           // 0 while running
  std::string project_dir;        // absolute
  std::string pipeline_file;      // as loaded
  std::string pipeline_yaml;      // the `pipeline:` document after inputs were applied
  nlohmann::json inputs = nlohmann::json::object();   // what the user passed (masked)
  std::string trigger_type = "MANUAL";
  std::string failure_message;    // masked
  std::string retried_from;       // execution id this one retries, or ""
  std::string retry_from_node;    // the --from point, or ""
  int64_t runner_pid = 0;         // the process running it (for abort/resume)
  bool abort_requested = false;   // set only by RequestAbort()
  // What <+trigger.*> reads in a run a trigger started
  // (triggers::TriggerDocument: its values, payload and headers without
  // credentials); null for a manual run. A retry keeps it. Pages of
  // QueryExecutions leave it null (GetExecution / FindExecution read it).
  nlohmann::json trigger;
};

struct NodeRecord {
  std::string execution_id;
  // Dotted identifier path, unique within the execution:
  // "Train_Model", "Train_Model.Wait_for_ECR_Image_Scan", "S.group.step".
  // Rollback steps live under "<stage>.rollback.<step>".
  std::string path;
  std::string kind;               // stage | step | stepGroup | parallel
  std::string identifier;
  std::string name;
  std::string type;               // stage/step type
  std::string status;             // NotStarted, Running, Success, Failed, Skipped, ...
  int64_t started_ms = 0;
  int64_t ended_ms = 0;
  int attempt = 0;                // retries so far
  nlohmann::json outputs = nlohmann::json::object();  // masked; secret outputs as the mask
  std::string failure_type;       // ErrorType name or ""
  std::string failure_message;    // masked
  int sort_order = 0;             // display order within the execution
  nlohmann::json details = nlohmann::json::object();  // test results, artifacts, notes
};

// What one attempt of a Policy step decided: the input it evaluated, the
// overall status, and one result per policy of every set it evaluated.
// Input and messages are masked by the caller.
struct PolicyResultRecord {
  std::string policy_set;         // identifier
  std::string policy_set_name;
  std::string policy;             // identifier (.harness/policies/<policy>.rego)
  std::string severity;           // error | warning
  std::string status;             // pass | warning | error
  nlohmann::json deny_messages = nlohmann::json::array();  // the deny set, as evaluated
  std::string error;              // a parse / compile / evaluation error, or ""
  int64_t duration_us = 0;        // evaluation time, without parsing and compiling
};

struct PolicyEvaluationRecord {
  int64_t id = 0;                 // assigned by AddPolicyEvaluation
  std::string execution_id;
  std::string node_path;          // the Policy step
  int attempt = 0;                // the step attempt that evaluated it
  std::string status;             // pass | warning | error: the worst result
  nlohmann::json input;           // the input document (a string when it held a secret)
  int64_t evaluated_ms = 0;       // when
  std::vector<PolicyResultRecord> results;
};

// An artifact an execution published: an object a step uploaded (S3Upload)
// or a URL a step announced (the artifact-metadata-publisher plugin).
struct ArtifactRecord {
  int64_t id = 0;            // assigned by AddArtifacts
  std::string execution_id;
  std::string node_path;     // the step
  int attempt = 0;           // the step attempt
  std::string name;          // "model_metrics.html"
  std::string url;           // as published; never holds a credential
  int64_t size = -1;         // bytes; -1 when unknown (a URL announced only)
  std::string sha256;        // hex; empty when unknown
  std::string content_type;  // empty when unknown
  int64_t created_ms = 0;
  // The stored object (an artifact store's bucket and key) when a step
  // uploaded it; both empty for a URL only announced.
  std::string bucket;
  std::string key;
  // For an object on an S3 server (not the local artifact store): the Aws
  // connector that stored it, with the endpoint and region it used, so
  // the server can read it back with that connector's credentials. All
  // empty otherwise. Never a credential.
  struct S3Origin {
    std::string connector;  // the connector's identifier
    std::string endpoint;   // "http://127.0.0.1:8090"
    std::string region;     // "" = the default
  } s3;
};

// One row of the log index: what AppendLog has written for a node. The log
// file is the source of truth; after a crash between the file write and the
// index update the index may lag the file by one call.
struct LogInfo {
  std::string execution_id;
  std::string node_path;
  std::filesystem::path file;     // absolute; stored relative to the state dir
  int64_t bytes = 0;              // file size after the last append
  int64_t line_count = 0;
  int64_t updated_ms = 0;
};

// A page of the executions list: newest first (started_ms, then creation
// order), optionally of one pipeline and/or one status.
struct ExecutionQuery {
  std::string pipeline_id;  // exact; "" = any
  std::string status;       // exact; "" = any
  int limit = 50;           // 1..1000 (clamped)
  // Where the previous page ended (ExecutionPage::next_cursor); "" = the
  // newest. Opaque to callers; InvalidArgument when malformed.
  std::string cursor;
};

struct ExecutionPage {
  std::vector<ExecutionRecord> executions;
  std::string next_cursor;  // "" when this is the last page
};

class Store {
 public:
  // Opens or creates `state_dir/sluice.db` and `state_dir/logs/`, migrating
  // an older schema forward. A database written by a newer sluice (higher
  // schema version) is refused with FailedPrecondition.
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& state_dir);
  // Same, with the clock that stamps the log index; `clock` must outlive the Store.
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& state_dir,
                                             const Clock& clock);
  virtual ~Store() = default;

  // Assigns sequence_id (max for the pipeline + 1, in the same transaction),
  // and rec->id = NewExecutionId() when it is empty. AlreadyExists if the id is taken.
  virtual Status CreateExecution(ExecutionRecord* rec) = 0;
  // Rewrites every field of the execution `rec.id` except pipeline_id,
  // sequence_id and abort_requested (so a concurrent `sluice abort` is never
  // lost). NotFound if there is no such execution.
  virtual Status UpdateExecution(const ExecutionRecord& rec) = 0;
  virtual Result<ExecutionRecord> GetExecution(const std::string& id) const = 0;
  // Accepts a unique prefix of an id too; NotFound / ambiguity say so.
  virtual Result<ExecutionRecord> FindExecution(const std::string& id_or_prefix) const = 0;
  // Newest first (started_ms, then creation order); limit <= 0 means all.
  virtual Result<std::vector<ExecutionRecord>> ListExecutions(int limit) const = 0;
  // One page of the list (ExecutionQuery); served from indexes, so a page
  // costs the same with ten or a hundred thousand executions. Records in a
  // page leave pipeline_yaml empty (GetExecution has it).
  virtual Result<ExecutionPage> QueryExecutions(const ExecutionQuery& query) const = 0;
  virtual Status RequestAbort(const std::string& execution_id) = 0;
  virtual Result<bool> AbortRequested(const std::string& execution_id) const = 0;

  // A decision for a step waiting on ManualIntervention (an action name such
  // as "Retry" or "Ignore"); a later request replaces an earlier one.
  virtual Status RequestIntervention(const std::string& execution_id, const std::string& node_path,
                                     const std::string& action) = 0;
  // Removes and returns the pending decision, or "" when there is none.
  virtual Result<std::string> TakeIntervention(const std::string& execution_id,
                                               const std::string& node_path) = 0;

  // Inserts or replaces the node with the same (execution_id, path).
  // FailedPrecondition if the execution does not exist.
  virtual Status PutNode(const NodeRecord& node) = 0;
  // Ordered by sort_order, then path. Empty for an unknown execution.
  virtual Result<std::vector<NodeRecord>> GetNodes(const std::string& execution_id) const = 0;
  // Removes the nodes of an execution whose path is `path` or starts with
  // `path + "."` (a subtree, e.g. before re-running a stage); "" removes all.
  // Their logs stay. Not an error if nothing matched.
  virtual Status DeleteNodes(const std::string& execution_id, const std::string& path) = 0;

  // Policy evaluations, kept with the execution (deleted with it, never
  // with its nodes: a re-run step adds records, it does not replace them).
  // The evaluation and its results are written in one transaction; sets
  // record->id. FailedPrecondition if the execution does not exist.
  virtual Status AddPolicyEvaluation(PolicyEvaluationRecord* record) = 0;
  // In the order they were added, results in their order.
  virtual Result<std::vector<PolicyEvaluationRecord>> GetPolicyEvaluations(
      const std::string& execution_id) const = 0;

  // Artifacts, kept with the execution like policy evaluations (a re-run
  // step adds records). All records are written in one transaction; sets
  // each record's id. FailedPrecondition if the execution does not exist
  // (then nothing is written). Callers mask name and url first.
  virtual Status AddArtifacts(std::vector<ArtifactRecord>* records) = 0;
  // In the order they were added; empty for an unknown execution.
  virtual Result<std::vector<ArtifactRecord>> GetArtifacts(
      const std::string& execution_id) const = 0;

  // Log of one node: `logs/<execution_id>/<path>.log`. Append-only; each call
  // writes whole lines with write(2) (a '\n' is added if `lines` lacks a final
  // one; "" writes nothing), visible to readers at once, not fsynced: a crash
  // of the machine may lose the tail, a crash of the process loses nothing.
  // The caller masks the lines first. Ids and paths containing '/' or ".."
  // are refused (Internal). The execution must exist (for the log index).
  virtual std::filesystem::path LogPath(const std::string& execution_id,
                                        const std::string& node_path) const = 0;
  virtual Status AppendLog(const std::string& execution_id, const std::string& node_path,
                           std::string_view lines) = 0;
  // "" when the node has no log yet.
  virtual Result<std::string> ReadLog(const std::string& execution_id,
                                      const std::string& node_path) const = 0;
  // The log index of an execution, ordered by node path.
  virtual Result<std::vector<LogInfo>> ListLogs(const std::string& execution_id) const = 0;

  // The function runtime's functions, versions, aliases and invocation
  // samples (function_store.h), in the same database. Owned by the Store;
  // thread-safe, unlike the Store's own calls.
  virtual FunctionStore& functions() = 0;
  // HarnessApproval requests and what approvers did (approval_store.h).
  virtual ApprovalStore& approvals() = 0;
  // Webhook deliveries, trigger evaluations and cron schedule state
  // (trigger_store.h). Owned by the Store; thread-safe.
  virtual TriggerStore& triggers() = 0;

  virtual int schema_version() const = 0;

  // Users, API tokens and browser sessions (auth_store.h), and the audit
  // log (audit_log.h), in the same database. Owned by the Store;
  // thread-safe, like functions().
  virtual AuthStore& auth() = 0;
  virtual AuditLog& audit() = 0;

  // The latest model checks and execution aggregates (monitor_store.h), in
  // the same database. Owned by the Store; thread-safe, like functions().
  virtual MonitorStore& monitor() = 0;
};

}  // namespace sluice::store
