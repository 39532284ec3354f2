// `sluice user add|passwd|rm|list` run as functions (accounts_cli.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/accounts_cli_test_util.h"
#include "server/password.h"

namespace sluice::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class UserCommandTest : public testing::AccountsCliFixture {};

TEST_F(UserCommandTest, AddReadsOneLineOfStdinAndAuditsTheLocalUser) {
  App app(options_);
  UserAddArgs args{
      .name = "alice", .email = "alice@example.com", .role = "approver", .password_stdin = true};
  ASSERT_EQ(RunUserAdd(app, args, Io("s3cret-pass\nignored\n")), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "user alice added with role approver\n");
  auto alice = Store().auth().GetUser("alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_TRUE(server::VerifyPassword(alice->password_hash, "s3cret-pass"));
  auto trail = Store().audit().Query({});
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->size(), 1u);
  EXPECT_EQ((*trail)[0].actor, "local:tester");
  EXPECT_EQ((*trail)[0].action, "user.add");
  EXPECT_EQ((*trail)[0].target, "alice");
}

TEST_F(UserCommandTest, AddOnATerminalAsksTwiceWithoutEcho) {
  App app(options_);
  UserAddArgs args{.name = "bob"};
  ASSERT_EQ(RunUserAdd(app, args, Io("", {"terminal-pass", "terminal-pass"}, true)), kExitOk)
      << err_.str();
  EXPECT_THAT(prompts_, ElementsAre("new password: ", "repeat it: "));
  auto bob = Store().auth().GetUser("bob");
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->role, "viewer");
  EXPECT_TRUE(server::VerifyPassword(bob->password_hash, "terminal-pass"));
}

TEST_F(UserCommandTest, AddRefusesDifferingPasswordsAndNoTerminal) {
  App app(options_);
  UserAddArgs args{.name = "bob"};
  EXPECT_EQ(RunUserAdd(app, args, Io("", {"terminal-pass", "terminal-typo"}, true)), kExitUsage);
  EXPECT_EQ(err_.str(), "sluice: the two passwords differ; try again\n");
  EXPECT_EQ(RunUserAdd(app, args, Io("piped-pass\n")), kExitUsage);
  EXPECT_EQ(err_.str(),
            "sluice: no terminal to ask for the password on: pipe it in with --password-stdin\n");
  EXPECT_EQ(Store().auth().GetUser("bob").status().code(), StatusCode::kNotFound);
}

TEST_F(UserCommandTest, AddRefusesBadNamesRolesAndWeakPasswordsBeforeStoring) {
  App app(options_);
  EXPECT_EQ(
      RunUserAdd(app, {.name = "x", .role = "root", .password_stdin = true}, Io("long-enough\n")),
      kExitUsage);
  EXPECT_EQ(err_.str(), "sluice: invalid role \"root\": use viewer, executor, approver or admin\n");
  EXPECT_EQ(RunUserAdd(app, {.name = "bad name", .password_stdin = true}, Io("long-enough\n")),
            kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("invalid user name \"bad name\""));
  EXPECT_EQ(RunUserAdd(app, {.name = "carol", .password_stdin = true}, Io("short\n")), kExitUsage);
  EXPECT_EQ(err_.str(), "sluice: the password is too short: use at least 8 characters\n");
  EXPECT_EQ(RunUserAdd(app, {.name = "carol", .password_stdin = true}, Io("")), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("stdin is empty"));
  EXPECT_THAT(err_.str(), Not(HasSubstr("short")));
}

TEST_F(UserCommandTest, AddingAnExistingUserFails) {
  AddUser("alice", "viewer");
  App app(options_);
  EXPECT_EQ(RunUserAdd(app, {.name = "alice", .password_stdin = true}, Io("another-pass\n")),
            kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("user \"alice\" already exists"));
}

TEST_F(UserCommandTest, PasswdReplacesThePassword) {
  AddUser("alice", "viewer");
  App app(options_);
  ASSERT_EQ(RunUserPasswd(app, "alice", true, Io("brand-new-pass\n")), kExitOk) << err_.str();
  auto alice = Store().auth().GetUser("alice");
  EXPECT_TRUE(server::VerifyPassword(alice->password_hash, "brand-new-pass"));
  EXPECT_EQ(RunUserPasswd(app, "nobody", true, Io("brand-new-pass\n")), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("no user \"nobody\""));
}

TEST_F(UserCommandTest, RmRemovesTheUser) {
  AddUser("alice", "viewer");
  App app(options_);
  ASSERT_EQ(RunUserRm(app, "alice", Io()), kExitOk);
  EXPECT_EQ(out_.str(), "user alice removed with its API tokens and sessions\n");
  EXPECT_EQ(RunUserRm(app, "alice", Io()), kExitUsage);
  auto trail = Store().audit().Query({.action = "user.rm"});
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->size(), 2u);
  EXPECT_EQ((*trail)[0].outcome, "error");
  EXPECT_EQ((*trail)[1].outcome, "success");
}

TEST_F(UserCommandTest, ListPrintsATableOrJsonWithoutHashes) {
  App app(options_);
  ASSERT_EQ(RunUserList(app, false, Io()), kExitOk);
  EXPECT_EQ(out_.str(), "no users yet (add one with `sluice user add NAME --role admin`)\n");
  AddUser("alice", "admin");
  AddUser("bob", "executor");
  ASSERT_EQ(RunUserList(app, false, Io()), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("NAME"));
  EXPECT_THAT(out_.str(), HasSubstr("alice"));
  EXPECT_THAT(out_.str(), HasSubstr("executor"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("argon2")));
  ASSERT_EQ(RunUserList(app, true, Io()), kExitOk);
  auto json = nlohmann::json::parse(out_.str());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["name"], "alice");
  EXPECT_EQ(json[1]["role"], "executor");
  EXPECT_EQ(json[1]["disabled"], false);
  EXPECT_FALSE(json[0].contains("password_hash"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("argon2")));
}

}  // namespace
}  // namespace sluice::cli
