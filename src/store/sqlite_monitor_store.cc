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
