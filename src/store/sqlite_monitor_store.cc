#include "store/sqlite_monitor_store.h"

#include <string>
#include <utility>

namespace sluice::store {

namespace {

using Lock = std::lock_guard<std::mutex>;

// The histogram query: one SUM per bound, so its text depends on how many
// bounds are asked for. Bounds are bound as parameters ?1..?n.
std::string DurationsSql(size_t bounds) {
  std::string sql = "SELECT pipeline_id, COUNT(*), SUM(ended_ms - started_ms)";
  for (size_t i = 1; i <= bounds; ++i) {
    sql += ", SUM(ended_ms - started_ms <= ?" + std::to_string(i) + ")";
  }
  sql +=
      " FROM executions WHERE ended_ms > 0 AND started_ms > 0 AND ended_ms >= started_ms"
      " GROUP BY pipeline_id ORDER BY pipeline_id";
  return sql;
}

}  // namespace

SqliteMonitorStore::SqliteMonitorStore(sqlite3* db, std::mutex& mu, Statements statements)
    : db_(db), mu_(mu), statements_(std::move(statements)) {}

Result<std::unique_ptr<SqliteMonitorStore>> SqliteMonitorStore::Open(sqlite3* db, std::mutex& mu) {
  Statements s;
  SLUICE_ASSIGN_OR_RETURN(
      s.put, Statement::Prepare(db,
                                "INSERT INTO monitor_checks (kind, subject, result_json, "
                                "execution_id, checked_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
                                "ON CONFLICT (kind, subject) DO UPDATE SET result_json = ?3, "
                                "execution_id = ?4, checked_ms = ?5"));
  SLUICE_ASSIGN_OR_RETURN(
      s.list, Statement::Prepare(db,
                                 "SELECT kind, subject, result_json, execution_id, checked_ms "
                                 "FROM monitor_checks ORDER BY kind, subject"));
  SLUICE_ASSIGN_OR_RETURN(
      s.counts, Statement::Prepare(db,
                                   "SELECT pipeline_id, status, COUNT(*) FROM executions "
                                   "GROUP BY pipeline_id, status ORDER BY pipeline_id, status"));
  SLUICE_ASSIGN_OR_RETURN(
      s.put_alert,
      Statement::Prepare(db,
                         "INSERT OR REPLACE INTO alert_states (alert, firing, since_ms, episode, "
                         "notified, summary, value_json, error, evaluated_ms) VALUES "
                         "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  const std::string select_alert =
      "SELECT alert, firing, since_ms, episode, notified, summary, value_json, error, "
      "evaluated_ms FROM alert_states ";
  SLUICE_ASSIGN_OR_RETURN(s.get_alert, Statement::Prepare(db, select_alert + "WHERE alert = ?1"));
  SLUICE_ASSIGN_OR_RETURN(s.list_alerts, Statement::Prepare(db, select_alert + "ORDER BY alert"));
  SLUICE_ASSIGN_OR_RETURN(s.delete_alert,
                          Statement::Prepare(db, "DELETE FROM alert_states WHERE alert = ?1"));
  return std::unique_ptr<SqliteMonitorStore>(new SqliteMonitorStore(db, mu, std::move(s)));
}

Status SqliteMonitorStore::PutCheck(const MonitorCheckRecord& record) {
  if (record.kind.empty() || record.subject.empty()) {
    return Status::InvalidArgument("a monitor check needs a kind and a subject");
  }
  Lock lock(mu_);
  Query q(statements_.put, "storing a monitor check");
  q.Bind(1, record.kind);
  q.Bind(2, record.subject);
  q.Bind(3, record.result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  q.Bind(4, record.execution_id);
  q.Bind(5, record.checked_ms);
  return q.Run();
}

Result<std::vector<MonitorCheckRecord>> SqliteMonitorStore::ListChecks() const {
  Lock lock(mu_);
  Query q(statements_.list, "listing monitor checks");
  std::vector<MonitorCheckRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    MonitorCheckRecord r;
    r.kind = q.Text(0);
    r.subject = q.Text(1);
    r.result = nlohmann::json::parse(q.Text(2), nullptr, /*allow_exceptions=*/false);
    if (r.result.is_discarded()) {
      return Status::IoError("monitor check " + r.kind + " " + r.subject +
                             " holds invalid JSON; the database was changed outside sluice");
    }
    r.execution_id = q.Text(3);
    r.checked_ms = q.Int(4);
    out.push_back(std::move(r));
  }
  return out;
}

Status SqliteMonitorStore::PutAlertState(const AlertStateRecord& record) {
  if (record.alert.empty())
    return Status::InvalidArgument("an alert state needs the alert's identifier");
  const std::string what = "storing the state of alert " + record.alert;
  Lock lock(mu_);
  Query q(statements_.put_alert, what);
  q.Bind(1, record.alert);
  q.Bind(2, int64_t{record.firing});
  q.Bind(3, record.since_ms);
  q.Bind(4, record.episode);
  q.Bind(5, int64_t{record.notified});
  q.Bind(6, record.summary);
  q.Bind(7, record.value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  q.Bind(8, record.error);
  q.Bind(9, record.evaluated_ms);
  return q.Run();
}

namespace {

Result<AlertStateRecord> AlertStateRow(const Query& q) {
  AlertStateRecord r;
  r.alert = q.Text(0);
  r.firing = q.Int(1) != 0;
  r.since_ms = q.Int(2);
  r.episode = q.Int(3);
  r.notified = q.Int(4) != 0;
  r.summary = q.Text(5);
  r.value = nlohmann::json::parse(q.Text(6), nullptr, /*allow_exceptions=*/false);
  if (r.value.is_discarded()) {
    return Status::IoError("the state of alert " + r.alert +
                           " holds invalid JSON; the database was changed outside sluice");
  }
  r.error = q.Text(7);
  r.evaluated_ms = q.Int(8);
  return r;
}

}  // namespace

Result<AlertStateRecord> SqliteMonitorStore::GetAlertState(const std::string& alert) const {
  const std::string what = "reading the state of alert " + alert;
  Lock lock(mu_);
  Query q(statements_.get_alert, what);
  q.Bind(1, alert);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::NotFound("alert " + alert + " has not been evaluated");
  return AlertStateRow(q);
}

Result<std::vector<AlertStateRecord>> SqliteMonitorStore::ListAlertStates() const {
  Lock lock(mu_);
  Query q(statements_.list_alerts, "listing alert states");
  std::vector<AlertStateRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    SLUICE_ASSIGN_OR_RETURN(AlertStateRecord r, AlertStateRow(q));
    out.push_back(std::move(r));
  }
  return out;
}

Status SqliteMonitorStore::DeleteAlertState(const std::string& alert) {
  const std::string what = "forgetting alert " + alert;
  Lock lock(mu_);
  Query q(statements_.delete_alert, what);
  q.Bind(1, alert);
  return q.Run();
}

Result<ExecutionStats> SqliteMonitorStore::GetExecutionStats(
    const std::vector<int64_t>& bounds_ms) const {
  ExecutionStats stats;
  Lock lock(mu_);
  {
    Query q(statements_.counts, "counting executions");
    while (true) {
      SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      stats.counts.push_back({q.Text(0), q.Text(1), q.Int(2)});
    }
  }
  SLUICE_ASSIGN_OR_RETURN(Statement durations,
                          Statement::Prepare(db_, DurationsSql(bounds_ms.size())));
  Query q(durations, "summing execution durations");
  for (size_t i = 0; i < bounds_ms.size(); ++i) q.Bind(static_cast<int>(i + 1), bounds_ms[i]);
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    ExecutionDurations d;
    d.pipeline_id = q.Text(0);
    d.count = q.Int(1);
    d.sum_ms = q.Int(2);
    for (size_t i = 0; i < bounds_ms.size(); ++i)
      d.at_most.push_back(q.Int(static_cast<int>(i + 3)));
    stats.durations.push_back(std::move(d));
  }
  return stats;
}

}  // namespace sluice::store
