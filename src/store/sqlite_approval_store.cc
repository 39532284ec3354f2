#include "store/sqlite_approval_store.h"

#include <utility>

namespace sluice::store {

namespace {

using Lock = std::lock_guard<std::mutex>;

constexpr char kColumns[] =
    "execution_id, node_path, pipeline_id, status, message, user_groups_json, minimum_count, "
    "disallow_executor, executor, approver_inputs_json, include_history, requested_ms, "
    "deadline_ms, decided_ms";

constexpr char kActivityColumns[] =
    "id, execution_id, node_path, user, email, action, comments, inputs_json, at_ms, source";

std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<nlohmann::json> ParseColumn(const std::string& text, std::string_view column) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::IoError("column " + std::string(column) +
                           " of an approval holds invalid JSON; the database was changed "
                           "outside sluice");
  }
  return j;
}

void BindApproval(Query& q, const ApprovalRecord& r) {
  q.Bind(1, r.execution_id);
  q.Bind(2, r.node_path);
  q.Bind(3, r.pipeline_id);
  q.Bind(4, r.status);
  q.Bind(5, r.message);
  q.Bind(6, DumpJson(r.user_groups));
  q.Bind(7, static_cast<int64_t>(r.minimum_count));
  q.Bind(8, static_cast<int64_t>(r.disallow_executor ? 1 : 0));
  q.Bind(9, r.executor);
  q.Bind(10, DumpJson(r.approver_inputs));
  q.Bind(11, static_cast<int64_t>(r.include_history ? 1 : 0));
  q.Bind(12, r.requested_ms);
  q.Bind(13, r.deadline_ms);
  q.Bind(14, r.decided_ms);
}

Result<ApprovalRecord> ReadApproval(const Query& q) {
  ApprovalRecord r;
  r.execution_id = q.Text(0);
  r.node_path = q.Text(1);
  r.pipeline_id = q.Text(2);
  r.status = q.Text(3);
  r.message = q.Text(4);
  SLUICE_ASSIGN_OR_RETURN(nlohmann::json groups, ParseColumn(q.Text(5), "user_groups_json"));
  if (!groups.is_array()) return Status::IoError("an approval's user_groups_json is not a list");
  for (const auto& g : groups) r.user_groups.push_back(g.is_string() ? g.get<std::string>() : "");
  r.minimum_count = static_cast<int>(q.Int(6));
  r.disallow_executor = q.Int(7) != 0;
  r.executor = q.Text(8);
  SLUICE_ASSIGN_OR_RETURN(r.approver_inputs, ParseColumn(q.Text(9), "approver_inputs_json"));
  r.include_history = q.Int(10) != 0;
  r.requested_ms = q.Int(11);
  r.deadline_ms = q.Int(12);
  r.decided_ms = q.Int(13);
  return r;
}

Result<ApprovalActivityRecord> ReadActivity(const Query& q) {
  ApprovalActivityRecord a;
  a.id = q.Int(0);
  a.execution_id = q.Text(1);
  a.node_path = q.Text(2);
  a.user = q.Text(3);
  a.email = q.Text(4);
  a.action = q.Text(5);
  a.comments = q.Text(6);
  SLUICE_ASSIGN_OR_RETURN(a.inputs, ParseColumn(q.Text(7), "inputs_json"));
  a.at_ms = q.Int(8);
  a.source = q.Text(9);
  return a;
}

Result<std::vector<ApprovalRecord>> ReadApprovals(Query& q) {
  std::vector<ApprovalRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    SLUICE_ASSIGN_OR_RETURN(ApprovalRecord r, ReadApproval(q));
    out.push_back(std::move(r));
  }
  return out;
}

Status NoSuchApproval(const std::string& execution_id, const std::string& node_path) {
  return Status::NotFound("step " + node_path + " of execution " + execution_id +
                          " has not asked for an approval");
}

}  // namespace

Result<std::unique_ptr<SqliteApprovalStore>> SqliteApprovalStore::Open(sqlite3* db,
                                                                       std::mutex& mu) {
  const std::string columns = kColumns;
  const std::string activity_columns = kActivityColumns;
  Statements s;
  struct Item {
    Statement* statement;
    std::string sql;
  };
  const Item items[] = {
      // An upsert, not INSERT OR REPLACE: a replaced row would take its
      // activities with it (ON DELETE CASCADE).
      {&s.put, "INSERT INTO approvals (" + columns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
                   "ON CONFLICT (execution_id, node_path) DO UPDATE SET pipeline_id = ?3, "
                   "status = ?4, message = ?5, user_groups_json = ?6, minimum_count = ?7, "
                   "disallow_executor = ?8, executor = ?9, approver_inputs_json = ?10, "
                   "include_history = ?11, requested_ms = ?12, deadline_ms = ?13, "
                   "decided_ms = ?14"},
      {&s.select,
       "SELECT " + columns + " FROM approvals WHERE execution_id = ?1 AND node_path = ?2"},
      {&s.list, "SELECT " + columns + " FROM approvals ORDER BY requested_ms DESC LIMIT ?1"},
      {&s.list_by_status, "SELECT " + columns +
                              " FROM approvals WHERE status = ?1 ORDER BY requested_ms DESC "
                              "LIMIT ?2"},
      {&s.of_execution,
       "SELECT " + columns + " FROM approvals WHERE execution_id = ?1 ORDER BY requested_ms"},
      {&s.activities, "SELECT " + activity_columns +
                          " FROM approval_activities WHERE execution_id = ?1 AND node_path = ?2 "
                          "ORDER BY id"},
      {&s.insert_activity,
       "INSERT INTO approval_activities (execution_id, node_path, user, email, action, "
       "comments, inputs_json, at_ms, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
       "RETURNING id"},
  };
  for (const Item& item : items) {
    SLUICE_ASSIGN_OR_RETURN(*item.statement, Statement::Prepare(db, item.sql));
  }
  return std::unique_ptr<SqliteApprovalStore>(new SqliteApprovalStore(db, mu, std::move(s)));
}

SqliteApprovalStore::SqliteApprovalStore(sqlite3* db, std::mutex& mu, Statements statements)
    : db_(db), mu_(mu), statements_(std::move(statements)) {}

Status SqliteApprovalStore::PutLocked(const ApprovalRecord& record) {
  Query q(statements_.put, "storing the approval");
  BindApproval(q, record);
  return q.Run();
}

Result<ApprovalRecord> SqliteApprovalStore::GetLocked(const std::string& execution_id,
                                                      const std::string& node_path) const {
  Query q(statements_.select, "reading the approval");
  q.Bind(1, execution_id);
  q.Bind(2, node_path);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NoSuchApproval(execution_id, node_path);
  return ReadApproval(q);
}

Result<std::vector<ApprovalActivityRecord>> SqliteApprovalStore::ActivitiesLocked(
    const std::string& execution_id, const std::string& node_path) const {
  Query q(statements_.activities, "reading approval activities");
  q.Bind(1, execution_id);
  q.Bind(2, node_path);
  std::vector<ApprovalActivityRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    SLUICE_ASSIGN_OR_RETURN(ApprovalActivityRecord a, ReadActivity(q));
    out.push_back(std::move(a));
  }
  return out;
}

Status SqliteApprovalStore::PutApproval(const ApprovalRecord& record) {
  Lock lock(mu_);
  return PutLocked(record);
}

Result<ApprovalRecord> SqliteApprovalStore::GetApproval(const std::string& execution_id,
                                                        const std::string& node_path) const {
  Lock lock(mu_);
  return GetLocked(execution_id, node_path);
}

Result<std::vector<ApprovalRecord>> SqliteApprovalStore::ListApprovals(const std::string& status,
                                                                       int limit) const {
  Lock lock(mu_);
  if (status.empty()) {
    Query q(statements_.list, "listing approvals");
    q.Bind(1, static_cast<int64_t>(limit));
    return ReadApprovals(q);
  }
  Query q(statements_.list_by_status, "listing approvals");
  q.Bind(1, status);
  q.Bind(2, static_cast<int64_t>(limit));
  return ReadApprovals(q);
}

Result<std::vector<ApprovalRecord>> SqliteApprovalStore::ApprovalsOf(
    const std::string& execution_id) const {
  Lock lock(mu_);
  Query q(statements_.of_execution, "listing the approvals of an execution");
  q.Bind(1, execution_id);
  return ReadApprovals(q);
}

Result<std::vector<ApprovalActivityRecord>> SqliteApprovalStore::Activities(
    const std::string& execution_id, const std::string& node_path) const {
  Lock lock(mu_);
  return ActivitiesLocked(execution_id, node_path);
}

Result<ApprovalRecord> SqliteApprovalStore::AddActivity(ApprovalActivityRecord* activity,
                                                        const Judge& judge) {
  Lock lock(mu_);
  ApprovalRecord judged;
  Status done = InTransaction(db_, "recording an approval activity", [&]() -> Status {
    SLUICE_ASSIGN_OR_RETURN(ApprovalRecord current,
                            GetLocked(activity->execution_id, activity->node_path));
    SLUICE_ASSIGN_OR_RETURN(std::vector<ApprovalActivityRecord> earlier,
                            ActivitiesLocked(activity->execution_id, activity->node_path));
    SLUICE_ASSIGN_OR_RETURN(judged, judge(current, earlier));
    {
      Query q(statements_.insert_activity, "recording an approval activity");
      q.Bind(1, activity->execution_id);
      q.Bind(2, activity->node_path);
      q.Bind(3, activity->user);
      q.Bind(4, activity->email);
      q.Bind(5, activity->action);
      q.Bind(6, activity->comments);
      q.Bind(7, DumpJson(activity->inputs));
      q.Bind(8, activity->at_ms);
      q.Bind(9, activity->source);
      SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
      if (row) activity->id = q.Int(0);
    }
    return PutLocked(judged);
  });
  if (!done.ok()) return done;
  return judged;
}

}  // namespace sluice::store
