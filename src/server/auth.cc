#include "server/auth.h"

#include <algorithm>
#include <cctype>
#include <thread>
#include <utility>

#include "common/base64.h"
#include "server/audit.h"
#include "server/credentials.h"
#include "server/password.h"

namespace sluice::server {

namespace {

// A failed token lookup updates nothing; a used token records its use at
// most this often, so a busy client does not write on every request.
constexpr int64_t kTouchIntervalMs = 60'000;
// Addresses remembered for the failure delay; beyond this the table starts
// over (a bound on memory, not a security boundary).
constexpr size_t kMaxTrackedAddresses = 10'000;

constexpr std::string_view kInvalidLogin = "invalid user name or password";
constexpr std::string_view kInvalidToken = "invalid API token";
constexpr std::string_view kInvalidSession =
    "the session has expired or was signed out: sign in again";

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of cookie `name` in the request's Cookie headers, "" if absent.
std::string_view CookieValue(const net::HttpRequest& request, std::string_view name) {
  for (std::string_view header : request.headers_named("Cookie")) {
    while (!header.empty()) {
      size_t end = header.find(';');
      std::string_view pair = Trim(header.substr(0, end));
      header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    }
  }
  return {};
}

bool IsUnsafeMethod(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// "https://host:8080/x" -> "host:8080"; "" when it has no scheme.
std::string_view OriginAuthority(std::string_view origin) {
  size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view rest = origin.substr(scheme_end + 3);
  return rest.substr(0, rest.find('/'));
}

// The name to record for a sign-in attempt: the claimed user when it has a
// user name's shape, else nothing (it may be a password typed in the wrong
// field).
std::string AttemptedUser(std::string_view user) {
  std::string name(user);
  return store::CheckUserName(name).ok() ? name : std::string();
}

// Verified against when the user does not exist, so that an unknown name
// takes as long to refuse as a wrong password.
const std::string& DummyHash() {
  static const std::string hash = [] {
    auto h = HashPassword(NewSessionId());
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

}  // namespace

std::string_view AuthMethodName(AuthMethod method) {
  switch (method) {
    case AuthMethod::kAnonymous:
      return "anonymous";
    case AuthMethod::kToken:
      return "token";
    case AuthMethod::kPassword:
      return "password";
    case AuthMethod::kSession:
      return "session";
  }
  return "anonymous";
}

bool SecureCookiesFor(std::string_view listen_host) {
  if (listen_host.size() >= 2 && listen_host.front() == '[' && listen_host.back() == ']') {
    listen_host = listen_host.substr(1, listen_host.size() - 2);
  }
  return !(EqualsIgnoringCase(listen_host, "localhost") || listen_host == "::1" ||
           listen_host.starts_with("127."));
}

Authenticator::Authenticator(store::AuthStore& users, store::AuditLog& audit,
                             std::vector<pipeline::UserGroup> groups, const Clock& clock,
                             AuthOptions options, SleepFn sleep)
    : users_(users),
      audit_(audit),
      groups_(std::move(groups)),
      clock_(clock),
      options_(options),
      sleep_(sleep ? std::move(sleep)
                   : SleepFn([](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); })) {
}

Result<Principal> Authenticator::Authenticate(const net::HttpRequest& request,
                                              std::string_view remote_address) {
  std::string_view authorization = Trim(request.header("Authorization"));
  if (!authorization.empty()) {
    size_t space = authorization.find(' ');
    std::string_view scheme = authorization.substr(0, space);
    std::string_view credentials =
        space == std::string_view::npos ? std::string_view() : Trim(authorization.substr(space));
    if (EqualsIgnoringCase(scheme, "Bearer")) return CheckToken(credentials, remote_address);
    if (EqualsIgnoringCase(scheme, "Basic")) {
      auto decoded = Base64Decode(credentials);
      size_t colon = decoded.ok() ? decoded->find(':') : std::string::npos;
      if (colon == std::string::npos) {
        return Status::PermissionDenied(
            "malformed Authorization header: Basic needs the base64 of user:password");
      }
      std::string_view pair(*decoded);
      return CheckPassword(pair.substr(0, colon), pair.substr(colon + 1), remote_address, "login");
    }
    return Status::PermissionDenied("unsupported Authorization scheme \"" +
                                    std::string(scheme.substr(0, 32)) +
                                    "\": use Bearer <API token> or Basic");
  }
  if (std::string_view session = CookieValue(request, kSessionCookie); !session.empty()) {
    return CheckSession(session);
  }
  if (options_.allow_anonymous) return Principal{};
  return Status::PermissionDenied(
      "authentication required: send Authorization: Bearer <API token> (`sluice token create`) "
      "or sign in");
}

Status Authenticator::CheckUnsafeRequest(const net::HttpRequest& request,
                                         const Principal& principal) const {
  if (!IsUnsafeMethod(request.method)) return Status::Ok();
  if (EqualsIgnoringCase(request.header("Sec-Fetch-Site"), "cross-site")) {
    return Status::PermissionDenied(
        "cross-site request refused: sluice accepts changes only from its own pages");
  }
  if (std::string_view origin = request.header("Origin"); !origin.empty()) {
    std::string_view host = request.header("Host");
    std::string_view authority = OriginAuthority(origin);
    if (host.empty() || authority.empty() || !EqualsIgnoringCase(authority, host)) {
      return Status::PermissionDenied("request from origin \"" +
                                      std::string(origin.substr(0, 200)) +
                                      "\" refused: sluice accepts changes only from its own pages");
    }
  }
  if (principal.method == AuthMethod::kSession) {
    std::string_view sent = request.header(kCsrfHeader);
    if (sent.empty()) {
      return Status::PermissionDenied(
          "missing X-CSRF-Token header: send the CSRF token the sign-in returned");
    }
    if (!ConstantTimeEquals(sent, principal.csrf_token)) {
      return Status::PermissionDenied(
          "invalid X-CSRF-Token header: send the CSRF token of this session");
    }
  }
  return Status::Ok();
}

Status Authenticator::Authorize(const Principal& principal, Action action) const {
  if (principal.anonymous()) {
    if (options_.allow_anonymous && action == Action::kRead) return Status::Ok();
    return Status::PermissionDenied("sign in to " + std::string(ActionName(action)) +
                                    (options_.allow_anonymous
                                         ? ": anonymous access is read-only"
                                         : ": anonymous access is not enabled"));
  }
  if (Allows(principal.role, action)) return Status::Ok();
  return Status::PermissionDenied("user \"" + principal.user + "\" (role " +
                                  std::string(RoleName(principal.role)) + ") may not " +
                                  std::string(ActionName(action)) + ": that needs the " +
                                  std::string(RoleName(MinimumRole(action))) + " role or higher");
}

Result<LoginResult> Authenticator::Login(std::string_view user, std::string_view password,
                                         std::string_view remote_address) {
  SLUICE_ASSIGN_OR_RETURN(Principal principal,
                          CheckPassword(user, password, remote_address, "login"));
  LoginResult result;
  result.session_id = NewSessionId();
  result.csrf_token = NewCsrfToken();
  const int64_t now = clock_.NowMillis();
  result.expires_ms = now + options_.session_ttl_ms;
  store::SessionRecord session;
  session.id_sha256 = SecretDigest(result.session_id);
  session.user = principal.user;
  session.csrf_token = result.csrf_token;
  session.created_ms = now;
  session.expires_ms = result.expires_ms;
  session.remote_address = std::string(remote_address);
  SLUICE_RETURN_IF_ERROR(users_.CreateSession(session));
  SLUICE_RETURN_IF_ERROR(WriteAudit(audit_, clock_, {principal.user, std::string(remote_address)},
                                    "login", principal.user, kOutcomeSuccess,
                                    {{"method", "session"}}));
  principal.method = AuthMethod::kSession;
  principal.session_digest = session.id_sha256;
  principal.csrf_token = result.csrf_token;
  result.principal = std::move(principal);
  result.set_cookie = SessionCookie(result.session_id, options_.session_ttl_ms / 1000);
  return result;
}

Result<std::string> Authenticator::Logout(const Principal& principal,
                                          std::string_view remote_address) {
  if (principal.method == AuthMethod::kSession) {
    SLUICE_RETURN_IF_ERROR(users_.DeleteSession(principal.session_digest));
    SLUICE_RETURN_IF_ERROR(WriteAudit(audit_, clock_, {principal.user, std::string(remote_address)},
                                      "logout", principal.user, kOutcomeSuccess));
  }
  return SessionCookie("", 0);
}

std::vector<std::string> Authenticator::GroupsOf(std::string_view user,
                                                 std::string_view email) const {
  std::vector<std::string> ids;
  for (const pipeline::UserGroup& g : groups_) {
    if (g.HasMember(user, email)) ids.push_back(g.identifier);
  }
  return ids;
}

Result<int64_t> Authenticator::PruneSessions() {
  return users_.DeleteExpiredSessions(clock_.NowMillis());
}

Result<Principal> Authenticator::PrincipalOf(const std::string& user, AuthMethod method) {
  auto record = users_.GetUser(user);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) {
      return Status::PermissionDenied("no such user");
    }
    return record.status();
  }
  if (record->disabled) return Status::PermissionDenied("user disabled");
  auto role = ParseRole(record->role);
  if (!role.ok()) return Status::Internal("user \"" + user + "\": " + role.status().message());
  Principal p;
  p.user = record->name;
  p.email = record->email;
  p.role = *role;
  p.groups = GroupsOf(record->name, record->email);
  p.method = method;
  return p;
}

Result<Principal> Authenticator::CheckToken(std::string_view token,
                                            std::string_view remote_address) {
  auto why = [](std::string reason) {
    return nlohmann::json{{"method", "token"}, {"reason", std::move(reason)}};
  };
  if (!LooksLikeToken(token)) {
    return Refuse(remote_address, "", "login", why("malformed token"),
                  Status::PermissionDenied(std::string(kInvalidToken)));
  }
  auto record = users_.FindTokenByHash(SecretDigest(token));
  if (!record.ok()) {
    if (record.status().code() != StatusCode::kNotFound) return record.status();
    return Refuse(remote_address, "", "login", why("unknown token"),
                  Status::PermissionDenied(std::string(kInvalidToken)));
  }
  const int64_t now = clock_.NowMillis();
  if (record->expires_ms.has_value() && *record->expires_ms <= now) {
    // The caller holds the token, so saying it expired reveals nothing.
    return Refuse(remote_address, record->user, "login", why("token " + record->id + " expired"),
                  Status::PermissionDenied("API token expired: create a new one with `sluice "
                                           "token create`"));
  }
  auto principal = PrincipalOf(record->user, AuthMethod::kToken);
  if (!principal.ok()) {
    if (principal.status().code() != StatusCode::kPermissionDenied) return principal.status();
    return Refuse(remote_address, record->user, "login",
                  why("token " + record->id + ": " + principal.status().message()),
                  Status::PermissionDenied(std::string(kInvalidToken)));
  }
  if (now - record->last_used_ms >= kTouchIntervalMs) {
    // Recording the use is bookkeeping; failing to is no reason to refuse.
    (void)users_.TouchToken(record->id, now);
  }
  ClearFailures(remote_address);
  principal->token_id = record->id;
  return principal;
}

Result<Principal> Authenticator::CheckPassword(std::string_view user, std::string_view password,
                                               std::string_view remote_address,
                                               std::string_view action) {
  const std::string name(user);
  auto why = [](std::string reason) {
    return nlohmann::json{{"method", "password"}, {"reason", std::move(reason)}};
  };
  auto record = users_.GetUser(name);
  if (!record.ok()) {
    if (record.status().code() != StatusCode::kNotFound) return record.status();
    (void)VerifyPassword(DummyHash(), password);
    return Refuse(remote_address, AttemptedUser(user), action, why("unknown user"),
                  Status::PermissionDenied(std::string(kInvalidLogin)));
  }
  // Verify even for a disabled user, so that the answer takes as long.
  const bool matches = VerifyPassword(record->password_hash, password);
  if (record->disabled || !matches) {
    return Refuse(remote_address, record->name, action,
                  why(record->disabled ? "user disabled" : "wrong password"),
                  Status::PermissionDenied(std::string(kInvalidLogin)));
  }
  if (PasswordNeedsRehash(record->password_hash)) {
    // Upgrade to today's limits while the password is at hand; a failure
    // leaves the old, still valid hash.
    if (auto rehashed = HashPassword(password); rehashed.ok()) {
      record->password_hash = std::move(*rehashed);
      (void)users_.UpdateUser(*record);
    }
  }
  ClearFailures(remote_address);
  return PrincipalOf(record->name, AuthMethod::kPassword);
}

Result<Principal> Authenticator::CheckSession(std::string_view session_id) {
  const std::string digest = SecretDigest(session_id);
  auto session = users_.FindSession(digest);
  if (!session.ok()) {
    if (session.status().code() != StatusCode::kNotFound) return session.status();
    return Status::PermissionDenied(std::string(kInvalidSession));
  }
  if (session->expires_ms <= clock_.NowMillis()) {
    SLUICE_RETURN_IF_ERROR(users_.DeleteSession(digest));
    return Status::PermissionDenied(std::string(kInvalidSession));
  }
  auto principal = PrincipalOf(session->user, AuthMethod::kSession);
  if (!principal.ok()) {
    if (principal.status().code() != StatusCode::kPermissionDenied) return principal.status();
    return Status::PermissionDenied(std::string(kInvalidSession));
  }
  principal->session_digest = digest;
  principal->csrf_token = session->csrf_token;
  return principal;
}

Status Authenticator::Refuse(std::string_view remote_address, std::string_view target,
                             std::string_view action, nlohmann::json detail, Status refusal) {
  Status audited = WriteAudit(audit_, clock_, {"", std::string(remote_address)}, action, target,
                              kOutcomeDenied, std::move(detail));
  int failures = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (failures_.size() >= kMaxTrackedAddresses) failures_.clear();
    failures = ++failures_[std::string(remote_address)];
  }
  auto delay = options_.failure_delay;
  for (int i = 1; i < failures && delay < options_.max_failure_delay; ++i) delay *= 2;
  sleep_(std::min(delay, options_.max_failure_delay));
  // Failing to audit fails closed: the caller sees the database error.
  if (!audited.ok()) return audited;
  return refusal;
}

void Authenticator::ClearFailures(std::string_view remote_address) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = failures_.find(remote_address); it != failures_.end()) failures_.erase(it);
}

std::string Authenticator::SessionCookie(std::string_view value, int64_t max_age_s) const {
  std::string cookie = std::string(kSessionCookie) + "=" + std::string(value) +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
  if (options_.secure_cookies) cookie += "; Secure";
  return cookie;
}

}  // namespace sluice::server
