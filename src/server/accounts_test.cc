// Managing users and tokens (accounts.h): the rules, the audit trail, and
// that no secret is kept or logged.
#include "server/accounts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/credentials.h"
#include "server/password.h"
#include "server/server_test_util.h"

namespace sluice::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AccountsTest : public testing::AuthFixture {};

TEST_F(AccountsTest, AddUserStoresAHashAndAuditsTheActor) {
  AddUser("alice", Role::kApprover, "alice@example.com");
  auto alice = store_->auth().GetUser("alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->role, "approver");
  EXPECT_EQ(alice->email, "alice@example.com");
  EXPECT_EQ(alice->created_ms, clock_.NowMillis());
  EXPECT_TRUE(VerifyPassword(alice->password_hash, "alice-password"));
  EXPECT_THAT(alice->password_hash, Not(HasSubstr("alice-password")));
  auto trail = AuditTrail();
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].actor, "local:root");
  EXPECT_EQ(trail[0].action, "user.add");
  EXPECT_EQ(trail[0].target, "alice");
  EXPECT_EQ(trail[0].outcome, "success");
  EXPECT_EQ(trail[0].detail["role"], "approver");
  EXPECT_THAT(AuditText(), Not(HasSubstr("alice-password")));
}

TEST_F(AccountsTest, RefusedChangesAreAuditedAsErrors) {
  AddUser("alice", Role::kViewer);
  NewUser again{.name = "alice", .password = "long enough"};
  EXPECT_EQ(accounts_->AddUser(admin_, again).code(), StatusCode::kAlreadyExists);
  NewUser weak{.name = "bob", .password = "short"};
  Status s = accounts_->AddUser(admin_, weak);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("too short"));
  NewUser bad_email{.name = "carol", .email = "carol at example", .password = "long enough"};
  EXPECT_THAT(accounts_->AddUser(admin_, bad_email).message(),
              HasSubstr("invalid e-mail address \"carol at example\""));
  auto trail = AuditTrail();
  ASSERT_EQ(trail.size(), 4u);
  EXPECT_EQ(trail[1].outcome, "error");
  EXPECT_THAT(trail[1].detail["error"].get<std::string>(), HasSubstr("already exists"));
  EXPECT_EQ(trail[2].target, "bob");
  EXPECT_THAT(AuditText(), Not(HasSubstr("\"short\"")));
  EXPECT_EQ(store_->auth().GetUser("bob").status().code(), StatusCode::kNotFound);
}

TEST_F(AccountsTest, SetPasswordReplacesTheHashAndEndsSessions) {
  AddUser("alice", Role::kViewer);
  store::SessionRecord session;
  session.id_sha256 = SecretDigest("sid");
  session.user = "alice";
  session.csrf_token = "csrf";
  session.expires_ms = clock_.NowMillis() + 1000;
  ASSERT_TRUE(store_->auth().CreateSession(session).ok());
  ASSERT_TRUE(accounts_->SetPassword(admin_, "alice", "a new password").ok());
  auto alice = store_->auth().GetUser("alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_TRUE(VerifyPassword(alice->password_hash, "a new password"));
  EXPECT_FALSE(VerifyPassword(alice->password_hash, "alice-password"));
  EXPECT_EQ(store_->auth().FindSession(session.id_sha256).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(AuditTrail().back().action, "user.passwd");
  EXPECT_EQ(AuditTrail().back().detail["sessions_ended"], 1);
  EXPECT_EQ(accounts_->SetPassword(admin_, "nobody", "a new password").code(),
            StatusCode::kNotFound);
}

TEST_F(AccountsTest, RemoveUserTakesItsTokensAlong) {
  AddUser("alice", Role::kExecutor);
  auto token = accounts_->CreateToken(admin_, "alice", "ci", std::nullopt);
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(accounts_->RemoveUser(admin_, "alice").ok());
  EXPECT_EQ(store_->auth().GetToken(token->record.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(accounts_->RemoveUser(admin_, "alice").code(), StatusCode::kNotFound);
  auto trail = AuditTrail();
  EXPECT_EQ(trail[trail.size() - 2].action, "user.rm");
  EXPECT_EQ(trail.back().outcome, "error");
}

TEST_F(AccountsTest, TokensAreShownOnceAndStoredHashed) {
  AddUser("alice", Role::kExecutor);
  auto token = accounts_->CreateToken(admin_, "alice", "nightly", 30LL * 24 * 3600 * 1000);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_TRUE(LooksLikeToken(token->value));
  EXPECT_EQ(token->record.token_sha256, SecretDigest(token->value));
  EXPECT_EQ(token->record.expires_ms, clock_.NowMillis() + 30LL * 24 * 3600 * 1000);
  auto listed = accounts_->ListTokens("");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, token->record.id);
  EXPECT_EQ((*listed)[0].label, "nightly");
  EXPECT_THAT(AuditText(), Not(HasSubstr(token->value)));
  EXPECT_THAT(AuditText(), Not(HasSubstr(token->record.token_sha256)));
  EXPECT_EQ(AuditTrail().back().action, "token.create");
  EXPECT_EQ(AuditTrail().back().target, token->record.id);
}

TEST_F(AccountsTest, TokensNeedAnEnabledUserAndAPositiveLifetime) {
  EXPECT_EQ(accounts_->CreateToken(admin_, "ghost", "", std::nullopt).status().code(),
            StatusCode::kNotFound);
  AddUser("alice", Role::kExecutor);
  EXPECT_EQ(accounts_->CreateToken(admin_, "alice", "", 0).status().code(),
            StatusCode::kInvalidArgument);
  auto alice = store_->auth().GetUser("alice");
  alice->disabled = true;
  ASSERT_TRUE(store_->auth().UpdateUser(*alice).ok());
  EXPECT_EQ(accounts_->CreateToken(admin_, "alice", "", std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(AuditTrail().back().outcome, "error");
}

TEST_F(AccountsTest, RevokeDeletesTheTokenAndAuditsWhose) {
  AddUser("alice", Role::kExecutor);
  auto token = accounts_->CreateToken(admin_, "alice", "ci", std::nullopt);
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(accounts_->RevokeToken(admin_, token->record.id).ok());
  EXPECT_EQ(store_->auth().FindTokenByHash(SecretDigest(token->value)).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(AuditTrail().back().action, "token.revoke");
  EXPECT_EQ(AuditTrail().back().detail["user"], "alice");
  EXPECT_EQ(accounts_->RevokeToken(admin_, token->record.id).code(), StatusCode::kNotFound);
}

TEST(AccountsEmailTest, AcceptsPlainAddressesOnly) {
  EXPECT_TRUE(CheckEmail("").ok());
  EXPECT_TRUE(CheckEmail("a@b.c").ok());
  EXPECT_FALSE(CheckEmail("@b.c").ok());
  EXPECT_FALSE(CheckEmail("a@").ok());
  EXPECT_FALSE(CheckEmail("a@b@c").ok());
  EXPECT_FALSE(CheckEmail("a b@c").ok());
}

}  // namespace
}  // namespace sluice::server
