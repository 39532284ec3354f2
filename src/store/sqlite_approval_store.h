// SqliteApprovalStore: the ApprovalStore of approval_store.h on
// SqliteStore's connection, internal to the store module (others reach it
// through Store::approvals()). Like SqliteFunctionStore it owns its
// prepared statements but neither the connection nor the mutex, which
// belong to the SqliteStore; every call holds that mutex.
#pragma once

#include <memory>
#include <mutex>

#include "store/approval_store.h"
#include "store/statement.h"

namespace sluice::store {

class SqliteApprovalStore final : public ApprovalStore {
 public:
  // Prepares the statements on `db`, whose schema must include migration 8.
  static Result<std::unique_ptr<SqliteApprovalStore>> Open(sqlite3* db, std::mutex& mu);
  SqliteApprovalStore(const SqliteApprovalStore&) = delete;
  SqliteApprovalStore& operator=(const SqliteApprovalStore&) = delete;

  Status PutApproval(const ApprovalRecord& record) override;
  Result<ApprovalRecord> GetApproval(const std::string& execution_id,
                                     const std::string& node_path) const override;
  Result<std::vector<ApprovalRecord>> ListApprovals(const std::string& status,
                                                    int limit) const override;
  Result<std::vector<ApprovalRecord>> ApprovalsOf(const std::string& execution_id) const override;
  Result<std::vector<ApprovalActivityRecord>> Activities(
      const std::string& execution_id, const std::string& node_path) const override;
  Result<ApprovalRecord> AddActivity(ApprovalActivityRecord* activity, const Judge& judge) override;

 private:
  struct Statements {
    Statement put, select, list, list_by_status, of_execution, activities, insert_activity;
  };
  SqliteApprovalStore(sqlite3* db, std::mutex& mu, Statements statements);

  // The helpers below expect mu_ to be held.
  Status PutLocked(const ApprovalRecord& record);
  Result<ApprovalRecord> GetLocked(const std::string& execution_id,
                                   const std::string& node_path) const;
  Result<std::vector<ApprovalActivityRecord>> ActivitiesLocked(const std::string& execution_id,
                                                               const std::string& node_path) const;

  sqlite3* const db_;
  std::mutex& mu_;
  mutable Statements statements_;  // protected by mu_
};

}  // namespace sluice::store
