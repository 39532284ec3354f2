// The Policy step (harness-semantics §9): policy sets from .harness/policysets
// evaluated against a resolved JSON payload, warn / error outcomes, outputs,
// stored evaluations, validation, and the tutorial's stricter policy run on
// the real credit-card example.
#include <gtest/gtest.h>

#include "oci/test_tools.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

// The tutorial's policy with configurable thresholds (v0 syntax).
std::string GatePolicy(const std::string& min_accuracy, const std::string& max_gap) {
  return "package main\n\n"
         "default allow = false\n\n"
         "allow {\n"
         "    input.accuracy >= " + min_accuracy + "\n"
         "    input.fairnessScoreEqualOpportunity <= " + max_gap + "\n"
         "}\n\n"
         "deny[msg] {\n"
         "    not allow\n"
         "    msg = \"Deny: Accuracy less than 90% or fairness score difference greater than 21%\"\n"
         "}\n";
}

std::string PolicySet(const std::string& id, const std::string& severity,
                      const std::string& policy = "gate") {
  return "policySet:\n  identifier: " + id + "\n  name: Set " + id +
         "\n  type: custom\n  enabled: true\n  regoVersion: v0\n  policies:\n    - identifier: " +
         policy + "\n      severity: " + severity + "\n";
}

std::string PolicyStep(const std::string& id, const std::string& sets, const std::string& payload,
                       const std::string& fields = "") {
  return "- step:\n    type: Policy\n    name: " + id + "\n    identifier: " + id + "\n" +
         Indent(fields, 4) +
         "    spec:\n      policySets: " + sets +
         "\n      type: Custom\n      policySpec:\n        payload: |-\n" + Indent(payload, 10) + "\n";
}

// A project with the gate policy in a warning set and an error set, and a
// pipeline: metrics step -> Policy step on `sets` -> deploy step.
void WriteGateProject(const TestProject& p, const std::string& sets, const std::string& accuracy) {
  p.Write(".harness/policies/gate.rego", GatePolicy("0.95", "19"));
  p.Write(".harness/policysets/warn_set.yaml", PolicySet("warn_set", "warning"));
  p.Write(".harness/policysets/error_set.yaml", PolicySet("error_set", "error"));
  p.WritePipeline(Pipeline(
      "gate",
      {CustomStage("Checks",
                   {ShellStep("metrics", "accuracy=" + accuracy + "\ngap=7.35",
                              {.spec = "outputVariables:\n  - name: accuracy\n    type: String\n"
                                       "    value: accuracy\n  - name: gap\n    type: String\n"
                                       "    value: gap\n"}),
                    PolicyStep("enforce", sets,
                               "{\n  \"accuracy\": <+execution.steps.metrics.output.outputVariables.accuracy>,\n"
                               "  \"fairnessScoreEqualOpportunity\": "
                               "<+execution.steps.metrics.output.outputVariables.gap>\n}"),
                    ShellStep("after", "echo <+execution.steps.enforce.output.status> > " +
                                           (p.scratch() / "status").string())}),
       CustomStage("Deploy", {ShellStep("deploy", "touch " + (p.scratch() / "deployed").string())})}));
}

TEST(PolicyStepTest, PassingPolicyLetsThePipelineThroughAndSetsStatusOutput) {
  TestProject p;
  WriteGateProject(p, "[error_set]", "0.97");
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  EXPECT_EQ(p.ReadScratch("status"), "pass\n");
  EXPECT_EQ(StatusOf(ex, "Deploy"), "Success");
  const auto& step = FindStep(ex, "Checks.enforce");
  ASSERT_EQ(step["policyEvaluations"].size(), 1u) << step.dump(2);
  const auto& e = step["policyEvaluations"][0];
  EXPECT_EQ(e["status"], "pass");
  EXPECT_EQ(e["input"]["accuracy"], 0.97);
  ASSERT_EQ(e["results"].size(), 1u);
  EXPECT_EQ(e["results"][0]["policySet"], "error_set");
  EXPECT_EQ(e["results"][0]["policy"], "gate");
  EXPECT_EQ(e["results"][0]["status"], "pass");
  EXPECT_TRUE(e["results"][0]["denyMessages"].empty());
  EXPECT_EQ(step["details"]["output"]["policySetDetails"]["error_set"]["status"], "pass");
}

TEST(PolicyStepTest, WarningSetWarnsAndContinues) {
  TestProject p;
  WriteGateProject(p, "[warn_set]", "0.92669");
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  EXPECT_EQ(StatusOf(ex, "Checks.enforce"), "Success");
  EXPECT_EQ(p.ReadScratch("status"), "warning\n");
  EXPECT_TRUE(std::filesystem::exists(p.scratch() / "deployed"));
  const auto& step = FindStep(ex, "Checks.enforce");
  ASSERT_EQ(step["details"]["warnings"].size(), 1u) << step.dump(2);
  EXPECT_NE(step["details"]["warnings"][0].get<std::string>().find("Deny: Accuracy less than 90%"),
            std::string::npos);
  EXPECT_EQ(step["policyEvaluations"][0]["status"], "warning");
  EXPECT_EQ(step["policyEvaluations"][0]["results"][0]["denyMessages"][0],
            "Deny: Accuracy less than 90% or fairness score difference greater than 21%");

  // The text views show the warning, the decision and the input.
  std::string id = ex["id"];
  auto shown = p.Sluice({"executions", "show", id});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("⚠ policy warning: policy set \"Set warn_set\", policy \"gate\": Deny:"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("policy evaluation: warning\n"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("Set warn_set / gate: warning (severity warning"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("input: {\"accuracy\":0.92669,\"fairnessScoreEqualOpportunity\":7.35}"),
            std::string::npos)
      << shown.out;
  auto logs = p.Sluice({"executions", "logs", id, "--step", "Checks.enforce"});
  EXPECT_NE(logs.out.find("POLICYSET: \"Set warn_set\" STATUS: \"warning\""), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("POLICY: \"gate\", STATUS: \"warning\", DETAILS: \"Deny:"), std::string::npos)
      << logs.out;
}

TEST(PolicyStepTest, ErrorSetFailsWithPolicyEvaluationFailureAndStopsThePipeline) {
  TestProject p;
  WriteGateProject(p, "[warn_set, error_set]", "0.92669");
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_NE(raw.exit_code, 0);
  const auto& step = FindStep(ex, "Checks.enforce");
  EXPECT_EQ(step["status"], "Failed");
  EXPECT_EQ(step["failureType"], "PolicyEvaluationFailure");
  std::string message = step["failureMessage"];
  EXPECT_NE(message.find("policy set \"Set error_set\", policy \"gate\": Deny: Accuracy less than 90%"), std::string::npos) << message;
  EXPECT_EQ(message.find("warn_set"), std::string::npos) << "only error policies fail the step: " << message;
  EXPECT_EQ(step["policyEvaluations"][0]["results"].size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(p.scratch() / "deployed"));
  EXPECT_NE(StatusOf(ex, "Deploy"), "Success");
}

TEST(PolicyStepTest, FailureStrategyCanIgnorePolicyEvaluationFailures) {
  TestProject p;
  p.Write(".harness/policies/gate.rego", GatePolicy("0.95", "19"));
  p.Write(".harness/policysets/error_set.yaml", PolicySet("error_set", "error"));
  p.WritePipeline(Pipeline(
      "gate", {CustomStage("Checks", {PolicyStep("enforce", "[error_set]",
                                                 R"({"accuracy": 0.5, "fairnessScoreEqualOpportunity": 3})",
                                                 OnFailure("type: Ignore", "[PolicyEvaluationFailure]")),
                                      ShellStep("next", "true")})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.out;
  EXPECT_EQ(StatusOf(ex, "Checks.enforce"), "IgnoreFailed");
  EXPECT_EQ(StatusOf(ex, "Checks.next"), "Success");
}

TEST(PolicyStepTest, PayloadThatIsNotJsonFailsShowingTheResolvedTextWithSecretsMasked) {
  TestProject p;
  const RunOptions key{.env = {{"SLUICE_MASTER_KEY", std::string(64, 'a')}}};
  RunOptions with_secret = key;
  with_secret.stdin_text = "s3cr3t-policy-token\n";
  ASSERT_EQ(p.Sluice({"secret", "set", "token"}, with_secret).exit_code, 0);
  p.Write(".harness/policies/gate.rego", GatePolicy("0.9", "21"));
  p.Write(".harness/policysets/error_set.yaml", PolicySet("error_set", "error"));
  p.WritePipeline(Pipeline(
      "gate", {CustomStage("Checks", {PolicyStep("enforce", "[error_set]",
                                                 "{\"token\": <+secrets.getValue(\"token\")>, \"accuracy\": }")})}));
  RunResult raw;
  auto ex = p.RunJson({}, key, &raw);
  EXPECT_NE(raw.exit_code, 0);
  std::string message = FindStep(ex, "Checks.enforce")["failureMessage"];
  EXPECT_NE(message.find("not a valid JSON input"), std::string::npos) << message;
  EXPECT_NE(message.find("{\"token\": **************, \"accuracy\": }"), std::string::npos) << message;
  EXPECT_EQ(raw.out.find("s3cr3t-policy-token"), std::string::npos);
  EXPECT_EQ(p.StateBytes().find("s3cr3t-policy-token"), std::string::npos);
}

TEST(PolicyStepTest, ValidateReportsUnknownSetsAndRegoErrorsWithLocations) {
  TestProject p;
  p.Write(".harness/policies/gate.rego", "package main\n\ndeny[msg] {\n  msg := \"x\"\n  input.a ==\n}\n");
  p.Write(".harness/policysets/error_set.yaml", PolicySet("error_set", "error"));
  p.WritePipeline(Pipeline(
      "gate", {CustomStage("Checks", {PolicyStep("enforce", "[error_set, missing_set]", R"({"a": 1})")}),
               CiStage("Build", {PolicyStep("in_ci", "[error_set]", R"({"a": 1})")})}));
  auto v = p.Sluice({"validate"});
  EXPECT_NE(v.exit_code, 0);
  std::string all = v.out + v.err;
  EXPECT_NE(all.find("no policy set \"missing_set\" in .harness/policysets (the project has: error_set)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find(".harness/policies/gate.rego:6:1: error:"), std::string::npos) << all;
  EXPECT_NE(all.find("Policy steps run in Custom, Deployment or Approval stages"), std::string::npos) << all;
}

TEST(PolicyStepTest, SecretsInAValidPayloadAreNeverStoredEvenAsNumbersOrJson) {
  TestProject p;
  RunOptions key{.env = {{"SLUICE_MASTER_KEY", std::string(64, 'b')}}};
  RunOptions pin = key;
  pin.stdin_text = "98765432\n";
  ASSERT_EQ(p.Sluice({"secret", "set", "pin"}, pin).exit_code, 0);
  RunOptions doc = key;
  doc.stdin_text = "{\"key\": \"hunter2-long-secret\"}\n";
  ASSERT_EQ(p.Sluice({"secret", "set", "sa"}, doc).exit_code, 0);
  p.Write(".harness/policies/gate.rego", "package main\ndeny[msg] {\n  input.pin > 0\n  msg := sprintf(\"pin %v\", [input.pin])\n}\n");
  p.Write(".harness/policysets/warn_set.yaml", PolicySet("warn_set", "warning"));
  p.WritePipeline(Pipeline(
      "gate", {CustomStage("Checks", {PolicyStep("enforce", "[warn_set]",
                                                 "{\"pin\": <+secrets.getValue(\"pin\")>, \"sa\": "
                                                 "<+secrets.getValue(\"sa\")>}")})}));
  RunResult raw;
  auto ex = p.RunJson({}, key, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.out << raw.err;
  const auto& e = FindStep(ex, "Checks.enforce")["policyEvaluations"][0];
  EXPECT_EQ(e["status"], "warning") << e.dump(2);
  EXPECT_TRUE(e["input"].is_string()) << e.dump(2);
  EXPECT_EQ(e["results"][0]["denyMessages"][0], "pin **************");
  for (const char* secret : {"98765432", "hunter2-long-secret"}) {
    EXPECT_EQ(raw.out.find(secret), std::string::npos) << secret;
    EXPECT_EQ(p.StateBytes(false).find(secret), std::string::npos) << secret;
  }
}

TEST(PolicyStepTest, RetryReusingAPolicyStepKeepsItsStatusOutputAndEvaluation) {
  TestProject p;
  WriteGateProject(p, "<+input>", "0.92669");
  RunResult raw;
  auto first = p.RunJson({"--input", "policySets=warn_set"}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.out << raw.err;
  EXPECT_EQ(p.ReadScratch("status"), "warning\n");
  std::filesystem::remove(p.scratch() / "status");
  std::string id = first["id"];
  auto retried = p.Sluice({"retry", id, "--from", "Checks.after", "--json"});
  ASSERT_EQ(retried.exit_code, 0) << retried.out << retried.err;
  EXPECT_EQ(p.ReadScratch("status"), "warning\n") << "the reused step's output.status";
  const nlohmann::json ex = retried.Json();
  const auto& step = FindStep(ex, "Checks.enforce");
  EXPECT_TRUE(step["details"].contains("reusedFrom")) << step.dump(2);
  ASSERT_EQ(step["policyEvaluations"].size(), 1u) << step.dump(2);
  EXPECT_EQ(step["policyEvaluations"][0]["status"], "warning");
}

TEST(PolicyStepTest, AStepTimeoutStopsALongEvaluation) {
  TestProject p;
  // About 25 million iterations: far longer than the step's 1s timeout.
  p.Write(".harness/policies/slow.rego",
          "package slow\nimport rego.v1\n\ndeny contains \"never\" if {\n"
          "  count([x | some a in numbers.range(1, 5000); some b in numbers.range(1, 5000); x := a * b]) < 0\n}\n");
  p.Write(".harness/policysets/slow_set.yaml",
          "policySet:\n  identifier: slow_set\n  name: Slow\n  policies:\n    - identifier: slow\n      severity: error\n");
  p.WritePipeline(Pipeline("slow", {CustomStage("Checks", {PolicyStep("enforce", "[slow_set]", R"({"a": 1})",
                                                                      "timeout: 1s\n")})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_NE(raw.exit_code, 0);
  const auto& step = FindStep(ex, "Checks.enforce");
  EXPECT_EQ(step["status"], "Expired") << step.dump(2);
  EXPECT_NE(step["failureMessage"].get<std::string>().find("evaluating policies"), std::string::npos);
  // Stopped inside the evaluation, not after it finished.
  const auto& result = step["policyEvaluations"][0]["results"][0];
  EXPECT_NE(result["error"].get<std::string>().find("eval_cancel_error"), std::string::npos) << step.dump(2);
}

// The tutorial's experiment: tighten the policy to accuracy >= 0.95 and a gap
// <= 19 on the real example project. The model (accuracy 0.92669) fails it.
class StricterTutorialPolicyTest : public ::testing::TestWithParam<std::string> {};

TEST_P(StricterTutorialPolicyTest, WarnContinuesAndErrorStopsBeforeDeployment) {
  const std::string severity = GetParam();
  TestProject p;
  std::filesystem::copy(SourceDir() / "examples" / "credit-card", p.root(),
                        std::filesystem::copy_options::recursive |
                            std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove(p.root() / "run-demo");
  p.Write(".harness/policies/check_fairness_and_accuracy.rego", GatePolicy("0.95", "19"));
  p.Write(".harness/policysets/Credit_Card_Approval_Policy_Set.yaml",
          PolicySet("Credit_Card_Approval_Policy_Set", severity, "check_fairness_and_accuracy"));
  p.InitGitRepo();
  // The training image starts FROM the example's base image, which run-demo
  // builds before the first run.
  oci::testing::ToolRun base = oci::testing::RunTool(
      {(SourceDir() / "examples/credit-card/images/busybox/build").string(),
       SluiceBinary().string(), p.root().string()});
  ASSERT_EQ(base.exit_code, 0) << base.output;
  RunOptions options;
  options.env["PATH"] = SluiceBinary().parent_path().string() + ":" + std::getenv("PATH");
  options.timeout = std::chrono::minutes(2);
  RunResult raw;
  auto ex = p.RunJson({"--inputset", "main"}, options, &raw);
  const auto& step = FindStep(ex, "Model_Policy_Checks.Enforce_Fairness_Policy");
  ASSERT_EQ(step["policyEvaluations"].size(), 1u) << raw.out << raw.err;
  EXPECT_EQ(step["policyEvaluations"][0]["status"], severity);
  EXPECT_EQ(step["policyEvaluations"][0]["results"][0]["policy"], "check_fairness_and_accuracy");
  EXPECT_EQ(step["policyEvaluations"][0]["input"]["accuracy"], 0.92669);
  if (severity == "warning") {
    // Everything ran; production waits for its approver.
    EXPECT_EQ(raw.exit_code, 3) << raw.out;
    EXPECT_EQ(step["status"], "Success");
    EXPECT_EQ(StatusOf(ex, "lambdadeployment"), "Success");
    EXPECT_EQ(StatusOf(ex, "Approve_production"), "ApprovalWaiting");
  } else {
    EXPECT_NE(raw.exit_code, 0);
    EXPECT_EQ(step["failureType"], "PolicyEvaluationFailure");
    EXPECT_NE(StatusOf(ex, "lambdadeployment"), "Success");
    EXPECT_EQ(FindStep(ex, "lambdadeployment.deployawslambda")["status"], "Skipped");
    EXPECT_NE(StatusOf(ex, "lambdadeployment_production"), "Success");
  }
}

INSTANTIATE_TEST_SUITE_P(Severities, StricterTutorialPolicyTest, ::testing::Values("warning", "error"));

}  // namespace
}  // namespace sluice::testing
