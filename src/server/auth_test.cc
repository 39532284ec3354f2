// Authentication and authorization of requests (auth.h): every way in, and
// every refusal.
#include "server/auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include "common/base64.h"
#include "server/credentials.h"
#include "server/password.h"
#include "server/server_test_util.h"

namespace sluice::server {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kRemote = "127.0.0.1";

net::HttpRequest Request(std::string method = "GET", net::HttpHeaders headers = {}) {
  net::HttpRequest r;
  r.method = std::move(method);
  r.target = r.path = "/api/executions";
  r.headers = std::move(headers);
  r.headers.emplace_back("Host", "127.0.0.1:8080");
  r.remote_address = std::string(kRemote);
  return r;
}

net::HttpRequest WithBearer(const std::string& token, std::string method = "GET") {
  return Request(std::move(method), {{"Authorization", "Bearer " + token}});
}

net::HttpRequest WithBasic(const std::string& user, const std::string& password) {
  return Request("GET", {{"Authorization", "Basic " + Base64Encode(user + ":" + password)}});
}

net::HttpRequest WithCookie(const std::string& session_id, std::string method = "GET",
                            net::HttpHeaders more = {}) {
  more.emplace_back("Cookie", "theme=dark; sluice_session=" + session_id + "; other=1");
  return Request(std::move(method), std::move(more));
}

class AuthTest : public testing::AuthFixture {
 protected:
  void SetUp() override {
    AuthFixture::SetUp();
    AddUser("alice", Role::kApprover, "Alice@Example.com");
    AddUser("victor", Role::kViewer);
    pipeline::UserGroup approvers;
    approvers.identifier = "model_approvers";
    approvers.users = {"alice@example.com"};
    pipeline::UserGroup everyone;
    everyone.identifier = "everyone";
    everyone.users = {"alice", "victor"};
    groups_ = {approvers, everyone};
    MakeAuthenticator({});
  }

  void MakeAuthenticator(AuthOptions options) {
    auth_ =
        std::make_unique<Authenticator>(store_->auth(), store_->audit(), groups_, clock_, options,
                                        [this](milliseconds d) { sleeps_.push_back(d.count()); });
  }

  std::string TokenFor(const std::string& user, std::optional<int64_t> ttl_ms = std::nullopt) {
    auto token = accounts_->CreateToken(admin_, user, "test", ttl_ms);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? token->value : "";
  }

  // Expects a 401-style refusal with exactly `message`.
  void ExpectRefused(const Result<Principal>& p, std::string_view message) {
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(p.status().message(), message);
  }

  std::vector<pipeline::UserGroup> groups_;
  std::unique_ptr<Authenticator> auth_;
  std::vector<int64_t> sleeps_;
};

TEST_F(AuthTest, BearerTokenGivesItsUserRoleAndGroups) {
  const std::string token = TokenFor("alice");
  auto p = auth_->Authenticate(WithBearer(token), kRemote);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->user, "alice");
  EXPECT_EQ(p->role, Role::kApprover);
  EXPECT_EQ(p->method, AuthMethod::kToken);
  EXPECT_THAT(p->groups, ElementsAre("model_approvers", "everyone"));
  EXPECT_FALSE(p->token_id.empty());
  auto stored = store_->auth().GetToken(p->token_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->last_used_ms, clock_.NowMillis());
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(AuthTest, UnknownAndMalformedTokensAreRefusedAuditedAndDelayed) {
  ExpectRefused(auth_->Authenticate(WithBearer(NewTokenValue()), kRemote), "invalid API token");
  ExpectRefused(auth_->Authenticate(WithBearer("not-a-token"), kRemote), "invalid API token");
  EXPECT_EQ(sleeps_.size(), 2u);
  auto trail = AuditTrail();
  EXPECT_EQ(trail.back().action, "login");
  EXPECT_EQ(trail.back().outcome, "denied");
  EXPECT_EQ(trail.back().remote_address, "127.0.0.1");
  EXPECT_EQ(trail.back().detail["method"], "token");
  EXPECT_THAT(AuditText(), Not(HasSubstr("not-a-token")));
}

TEST_F(AuthTest, ExpiredRevokedAndDisabledUsersTokensAreRefused) {
  const std::string expiring = TokenFor("alice", 1000);
  clock_.Advance(1000);
  ExpectRefused(auth_->Authenticate(WithBearer(expiring), kRemote),
                "API token expired: create a new one with `sluice token create`");

  const std::string revoked = TokenFor("alice");
  auto p = auth_->Authenticate(WithBearer(revoked), kRemote);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(accounts_->RevokeToken(admin_, p->token_id).ok());
  ExpectRefused(auth_->Authenticate(WithBearer(revoked), kRemote), "invalid API token");

  const std::string victors = TokenFor("victor");
  auto victor = store_->auth().GetUser("victor");
  victor->disabled = true;
  ASSERT_TRUE(store_->auth().UpdateUser(*victor).ok());
  ExpectRefused(auth_->Authenticate(WithBearer(victors), kRemote), "invalid API token");
}

TEST_F(AuthTest, BasicAuthChecksThePassword) {
  auto p = auth_->Authenticate(WithBasic("victor", "victor-password"), kRemote);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->user, "victor");
  EXPECT_EQ(p->method, AuthMethod::kPassword);
  EXPECT_THAT(p->groups, ElementsAre("everyone"));
  ExpectRefused(auth_->Authenticate(WithBasic("victor", "wrong-password"), kRemote),
                "invalid user name or password");
  ExpectRefused(auth_->Authenticate(Request("GET", {{"Authorization", "Basic !!!"}}), kRemote),
                "malformed Authorization header: Basic needs the base64 of user:password");
}

TEST_F(AuthTest, AnUnknownUserIsRefusedExactlyLikeAWrongPassword) {
  auto unknown = auth_->Authenticate(WithBasic("mallory", "victor-password"), kRemote);
  auto wrong = auth_->Authenticate(WithBasic("victor", "mallory-password"), kRemote);
  ASSERT_FALSE(unknown.ok());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(unknown.status().code(), wrong.status().code());
  EXPECT_EQ(unknown.status().message(), wrong.status().message());
  // The audit log, for administrators, says which it was.
  auto trail = AuditTrail();
  EXPECT_EQ(trail[trail.size() - 2].target, "mallory");
  EXPECT_EQ(trail[trail.size() - 2].detail["reason"], "unknown user");
  EXPECT_EQ(trail.back().detail["reason"], "wrong password");
  EXPECT_THAT(AuditText(), Not(HasSubstr("mallory-password")));
}

TEST_F(AuthTest, FailedSignInsBackOffPerAddressUntilASuccess) {
  MakeAuthenticator({.failure_delay = milliseconds(100), .max_failure_delay = milliseconds(350)});
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(auth_->Authenticate(WithBasic("victor", "nope-nope"), "10.0.0.1").ok());
  }
  EXPECT_FALSE(auth_->Authenticate(WithBasic("victor", "nope-nope"), "10.0.0.2").ok());
  ASSERT_TRUE(auth_->Authenticate(WithBasic("victor", "victor-password"), "10.0.0.1").ok());
  EXPECT_FALSE(auth_->Authenticate(WithBasic("victor", "nope-nope"), "10.0.0.1").ok());
  EXPECT_THAT(sleeps_, ElementsAre(100, 200, 350, 350, 100, 100));
}

TEST_F(AuthTest, UnsupportedSchemesAndMissingCredentialsAreRefused) {
  ExpectRefused(auth_->Authenticate(Request("GET", {{"Authorization", "Digest x=1"}}), kRemote),
                "unsupported Authorization scheme \"Digest\": use Bearer <API token> or Basic");
  ExpectRefused(auth_->Authenticate(Request(), kRemote),
                "authentication required: send Authorization: Bearer <API token> (`sluice token "
                "create`) or sign in");
}

TEST_F(AuthTest, AWrongAuthorizationHeaderNeverFallsBackToTheCookie) {
  auto login = auth_->Login("alice", "alice-password", kRemote);
  ASSERT_TRUE(login.ok());
  net::HttpRequest r = WithCookie(login->session_id);
  r.headers.emplace_back("Authorization", "Bearer " + NewTokenValue());
  ExpectRefused(auth_->Authenticate(r, kRemote), "invalid API token");
}

TEST_F(AuthTest, LoginStartsASessionWithAStrictHttpOnlyCookie) {
  auto login = auth_->Login("alice", "alice-password", kRemote);
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->set_cookie, "sluice_session=" + login->session_id +
                                   "; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure");
  EXPECT_EQ(login->expires_ms, clock_.NowMillis() + 43'200'000);
  // Only the digest is stored.
  auto session = store_->auth().FindSession(SecretDigest(login->session_id));
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->user, "alice");
  EXPECT_EQ(session->csrf_token, login->csrf_token);
  EXPECT_EQ(session->remote_address, "127.0.0.1");
  EXPECT_EQ(store_->auth().FindSession(login->session_id).status().code(), StatusCode::kNotFound);

  auto p = auth_->Authenticate(WithCookie(login->session_id), kRemote);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->user, "alice");
  EXPECT_EQ(p->method, AuthMethod::kSession);
  EXPECT_EQ(p->csrf_token, login->csrf_token);
  EXPECT_EQ(AuditTrail().back().action, "login");
  EXPECT_EQ(AuditTrail().back().outcome, "success");
  EXPECT_THAT(AuditText(), Not(HasSubstr(login->session_id)));
}

TEST_F(AuthTest, CookiesAreNotSecureOnLoopback) {
  EXPECT_FALSE(SecureCookiesFor("127.0.0.1"));
  EXPECT_FALSE(SecureCookiesFor("localhost"));
  EXPECT_FALSE(SecureCookiesFor("[::1]"));
  EXPECT_TRUE(SecureCookiesFor("0.0.0.0"));
  EXPECT_TRUE(SecureCookiesFor("sluice.example.com"));
  MakeAuthenticator({.secure_cookies = SecureCookiesFor("127.0.0.1")});
  auto login = auth_->Login("alice", "alice-password", kRemote);
  ASSERT_TRUE(login.ok());
  EXPECT_THAT(login->set_cookie, Not(HasSubstr("Secure")));
}

TEST_F(AuthTest, FailedLoginSaysNothingMoreAndIsAudited) {
  auto login = auth_->Login("alice", "wrong-password", "192.0.2.7");
  ExpectRefused(login.status(), "invalid user name or password");
  EXPECT_EQ(AuditTrail().back().outcome, "denied");
  EXPECT_EQ(AuditTrail().back().remote_address, "192.0.2.7");
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(AuthTest, DisabledUsersCannotSignIn) {
  auto victor = store_->auth().GetUser("victor");
  victor->disabled = true;
  ASSERT_TRUE(store_->auth().UpdateUser(*victor).ok());
  ExpectRefused(auth_->Login("victor", "victor-password", kRemote).status(),
                "invalid user name or password");
  EXPECT_EQ(AuditTrail().back().detail["reason"], "user disabled");
}

TEST_F(AuthTest, LogoutAndExpiryEndTheSession) {
  auto login = auth_->Login("alice", "alice-password", kRemote);
  ASSERT_TRUE(login.ok());
  auto p = auth_->Authenticate(WithCookie(login->session_id), kRemote);
  ASSERT_TRUE(p.ok());
  auto cleared = auth_->Logout(*p, kRemote);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(*cleared, "sluice_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
  ExpectRefused(auth_->Authenticate(WithCookie(login->session_id), kRemote),
                "the session has expired or was signed out: sign in again");
  EXPECT_EQ(AuditTrail().back().action, "logout");

  auto again = auth_->Login("alice", "alice-password", kRemote);
  ASSERT_TRUE(again.ok());
  clock_.Advance(43'200'000);
  ExpectRefused(auth_->Authenticate(WithCookie(again->session_id), kRemote),
                "the session has expired or was signed out: sign in again");
}

TEST_F(AuthTest, CookieUnsafeRequestsNeedTheSessionsCsrfToken) {
  auto login = auth_->Login("alice", "alice-password", kRemote);
  ASSERT_TRUE(login.ok());
  auto p = auth_->Authenticate(WithCookie(login->session_id), kRemote);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(auth_->CheckUnsafeRequest(WithCookie(login->session_id, "GET"), *p).ok());
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    Status missing = auth_->CheckUnsafeRequest(WithCookie(login->session_id, method), *p);
    EXPECT_EQ(missing.code(), StatusCode::kPermissionDenied) << method;
    EXPECT_EQ(missing.message(),
              "missing X-CSRF-Token header: send the CSRF token the sign-in returned");
  }
  Status wrong = auth_->CheckUnsafeRequest(
      WithCookie(login->session_id, "POST", {{"X-CSRF-Token", NewCsrfToken()}}), *p);
  EXPECT_EQ(wrong.message(), "invalid X-CSRF-Token header: send the CSRF token of this session");
  EXPECT_TRUE(auth_
                  ->CheckUnsafeRequest(WithCookie(login->session_id, "POST",
                                                  {{"x-csrf-token", login->csrf_token},
                                                   {"Origin", "http://127.0.0.1:8080"}}),
                                       *p)
                  .ok());
}

TEST_F(AuthTest, CrossOriginUnsafeRequestsAreRefusedWhateverTheCredentials) {
  const std::string token = TokenFor("alice");
  auto p = auth_->Authenticate(WithBearer(token, "POST"), kRemote);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(auth_->CheckUnsafeRequest(WithBearer(token, "POST"), *p).ok());  // no CSRF needed
  net::HttpRequest evil = WithBearer(token, "POST");
  evil.headers.emplace_back("Origin", "http://evil.example");
  Status s = auth_->CheckUnsafeRequest(evil, *p);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "request from origin \"http://evil.example\" refused: sluice accepts changes only "
            "from its own pages");
  net::HttpRequest null_origin = WithBearer(token, "DELETE");
  null_origin.headers.emplace_back("Origin", "null");
  EXPECT_FALSE(auth_->CheckUnsafeRequest(null_origin, *p).ok());
  net::HttpRequest cross_site = WithBearer(token, "POST");
  cross_site.headers.emplace_back("Sec-Fetch-Site", "cross-site");
  EXPECT_FALSE(auth_->CheckUnsafeRequest(cross_site, *p).ok());
  net::HttpRequest other_port = WithBearer(token, "PUT");
  other_port.headers.emplace_back("Origin", "http://127.0.0.1:9999");
  EXPECT_FALSE(auth_->CheckUnsafeRequest(other_port, *p).ok());
}

TEST_F(AuthTest, RolesDecideWhatAPrincipalMayDo) {
  auto victor = auth_->Authenticate(WithBasic("victor", "victor-password"), kRemote);
  ASSERT_TRUE(victor.ok());
  EXPECT_TRUE(auth_->Authorize(*victor, Action::kRead).ok());
  Status run = auth_->Authorize(*victor, Action::kRun);
  EXPECT_EQ(run.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(run.message(),
            "user \"victor\" (role viewer) may not run: that needs the executor role or higher");
  auto alice = auth_->Authenticate(WithBasic("alice", "alice-password"), kRemote);
  ASSERT_TRUE(alice.ok());
  EXPECT_TRUE(auth_->Authorize(*alice, Action::kApprove).ok());
  EXPECT_FALSE(auth_->Authorize(*alice, Action::kManageUsers).ok());
}

TEST_F(AuthTest, AnonymousAccessIsOffByDefault) {
  ASSERT_FALSE(auth_->Authenticate(Request(), kRemote).ok());
  Status s = auth_->Authorize(Principal{}, Action::kRead);
  EXPECT_EQ(s.message(), "sign in to read: anonymous access is not enabled");
}

TEST_F(AuthTest, AnonymousAccessWhenEnabledIsReadOnly) {
  MakeAuthenticator({.allow_anonymous = true});
  auto p = auth_->Authenticate(Request(), kRemote);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->anonymous());
  EXPECT_TRUE(p->user.empty());
  EXPECT_TRUE(auth_->Authorize(*p, Action::kRead).ok());
  for (Action a : AllActions()) {
    if (a == Action::kRead) continue;
    Status s = auth_->Authorize(*p, a);
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << ActionName(a);
    EXPECT_THAT(s.message(), HasSubstr("anonymous access is read-only"));
  }
  // Credentials that fail are still refused, not downgraded to anonymous.
  EXPECT_FALSE(auth_->Authenticate(WithBearer(NewTokenValue()), kRemote).ok());
}

TEST_F(AuthTest, SignInUpgradesAnOutdatedPasswordHash) {
  ASSERT_GE(sodium_init(), 0);
  char weak[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(weak, "victor-password", 15, crypto_pwhash_OPSLIMIT_MIN,
                                  crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
            0);
  auto victor = store_->auth().GetUser("victor");
  victor->password_hash = weak;
  ASSERT_TRUE(store_->auth().UpdateUser(*victor).ok());
  ASSERT_TRUE(auth_->Authenticate(WithBasic("victor", "victor-password"), kRemote).ok());
  auto upgraded = store_->auth().GetUser("victor");
  EXPECT_FALSE(PasswordNeedsRehash(upgraded->password_hash));
  EXPECT_TRUE(VerifyPassword(upgraded->password_hash, "victor-password"));
}

TEST_F(AuthTest, PruneSessionsDeletesExpiredOnes) {
  ASSERT_TRUE(auth_->Login("alice", "alice-password", kRemote).ok());
  clock_.Advance(43'200'000);
  auto pruned = auth_->PruneSessions();
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
}

}  // namespace
}  // namespace sluice::server
