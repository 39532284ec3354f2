// `sluice trigger test` / `trigger list` and trigger files in `sluice
// validate`, through the real binary.
#include <gtest/gtest.h>

#include "test_project.h"

namespace sluice::testing {
namespace {

constexpr char kPipeline[] = R"(pipeline:
  name: train
  identifier: train
  projectIdentifier: p
  orgIdentifier: o
  variables:
    - name: branch
      type: String
      value: <+input>
  stages:
    - stage:
        name: S
        identifier: S
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: ShellScript
                  name: a
                  identifier: a
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo <+pipeline.variables.branch> <+trigger.branch> <+trigger.payload.repository.name>
)";

constexpr char kPushTrigger[] = R"(trigger:
  name: Train on push to main
  identifier: train_on_push
  pipelineIdentifier: train
  inputYaml: |
    pipeline:
      identifier: train
      variables:
        - name: branch
          type: String
          value: <+trigger.branch>@<+trigger.commitSha>
  source:
    type: Webhook
    spec:
      type: Github
      spec:
        type: Push
        spec:
          connectorRef: github
          payloadConditions:
            - key: targetBranch
              operator: Equals
              value: main
            - key: changedFiles
              operator: StartsWith
              value: models/
)";

constexpr char kPrTrigger[] = R"(trigger:
  identifier: check_pr
  pipelineIdentifier: train
  source:
    type: Webhook
    spec:
      type: Github
      spec:
        type: PullRequest
        spec:
          connectorRef: github
          autoAbortPreviousExecutions: true
          actions: [Open]
)";

constexpr char kCronTrigger[] = R"(trigger:
  identifier: nightly
  pipelineIdentifier: train
  enabled: false
  source:
    type: Scheduled
    spec:
      type: Cron
      spec:
        type: UNIX
        expression: "0 3 * * *"
        timezone: Europe/London
)";

constexpr char kPushPayload[] = R"({
  "ref": "refs/heads/main",
  "after": "2222222222222222222222222222222222222222",
  "repository": {"full_name": "acme/ml"},
  "sender": {"login": "alice"},
  "commits": [{"added": ["models/m.py"], "modified": [], "removed": []}]
})";

class TriggerCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.WritePipeline(kPipeline, "train.yaml");
    p_.Write(".harness/triggers/push.yaml", kPushTrigger);
    p_.Write(".harness/triggers/pr.yaml", kPrTrigger);
    p_.Write(".harness/triggers/nightly.yaml", kCronTrigger);
    p_.Write("push.json", kPushPayload);
  }
  TestProject p_;
};

TEST_F(TriggerCommandTest, TestExplainsEachTriggerAndTheResolvedInputs) {
  auto r = p_.Sluice({"trigger", "test", "--payload", (p_.root() / "push.json").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, R"(Event: GitHub push to branch main in acme/ml by alice
  commit 222222222222
  changed files (1): models/m.py

check_pr -> pipeline train: would not fire
    [FAIL]  event is pull_request (got push)
  because trigger listens for PullRequest events, this is a push event

train_on_push -> pipeline train: WOULD FIRE
    [match] event is push (got push)
    [match] payload targetBranch Equals "main" (actual "main")
    [match] payload changedFiles StartsWith "models/" (matched models/m.py)
  inputs the run would take:
    pipeline:
      identifier: train
      variables:
        - name: branch
          type: String
          value: main@2222222222222222222222222222222222222222

1 of 2 trigger(s) would fire; nothing was run.
)");
  EXPECT_FALSE(std::filesystem::exists(p_.state() / "sluice.db"));  // nothing recorded
}

TEST_F(TriggerCommandTest, NoTriggerFiringExitsOne) {
  p_.Write("dev.json", R"({"ref": "refs/heads/dev", "commits": []})");
  auto r = p_.Sluice({"trigger", "test", "--payload", (p_.root() / "dev.json").string(),
                      "--trigger", "train_on_push"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(
      r.out.find("because payload condition targetBranch Equals \"main\" failed (actual \"dev\")"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0 of 1 trigger(s) would fire"), std::string::npos) << r.out;
}

TEST_F(TriggerCommandTest, PullRequestEventFromHeader) {
  p_.Write("pr.json", R"({"action": "opened", "number": 7,
    "pull_request": {"number": 7, "head": {"ref": "f", "sha": "abc"}, "base": {"ref": "main", "sha": "def"}}})");
  auto r = p_.Sluice({"trigger", "test", "--payload", (p_.root() / "pr.json").string(), "--header",
                      "X-GitHub-Event=pull_request"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Event: GitHub pull_request #7 (opened) from f into main"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("check_pr -> pipeline train: WOULD FIRE"), std::string::npos) << r.out;
}

TEST_F(TriggerCommandTest, BadInputExitsTwo) {
  p_.Write("bad.json", "{\"ref\": ");
  auto bad = p_.Sluice({"trigger", "test", "--payload", (p_.root() / "bad.json").string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("not valid JSON"), std::string::npos) << bad.err;

  auto missing = p_.Sluice({"trigger", "test", "--payload", (p_.root() / "nope.json").string()});
  EXPECT_EQ(missing.exit_code, 2);

  auto unknown = p_.Sluice(
      {"trigger", "test", "--payload", (p_.root() / "push.json").string(), "--trigger", "x"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("(triggers: nightly, check_pr, train_on_push)"), std::string::npos)
      << unknown.err;

  auto header = p_.Sluice(
      {"trigger", "test", "--payload", (p_.root() / "push.json").string(), "--header", "oops"});
  EXPECT_EQ(header.exit_code, 2);
}

TEST_F(TriggerCommandTest, ListShowsSourcesAndState) {
  auto r = p_.Sluice({"trigger", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("IDENTIFIER     PIPELINE  SOURCE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nightly        train     Cron 0 3 * * * (Europe/London)  no       -"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("train_on_push  train     Github Push"), std::string::npos) << r.out;
}

TEST_F(TriggerCommandTest, ValidateReportsTriggerFiles) {
  // <+trigger.*> in the pipeline and autoAbortPreviousExecutions are accepted.
  auto ok = p_.Sluice({"validate"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "1 pipeline(s), 3 trigger(s) OK\n");
  EXPECT_EQ(ok.err, "");

  std::string broken = kPrTrigger;
  broken.replace(broken.find("pipelineIdentifier: train"), 25, "pipelineIdentifier: trian");
  p_.Write(".harness/triggers/pr.yaml", broken);
  auto r = p_.Sluice({"validate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.err,
      R"(.harness/triggers/pr.yaml:3:23: error: trigger "check_pr" names pipeline "trian", which the project does not have (its pipelines: train)
  pipelineIdentifier: trian
                      ^
1 error
)");
}

}  // namespace
}  // namespace sluice::testing
