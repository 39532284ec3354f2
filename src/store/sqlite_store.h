// SqliteStore: the Store on one sqlite3 connection (WAL, synchronous=NORMAL,
// foreign keys on, 5 s busy timeout) plus the node log files.
//
// Internal to the store module; other modules use store.h. Every statement is
// prepared once in Open() and reused, and every mutating call is a single
// statement, hence one committed transaction: in WAL mode with
// synchronous=NORMAL a commit is a write(2) to the WAL file, which survives
// the death of the process (not necessarily a power cut).
// The connection is opened without sqlite's own mutexes; mu_ serializes the
// calls instead, each for its whole transaction. The Store is still meant for
// one thread at a time, but the function store, the auth store and the
// audit log (functions(), auth(), audit(), on the same connection) are
// thread-safe and may be used while it runs. Const methods
// still run cached statements, hence `mutable`.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/log_files.h"
#include "store/sqlite_approval_store.h"
#include "store/sqlite_auth_store.h"
#include "store/sqlite_function_store.h"
#include "store/sqlite_monitor_store.h"
#include "store/sqlite_trigger_store.h"
#include "store/statement.h"
#include "store/store.h"

namespace sluice::store {

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& state_dir, const Clock& clock);
  ~SqliteStore() override = default;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Status CreateExecution(ExecutionRecord* rec) override;
  Status UpdateExecution(const ExecutionRecord& rec) override;
  Result<ExecutionRecord> GetExecution(const std::string& id) const override;
  Result<ExecutionRecord> FindExecution(const std::string& id_or_prefix) const override;
  Result<std::vector<ExecutionRecord>> ListExecutions(int limit) const override;
  Result<ExecutionPage> QueryExecutions(const ExecutionQuery& query) const override;
  Status RequestAbort(const std::string& execution_id) override;
  Result<bool> AbortRequested(const std::string& execution_id) const override;
  Status RequestIntervention(const std::string& execution_id, const std::string& node_path,
                             const std::string& action) override;
  Result<std::string> TakeIntervention(const std::string& execution_id, const std::string& node_path) override;

  Status PutNode(const NodeRecord& node) override;
  Result<std::vector<NodeRecord>> GetNodes(const std::string& execution_id) const override;
  Status DeleteNodes(const std::string& execution_id, const std::string& path) override;

  Status AddPolicyEvaluation(PolicyEvaluationRecord* record) override;
  Result<std::vector<PolicyEvaluationRecord>> GetPolicyEvaluations(
      const std::string& execution_id) const override;

  Status AddArtifacts(std::vector<ArtifactRecord>* records) override;
  Result<std::vector<ArtifactRecord>> GetArtifacts(const std::string& execution_id) const override;

  std::filesystem::path LogPath(const std::string& execution_id, const std::string& node_path) const override;
  Status AppendLog(const std::string& execution_id, const std::string& node_path,
                   std::string_view lines) override;
  Result<std::string> ReadLog(const std::string& execution_id, const std::string& node_path) const override;
  Result<std::vector<LogInfo>> ListLogs(const std::string& execution_id) const override;

  FunctionStore& functions() override { return *functions_; }
  ApprovalStore& approvals() override { return *approvals_; }
  TriggerStore& triggers() override { return *triggers_; }
  AuthStore& auth() override { return *auth_; }
  AuditLog& audit() override { return *audit_; }
  MonitorStore& monitor() override { return *monitor_; }

  int schema_version() const override { return schema_version_; }

 private:
  // Cached prepared statements, one per operation (SQL in records.cc).
  struct Statements {
    Statement insert_execution, update_execution, select_execution, select_by_prefix,
        list_executions, request_abort, select_abort, put_intervention, take_intervention, put_node,
        select_nodes, delete_nodes, upsert_log, select_logs, insert_policy_evaluation,
        insert_policy_result, select_policy_evaluations, select_policy_results, insert_artifact,
        select_artifacts;
    // QueryExecutions, by filter: [0] none, [1] pipeline, [2] status, [3] both.
    Statement query_executions[4];
  };
  static Result<Statements> Prepare(sqlite3* db);

  SqliteStore(std::filesystem::path state_dir, const Clock& clock, DbPtr db, int schema_version,
              Statements statements);

  // Constant after construction. db_ is declared before statements_ so that
  // the statements are finalized before the connection closes.
  const std::filesystem::path state_dir_;
  const Clock& clock_;
  DbPtr db_;
  const int schema_version_;

  // Taken by every call that uses the connection, here and in functions_;
  // statements_ is protected by it.
  mutable std::mutex mu_;
  mutable Statements statements_;
  LogFiles logs_;
  // Set in Open(); declared after db_ so that they are destroyed first.
  std::unique_ptr<SqliteFunctionStore> functions_;
  std::unique_ptr<SqliteApprovalStore> approvals_;
  std::unique_ptr<SqliteTriggerStore> triggers_;
  std::unique_ptr<SqliteAuthStore> auth_;
  std::unique_ptr<SqliteAuditLog> audit_;
  std::unique_ptr<SqliteMonitorStore> monitor_;
};

}  // namespace sluice::store
