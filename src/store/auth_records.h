// The records of users, API tokens, browser sessions and the audit log, as
// the state database keeps them (migration 7; auth_store.h and audit_log.h
// say how they are read and written). The field meanings are persisted:
// change them only with a new migration.
//
// No record holds a secret in clear: a password is kept as its Argon2id hash
// string (libsodium's crypto_pwhash_str format), a token and a session id as
// the lower-case hex SHA-256 of the value handed to the client, which is
// shown once and never stored.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace sluice::store {

// A person or a robot who signs in. `name` is the key every other record
// refers to.
struct UserRecord {
  std::string name;           // 1-64 of [A-Za-z0-9._@-], unique
  std::string email;          // "" when not given
  std::string display_name;   // "" when not given
  std::string role;           // viewer | executor | approver | admin
  std::string password_hash;  // crypto_pwhash_str output; "" = password sign-in disabled
  int64_t created_ms = 0;
  bool disabled = false;  // a disabled user cannot sign in by any means
};

// An API token: `Authorization: Bearer <token>`.
struct ApiTokenRecord {
  std::string id;            // public handle ("tok_" + hex), shown by `token list`
  std::string user;          // UserRecord::name
  std::string label;         // what it is for, free text
  std::string token_sha256;  // hex SHA-256 of the token; unique
  int64_t created_ms = 0;
  int64_t last_used_ms = 0;           // 0 = never used
  std::optional<int64_t> expires_ms;  // nullopt = never expires
};

// A browser session: a cookie holding a random session id.
struct SessionRecord {
  std::string id_sha256;   // hex SHA-256 of the session id (the key)
  std::string user;        // UserRecord::name
  std::string csrf_token;  // sent back in X-CSRF-Token on unsafe requests
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  std::string remote_address;  // where it signed in from
};

// One line of the audit log: who did what to what, when, from where, and
// how it ended. Append-only: there is no update or delete.
struct AuditRecord {
  int64_t id = 0;  // assigned by AuditLog::Append, increasing
  int64_t time_ms = 0;
  std::string actor;           // a user name, "local:<os user>", or "" when unknown
  std::string action;          // "login", "user.add", "token.revoke", ...
  std::string target;          // what it acted on: a user name, a token id, ...
  std::string outcome;         // success | denied | error
  std::string remote_address;  // "" for local actions
  nlohmann::json detail = nlohmann::json::object();  // never holds a secret
};

}  // namespace sluice::store
