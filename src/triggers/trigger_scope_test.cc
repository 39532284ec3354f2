#include "triggers/trigger_scope.h"

#include <gtest/gtest.h>

#include "triggers/trigger_test_util.h"

namespace sluice::triggers {
namespace {

using testing::GithubTrigger;
using testing::MustParse;

TEST(TriggerScopeTest, TheDocumentOfAPushHoldsValuesPayloadAndHeaders) {
  Trigger t = MustParse(GithubTrigger("Push"));
  WebhookEvent push = testing::Push();
  nlohmann::json doc = TriggerDocument(t, &push);
  EXPECT_EQ(doc["type"], "Webhook");
  EXPECT_EQ(doc["event"], "PUSH");
  EXPECT_EQ(doc["branch"], "main");
  EXPECT_EQ(doc["commitSha"], "2222222222222222222222222222222222222222");
  EXPECT_EQ(doc["gitUser"], "alice");
  EXPECT_EQ(doc["repoUrl"], "https://github.com/acme/ml.git");
  EXPECT_EQ(doc["triggerName"], "t1") << "the identifier when the trigger has no name";
  EXPECT_EQ(doc["identifier"], "t1");
  EXPECT_TRUE(doc["prNumber"].is_null());
  EXPECT_EQ(doc["payload"]["repository"]["name"], "ml");
  EXPECT_EQ(doc["header"]["X-GitHub-Event"], "push");

  // The scope of conditions and inputYaml reads the same values.
  TriggerScope scope(t, &push);
  for (const char* field : {"type", "event", "branch", "commitSha", "triggerName", "identifier"}) {
    auto v = scope.Lookup({"trigger", field});
    ASSERT_TRUE(v.ok()) << field;
    EXPECT_EQ(*v, doc[field]) << field;
  }
}

TEST(TriggerScopeTest, TheDocumentLeavesCredentialHeadersOut) {
  Trigger t = MustParse(GithubTrigger("Push"));
  auto push = ParseGithubEvent("push", testing::kPushPayload,
                               {{"X-GitHub-Event", "push"},
                                {"X-Hub-Signature-256", "sha256=abc"},
                                {"X-Hub-Signature", "sha1=def"},
                                {"authorization", "Bearer tok"},
                                {"Cookie", "session=1"}});
  ASSERT_TRUE(push.ok());
  nlohmann::json headers = TriggerDocument(t, &*push)["header"];
  EXPECT_EQ(headers, nlohmann::json({{"X-GitHub-Event", "push"}}));
}

TEST(TriggerScopeTest, AScheduledFireHasATypeAndNoEvent) {
  Trigger t = MustParse(R"(trigger:
  name: Nightly
  identifier: nightly
  pipelineIdentifier: train
  source:
    type: Scheduled
    spec:
      type: Cron
      spec: {type: UNIX, expression: "0 3 * * *"}
)");
  nlohmann::json doc = TriggerDocument(t, nullptr);
  EXPECT_EQ(doc["type"], "Scheduled");
  EXPECT_EQ(doc["triggerName"], "Nightly");
  EXPECT_TRUE(doc["event"].is_null());
  EXPECT_TRUE(doc["branch"].is_null());
  EXPECT_TRUE(doc["payload"].is_null());
  EXPECT_EQ(doc["header"], nlohmann::json::object());
}

}  // namespace
}  // namespace sluice::triggers
