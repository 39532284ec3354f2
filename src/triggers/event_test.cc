#include "triggers/event.h"

#include <gtest/gtest.h>

#include "triggers/trigger_test_util.h"

namespace sluice::triggers {
namespace {

using testing::kPullRequestPayload;
using testing::kPushPayload;

TEST(EventTest, PushGivesBranchShaRepositoryAndSender) {
  WebhookEvent e = testing::Push();
  EXPECT_EQ(e.kind, EventKind::kPush);
  EXPECT_EQ(e.branch, "main");
  EXPECT_EQ(e.source_branch, "main");
  EXPECT_EQ(e.target_branch, "main");
  EXPECT_EQ(e.commit_sha, "2222222222222222222222222222222222222222");
  EXPECT_EQ(e.base_commit_sha, "1111111111111111111111111111111111111111");
  EXPECT_EQ(e.repo_name, "acme/ml");
  EXPECT_EQ(e.repo_url, "https://github.com/acme/ml.git");
  EXPECT_EQ(e.sender, "alice");
  EXPECT_EQ(e.delivery_id, "d-1");
  EXPECT_EQ(e.payload["repository"]["name"], "ml");
}

TEST(EventTest, PushChangedFilesAreTheUnionOverCommitsInFirstSeenOrder) {
  WebhookEvent e = testing::Push();
  ASSERT_TRUE(e.changed_files.has_value());
  EXPECT_EQ(*e.changed_files,
            (std::vector<std::string>{"models/new.py", "README.md", "train.py", "old.txt"}));
}

TEST(EventTest, PushWithoutCommitsHasNoChangedFiles) {
  WebhookEvent e = testing::Push(R"({"ref": "refs/heads/dev", "after": "abc"})");
  ASSERT_TRUE(e.changed_files.has_value());
  EXPECT_TRUE(e.changed_files->empty());
  EXPECT_EQ(e.branch, "dev");
}

TEST(EventTest, TagPushHasATagAndNoBranch) {
  WebhookEvent e = testing::Push(R"({"ref": "refs/tags/v1.2", "after": "abc", "commits": []})");
  EXPECT_EQ(e.tag, "v1.2");
  EXPECT_EQ(e.branch, "");
  EXPECT_EQ(e.target_branch, "");
}

TEST(EventTest, PullRequestGivesBranchesNumberAndUnknownChangedFiles) {
  WebhookEvent e = testing::PullRequest();
  EXPECT_EQ(e.kind, EventKind::kPullRequest);
  EXPECT_EQ(e.action, "opened");
  EXPECT_EQ(e.source_branch, "feature/x");
  EXPECT_EQ(e.branch, "feature/x");
  EXPECT_EQ(e.target_branch, "main");
  EXPECT_EQ(e.pr_number, 42);
  EXPECT_EQ(e.pr_title, "Better model");
  EXPECT_EQ(e.commit_sha, "3333333333333333333333333333333333333333");
  EXPECT_EQ(e.base_commit_sha, "4444444444444444444444444444444444444444");
  EXPECT_FALSE(e.changed_files.has_value());
}

TEST(EventTest, EventNameComesFromTheHeaderWhenNotGiven) {
  auto e = ParseGithubEvent("", kPushPayload, {{"x-github-event", "push"}});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kind, EventKind::kPush);
  auto none = ParseGithubEvent("", kPushPayload, {});
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(none.status().message().find("X-GitHub-Event"), std::string::npos);
}

TEST(EventTest, OtherGithubEventsAreKeptAsOther) {
  auto e = ParseGithubEvent("ping", R"({"zen": "Keep it simple."})", {});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, EventKind::kOther);
  EXPECT_EQ(e->TypeName(), "ping");
}

TEST(EventTest, MalformedJsonIsAnErrorSayingWhere) {
  auto e = ParseGithubEvent("push", R"({"ref": "refs/heads/main",)", {});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(e.status().message().find("not valid JSON (at byte"), std::string::npos)
      << e.status().message();
}

TEST(EventTest, WrongShapesNameWhatWasExpected) {
  auto no_ref = ParseGithubEvent("push", R"({"after": "x"})", {});
  ASSERT_FALSE(no_ref.ok());
  EXPECT_NE(no_ref.status().message().find("\"ref\""), std::string::npos);
  auto bad_commits =
      ParseGithubEvent("push", R"({"ref": "refs/heads/a", "commits": {"x": 1}})", {});
  ASSERT_FALSE(bad_commits.ok());
  EXPECT_NE(bad_commits.status().message().find("commits"), std::string::npos);
  auto push_as_pr = ParseGithubEvent("pull_request", kPushPayload, {});
  ASSERT_FALSE(push_as_pr.ok());
  EXPECT_NE(push_as_pr.status().message().find("right --event"), std::string::npos);
  auto array = ParseGithubEvent("push", "[1, 2]", {});
  EXPECT_FALSE(array.ok());
}

TEST(EventTest, PayloadOverTheLimitIsRefusedUnread) {
  std::string big =
      std::string(R"({"ref": "refs/heads/main", "pad": ")") + std::string(2000, 'x') + "\"}";
  auto e = ParseGithubEvent("push", big, {}, 1024);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("over the limit of 1024 bytes"), std::string::npos)
      << e.status().message();
  auto c = ParseCustomEvent(big, {}, 1024);
  EXPECT_FALSE(c.ok());
}

TEST(EventTest, CustomKeepsPayloadAndHeadersOnly) {
  auto e = ParseCustomEvent(R"({"model": "fraud", "version": 3})", {{"X-Source", "cron-job"}});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, EventKind::kCustom);
  EXPECT_EQ(e->payload["version"], 3);
  EXPECT_EQ(e->Header("x-source").value_or(""), "cron-job");
  EXPECT_FALSE(e->Header("X-Other").has_value());
  EXPECT_EQ(e->branch, "");
}

}  // namespace
}  // namespace sluice::triggers
