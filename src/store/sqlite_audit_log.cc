#include <algorithm>
#include <utility>

#include "store/sqlite_auth_store.h"

namespace sluice::store {

namespace {

using Lock = std::lock_guard<std::mutex>;

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;

// One statement serves every filter: a zero time or an empty string
// disables its condition.
constexpr std::string_view kSelect = R"sql(
SELECT id, time_ms, actor, action, target, outcome, remote_address, detail FROM audit_log
WHERE (?1 = 0 OR time_ms >= ?1) AND (?2 = 0 OR time_ms < ?2)
  AND (?3 = '' OR actor = ?3) AND (?4 = '' OR action = ?4)
  AND (?5 = 0 OR id < ?5)
ORDER BY id DESC LIMIT ?6)sql";

constexpr std::string_view kInsert = R"sql(
INSERT INTO audit_log (time_ms, actor, action, target, outcome, remote_address, detail)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id)sql";

}  // namespace

Result<std::unique_ptr<SqliteAuditLog>> SqliteAuditLog::Open(sqlite3* db, std::mutex& mu) {
  SLUICE_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db, kInsert));
  SLUICE_ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db, kSelect));
  return std::unique_ptr<SqliteAuditLog>(
      new SqliteAuditLog(mu, std::move(insert), std::move(select)));
}

SqliteAuditLog::SqliteAuditLog(std::mutex& mu, Statement insert, Statement select)
    : mu_(mu), insert_(std::move(insert)), select_(std::move(select)) {}

Status SqliteAuditLog::Append(AuditRecord* record) {
  if (record->time_ms <= 0 || record->action.empty() || record->outcome.empty()) {
    return Status::InvalidArgument("an audit record needs a time, an action and an outcome");
  }
  if (!record->detail.is_object()) {
    return Status::InvalidArgument("the detail of audit record \"" + record->action +
                                   "\" must be a JSON object");
  }
  // Replacement of invalid UTF-8 keeps a stray byte from failing the write.
  std::string detail =
      record->detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  Lock lock(mu_);
  store::Query q(insert_, "appending to the audit log");
  q.Bind(1, record->time_ms);
  q.Bind(2, record->actor);
  q.Bind(3, record->action);
  q.Bind(4, record->target);
  q.Bind(5, record->outcome);
  q.Bind(6, record->remote_address);
  q.Bind(7, detail);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::Internal("appending to the audit log: the INSERT returned no id");
  record->id = q.Int(0);
  return q.Run();
}

Result<std::vector<AuditRecord>> SqliteAuditLog::Query(const AuditQuery& query) const {
  int limit = query.limit <= 0 ? kDefaultLimit : std::min(query.limit, kMaxLimit);
  Lock lock(mu_);
  store::Query q(select_, "reading the audit log");
  q.Bind(1, query.from_ms);
  q.Bind(2, query.to_ms);
  q.Bind(3, query.actor);
  q.Bind(4, query.action);
  q.Bind(5, query.before_id);
  q.Bind(6, int64_t{limit});
  std::vector<AuditRecord> records;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    AuditRecord r;
    r.id = q.Int(0);
    r.time_ms = q.Int(1);
    r.actor = q.Text(2);
    r.action = q.Text(3);
    r.target = q.Text(4);
    r.outcome = q.Text(5);
    r.remote_address = q.Text(6);
    r.detail = nlohmann::json::parse(q.Text(7), nullptr, /*allow_exceptions=*/false);
    if (r.detail.is_discarded()) r.detail = nlohmann::json::object();
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace sluice::store
