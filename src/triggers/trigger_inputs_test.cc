#include "triggers/trigger_inputs.h"

#include <gtest/gtest.h>

#include "triggers/trigger_test_util.h"

namespace sluice::triggers {
namespace {

using testing::GithubTrigger;
using testing::MustParse;

Trigger WithInputYaml(const std::string& type, const std::string& pipeline_body) {
  std::string yaml = GithubTrigger(type);
  std::string block = "  inputYaml: |\n    pipeline:\n      identifier: train\n";
  for (size_t start = 0; start < pipeline_body.size();) {
    size_t end = pipeline_body.find('\n', start);
    block += "      " + pipeline_body.substr(start, end - start) + "\n";
    start = end == std::string::npos ? pipeline_body.size() : end + 1;
  }
  yaml.insert(yaml.find("  source:"), block);
  return MustParse(yaml);
}

TEST(TriggerInputsTest, ResolvesTriggerValuesOfAPush) {
  Trigger t = WithInputYaml(
      "Push",
      "properties:\n"
      "  ci:\n"
      "    codebase:\n"
      "      build:\n"
      "        type: branch\n"
      "        spec:\n"
      "          branch: <+trigger.branch>\n"
      "variables:\n"
      "  - name: sha\n"
      "    value: <+trigger.commitSha>\n"
      "  - name: label\n"
      "    value: <+trigger.event>-<+trigger.type> by <+trigger.payload.sender.login>\n"
      "  - name: hook\n"
      "    value: <+trigger.header['x-github-event']>\n"
      "  - name: old\n"
      "    value: <+eventPayload.repository.name>\n"
      "  - name: later\n"
      "    value: <+input>.default(3)\n"
      "  - name: target\n"
      "    value: <+trigger.targetBranch>/<+trigger.sourceBranch>\n");
  WebhookEvent push = testing::Push();
  auto resolved = ResolveInputYaml(t, &push);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  YAML::Node p = *resolved;
  EXPECT_EQ(p["identifier"].as<std::string>(), "train");
  EXPECT_EQ(p["properties"]["ci"]["codebase"]["build"]["spec"]["branch"].as<std::string>(), "main");
  EXPECT_EQ(p["variables"][0]["value"].as<std::string>(),
            "2222222222222222222222222222222222222222");
  EXPECT_EQ(p["variables"][1]["value"].as<std::string>(), "PUSH-Webhook by alice");
  EXPECT_EQ(p["variables"][2]["value"].as<std::string>(), "push");
  EXPECT_EQ(p["variables"][3]["value"].as<std::string>(), "ml");
  EXPECT_EQ(p["variables"][4]["value"].as<std::string>(), "<+input>.default(3)");
  EXPECT_EQ(p["variables"][5]["value"].as<std::string>(), "main/main");
}

TEST(TriggerInputsTest, ResolvesPullRequestValues) {
  Trigger t = WithInputYaml("PullRequest",
                            "variables:\n"
                            "  - name: pr\n"
                            "    value: <+trigger.prNumber>\n"
                            "  - name: branches\n"
                            "    value: <+trigger.sourceBranch> into <+trigger.targetBranch>\n"
                            "  - name: event\n"
                            "    value: <+trigger.event>\n");
  WebhookEvent pr = testing::PullRequest();
  auto resolved = ResolveInputYaml(t, &pr);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ((*resolved)["variables"][0]["value"].as<std::string>(), "42");
  EXPECT_EQ((*resolved)["variables"][1]["value"].as<std::string>(), "feature/x into main");
  EXPECT_EQ((*resolved)["variables"][2]["value"].as<std::string>(), "PR");
}

TEST(TriggerInputsTest, MissingPayloadPathIsAnErrorNamingIt) {
  Trigger t = WithInputYaml(
      "Push", "variables:\n  - name: x\n    value: <+trigger.payload.head_commit.id>\n");
  WebhookEvent push = testing::Push();
  auto resolved = ResolveInputYaml(t, &push);
  ASSERT_FALSE(resolved.ok());
  EXPECT_NE(resolved.status().message().find("inputYaml of trigger \"t1\""), std::string::npos)
      << resolved.status().message();
  EXPECT_NE(resolved.status().message().find("head_commit"), std::string::npos)
      << resolved.status().message();
}

TEST(TriggerInputsTest, InputSetRefsComeBeforeInputYaml) {
  pipeline::Project project;
  pipeline::InputSet set;
  set.identifier = "nightly";
  set.pipeline_identifier = "train";
  set.pipeline = YAML::Load("identifier: train\nvariables: [{name: epochs, value: 10}]");
  project.input_sets.push_back(set);
  Trigger t = WithInputYaml("Push", "variables:\n  - name: branch\n    value: <+trigger.branch>\n");
  t.input_set_refs = {"nightly"};
  WebhookEvent push = testing::Push();
  auto values = ResolveTriggerInputs(project, t, &push);
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  ASSERT_EQ(values->input_sets.size(), 2u);
  EXPECT_EQ(values->input_sets[0]["variables"][0]["name"].as<std::string>(), "epochs");
  EXPECT_EQ(values->input_sets[1]["variables"][0]["value"].as<std::string>(), "main");
  EXPECT_NE(InputsToYaml(*values).find("value: main"), std::string::npos);

  t.input_set_refs = {"weekly"};
  auto missing = ResolveTriggerInputs(project, t, &push);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(TriggerInputsTest, ATriggerWithoutInputYamlGivesNoInputs) {
  Trigger t = MustParse(GithubTrigger("Push"));
  WebhookEvent push = testing::Push();
  pipeline::Project project;
  auto inputs = ResolveTriggerInputs(project, t, &push);
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  EXPECT_TRUE(inputs->input_sets.empty());
}

TEST(TriggerInputsTest, ScheduledFireHasNullTriggerValues) {
  Trigger t = WithInputYaml("Push", "variables:\n  - name: b\n    value: x<+trigger.branch>\n");
  t.source = SourceType::kScheduled;
  auto resolved = ResolveInputYaml(t, nullptr);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ((*resolved)["variables"][0]["value"].as<std::string>(), "xnull");
}

TEST(TriggerInputsTest, DecideTriggersResolvesInputsOfFiredTriggersAndChecksSignatures) {
  pipeline::Project project;
  std::vector<Trigger> triggers = {
      WithInputYaml("Push", "variables:\n  - name: b\n    value: <+trigger.branch>\n"),
      MustParse(GithubTrigger("PullRequest")),
  };
  triggers[1].identifier = "t2";
  auto decisions = DecideTriggers(project, triggers, testing::Push());
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_TRUE(decisions[0].evaluation.fired);
  ASSERT_TRUE(decisions[0].inputs.has_value());
  EXPECT_FALSE(decisions[1].evaluation.fired);
  EXPECT_FALSE(decisions[1].inputs.has_value());

  triggers[0].webhook_secret = "hook";
  DecideOptions options;
  options.check_signature = [](const Trigger&) {
    return Status::PermissionDenied("does not match");
  };
  auto refused = DecideTriggers(project, triggers, testing::Push(), options);
  EXPECT_FALSE(refused[0].evaluation.fired);
  EXPECT_EQ(refused[0].evaluation.reason, "signature check failed: does not match");
}

}  // namespace
}  // namespace sluice::triggers
