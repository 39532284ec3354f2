// Users, API tokens and browser sessions in the state database (records in
// auth_records.h). Store::auth() gives the SQLite implementation; in-memory
// fakes may implement it for unit tests.
//
// This is storage only: hashing passwords, making tokens and deciding who
// may do what belong to the server module (server/auth.h). What is stored
// is checked only for shape: a user's name and role, and that tokens and
// sessions belong to an existing user.
//
// Errors: NotFound names the user, token or session missing; AlreadyExists
// the user name or token taken; InvalidArgument the field and the rule
// broken; IoError for the database. Each call is one transaction. Deleting
// a user deletes its tokens and sessions with it.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/auth_records.h"

namespace sluice::store {

// 1-64 characters of [A-Za-z0-9._@-], not starting with '-' (it would read
// as a flag); InvalidArgument quotes the name and says the rule.
Status CheckUserName(const std::string& name);
// viewer | executor | approver | admin.
Status CheckRoleName(const std::string& role);

class AuthStore {
 public:
  virtual ~AuthStore() = default;

  // Users.
  virtual Status CreateUser(const UserRecord& user) = 0;
  virtual Result<UserRecord> GetUser(const std::string& name) const = 0;
  // By name.
  virtual Result<std::vector<UserRecord>> ListUsers() const = 0;
  // Rewrites every field but name and created_ms.
  virtual Status UpdateUser(const UserRecord& user) = 0;
  virtual Status DeleteUser(const std::string& name) = 0;

  // API tokens.
  virtual Status CreateToken(const ApiTokenRecord& token) = 0;
  virtual Result<ApiTokenRecord> GetToken(const std::string& id) const = 0;
  // The token whose hash is `token_sha256`; NotFound says only "no such
  // token" (the hash is not quoted).
  virtual Result<ApiTokenRecord> FindTokenByHash(const std::string& token_sha256) const = 0;
  // Oldest first; `user` "" lists every user's tokens.
  virtual Result<std::vector<ApiTokenRecord>> ListTokens(const std::string& user) const = 0;
  // Sets last_used_ms.
  virtual Status TouchToken(const std::string& id, int64_t now_ms) = 0;
  virtual Status DeleteToken(const std::string& id) = 0;

  // Browser sessions.
  virtual Status CreateSession(const SessionRecord& session) = 0;
  virtual Result<SessionRecord> FindSession(const std::string& id_sha256) const = 0;
  // Not an error when it is already gone (logging out twice).
  virtual Status DeleteSession(const std::string& id_sha256) = 0;
  // Deletes sessions with expires_ms <= now_ms; returns how many.
  virtual Result<int64_t> DeleteExpiredSessions(int64_t now_ms) = 0;
  // Ends every session of a user (after a password change); returns how many.
  virtual Result<int64_t> DeleteSessionsOf(const std::string& user) = 0;
};

}  // namespace sluice::store
