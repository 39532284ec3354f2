#include "triggers/conditions.h"

#include <gtest/gtest.h>

#include "triggers/trigger_test_util.h"

namespace sluice::triggers {
namespace {

using testing::GithubTrigger;
using testing::MustParse;

struct OperatorCase {
  Operator op;
  std::string actual;
  std::string expected;
  bool matches;
};

TEST(ConditionsTest, EveryOperatorCompares) {
  const OperatorCase cases[] = {
      {Operator::kEquals, "main", "main", true},
      {Operator::kEquals, "main", "Main", false},
      {Operator::kNotEquals, "main", "dev", true},
      {Operator::kNotEquals, "main", "main", false},
      {Operator::kIn, "dev", "main, dev,release", true},
      {Operator::kIn, "feature", "main,dev", false},
      {Operator::kNotIn, "feature", "main,dev", true},
      {Operator::kNotIn, "dev", "main, dev", false},
      {Operator::kStartsWith, "release/1.2", "release/", true},
      {Operator::kStartsWith, "main", "release/", false},
      {Operator::kEndsWith, "model.onnx", ".onnx", true},
      {Operator::kEndsWith, "x", ".onnx", false},
      {Operator::kContains, "feature/fraud-model", "fraud", true},
      {Operator::kContains, "main", "fraud", false},
      {Operator::kDoesNotContain, "main", "wip", true},
      {Operator::kDoesNotContain, "wip/x", "wip", false},
      {Operator::kRegex, "release/1.2", "release/[0-9.]+", true},
      {Operator::kRegex, "xrelease/1.2", "release/[0-9.]+", false},  // the whole value must match
  };
  for (const OperatorCase& c : cases) {
    EXPECT_EQ(ApplyOperator(c.op, c.actual, c.expected), c.matches)
        << OperatorName(c.op) << " " << c.actual << " " << c.expected;
  }
  std::string error;
  EXPECT_FALSE(ApplyOperator(Operator::kRegex, "x", "(", &error));
  EXPECT_NE(error.find("invalid regular expression"), std::string::npos);
}

TEST(ConditionsTest, PushMatchingBranchAndChangedFilesFires) {
  Trigger t = MustParse(
      GithubTrigger("Push",
                    "          payloadConditions:\n"
                    "            - {key: targetBranch, operator: Equals, value: main}\n"
                    "            - {key: changedFiles, operator: StartsWith, value: models/}\n"));
  TriggerEvaluation ev = EvaluateTrigger(t, testing::Push());
  EXPECT_TRUE(ev.fired) << ev.reason;
  EXPECT_EQ(ev.reason, "all conditions matched");
  ASSERT_EQ(ev.conditions.size(), 3u);
  EXPECT_EQ(ev.conditions[0].kind, "event");
  EXPECT_EQ(ev.conditions[1].actual, "main");
  EXPECT_EQ(ev.conditions[2].matched_item, "models/new.py");
  EXPECT_EQ(ev.conditions[2].actual, "models/new.py, README.md, train.py, old.txt");
}

TEST(ConditionsTest, FirstFailedConditionDecidesButAllAreEvaluated) {
  Trigger t = MustParse(
      GithubTrigger("Push",
                    "          payloadConditions:\n"
                    "            - {key: sourceBranch, operator: Equals, value: dev}\n"
                    "            - {key: changedFiles, operator: In, value: docs/a.md}\n"
                    "            - {key: targetBranch, operator: Equals, value: main}\n"));
  TriggerEvaluation ev = EvaluateTrigger(t, testing::Push());
  EXPECT_FALSE(ev.fired);
  ASSERT_EQ(ev.conditions.size(), 4u);
  EXPECT_FALSE(ev.conditions[1].matched);
  EXPECT_FALSE(ev.conditions[2].matched);
  EXPECT_TRUE(ev.conditions[3].matched);
  EXPECT_EQ(ev.reason, "payload condition sourceBranch Equals \"dev\" failed (actual \"main\")");
}

TEST(ConditionsTest, ChangedFilesNotInFiresWhenAnotherFileChanged) {
  auto trig = [](const std::string& list) {
    return MustParse(GithubTrigger("Push",
                                   "          payloadConditions:\n"
                                   "            - {key: changedFiles, operator: NotIn, value: \"" +
                                       list + "\"}\n"));
  };
  EXPECT_TRUE(EvaluateTrigger(trig("README.md"), testing::Push()).fired);
  EXPECT_FALSE(
      EvaluateTrigger(trig("models/new.py,README.md,train.py,old.txt"), testing::Push()).fired);
  Trigger regex = MustParse(
      GithubTrigger("Push",
                    "          payloadConditions:\n"
                    "            - {key: changedFiles, operator: Regex, value: \".*\\\\.py\"}\n"));
  EXPECT_TRUE(EvaluateTrigger(regex, testing::Push()).fired);
}

TEST(ConditionsTest, ChangedFilesOfAPullRequestAreUnknownAndDoNotMatch) {
  Trigger t = MustParse(
      GithubTrigger("PullRequest",
                    "          payloadConditions:\n"
                    "            - {key: changedFiles, operator: StartsWith, value: models/}\n"));
  TriggerEvaluation ev = EvaluateTrigger(t, testing::PullRequest());
  EXPECT_FALSE(ev.fired);
  EXPECT_NE(ev.reason.find("not in its payload"), std::string::npos) << ev.reason;
}

TEST(ConditionsTest, DisabledTriggerDoesNotFire) {
  std::string yaml = GithubTrigger("Push");
  yaml.insert(yaml.find("  source:"), "  enabled: false\n");
  TriggerEvaluation ev = EvaluateTrigger(MustParse(yaml), testing::Push());
  EXPECT_FALSE(ev.fired);
  EXPECT_EQ(ev.reason, "trigger is disabled (enabled: false)");
}

TEST(ConditionsTest, PullRequestTriggerIgnoresAPush) {
  TriggerEvaluation ev = EvaluateTrigger(MustParse(GithubTrigger("PullRequest")), testing::Push());
  EXPECT_FALSE(ev.fired);
  EXPECT_EQ(ev.reason, "trigger listens for PullRequest events, this is a push event");
  TriggerEvaluation pr =
      EvaluateTrigger(MustParse(GithubTrigger("PullRequest")), testing::PullRequest());
  EXPECT_TRUE(pr.fired) << pr.reason;
}

TEST(ConditionsTest, PullRequestActionsFilter) {
  Trigger sync =
      MustParse(GithubTrigger("PullRequest", "          actions: [Synchronize, Reopen]\n"));
  TriggerEvaluation ev = EvaluateTrigger(sync, testing::PullRequest());
  EXPECT_FALSE(ev.fired);
  EXPECT_NE(ev.reason.find("\"opened\" is not one of the trigger's actions (synchronize,reopened)"),
            std::string::npos)
      << ev.reason;
  Trigger open = MustParse(GithubTrigger("PullRequest", "          actions: [Open]\n"));
  EXPECT_TRUE(EvaluateTrigger(open, testing::PullRequest()).fired);
}

TEST(ConditionsTest, PayloadKeysAsExpressionsAndPlainPaths) {
  Trigger t = MustParse(GithubTrigger(
      "Push",
      "          payloadConditions:\n"
      "            - {key: \"<+trigger.payload.repository.name>\", operator: Equals, value: ml}\n"
      "            - {key: sender.login, operator: In, value: \"alice,bob\"}\n"
      "            - {key: \"<+eventPayload.repository.full_name>\", operator: StartsWith, value: "
      "acme/}\n"
      "            - {key: no.such.path, operator: Equals, value: \"null\"}\n"));
  TriggerEvaluation ev = EvaluateTrigger(t, testing::Push());
  EXPECT_TRUE(ev.fired) << ev.reason;
}

TEST(ConditionsTest, HeaderConditionsCompareCaseInsensitiveNames) {
  Trigger t = MustParse(
      GithubTrigger("Push",
                    "          headerConditions:\n"
                    "            - {key: \"<+trigger.header['x-github-event']>\", operator: "
                    "Equals, value: push}\n"
                    "            - {key: X-GitHub-Delivery, operator: Equals, value: d-1}\n"));
  TriggerEvaluation ev = EvaluateTrigger(t, testing::Push());
  EXPECT_TRUE(ev.fired) << ev.reason;
  Trigger missing =
      MustParse(GithubTrigger("Push",
                              "          headerConditions:\n"
                              "            - {key: X-Other, operator: Equals, value: x}\n"));
  TriggerEvaluation m = EvaluateTrigger(missing, testing::Push());
  EXPECT_FALSE(m.fired);
  EXPECT_EQ(m.reason, "header condition X-Other Equals \"x\" failed (actual \"null\")");
}

TEST(ConditionsTest, JexlConditionTrueFalseAndError) {
  auto with = [](const std::string& jexl) {
    return MustParse(GithubTrigger("Push", "          jexlCondition: '" + jexl + "'\n"));
  };
  EXPECT_TRUE(
      EvaluateTrigger(
          with("<+trigger.payload.sender.login> == \"alice\" || <+trigger.branch> == \"x\""),
          testing::Push())
          .fired);
  TriggerEvaluation no =
      EvaluateTrigger(with("<+trigger.payload.sender.login> == \"bot\""), testing::Push());
  EXPECT_FALSE(no.fired);
  EXPECT_NE(no.reason.find("was false"), std::string::npos);
  TriggerEvaluation error =
      EvaluateTrigger(with("<+trigger.payload.nope.deeper> == 1"), testing::Push());
  EXPECT_FALSE(error.fired);
  EXPECT_NE(error.reason.find("failed: "), std::string::npos) << error.reason;
  EXPECT_FALSE(error.conditions.back().error.empty());
}

TEST(ConditionsTest, CustomTriggerOnlyFiresOnCustomDeliveries) {
  Trigger t = MustParse(
      "trigger:\n  identifier: c\n  pipelineIdentifier: train\n  source:\n    type: Webhook\n    "
      "spec:\n"
      "      type: Custom\n      spec:\n        payloadConditions:\n"
      "          - {key: model, operator: Equals, value: fraud}\n");
  auto custom = ParseCustomEvent(R"({"model": "fraud"})", {});
  ASSERT_TRUE(custom.ok());
  EXPECT_TRUE(EvaluateTrigger(t, *custom).fired);
  TriggerEvaluation push = EvaluateTrigger(t, testing::Push());
  EXPECT_FALSE(push.fired);
  EXPECT_EQ(push.reason, "trigger listens for Custom webhooks, this is a GitHub delivery");
  EXPECT_FALSE(EvaluateTrigger(MustParse(GithubTrigger("Push")), *custom).fired);
}

}  // namespace
}  // namespace sluice::triggers
