// Who is asking, and may they: authentication of HTTP requests, browser
// sign-in and sign-out, CSRF protection and authorization for sluice server.
//
// A request proves who it is in one of three ways, tried in this order:
//   Authorization: Bearer sluice_...   an API token (auth_store tokens)
//   Authorization: Basic <user:pass>   a user's password, for API clients
//   Cookie: sluice_session=<id>        a browser session made by Login()
// A request with an Authorization header is judged by that header only (a
// wrong token never falls back to the cookie). With none of them the
// request is anonymous, which is refused unless AuthOptions::allow_anonymous
// is set — and even then an anonymous principal may only read.
// The server never sends a `WWW-Authenticate: Basic` challenge, so browsers
// do not cache Basic credentials (which would make them replayable by other
// sites the way cookies are).
//
// Errors (a Status, never an exception):
//   Authenticate: PermissionDenied means "not authenticated" (answer 401);
//     the message never says whether a user exists, or why a password or
//     token was refused beyond "invalid". IoError/Internal: the database.
//   CheckUnsafeRequest and Authorize: PermissionDenied (answer 403), saying
//     what is missing (the X-CSRF-Token header, a role).
// Every failed sign-in — password, token, or Login() — is written to the
// audit log and delays the answer: per remote address, doubling from
// failure_delay up to max_failure_delay, reset by a success. Successful
// Login/Logout are audited; a successful per-request token or password
// check is not (it would log every request).
//
// Secrets are handled as credentials.h says: passwords are verified against
// their Argon2id hash (password.h), tokens and session ids are looked up by
// SHA-256, and none of them appears in a Status, the audit log or the
// store.
//
// Blocking: Authenticate (Basic) and Login verify an Argon2id hash (tens of
// milliseconds, 64 MiB) and a failure sleeps its delay, so call them from a
// worker thread, never from net::HttpServer's I/O threads, whose handlers
// must not block (http_server.h). Tokens and sessions cost one lookup.
//
// Thread-safe: one Authenticator serves every request thread. The stores
// and the clock it is given must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "net/http_message.h"
#include "pipeline/entities.h"
#include "server/roles.h"
#include "store/audit_log.h"
#include "store/auth_store.h"

namespace sluice::server {

inline constexpr std::string_view kSessionCookie = "sluice_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

enum class AuthMethod { kAnonymous, kToken, kPassword, kSession };
// "anonymous", "token", "password", "session".
std::string_view AuthMethodName(AuthMethod method);

// The authenticated party of a request.
struct Principal {
  std::string user;  // "" when anonymous
  std::string email;
  Role role = Role::kViewer;
  std::vector<std::string> groups;  // identifiers of the user groups listing the user
  AuthMethod method = AuthMethod::kAnonymous;
  std::string token_id;        // kToken: the token's public id
  std::string session_digest;  // kSession: SHA-256 of the session id (not the id)
  std::string csrf_token;      // kSession: what X-CSRF-Token must carry

  bool anonymous() const { return method == AuthMethod::kAnonymous; }
};

struct AuthOptions {
  // Serve read-only requests without credentials. Off by default.
  bool allow_anonymous = false;
  // How long a browser session lasts after Login.
  int64_t session_ttl_ms = 12 * 60 * 60 * 1000;
  // The Secure attribute of the session cookie; SecureCookiesFor() gives
  // the usual choice for a listening address.
  bool secure_cookies = true;
  // Delay of the first failed sign-in from an address; each further one
  // doubles it up to the maximum.
  std::chrono::milliseconds failure_delay{250};
  std::chrono::milliseconds max_failure_delay{4000};
};

// False for loopback hosts ("127.0.0.1", "::1", "localhost", 127.x.y.z):
// browsers send Secure cookies only over HTTPS, which a local server does
// not speak. True for anything else.
bool SecureCookiesFor(std::string_view listen_host);

// What Login gives back. `session_id` is the secret the cookie carries:
// set it with `set_cookie` and forget it.
struct LoginResult {
  Principal principal;
  std::string session_id;
  std::string csrf_token;
  int64_t expires_ms = 0;
  std::string set_cookie;  // the Set-Cookie header value
};

class Authenticator {
 public:
  // Sleeps for the failed-sign-in delay; tests pass one that records it.
  using SleepFn = std::function<void(std::chrono::milliseconds)>;

  // `groups` are the project's user groups (pipeline/entities.h), used to
  // fill Principal::groups.
  Authenticator(store::AuthStore& users, store::AuditLog& audit,
                std::vector<pipeline::UserGroup> groups, const Clock& clock, AuthOptions options,
                SleepFn sleep = nullptr);
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // Who sent `request`; `remote_address` is the peer (for the audit log and
  // the failure delay).
  Result<Principal> Authenticate(const net::HttpRequest& request, std::string_view remote_address);

  // For POST, PUT, PATCH and DELETE: refuses a cross-origin request (an
  // Origin header naming another host than Host, Origin "null", or
  // Sec-Fetch-Site: cross-site) whatever the method of authentication, and
  // for a session requires the X-CSRF-Token header to equal the session's
  // token. Ok for other methods.
  Status CheckUnsafeRequest(const net::HttpRequest& request, const Principal& principal) const;

  // Whether `principal` may take `action` (roles.h); anonymous principals
  // may only read.
  Status Authorize(const Principal& principal, Action action) const;

  // Signs a browser in with a user name and password and starts a session.
  // Failures say only "invalid user name or password".
  Result<LoginResult> Login(std::string_view user, std::string_view password,
                            std::string_view remote_address);
  // Ends the session of a session principal and returns the Set-Cookie
  // value that clears the cookie. Ok (and the clearing cookie) for others.
  Result<std::string> Logout(const Principal& principal, std::string_view remote_address);

  // Identifiers of the groups listing `user` by name or `email`.
  std::vector<std::string> GroupsOf(std::string_view user, std::string_view email) const;

  // Deletes expired sessions; returns how many. Run it now and then.
  Result<int64_t> PruneSessions();

 private:
  // A user who may sign in, as a principal; PermissionDenied ("invalid")
  // for a missing or disabled user.
  Result<Principal> PrincipalOf(const std::string& user, AuthMethod method);
  Result<Principal> CheckToken(std::string_view token, std::string_view remote_address);
  Result<Principal> CheckPassword(std::string_view user, std::string_view password,
                                  std::string_view remote_address, std::string_view action);
  Result<Principal> CheckSession(std::string_view session_id);
  // Audits the failure, waits the address's delay, and returns `refusal`.
  // `detail` says how and why, for the audit log only.
  Status Refuse(std::string_view remote_address, std::string_view target, std::string_view action,
                nlohmann::json detail, Status refusal);
  void ClearFailures(std::string_view remote_address);
  std::string SessionCookie(std::string_view value, int64_t max_age_s) const;

  // Constant after construction.
  store::AuthStore& users_;
  store::AuditLog& audit_;
  const std::vector<pipeline::UserGroup> groups_;
  const Clock& clock_;
  const AuthOptions options_;
  const SleepFn sleep_;

  // Failed sign-ins per remote address since its last success.
  std::mutex mu_;
  std::map<std::string, int, std::less<>> failures_;  // guarded by mu_
};

}  // namespace sluice::server
