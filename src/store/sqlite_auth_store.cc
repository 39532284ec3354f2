#include "store/sqlite_auth_store.h"

#include <string_view>
#include <utility>

namespace sluice::store {

namespace {

using Lock = std::lock_guard<std::mutex>;

// Column lists, in the order the Read* functions below expect.
constexpr std::string_view kUserColumns =
    "name, email, display_name, role, password_hash, created_ms, disabled";
constexpr std::string_view kTokenColumns =
    "id, user_name, label, token_sha256, created_ms, last_used_ms, expires_ms";
constexpr std::string_view kSessionColumns =
    "id_sha256, user_name, csrf_token, created_ms, expires_ms, remote_address";

UserRecord ReadUser(const Query& q) {
  UserRecord u;
  u.name = q.Text(0);
  u.email = q.Text(1);
  u.display_name = q.Text(2);
  u.role = q.Text(3);
  u.password_hash = q.Text(4);
  u.created_ms = q.Int(5);
  u.disabled = q.Int(6) != 0;
  return u;
}

ApiTokenRecord ReadToken(const Query& q) {
  ApiTokenRecord t;
  t.id = q.Text(0);
  t.user = q.Text(1);
  t.label = q.Text(2);
  t.token_sha256 = q.Text(3);
  t.created_ms = q.Int(4);
  t.last_used_ms = q.Int(5);
  if (!q.IsNull(6)) t.expires_ms = q.Int(6);
  return t;
}

SessionRecord ReadSession(const Query& q) {
  SessionRecord s;
  s.id_sha256 = q.Text(0);
  s.user = q.Text(1);
  s.csrf_token = q.Text(2);
  s.created_ms = q.Int(3);
  s.expires_ms = q.Int(4);
  s.remote_address = q.Text(5);
  return s;
}

std::string Sql(std::string_view head, std::string_view columns, std::string_view tail) {
  std::string sql(head);
  sql += columns;
  sql += tail;
  return sql;
}

Status NoSuchUser(const std::string& name) {
  return Status::NotFound("no user \"" + name + "\"; `sluice user list` shows them");
}

Status NoSuchToken(const std::string& id) {
  return Status::NotFound("no API token \"" + id + "\"; `sluice token list` shows them");
}

}  // namespace

Result<std::unique_ptr<SqliteAuthStore>> SqliteAuthStore::Open(sqlite3* db, std::mutex& mu) {
  Statements s;
  const std::pair<Statement*, std::string> all[] = {
      {&s.insert_user,
       "INSERT INTO users (" + std::string(kUserColumns) + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      {&s.select_user, Sql("SELECT ", kUserColumns, " FROM users WHERE name = ?1")},
      {&s.list_users, Sql("SELECT ", kUserColumns, " FROM users ORDER BY name")},
      {&s.update_user,
       "UPDATE users SET email = ?2, display_name = ?3, role = ?4, password_hash = ?5, "
       "disabled = ?6 WHERE name = ?1"},
      {&s.delete_user, "DELETE FROM users WHERE name = ?1"},
      {&s.insert_token, "INSERT INTO api_tokens (" + std::string(kTokenColumns) +
                            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      {&s.select_token, Sql("SELECT ", kTokenColumns, " FROM api_tokens WHERE id = ?1")},
      {&s.select_token_by_hash,
       Sql("SELECT ", kTokenColumns, " FROM api_tokens WHERE token_sha256 = ?1")},
      {&s.list_tokens, Sql("SELECT ", kTokenColumns,
                           " FROM api_tokens WHERE ?1 = '' OR user_name = ?1 "
                           "ORDER BY created_ms, id")},
      {&s.touch_token, "UPDATE api_tokens SET last_used_ms = ?2 WHERE id = ?1"},
      {&s.delete_token, "DELETE FROM api_tokens WHERE id = ?1"},
      {&s.insert_session, "INSERT INTO sessions (" + std::string(kSessionColumns) +
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&s.select_session, Sql("SELECT ", kSessionColumns, " FROM sessions WHERE id_sha256 = ?1")},
      {&s.delete_session, "DELETE FROM sessions WHERE id_sha256 = ?1"},
      {&s.delete_expired_sessions, "DELETE FROM sessions WHERE expires_ms <= ?1"},
      {&s.delete_sessions_of, "DELETE FROM sessions WHERE user_name = ?1"},
  };
  for (const auto& [stmt, text] : all) {
    SLUICE_ASSIGN_OR_RETURN(*stmt, Statement::Prepare(db, text));
  }
  return std::unique_ptr<SqliteAuthStore>(new SqliteAuthStore(mu, std::move(s)));
}

SqliteAuthStore::SqliteAuthStore(std::mutex& mu, Statements statements)
    : mu_(mu), statements_(std::move(statements)) {}

Result<bool> SqliteAuthStore::UserExistsLocked(const std::string& name) const {
  Query q(statements_.select_user, "reading a user");
  q.Bind(1, name);
  return q.Step();
}

Status SqliteAuthStore::CreateUser(const UserRecord& user) {
  SLUICE_RETURN_IF_ERROR(CheckUserName(user.name));
  SLUICE_RETURN_IF_ERROR(CheckRoleName(user.role));
  Lock lock(mu_);
  SLUICE_ASSIGN_OR_RETURN(bool exists, UserExistsLocked(user.name));
  if (exists) {
    return Status::AlreadyExists("user \"" + user.name +
                                 "\" already exists; `sluice user passwd` changes a password");
  }
  Query q(statements_.insert_user, "storing a user");
  q.Bind(1, user.name);
  q.Bind(2, user.email);
  q.Bind(3, user.display_name);
  q.Bind(4, user.role);
  q.Bind(5, user.password_hash);
  q.Bind(6, user.created_ms);
  q.Bind(7, int64_t{user.disabled ? 1 : 0});
  return q.Run();
}

Result<UserRecord> SqliteAuthStore::GetUser(const std::string& name) const {
  Lock lock(mu_);
  Query q(statements_.select_user, "reading a user");
  q.Bind(1, name);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NoSuchUser(name);
  return ReadUser(q);
}

Result<std::vector<UserRecord>> SqliteAuthStore::ListUsers() const {
  Lock lock(mu_);
  Query q(statements_.list_users, "listing users");
  std::vector<UserRecord> users;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    users.push_back(ReadUser(q));
  }
  return users;
}

Status SqliteAuthStore::UpdateUser(const UserRecord& user) {
  SLUICE_RETURN_IF_ERROR(CheckRoleName(user.role));
  Lock lock(mu_);
  Query q(statements_.update_user, "updating a user");
  q.Bind(1, user.name);
  q.Bind(2, user.email);
  q.Bind(3, user.display_name);
  q.Bind(4, user.role);
  q.Bind(5, user.password_hash);
  q.Bind(6, int64_t{user.disabled ? 1 : 0});
  SLUICE_RETURN_IF_ERROR(q.Run());
  if (q.changes() == 0) return NoSuchUser(user.name);
  return Status::Ok();
}

Status SqliteAuthStore::DeleteUser(const std::string& name) {
  Lock lock(mu_);
  Query q(statements_.delete_user, "deleting a user");
  q.Bind(1, name);
  SLUICE_RETURN_IF_ERROR(q.Run());
  if (q.changes() == 0) return NoSuchUser(name);
  return Status::Ok();
}

Status SqliteAuthStore::CreateToken(const ApiTokenRecord& token) {
  if (token.id.empty() || token.token_sha256.size() != 64) {
    return Status::InvalidArgument("an API token needs an id and the hex SHA-256 of its value");
  }
  Lock lock(mu_);
  SLUICE_ASSIGN_OR_RETURN(bool exists, UserExistsLocked(token.user));
  if (!exists) return NoSuchUser(token.user);
  Query q(statements_.insert_token, "storing an API token");
  q.Bind(1, token.id);
  q.Bind(2, token.user);
  q.Bind(3, token.label);
  q.Bind(4, token.token_sha256);
  q.Bind(5, token.created_ms);
  q.Bind(6, token.last_used_ms);
  if (token.expires_ms.has_value()) {
    q.Bind(7, *token.expires_ms);
  } else {
    q.BindNull(7);
  }
  Status s = q.Run();
  if (s.code() == StatusCode::kAlreadyExists) {
    // Never quote the hash: say only that the id or the value is taken.
    return Status::AlreadyExists("an API token with id \"" + token.id +
                                 "\" or the same value already exists");
  }
  return s;
}

Result<ApiTokenRecord> SqliteAuthStore::GetToken(const std::string& id) const {
  Lock lock(mu_);
  Query q(statements_.select_token, "reading an API token");
  q.Bind(1, id);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NoSuchToken(id);
  return ReadToken(q);
}

Result<ApiTokenRecord> SqliteAuthStore::FindTokenByHash(const std::string& token_sha256) const {
  Lock lock(mu_);
  Query q(statements_.select_token_by_hash, "looking up an API token");
  q.Bind(1, token_sha256);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::NotFound("no such API token");
  return ReadToken(q);
}

Result<std::vector<ApiTokenRecord>> SqliteAuthStore::ListTokens(const std::string& user) const {
  Lock lock(mu_);
  Query q(statements_.list_tokens, "listing API tokens");
  q.Bind(1, user);
  std::vector<ApiTokenRecord> tokens;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    tokens.push_back(ReadToken(q));
  }
  return tokens;
}

Status SqliteAuthStore::TouchToken(const std::string& id, int64_t now_ms) {
  Lock lock(mu_);
  Query q(statements_.touch_token, "recording an API token's use");
  q.Bind(1, id);
  q.Bind(2, now_ms);
  SLUICE_RETURN_IF_ERROR(q.Run());
  if (q.changes() == 0) return NoSuchToken(id);
  return Status::Ok();
}

Status SqliteAuthStore::DeleteToken(const std::string& id) {
  Lock lock(mu_);
  Query q(statements_.delete_token, "deleting an API token");
  q.Bind(1, id);
  SLUICE_RETURN_IF_ERROR(q.Run());
  if (q.changes() == 0) return NoSuchToken(id);
  return Status::Ok();
}

Status SqliteAuthStore::CreateSession(const SessionRecord& session) {
  if (session.id_sha256.size() != 64 || session.csrf_token.empty()) {
    return Status::InvalidArgument("a session needs the hex SHA-256 of its id and a CSRF token");
  }
  Lock lock(mu_);
  SLUICE_ASSIGN_OR_RETURN(bool exists, UserExistsLocked(session.user));
  if (!exists) return NoSuchUser(session.user);
  Query q(statements_.insert_session, "storing a session");
  q.Bind(1, session.id_sha256);
  q.Bind(2, session.user);
  q.Bind(3, session.csrf_token);
  q.Bind(4, session.created_ms);
  q.Bind(5, session.expires_ms);
  q.Bind(6, session.remote_address);
  return q.Run();
}

Result<SessionRecord> SqliteAuthStore::FindSession(const std::string& id_sha256) const {
  Lock lock(mu_);
  Query q(statements_.select_session, "reading a session");
  q.Bind(1, id_sha256);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::NotFound("no such session");
  return ReadSession(q);
}

Status SqliteAuthStore::DeleteSession(const std::string& id_sha256) {
  Lock lock(mu_);
  Query q(statements_.delete_session, "deleting a session");
  q.Bind(1, id_sha256);
  return q.Run();
}

Result<int64_t> SqliteAuthStore::DeleteExpiredSessions(int64_t now_ms) {
  Lock lock(mu_);
  Query q(statements_.delete_expired_sessions, "deleting expired sessions");
  q.Bind(1, now_ms);
  SLUICE_RETURN_IF_ERROR(q.Run());
  return q.changes();
}

Result<int64_t> SqliteAuthStore::DeleteSessionsOf(const std::string& user) {
  Lock lock(mu_);
  Query q(statements_.delete_sessions_of, "deleting a user's sessions");
  q.Bind(1, user);
  SLUICE_RETURN_IF_ERROR(q.Run());
  return q.changes();
}

}  // namespace sluice::store
