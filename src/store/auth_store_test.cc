// Users, API tokens and sessions in the state database (auth_store.h).
#include "store/auth_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using ::testing::HasSubstr;
using testing::MakeStateDir;
using testing::OpenOrDie;

UserRecord SampleUser(std::string name = "alice", std::string role = "approver") {
  UserRecord u;
  u.name = std::move(name);
  u.email = u.name + "@example.com";
  u.display_name = "Alice A.";
  u.role = std::move(role);
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  u.created_ms = 1'700'000'000'000;
  return u;
}

ApiTokenRecord SampleToken(std::string id, std::string user, char fill = 'a') {
  ApiTokenRecord t;
  t.id = std::move(id);
  t.user = std::move(user);
  t.label = "ci";
  t.token_sha256 = std::string(64, fill);
  t.created_ms = 1'700'000'000'500;
  return t;
}

SessionRecord SampleSession(std::string user, char fill = 's', int64_t expires_ms = 2'000) {
  SessionRecord s;
  s.id_sha256 = std::string(64, fill);
  s.user = std::move(user);
  s.csrf_token = "csrf-" + std::string(1, fill);
  s.created_ms = 1'000;
  s.expires_ms = expires_ms;
  s.remote_address = "127.0.0.1";
  return s;
}

TEST(AuthStoreTest, UsersRoundTripAndSurviveReopening) {
  TempDir dir = MakeStateDir();
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->auth().CreateUser(SampleUser()).ok());
    UserRecord bob = SampleUser("bob", "viewer");
    bob.disabled = true;
    ASSERT_TRUE(store->auth().CreateUser(bob).ok());
  }
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  auto alice = store->auth().GetUser("alice");
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  EXPECT_EQ(alice->email, "alice@example.com");
  EXPECT_EQ(alice->display_name, "Alice A.");
  EXPECT_EQ(alice->role, "approver");
  EXPECT_EQ(alice->password_hash, SampleUser().password_hash);
  EXPECT_EQ(alice->created_ms, 1'700'000'000'000);
  EXPECT_FALSE(alice->disabled);
  auto users = store->auth().ListUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "alice");
  EXPECT_EQ((*users)[1].name, "bob");
  EXPECT_TRUE((*users)[1].disabled);
}

TEST(AuthStoreTest, UserNamesAreUniqueAndChecked) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->auth().CreateUser(SampleUser()).ok());
  Status again = store->auth().CreateUser(SampleUser());
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(again.message(), HasSubstr("user \"alice\" already exists"));
  Status bad = store->auth().CreateUser(SampleUser("-rf"));
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("invalid user name \"-rf\""));
  EXPECT_FALSE(store->auth().CreateUser(SampleUser("a b")).ok());
  EXPECT_FALSE(store->auth().CreateUser(SampleUser(std::string(65, 'a'))).ok());
  Status role = store->auth().CreateUser(SampleUser("carol", "root"));
  EXPECT_EQ(role.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(role.message(), HasSubstr("use viewer, executor, approver or admin"));
}

TEST(AuthStoreTest, UpdateRewritesEverythingButNameAndCreation) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->auth().CreateUser(SampleUser()).ok());
  UserRecord changed = SampleUser();
  changed.email = "a@example.org";
  changed.role = "admin";
  changed.password_hash = "new";
  changed.disabled = true;
  changed.created_ms = 5;
  ASSERT_TRUE(store->auth().UpdateUser(changed).ok());
  auto alice = store->auth().GetUser("alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->email, "a@example.org");
  EXPECT_EQ(alice->role, "admin");
  EXPECT_EQ(alice->password_hash, "new");
  EXPECT_TRUE(alice->disabled);
  EXPECT_EQ(alice->created_ms, 1'700'000'000'000);
  EXPECT_EQ(store->auth().UpdateUser(SampleUser("nobody")).code(), StatusCode::kNotFound);
}

TEST(AuthStoreTest, TokensAreFoundByHashTouchedAndRevoked) {
  TempDir dir = MakeStateDir();
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->auth().CreateUser(SampleUser()).ok());
    ApiTokenRecord t = SampleToken("tok_1", "alice");
    t.expires_ms = 1'800'000'000'000;
    ASSERT_TRUE(store->auth().CreateToken(t).ok());
    ASSERT_TRUE(store->auth().TouchToken("tok_1", 1'700'000'001'000).ok());
  }
  auto store = OpenOrDie(dir.path());
  auto found = store->auth().FindTokenByHash(std::string(64, 'a'));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, "tok_1");
  EXPECT_EQ(found->user, "alice");
  EXPECT_EQ(found->label, "ci");
  EXPECT_EQ(found->last_used_ms, 1'700'000'001'000);
  EXPECT_EQ(found->expires_ms, std::optional<int64_t>(1'800'000'000'000));
  auto missing = store->auth().FindTokenByHash(std::string(64, 'b'));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "no such API token");
  ASSERT_TRUE(store->auth().DeleteToken("tok_1").ok());
  EXPECT_EQ(store->auth().GetToken("tok_1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->auth().DeleteToken("tok_1").code(), StatusCode::kNotFound);
}

TEST(AuthStoreTest, TokensNeedAUserAndAHashAndNeverRepeatOne) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  EXPECT_EQ(store->auth().CreateToken(SampleToken("tok_1", "ghost")).code(), StatusCode::kNotFound);
  ASSERT_TRUE(store->auth().CreateUser(SampleUser()).ok());
  ApiTokenRecord no_hash = SampleToken("tok_1", "alice");
  no_hash.token_sha256 = "secret-in-clear";
  EXPECT_EQ(store->auth().CreateToken(no_hash).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store->auth().CreateToken(SampleToken("tok_1", "alice")).ok());
  Status same_hash = store->auth().CreateToken(SampleToken("tok_2", "alice"));
  EXPECT_EQ(same_hash.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(same_hash.message(), ::testing::Not(HasSubstr(std::string(64, 'a'))));
}

TEST(AuthStoreTest, ListsTokensOfOneUserOrAll) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->auth().CreateUser(SampleUser()).ok());
  ASSERT_TRUE(store->auth().CreateUser(SampleUser("bob")).ok());
  ASSERT_TRUE(store->auth().CreateToken(SampleToken("tok_a", "alice", 'a')).ok());
  ASSERT_TRUE(store->auth().CreateToken(SampleToken("tok_b", "bob", 'b')).ok());
  auto all = store->auth().ListTokens("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  auto bobs = store->auth().ListTokens("bob");
  ASSERT_TRUE(bobs.ok());
  ASSERT_EQ(bobs->size(), 1u);
  EXPECT_EQ((*bobs)[0].id, "tok_b");
  EXPECT_FALSE((*bobs)[0].expires_ms.has_value());
}

TEST(AuthStoreTest, SessionsExpireAndEndWithTheirUser) {
  TempDir dir = MakeStateDir();
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->auth().CreateUser(SampleUser()).ok());
    ASSERT_TRUE(store->auth().CreateSession(SampleSession("alice", 's', 2'000)).ok());
    ASSERT_TRUE(store->auth().CreateSession(SampleSession("alice", 't', 9'000)).ok());
  }
  auto store = OpenOrDie(dir.path());
  auto s = store->auth().FindSession(std::string(64, 's'));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->user, "alice");
  EXPECT_EQ(s->csrf_token, "csrf-s");
  EXPECT_EQ(s->created_ms, 1'000);
  EXPECT_EQ(s->expires_ms, 2'000);
  EXPECT_EQ(s->remote_address, "127.0.0.1");
  auto expired = store->auth().DeleteExpiredSessions(2'000);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, 1);
  EXPECT_EQ(store->auth().FindSession(std::string(64, 's')).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store->auth().FindSession(std::string(64, 't')).ok());
  EXPECT_EQ(store->auth().CreateSession(SampleSession("ghost", 'u')).code(), StatusCode::kNotFound);
}

TEST(AuthStoreTest, DeletingAUserDeletesItsTokensAndSessions) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->auth().CreateUser(SampleUser()).ok());
  ASSERT_TRUE(store->auth().CreateToken(SampleToken("tok_1", "alice")).ok());
  ASSERT_TRUE(store->auth().CreateSession(SampleSession("alice")).ok());
  ASSERT_TRUE(store->auth().DeleteUser("alice").ok());
  EXPECT_EQ(store->auth().GetUser("alice").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->auth().GetToken("tok_1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->auth().FindSession(std::string(64, 's')).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->auth().DeleteUser("alice").code(), StatusCode::kNotFound);
}

TEST(AuthStoreTest, DeleteSessionsOfEndsOnlyThatUsersSessions) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->auth().CreateUser(SampleUser()).ok());
  ASSERT_TRUE(store->auth().CreateUser(SampleUser("bob")).ok());
  ASSERT_TRUE(store->auth().CreateSession(SampleSession("alice", 's')).ok());
  ASSERT_TRUE(store->auth().CreateSession(SampleSession("bob", 't')).ok());
  auto ended = store->auth().DeleteSessionsOf("alice");
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(*ended, 1);
  EXPECT_TRUE(store->auth().FindSession(std::string(64, 't')).ok());
  EXPECT_TRUE(store->auth().DeleteSession(std::string(64, 's')).ok());  // already gone
}

}  // namespace
}  // namespace sluice::store
