// `sluice token create|list|revoke` run as functions (accounts_cli.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/accounts_cli_test_util.h"
#include "server/credentials.h"

namespace sluice::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

class TokenCommandTest : public testing::AccountsCliFixture {};

TEST_F(TokenCommandTest, CreatePrintsTheTokenOnceAndStoresItsHash) {
  AddUser("ci-bot", "executor");
  App app(options_);
  ASSERT_EQ(RunTokenCreate(app, {.user = "ci-bot", .label = "nightly", .expires = "30d"}, Io()),
            kExitOk)
      << err_.str();
  const std::string token = out_.str().substr(0, out_.str().size() - 1);
  EXPECT_THAT(out_.str(), MatchesRegex("sluice_[A-Za-z0-9_-]{43}\n"));
  EXPECT_THAT(err_.str(), HasSubstr("it is shown only this once"));
  EXPECT_THAT(err_.str(), HasSubstr(", valid until "));
  auto stored = Store().auth().FindTokenByHash(server::SecretDigest(token));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->user, "ci-bot");
  EXPECT_EQ(stored->label, "nightly");
  ASSERT_TRUE(stored->expires_ms.has_value());
  EXPECT_EQ(*stored->expires_ms - stored->created_ms, 30LL * 24 * 3600 * 1000);

  ASSERT_EQ(RunTokenList(app, "", false, Io()), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr(stored->id));
  EXPECT_THAT(out_.str(), HasSubstr("nightly"));
  EXPECT_THAT(out_.str(), Not(HasSubstr(token)));
  EXPECT_THAT(out_.str(), Not(HasSubstr(stored->token_sha256)));
  auto trail = Store().audit().Query({.action = "token.create"});
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->size(), 1u);
  EXPECT_EQ((*trail)[0].actor, "local:tester");
  EXPECT_THAT((*trail)[0].detail.dump(), Not(HasSubstr(token)));
}

TEST_F(TokenCommandTest, CreateRefusesBadDurationsAndUnknownUsers) {
  AddUser("ci-bot", "executor");
  App app(options_);
  EXPECT_EQ(RunTokenCreate(app, {.user = "ci-bot", .expires = "30"}, Io()), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("sluice: --expires \"30\": "));
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(RunTokenCreate(app, {.user = "ghost"}, Io()), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("no user \"ghost\""));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(TokenCommandTest, ListAsJsonAndRevoke) {
  AddUser("ci-bot", "executor");
  AddUser("alice", "admin");
  App app(options_);
  ASSERT_EQ(RunTokenCreate(app, {.user = "ci-bot"}, Io()), kExitOk);
  ASSERT_EQ(RunTokenCreate(app, {.user = "alice"}, Io()), kExitOk);
  ASSERT_EQ(RunTokenList(app, "ci-bot", true, Io()), kExitOk);
  auto json = nlohmann::json::parse(out_.str());
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["user"], "ci-bot");
  EXPECT_TRUE(json[0]["expiresAt"].is_null());
  EXPECT_TRUE(json[0]["lastUsedAt"].is_null());
  const std::string id = json[0]["id"];
  ASSERT_EQ(RunTokenRevoke(app, id, Io()), kExitOk);
  EXPECT_EQ(out_.str(), "token " + id + " revoked\n");
  EXPECT_EQ(RunTokenRevoke(app, id, Io()), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("no API token \"" + id + "\""));
  ASSERT_EQ(RunTokenList(app, "ci-bot", false, Io()), kExitOk);
  EXPECT_EQ(out_.str(), "no API tokens (create one with `sluice token create --user NAME`)\n");
}

}  // namespace
}  // namespace sluice::cli
