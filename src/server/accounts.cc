#include "server/accounts.h"

#include <utility>

#include "server/credentials.h"
#include "server/password.h"

namespace sluice::server {

Status CheckEmail(const std::string& email) {
  if (email.empty()) return Status::Ok();
  const size_t at = email.find('@');
  bool ok = at != std::string::npos && at > 0 && at + 1 < email.size() &&
            email.find('@', at + 1) == std::string::npos && email.size() <= 254;
  for (char c : email) ok = ok && c > ' ' && c != 0x7f;
  if (ok) return Status::Ok();
  return Status::InvalidArgument("invalid e-mail address \"" + email +
                                 "\": expected name@domain without spaces");
}

Accounts::Accounts(store::AuthStore& users, store::AuditLog& audit, const Clock& clock)
    : users_(users), audit_(audit), clock_(clock) {}

Status Accounts::Audited(const Actor& actor, std::string_view action, std::string_view target,
                         Status result, nlohmann::json detail) {
  if (!result.ok()) detail["error"] = result.message();
  Status written = WriteAudit(audit_, clock_, actor, action, target,
                              result.ok() ? kOutcomeSuccess : kOutcomeError, std::move(detail));
  if (result.ok() && !written.ok()) return written;
  return result;
}

Status Accounts::AddUser(const Actor& actor, const NewUser& user) {
  const nlohmann::json detail = {{"role", std::string(RoleName(user.role))}, {"email", user.email}};
  auto add = [&]() -> Status {
    SLUICE_RETURN_IF_ERROR(store::CheckUserName(user.name));
    SLUICE_RETURN_IF_ERROR(CheckEmail(user.email));
    SLUICE_RETURN_IF_ERROR(CheckNewPassword(user.password));
    SLUICE_ASSIGN_OR_RETURN(std::string hash, HashPassword(user.password));
    store::UserRecord record;
    record.name = user.name;
    record.email = user.email;
    record.display_name = user.display_name;
    record.role = std::string(RoleName(user.role));
    record.password_hash = std::move(hash);
    record.created_ms = clock_.NowMillis();
    return users_.CreateUser(record);
  };
  return Audited(actor, "user.add", user.name, add(), detail);
}

Status Accounts::SetPassword(const Actor& actor, const std::string& name,
                             const std::string& password) {
  int64_t ended = 0;
  auto change = [&]() -> Status {
    SLUICE_RETURN_IF_ERROR(CheckNewPassword(password));
    SLUICE_ASSIGN_OR_RETURN(store::UserRecord record, users_.GetUser(name));
    SLUICE_ASSIGN_OR_RETURN(record.password_hash, HashPassword(password));
    SLUICE_RETURN_IF_ERROR(users_.UpdateUser(record));
    // Whoever signed in with the old password is signed out.
    SLUICE_ASSIGN_OR_RETURN(ended, users_.DeleteSessionsOf(name));
    return Status::Ok();
  };
  Status result = change();
  return Audited(actor, "user.passwd", name, std::move(result), {{"sessions_ended", ended}});
}

Status Accounts::RemoveUser(const Actor& actor, const std::string& name) {
  return Audited(actor, "user.rm", name, users_.DeleteUser(name));
}

Result<std::vector<store::UserRecord>> Accounts::ListUsers() const { return users_.ListUsers(); }

Result<CreatedToken> Accounts::CreateToken(const Actor& actor, const std::string& user,
                                           const std::string& label,
                                           std::optional<int64_t> ttl_ms) {
  CreatedToken created;
  auto create = [&]() -> Status {
    if (ttl_ms.has_value() && *ttl_ms <= 0) {
      return Status::InvalidArgument("a token's lifetime must be positive, e.g. 30d");
    }
    if (label.size() > 200) {
      return Status::InvalidArgument("the token label is too long: use at most 200 characters");
    }
    SLUICE_ASSIGN_OR_RETURN(store::UserRecord owner, users_.GetUser(user));
    if (owner.disabled) {
      return Status::FailedPrecondition("user \"" + user + "\" is disabled; enable it first");
    }
    created.value = NewTokenValue();
    store::ApiTokenRecord& r = created.record;
    r.id = NewTokenId();
    r.user = user;
    r.label = label;
    r.token_sha256 = SecretDigest(created.value);
    r.created_ms = clock_.NowMillis();
    if (ttl_ms.has_value()) r.expires_ms = r.created_ms + *ttl_ms;
    return users_.CreateToken(r);
  };
  Status result = create();
  nlohmann::json detail = {{"user", user}, {"label", label}};
  if (created.record.expires_ms.has_value()) detail["expires_ms"] = *created.record.expires_ms;
  SLUICE_RETURN_IF_ERROR(
      Audited(actor, "token.create", result.ok() ? created.record.id : user, result, detail));
  return created;
}

Result<std::vector<store::ApiTokenRecord>> Accounts::ListTokens(const std::string& user) const {
  return users_.ListTokens(user);
}

Status Accounts::RevokeToken(const Actor& actor, const std::string& id) {
  nlohmann::json detail = nlohmann::json::object();
  if (auto token = users_.GetToken(id); token.ok()) detail["user"] = token->user;
  return Audited(actor, "token.revoke", id, users_.DeleteToken(id), std::move(detail));
}

}  // namespace sluice::server
