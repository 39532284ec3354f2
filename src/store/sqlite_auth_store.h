// SqliteAuthStore and SqliteAuditLog: the AuthStore of auth_store.h and the
// AuditLog of audit_log.h on SqliteStore's connection, internal to the
// store module (others reach them through Store::auth() and
// Store::audit()).
//
// Like SqliteFunctionStore they own their prepared statements but neither
// the connection nor the mutex, which belong to the SqliteStore; it must
// outlive them and destroys them before closing the connection. Every call
// holds that mutex for its whole statement, so calls from any thread never
// interleave on the connection.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/audit_log.h"
#include "store/auth_store.h"
#include "store/statement.h"

namespace sluice::store {

class SqliteAuthStore final : public AuthStore {
 public:
  // Prepares the statements on `db`, whose schema must include migration 7.
  static Result<std::unique_ptr<SqliteAuthStore>> Open(sqlite3* db, std::mutex& mu);
  SqliteAuthStore(const SqliteAuthStore&) = delete;
  SqliteAuthStore& operator=(const SqliteAuthStore&) = delete;

  Status CreateUser(const UserRecord& user) override;
  Result<UserRecord> GetUser(const std::string& name) const override;
  Result<std::vector<UserRecord>> ListUsers() const override;
  Status UpdateUser(const UserRecord& user) override;
  Status DeleteUser(const std::string& name) override;

  Status CreateToken(const ApiTokenRecord& token) override;
  Result<ApiTokenRecord> GetToken(const std::string& id) const override;
  Result<ApiTokenRecord> FindTokenByHash(const std::string& token_sha256) const override;
  Result<std::vector<ApiTokenRecord>> ListTokens(const std::string& user) const override;
  Status TouchToken(const std::string& id, int64_t now_ms) override;
  Status DeleteToken(const std::string& id) override;

  Status CreateSession(const SessionRecord& session) override;
  Result<SessionRecord> FindSession(const std::string& id_sha256) const override;
  Status DeleteSession(const std::string& id_sha256) override;
  Result<int64_t> DeleteExpiredSessions(int64_t now_ms) override;
  Result<int64_t> DeleteSessionsOf(const std::string& user) override;

 private:
  struct Statements {
    Statement insert_user, select_user, list_users, update_user, delete_user, insert_token,
        select_token, select_token_by_hash, list_tokens, touch_token, delete_token, insert_session,
        select_session, delete_session, delete_expired_sessions, delete_sessions_of;
  };

  SqliteAuthStore(std::mutex& mu, Statements statements);

  // Expects mu_ to be held.
  Result<bool> UserExistsLocked(const std::string& name) const;

  // Constant after construction.
  std::mutex& mu_;

  // Protected by mu_ (running a statement changes its state).
  mutable Statements statements_;
};

class SqliteAuditLog final : public AuditLog {
 public:
  // Prepares the statements on `db`, whose schema must include migration 7.
  static Result<std::unique_ptr<SqliteAuditLog>> Open(sqlite3* db, std::mutex& mu);
  SqliteAuditLog(const SqliteAuditLog&) = delete;
  SqliteAuditLog& operator=(const SqliteAuditLog&) = delete;

  Status Append(AuditRecord* record) override;
  Result<std::vector<AuditRecord>> Query(const AuditQuery& query) const override;

 private:
  SqliteAuditLog(std::mutex& mu, Statement insert, Statement select);

  // Constant after construction.
  std::mutex& mu_;

  // Protected by mu_.
  mutable Statement insert_;
  mutable Statement select_;
};

}  // namespace sluice::store
