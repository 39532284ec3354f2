#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

#include "common/files.h"
#include "common/ids.h"
#include "store/migrations.h"
#include "store/records.h"

namespace sluice::store {

namespace fs = std::filesystem;

namespace {

using Lock = std::lock_guard<std::mutex>;

constexpr int kBusyTimeoutMs = 5000;
constexpr size_t kMaxOpenLogs = 16;
// FindExecution lists at most this many candidates of an ambiguous prefix.
constexpr int kMaxCandidates = 10;
constexpr size_t kMinPrefix = 4;

Status NoSuchExecution(const std::string& id) {
  return Status::NotFound("no execution with id \"" + id + "\"; `sluice executions list` shows ids");
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const fs::path& state_dir) { return Open(state_dir, DefaultClock()); }

Result<std::unique_ptr<Store>> Store::Open(const fs::path& state_dir, const Clock& clock) {
  return SqliteStore::Open(state_dir, clock);
}

Result<std::unique_ptr<Store>> SqliteStore::Open(const fs::path& state_dir_arg, const Clock& clock) {
  // Absolute, so LogPath() and LogInfo::file stay valid if the process chdirs.
  std::error_code ec;
  const fs::path state_dir = fs::absolute(state_dir_arg, ec);
  if (ec) return Status::IoError("cannot resolve state directory " + state_dir_arg.string() + ": " + ec.message());
  SLUICE_RETURN_IF_ERROR(MakeDirs(state_dir));
  SLUICE_RETURN_IF_ERROR(MakeDirs(state_dir / "logs"));
  const fs::path db_path = state_dir / "sluice.db";

  // Processes opening the same state directory at once (a run, its abort
  // watcher, `sluice executions list` in a loop) take turns for the set-up
  // below: switching a new database to WAL needs it to itself, and SQLite's
  // busy handler can starve that switch behind a stream of readers.
  const fs::path lock_path = state_dir / "sluice.db.lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) return Status::IoError("cannot open " + lock_path.string() + ": " + std::strerror(errno));
  struct LockGuard {
    int fd;
    ~LockGuard() { ::close(fd); }  // closing releases the flock
  } lock_guard{lock_fd};
  while (::flock(lock_fd, LOCK_EX) != 0) {
    if (errno != EINTR) return Status::IoError("cannot lock " + lock_path.string() + ": " + std::strerror(errno));
  }

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) return SqliteStatus(db.get(), rc, "opening the execution database");
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);

  {
    // journal_mode answers with the mode now in force; anything but "wal"
    // (e.g. a filesystem without shared memory) would lose our guarantees.
    SLUICE_ASSIGN_OR_RETURN(Statement wal, Statement::Prepare(db.get(), "PRAGMA journal_mode = WAL"));
    Query q(wal, "switching the execution database to WAL mode");
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    std::string mode = row ? q.Text(0) : "";
    if (mode != "wal") {
      return Status::IoError("cannot use WAL mode for " + db_path.string() + " (journal mode is \"" + mode +
                             "\"); put the state directory on a local filesystem");
    }
  }
  SLUICE_RETURN_IF_ERROR(
      ExecSql(db.get(), "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", "configuring the execution database"));

  SLUICE_ASSIGN_OR_RETURN(int version, Migrate(db.get(), SchemaMigrations()));
  SLUICE_ASSIGN_OR_RETURN(Statements statements, Prepare(db.get()));
  std::unique_ptr<SqliteStore> store(
      new SqliteStore(state_dir, clock, std::move(db), version, std::move(statements)));
  SLUICE_ASSIGN_OR_RETURN(store->functions_,
                          SqliteFunctionStore::Open(store->db_.get(), store->mu_));
  SLUICE_ASSIGN_OR_RETURN(store->approvals_,
                          SqliteApprovalStore::Open(store->db_.get(), store->mu_));
  SLUICE_ASSIGN_OR_RETURN(store->triggers_, SqliteTriggerStore::Open(store->db_.get(), store->mu_));
  SLUICE_ASSIGN_OR_RETURN(store->auth_, SqliteAuthStore::Open(store->db_.get(), store->mu_));
  SLUICE_ASSIGN_OR_RETURN(store->audit_, SqliteAuditLog::Open(store->db_.get(), store->mu_));
  SLUICE_ASSIGN_OR_RETURN(store->monitor_, SqliteMonitorStore::Open(store->db_.get(), store->mu_));
  return std::unique_ptr<Store>(std::move(store));
}

Result<SqliteStore::Statements> SqliteStore::Prepare(sqlite3* db) {
  Statements s;
  std::pair<Statement*, std::string_view> all[] = {
      {&s.insert_execution, sql::kInsertExecution},
      {&s.update_execution, sql::kUpdateExecution},
      {&s.select_execution, sql::kSelectExecution},
      {&s.select_by_prefix, sql::kSelectByPrefix},
      {&s.list_executions, sql::kListExecutions},
      {&s.request_abort, sql::kRequestAbort},
      {&s.select_abort, sql::kSelectAbort},
      {&s.put_node, sql::kPutNode},
      {&s.put_intervention, sql::kPutIntervention},
      {&s.take_intervention, sql::kTakeIntervention},
      {&s.select_nodes, sql::kSelectNodes},
      {&s.delete_nodes, sql::kDeleteNodes},
      {&s.upsert_log, sql::kUpsertLog},
      {&s.select_logs, sql::kSelectLogs},
      {&s.insert_policy_evaluation, sql::kInsertPolicyEvaluation},
      {&s.insert_policy_result, sql::kInsertPolicyResult},
      {&s.select_policy_evaluations, sql::kSelectPolicyEvaluations},
      {&s.select_policy_results, sql::kSelectPolicyResults},
      {&s.insert_artifact, sql::kInsertArtifact},
      {&s.select_artifacts, sql::kSelectArtifacts},
  };
  for (auto& [stmt, text] : all) {
    SLUICE_ASSIGN_OR_RETURN(*stmt, Statement::Prepare(db, text));
  }
  for (int i = 0; i < 4; ++i) {
    SLUICE_ASSIGN_OR_RETURN(s.query_executions[i],
                            Statement::Prepare(db, sql::kQueryExecutions[i]));
  }
  return s;
}

SqliteStore::SqliteStore(fs::path state_dir, const Clock& clock, DbPtr db, int schema_version,
                         Statements statements)
    : state_dir_(std::move(state_dir)),
      clock_(clock),
      db_(std::move(db)),
      schema_version_(schema_version),
      statements_(std::move(statements)),
      logs_(state_dir_ / "logs", kMaxOpenLogs) {}

Status SqliteStore::CreateExecution(ExecutionRecord* rec) {
  Lock lock(mu_);
  if (rec->id.empty()) rec->id = NewExecutionId();
  const std::string what = "creating execution " + rec->id;
  Query q(statements_.insert_execution, what);
  sql::BindExecution(q, *rec);
  q.Bind(17, int64_t{rec->abort_requested ? 1 : 0});
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::Internal(what + ": the INSERT returned no sequence id");
  int64_t sequence_id = q.Int(0);
  // The transaction commits when the statement runs to its end.
  SLUICE_RETURN_IF_ERROR(q.Run());
  rec->sequence_id = sequence_id;
  return Status::Ok();
}

Status SqliteStore::UpdateExecution(const ExecutionRecord& rec) {
  Lock lock(mu_);
  const std::string what = "updating execution " + rec.id;
  Query q(statements_.update_execution, what);
  sql::BindExecution(q, rec);
  SLUICE_RETURN_IF_ERROR(q.Run());
  if (q.changes() == 0) return NoSuchExecution(rec.id).Annotate(what);
  return Status::Ok();
}

Result<ExecutionRecord> SqliteStore::GetExecution(const std::string& id) const {
  Lock lock(mu_);
  const std::string what = "reading execution " + id;
  Query q(statements_.select_execution, what);
  q.Bind(1, id);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NoSuchExecution(id);
  return sql::ReadExecution(q);
}

Result<ExecutionRecord> SqliteStore::FindExecution(const std::string& id_or_prefix) const {
  if (id_or_prefix.empty()) {
    return Status::InvalidArgument("an execution id is required; `sluice executions list` shows ids");
  }
  auto exact = GetExecution(id_or_prefix);
  if (exact.ok() || exact.status().code() != StatusCode::kNotFound) return exact;
  if (id_or_prefix.size() < kMinPrefix) {
    return Status::InvalidArgument("execution id prefix \"" + id_or_prefix + "\" is too short: give at least " +
                                   std::to_string(kMinPrefix) +
                                   " characters or the full id; `sluice executions list` shows ids");
  }

  std::vector<ExecutionRecord> found;
  {
    const std::string what = "looking up execution id prefix " + id_or_prefix;
    Lock lock(mu_);  // not above: GetExecution takes it too
    Query q(statements_.select_by_prefix, what);
    q.Bind(1, id_or_prefix);
    q.Bind(2, int64_t{kMaxCandidates + 1});
    while (true) {
      SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      SLUICE_ASSIGN_OR_RETURN(ExecutionRecord rec, sql::ReadExecution(q));
      found.push_back(std::move(rec));
    }
  }
  if (found.empty()) {
    return Status::NotFound("no execution id starts with \"" + id_or_prefix +
                            "\"; `sluice executions list` shows ids");
  }
  if (found.size() == 1) return std::move(found.front());

  std::string msg = "execution id prefix \"" + id_or_prefix + "\" is ambiguous; it matches:";
  for (size_t i = 0; i < found.size() && i < static_cast<size_t>(kMaxCandidates); ++i) {
    const ExecutionRecord& r = found[i];
    msg += "\n  " + r.id + "  " + r.pipeline_id + " #" + std::to_string(r.sequence_id) + "  " + r.status;
  }
  if (found.size() > static_cast<size_t>(kMaxCandidates)) msg += "\n  ... and more";
  msg += "\ngive more characters of the id";
  return Status::InvalidArgument(std::move(msg));
}

namespace {

// The cursor is "<started_ms>.<row>" of the last execution of a page.
std::string ExecutionCursor(int64_t started_ms, int64_t row) {
  return std::to_string(started_ms) + "." + std::to_string(row);
}

bool ParseCursor(const std::string& cursor, int64_t* started_ms, int64_t* row) {
  size_t dot = cursor.find('.');
  if (dot == std::string::npos) return false;
  try {
    size_t used = 0;
    *started_ms = std::stoll(cursor.substr(0, dot), &used);
    if (used != dot) return false;
    std::string rest = cursor.substr(dot + 1);
    *row = std::stoll(rest, &used);
    return used == rest.size();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

Result<ExecutionPage> SqliteStore::QueryExecutions(const ExecutionQuery& query) const {
  int64_t started_ms = std::numeric_limits<int64_t>::max();
  int64_t row = std::numeric_limits<int64_t>::max();
  if (!query.cursor.empty() && !ParseCursor(query.cursor, &started_ms, &row)) {
    return Status::InvalidArgument("cursor \"" + query.cursor +
                                   "\" is not one a page of executions gave; start again "
                                   "without a cursor");
  }
  const int limit = std::clamp(query.limit, 1, 1000);
  const int which = (query.pipeline_id.empty() ? 0 : 1) + (query.status.empty() ? 0 : 2);
  Lock lock(mu_);
  Query q(statements_.query_executions[which], "listing executions");
  q.Bind(1, started_ms);
  q.Bind(2, row);
  q.Bind(3, int64_t{limit} + 1);  // one more tells whether a next page exists
  if (!query.pipeline_id.empty()) q.Bind(4, query.pipeline_id);
  if (!query.status.empty()) q.Bind(5, query.status);
  ExecutionPage page;
  int64_t last_row = 0;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, q.Step());
    if (!more) break;
    if (static_cast<int>(page.executions.size()) == limit) {
      page.next_cursor = ExecutionCursor(page.executions.back().started_ms, last_row);
      break;
    }
    SLUICE_ASSIGN_OR_RETURN(ExecutionRecord rec, sql::ReadExecution(q));
    last_row = q.Int(sql::kExecutionRowColumn);
    page.executions.push_back(std::move(rec));
  }
  return page;
}

Result<std::vector<ExecutionRecord>> SqliteStore::ListExecutions(int limit) const {
  Lock lock(mu_);
  Query q(statements_.list_executions, "listing executions");
  q.Bind(1, int64_t{limit > 0 ? limit : -1});
  std::vector<ExecutionRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    SLUICE_ASSIGN_OR_RETURN(ExecutionRecord rec, sql::ReadExecution(q));
    out.push_back(std::move(rec));
  }
  return out;
}

Status SqliteStore::RequestAbort(const std::string& execution_id) {
  Lock lock(mu_);
  const std::string what = "requesting abort of execution " + execution_id;
  Query q(statements_.request_abort, what);
  q.Bind(1, execution_id);
  SLUICE_RETURN_IF_ERROR(q.Run());
  if (q.changes() == 0) return NoSuchExecution(execution_id);
  return Status::Ok();
}

Result<bool> SqliteStore::AbortRequested(const std::string& execution_id) const {
  Lock lock(mu_);
  const std::string what = "reading the abort flag of execution " + execution_id;
  Query q(statements_.select_abort, what);
  q.Bind(1, execution_id);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NoSuchExecution(execution_id);
  return q.Int(0) != 0;
}

Status SqliteStore::RequestIntervention(const std::string& execution_id, const std::string& node_path,
                                        const std::string& action) {
  Lock lock(mu_);
  const std::string what = "recording an intervention for " + node_path + " of execution " + execution_id;
  Query q(statements_.put_intervention, what);
  q.Bind(1, execution_id);
  q.Bind(2, node_path);
  q.Bind(3, action);
  q.Bind(4, clock_.NowMillis());
  return q.Run();
}

Result<std::string> SqliteStore::TakeIntervention(const std::string& execution_id,
                                                  const std::string& node_path) {
  Lock lock(mu_);
  const std::string what = "reading the intervention for " + node_path + " of execution " + execution_id;
  Query q(statements_.take_intervention, what);
  q.Bind(1, execution_id);
  q.Bind(2, node_path);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? q.Text(0) : std::string();
}

Status SqliteStore::PutNode(const NodeRecord& node) {
  Lock lock(mu_);
  const std::string what = "storing node " + node.path + " of execution " + node.execution_id;
  Query q(statements_.put_node, what);
  sql::BindNode(q, node);
  return q.Run();
}

Result<std::vector<NodeRecord>> SqliteStore::GetNodes(const std::string& execution_id) const {
  Lock lock(mu_);
  const std::string what = "reading the nodes of execution " + execution_id;
  Query q(statements_.select_nodes, what);
  q.Bind(1, execution_id);
  std::vector<NodeRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    SLUICE_ASSIGN_OR_RETURN(NodeRecord node, sql::ReadNode(q));
    out.push_back(std::move(node));
  }
  return out;
}

Status SqliteStore::DeleteNodes(const std::string& execution_id, const std::string& path) {
  Lock lock(mu_);
  const std::string what = "deleting nodes \"" + path + "\" of execution " + execution_id;
  Query q(statements_.delete_nodes, what);
  q.Bind(1, execution_id);
  q.Bind(2, path);
  return q.Run();
}

Status SqliteStore::AddPolicyEvaluation(PolicyEvaluationRecord* record) {
  Lock lock(mu_);
  const std::string what = "storing the policy evaluation of " + record->node_path + " of execution " +
                           record->execution_id;
  SLUICE_RETURN_IF_ERROR(ExecSql(db_.get(), "BEGIN IMMEDIATE", what));
  auto write = [&]() -> Status {
    Query q(statements_.insert_policy_evaluation, what);
    sql::BindPolicyEvaluation(q, *record);
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return Status::Internal(what + ": the INSERT returned no id");
    int64_t id = q.Int(0);
    SLUICE_RETURN_IF_ERROR(q.Run());
    for (const PolicyResultRecord& result : record->results) {
      Query r(statements_.insert_policy_result, what);
      r.Bind(1, id);
      sql::BindPolicyResult(r, result);
      SLUICE_RETURN_IF_ERROR(r.Run());
    }
    record->id = id;
    return Status::Ok();
  };
  Status written = write();
  if (!written.ok()) {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    return written;
  }
  return ExecSql(db_.get(), "COMMIT", what);
}

Result<std::vector<PolicyEvaluationRecord>> SqliteStore::GetPolicyEvaluations(
    const std::string& execution_id) const {
  Lock lock(mu_);
  const std::string what = "reading the policy evaluations of execution " + execution_id;
  std::vector<PolicyEvaluationRecord> out;
  {
    Query q(statements_.select_policy_evaluations, what);
    q.Bind(1, execution_id);
    while (true) {
      SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      SLUICE_ASSIGN_OR_RETURN(PolicyEvaluationRecord rec, sql::ReadPolicyEvaluation(q));
      out.push_back(std::move(rec));
    }
  }
  Query q(statements_.select_policy_results, what);
  q.Bind(1, execution_id);
  size_t at = 0;  // both lists are ordered by evaluation id
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    SLUICE_ASSIGN_OR_RETURN(auto result, sql::ReadPolicyResult(q));
    while (at < out.size() && out[at].id != result.first) ++at;
    if (at == out.size()) return Status::Internal(what + ": a result of an unknown evaluation");
    out[at].results.push_back(std::move(result.second));
  }
  return out;
}

Status SqliteStore::AddArtifacts(std::vector<ArtifactRecord>* records) {
  Lock lock(mu_);
  if (records->empty()) return Status::Ok();
  const std::string what = "storing the artifacts of " + records->front().node_path +
                           " of execution " + records->front().execution_id;
  SLUICE_RETURN_IF_ERROR(ExecSql(db_.get(), "BEGIN IMMEDIATE", what));
  std::vector<int64_t> ids;
  auto write = [&]() -> Status {
    for (const ArtifactRecord& record : *records) {
      Query q(statements_.insert_artifact, what);
      sql::BindArtifact(q, record);
      SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return Status::Internal(what + ": the INSERT returned no id");
      ids.push_back(q.Int(0));
      SLUICE_RETURN_IF_ERROR(q.Run());
    }
    return Status::Ok();
  };
  Status written = write();
  if (!written.ok()) {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    return written;
  }
  SLUICE_RETURN_IF_ERROR(ExecSql(db_.get(), "COMMIT", what));
  // Ids are handed out only once they are committed.
  for (size_t i = 0; i < ids.size(); ++i) (*records)[i].id = ids[i];
  return Status::Ok();
}

Result<std::vector<ArtifactRecord>> SqliteStore::GetArtifacts(
    const std::string& execution_id) const {
  Lock lock(mu_);
  const std::string what = "reading the artifacts of execution " + execution_id;
  Query q(statements_.select_artifacts, what);
  q.Bind(1, execution_id);
  std::vector<ArtifactRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(sql::ReadArtifact(q));
  }
  return out;
}

fs::path SqliteStore::LogPath(const std::string& execution_id, const std::string& node_path) const {
  return logs_.PathOf(execution_id, node_path);
}

Status SqliteStore::AppendLog(const std::string& execution_id, const std::string& node_path,
                              std::string_view lines) {
  Lock lock(mu_);
  SLUICE_RETURN_IF_ERROR(CheckLogName("execution id", execution_id));
  SLUICE_RETURN_IF_ERROR(CheckLogName("node path", node_path));
  if (lines.empty()) return Status::Ok();
  // The file first: it is the source of truth, the index may lag it.
  SLUICE_ASSIGN_OR_RETURN(LogFiles::Appended appended, logs_.Append(execution_id, node_path, lines));

  const std::string what = "indexing the log of node " + node_path + " of execution " + execution_id;
  Query q(statements_.upsert_log, what);
  q.Bind(1, execution_id);
  q.Bind(2, node_path);
  q.Bind(3, "logs/" + execution_id + "/" + node_path + ".log");
  q.Bind(4, appended.file_size);
  q.Bind(5, appended.lines);
  q.Bind(6, clock_.NowMillis());
  return q.Run();
}

Result<std::string> SqliteStore::ReadLog(const std::string& execution_id, const std::string& node_path) const {
  SLUICE_RETURN_IF_ERROR(CheckLogName("execution id", execution_id));
  SLUICE_RETURN_IF_ERROR(CheckLogName("node path", node_path));
  return logs_.Read(execution_id, node_path);
}

Result<std::vector<LogInfo>> SqliteStore::ListLogs(const std::string& execution_id) const {
  Lock lock(mu_);
  const std::string what = "reading the log index of execution " + execution_id;
  Query q(statements_.select_logs, what);
  q.Bind(1, execution_id);
  std::vector<LogInfo> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    LogInfo info;
    info.execution_id = q.Text(0);
    info.node_path = q.Text(1);
    info.file = state_dir_ / q.Text(2);
    info.bytes = q.Int(3);
    info.line_count = q.Int(4);
    info.updated_ms = q.Int(5);
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace sluice::store
