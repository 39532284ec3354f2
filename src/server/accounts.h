// Managing users and API tokens: what `sluice user ...` and `sluice token
// ...` do, and what the server's admin API will do, in one place so both
// apply the same rules and audit the same way.
//
// Every change is written to the audit log with the acting party (Actor,
// audit.h) — its outcome "success", or "error" with the reason when the
// change was refused (a taken name, a weak password). Passwords arrive in
// clear and leave as Argon2id hashes (password.h); a token's value is
// returned once by CreateToken and only its SHA-256 is kept
// (credentials.h). Neither appears in a Status or the audit log.
//
// Errors: InvalidArgument for bad input (naming the field and the rule),
// NotFound/AlreadyExists for users and tokens, IoError for the database.
// Thread-safe as the stores it is given; they and the clock must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "server/audit.h"
#include "server/roles.h"
#include "store/audit_log.h"
#include "store/auth_store.h"

namespace sluice::server {

struct NewUser {
  std::string name;
  std::string email;         // optional
  std::string display_name;  // optional
  Role role = Role::kViewer;
  std::string password;  // in clear; CheckNewPassword applies
};

// A token as created: `value` is the secret to hand over once.
struct CreatedToken {
  store::ApiTokenRecord record;
  std::string value;
};

// "" or something@something without spaces; InvalidArgument otherwise.
Status CheckEmail(const std::string& email);

class Accounts {
 public:
  Accounts(store::AuthStore& users, store::AuditLog& audit, const Clock& clock);

  Status AddUser(const Actor& actor, const NewUser& user);
  // Replaces the password and ends the user's browser sessions.
  Status SetPassword(const Actor& actor, const std::string& name, const std::string& password);
  // Removes the user with its tokens and sessions.
  Status RemoveUser(const Actor& actor, const std::string& name);
  Result<std::vector<store::UserRecord>> ListUsers() const;

  // `ttl_ms`: how long the token is valid (> 0); nullopt for no expiry.
  Result<CreatedToken> CreateToken(const Actor& actor, const std::string& user,
                                   const std::string& label, std::optional<int64_t> ttl_ms);
  // Oldest first; `user` "" for everyone's.
  Result<std::vector<store::ApiTokenRecord>> ListTokens(const std::string& user) const;
  Status RevokeToken(const Actor& actor, const std::string& id);

 private:
  // Audits `action` on `target` with the outcome `result` implies and
  // returns `result`; an audit failure replaces a success.
  Status Audited(const Actor& actor, std::string_view action, std::string_view target,
                 Status result, nlohmann::json detail = nlohmann::json::object());

  store::AuthStore& users_;
  store::AuditLog& audit_;
  const Clock& clock_;
};

}  // namespace sluice::server
