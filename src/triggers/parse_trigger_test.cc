#include <gtest/gtest.h>

#include "common/files.h"
#include "triggers/trigger.h"
#include "triggers/trigger_test_util.h"

namespace sluice::triggers {
namespace {

using testing::GithubTrigger;
using testing::MustParse;

// Every diagnostic as "file:line:col: message", one a line.
std::string Diags(const std::string& yaml) {
  DiagnosticList diags;
  (void)ParseTriggerText(yaml, "t.yaml", &diags);
  std::string out;
  for (const Diagnostic& d : diags.items()) {
    out += d.location.ToString() + ": " + (d.severity == Severity::kError ? "" : "warning: ") +
           d.message + "\n";
  }
  return out;
}

TEST(ParseTriggerTest, GithubPushTriggerReadsEveryField) {
  Trigger t = MustParse(R"(trigger:
  name: Train on push
  identifier: train_on_push
  enabled: true
  description: retrain
  tags: {team: ml}
  orgIdentifier: default
  projectIdentifier: fraud
  pipelineIdentifier: train
  pipelineBranchName: main
  encryptedWebhookSecretIdentifier: github_hook
  inputSetRefs: [nightly]
  inputYaml: |
    pipeline:
      identifier: train
      properties:
        ci:
          codebase:
            build:
              type: branch
              spec:
                branch: <+trigger.branch>
  source:
    type: Webhook
    spec:
      type: Github
      spec:
        type: Push
        spec:
          connectorRef: github
          autoAbortPreviousExecutions: true
          payloadConditions:
            - key: targetBranch
              operator: Equals
              value: main
          headerConditions:
            - {key: "<+trigger.header['X-GitHub-Event']>", operator: Equals, value: push}
          jexlCondition: <+trigger.payload.sender.login> != "bot"
)");
  EXPECT_EQ(t.identifier, "train_on_push");
  EXPECT_EQ(t.name, "Train on push");
  EXPECT_EQ(t.tags.at("team"), "ml");
  EXPECT_EQ(t.pipeline_identifier, "train");
  EXPECT_EQ(t.pipeline_branch, "main");
  EXPECT_EQ(t.webhook_secret, "github_hook");
  EXPECT_EQ(t.input_set_refs, std::vector<std::string>{"nightly"});
  EXPECT_NE(t.input_yaml.find("<+trigger.branch>"), std::string::npos);
  EXPECT_EQ(t.source, SourceType::kWebhook);
  EXPECT_EQ(t.webhook.type, WebhookType::kGithub);
  EXPECT_EQ(t.webhook.event, GithubEvent::kPush);
  EXPECT_EQ(t.webhook.connector_ref, "github");
  EXPECT_TRUE(t.webhook.auto_abort_previous);
  ASSERT_EQ(t.webhook.payload_conditions.size(), 1u);
  EXPECT_EQ(t.webhook.payload_conditions[0].key, "targetBranch");
  EXPECT_EQ(t.webhook.payload_conditions[0].location.ToString(), "t.yaml:33:15");
  ASSERT_EQ(t.webhook.header_conditions.size(), 1u);
  EXPECT_EQ(t.webhook.jexl_condition, "<+trigger.payload.sender.login> != \"bot\"");
  EXPECT_EQ(t.SourceSummary(), "Github Push");
}

TEST(ParseTriggerTest, ScheduledCronTrigger) {
  Trigger t = MustParse(R"(trigger:
  identifier: nightly
  pipelineIdentifier: train
  source:
    type: Scheduled
    spec:
      type: Cron
      spec:
        type: QUARTZ
        expression: "0 0 3 ? * MON-FRI"
        timezone: Europe/London
)");
  EXPECT_EQ(t.source, SourceType::kScheduled);
  EXPECT_EQ(t.schedule.cron.dialect, CronDialect::kQuartz);
  EXPECT_EQ(t.schedule.time_zone, "Europe/London");
  EXPECT_EQ(t.SourceSummary(), "Cron 0 0 3 ? * MON-FRI (Europe/London)");
}

TEST(ParseTriggerTest, ProblemsAreDiagnosticsAtTheirLines) {
  EXPECT_EQ(
      Diags(GithubTrigger("Push",
                          "          payloadConditions:\n"
                          "            - {key: targetBranch, operator: Is, value: main}\n")),
      "t.yaml:13:45: unknown operator \"Is\": use one of Equals, NotEquals, In, NotIn, StartsWith, "
      "EndsWith, Contains, DoesNotContain, Regex\n");
  EXPECT_EQ(
      Diags(
          GithubTrigger("Push",
                        "          payloadConditions:\n"
                        "            - {key: targetBranch, operator: Regex, value: \"(main\"}\n")),
      "t.yaml:13:59: invalid regular expression \"(main\": missing ): (main (RE2 syntax; the whole "
      "value must match)\n");
  EXPECT_EQ(Diags(GithubTrigger("Release")),
            "t.yaml:9:15: GitHub event type \"Release\" is not supported: use Push or PullRequest "
            "(IssueComment, Release, Delete, Create, PullRequestReview and MergeQueue are not)\n");
  EXPECT_EQ(
      Diags(GithubTrigger("PullRequest", "          actions: [Opened]\n")),
      "t.yaml:12:21: unknown PullRequest action \"Opened\": use Open, Close, Reopen, Edit, Label, "
      "Unlabel, Synchronize or ReadyForReview\n");
  EXPECT_EQ(Diags(GithubTrigger("Push", "          jexlCondition: \"<+trigger.branch\"\n")),
            "t.yaml:12:26: invalid expression: unclosed <+ expression (no matching '>')\n");
  EXPECT_EQ(Diags(GithubTrigger("Push", "          colour: blue\n")),
            "t.yaml:12:11: warning: unknown key \"colour\" in the GitHub Push spec (ignored)\n");
}

TEST(ParseTriggerTest, CronProblemsPointAtTheExpression) {
  const std::string head =
      "trigger:\n  identifier: n\n  pipelineIdentifier: train\n  source:\n    type: Scheduled\n"
      "    spec:\n      type: Cron\n      spec:\n";
  EXPECT_EQ(Diags(head + "        type: UNIX\n        expression: \"0 25 * * *\"\n"),
            "t.yaml:10:21: invalid cron expression: hour \"25\": values go from 0 to 23\n");
  EXPECT_EQ(Diags(head + "        expression: \"0 3 * * *\"\n        timezone: Moon/Base\n"),
            "t.yaml:10:19: unknown time zone \"Moon/Base\": use an IANA name such as UTC, "
            "Europe/London or "
            "America/New_York (see /usr/share/zoneinfo)\n");
}

TEST(ParseTriggerTest, BadInputYamlIsReportedInsideTheBlock) {
  std::string yaml = GithubTrigger("Push");
  yaml.insert(yaml.find("  source:"), "  inputYaml: |\n    pipeline:\n      identifier: [train\n");
  std::string diags = Diags(yaml);
  EXPECT_NE(diags.find("t.yaml:7:5: inputYaml is not valid YAML: end of sequence flow not found"),
            std::string::npos)
      << diags;
  EXPECT_NE(diags.find("inputYaml is not valid YAML"), std::string::npos) << diags;

  std::string unknown = GithubTrigger("Push");
  unknown.insert(unknown.find("  source:"),
                 "  inputYaml: |\n    pipeline:\n      identifier: train\n      variables:\n"
                 "        - name: files\n          value: <+trigger.changedFiles>\n");
  EXPECT_NE(
      Diags(unknown).find("t.yaml:9:18: warning: <+trigger.changedFiles> is not a trigger value"),
      std::string::npos)
      << Diags(unknown);
}

TEST(ParseTriggerTest, MissingPiecesMakeTheTriggerUnusable) {
  DiagnosticList diags;
  EXPECT_FALSE(
      ParseTriggerText("trigger:\n  pipelineIdentifier: p\n", "t.yaml", &diags).has_value());
  EXPECT_EQ(diags.items()[0].message, "trigger is missing required field \"identifier\"");
  DiagnosticList d2;
  EXPECT_FALSE(ParseTriggerText("trigger: [\n", "t.yaml", &d2).has_value());
  EXPECT_NE(d2.items()[0].message.find("invalid YAML"), std::string::npos);
  DiagnosticList d3;
  EXPECT_FALSE(
      ParseTriggerText("trigger:\n  identifier: x\n  pipelineIdentifier: p\n", "t.yaml", &d3)
          .has_value());
  EXPECT_EQ(d3.items()[0].message,
            "trigger needs source: {type: Webhook | Scheduled, spec: {...}}");
}

TEST(ParseTriggerTest, UnknownPipelineNamesThePipelinesThereAre) {
  pipeline::Project project;
  for (const char* id : {"train", "deploy"}) {
    pipeline::Pipeline p;
    p.identifier = id;
    project.pipelines.push_back(p);
  }
  Trigger t = MustParse(GithubTrigger("Push"));
  t.pipeline_identifier = "trian";
  t.input_set_refs = {"nightly"};
  DiagnosticList diags;
  CheckTriggerReferences(t, project, &diags);
  ASSERT_EQ(diags.items().size(), 2u);
  EXPECT_EQ(
      diags.items()[0].message,
      "trigger \"t1\" names pipeline \"trian\", which the project does not have (its pipelines: "
      "train, deploy)");
  EXPECT_EQ(diags.items()[1].message,
            "trigger \"t1\" names input set \"nightly\", which is not in .harness/inputsets/");
}

TEST(ParseTriggerTest, LoadTriggersReadsTheFolderAndReportsDuplicates) {
  auto dir = TempDir::Create("sluice-triggers-test-");
  ASSERT_TRUE(dir.ok());
  const auto root = dir->path();
  std::filesystem::create_directories(root / ".harness/pipelines");
  std::filesystem::create_directories(root / ".harness/triggers");
  ASSERT_TRUE(WriteFileAtomic(root / ".harness/triggers/a.yaml", GithubTrigger("Push")).ok());
  ASSERT_TRUE(
      WriteFileAtomic(root / ".harness/triggers/b.yaml", GithubTrigger("PullRequest")).ok());
  pipeline::Project project;
  project.root = root;
  pipeline::Pipeline p;
  p.identifier = "train";
  project.pipelines.push_back(p);
  DiagnosticList diags;
  std::vector<Trigger> triggers = LoadTriggers(&project, &diags);
  ASSERT_EQ(triggers.size(), 1u);
  EXPECT_EQ(triggers[0].file, ".harness/triggers/a.yaml");
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].location.ToString(), ".harness/triggers/b.yaml:2:3");
  EXPECT_NE(diags.items()[0].message.find("duplicate trigger identifier \"t1\" (also defined at "
                                          ".harness/triggers/a.yaml:2:3)"),
            std::string::npos);
  EXPECT_EQ(project.sources.count(".harness/triggers/b.yaml"), 1u);
}

}  // namespace
}  // namespace sluice::triggers
