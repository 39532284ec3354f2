// SqliteMonitorStore: the MonitorStore of monitor_store.h on SqliteStore's
// connection, internal to the store module (others reach it through
// Store::monitor()). Like SqliteApprovalStore it owns its prepared
// statements but neither the connection nor the mutex, which belong to the
// SqliteStore; every call holds that mutex.
#pragma once

#include <memory>
#include <mutex>

#include "store/monitor_store.h"
#include "store/statement.h"

namespace sluice::store {

class SqliteMonitorStore final : public MonitorStore {
 public:
  // Prepares the statements on `db`, whose schema must include migrations 11 and 13.
  static Result<std::unique_ptr<SqliteMonitorStore>> Open(sqlite3* db, std::mutex& mu);
  SqliteMonitorStore(const SqliteMonitorStore&) = delete;
  SqliteMonitorStore& operator=(const SqliteMonitorStore&) = delete;

  Status PutCheck(const MonitorCheckRecord& record) override;
  Result<std::vector<MonitorCheckRecord>> ListChecks() const override;
  Status PutAlertState(const AlertStateRecord& record) override;
  Result<AlertStateRecord> GetAlertState(const std::string& alert) const override;
  Result<std::vector<AlertStateRecord>> ListAlertStates() const override;
  Status DeleteAlertState(const std::string& alert) override;
  Result<ExecutionStats> GetExecutionStats(const std::vector<int64_t>& bounds_ms) const override;

 private:
  struct Statements {
    Statement put, list, counts, put_alert, get_alert, list_alerts, delete_alert;
  };
  SqliteMonitorStore(sqlite3* db, std::mutex& mu, Statements statements);

  sqlite3* const db_;
  std::mutex& mu_;
  mutable Statements statements_;  // protected by mu_
};

}  // namespace sluice::store
