// Deploying the credit-card function with a Deployment stage: the inference
// image (Dockerfile_Inference_Lambda, the static ccapproval handler and a
// trained model) built into the local image store under its ECR name, an
// AwsLambda service, environment and infrastructure, and AwsLambdaDeploy;
// then the function answers through `sluice functions invoke`, which runs
// it in the function runtime (bubblewrap over the image's root).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "oci/test_tools.h"
#include "lambda_entities.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using oci::testing::RunRequiredTool;

const fs::path kStaticCcapproval = CCAPPROVAL_STATIC;
constexpr char kImage[] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ccapproval-deploy";
constexpr char kTutorialEvent[] =
    R"({"Num_Children": 2, "Income": 500000, "Own_Car": 1, "Own_Housing": 1})";

constexpr char kPipeline[] = R"(pipeline:
  identifier: deploy
  name: deploy
  variables:
    - name: fail_after_deploy
      type: String
      value: <+input>
  stages:
    - stage:
        identifier: lambdadeployment
        name: lambdadeployment
        type: Deployment
        spec:
          deploymentType: AwsLambda
          service:
            serviceRef: ccapproval
            serviceInputs:
              serviceDefinition:
                type: AwsLambda
                spec:
                  artifacts:
                    primary:
                      primaryArtifactRef: ccapprovaldeploy
                      sources:
                        - identifier: ccapprovaldeploy
                          type: Ecr
                          spec:
                            tag: <+input>
          environment:
            environmentRef: lambda_env
            deployToAll: false
            infrastructureDefinitions:
              - identifier: aws_lambda_infra
          execution:
            steps:
              - step:
                  type: AwsLambdaDeploy
                  name: Deploy Aws Lambda
                  identifier: deployawslambda
                  timeout: 10m
                  spec: {}
              - step:
                  type: ShellScript
                  name: check
                  identifier: check
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: test "<+pipeline.variables.fail_after_deploy>" != "true"
            rollbackSteps:
              - step:
                  type: AwsLambdaRollback
                  name: Aws Lambda rollback
                  identifier: awslambdarollback
                  timeout: 10m
                  spec: {}
        failureStrategies:
          - onFailure:
              errors:
                - AllErrors
              action:
                type: StageRollback
)";

class LambdaDeployTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Each run publishes a new version: the run number is in the configuration.
    WriteLambdaEntities(p_,
             "{\"functionName\": \"creditcardapplicationlambda\", \"timeout\": 10,\n"
             " \"environment\": {\"variables\": {\"DEPLOYED_BY\": \"<+pipeline.sequenceId>\"}}}\n");
    p_.WritePipeline(kPipeline);
    BuildImage("v1");
  }

  // The inference image with a freshly trained model, tagged kImage:tag.
  void BuildImage(const std::string& tag) {
    fs::path ctx = p_.scratch() / "ctx";
    fs::create_directories(ctx / "bin");
    fs::create_directories(ctx / "output");
    fs::copy_file(kStaticCcapproval, ctx / "bin/ccapproval", fs::copy_options::overwrite_existing);
    fs::copy_file(SourceDir() / "examples/credit-card/config.yml", ctx / "config.yml",
                  fs::copy_options::overwrite_existing);
    auto trained =
        RunRequiredTool({"sh", "-c",
                         "cd '" + ctx.string() +
                             "' && bin/ccapproval generate --rows 5000 --out output/data.csv "
                             ">/dev/null && bin/ccapproval train --config config.yml >/dev/null"},
                        "dash");
    ASSERT_TRUE(trained.ok() && trained->exit_code == 0)
        << (trained.ok() ? trained->output : trained.status().ToString());
    RunResult built =
        p_.Sluice({"image", "build", "-f",
                   (SourceDir() / "examples/credit-card/Dockerfile_Inference_Lambda").string(),
                   "-t", std::string(kImage) + ":" + tag, ctx.string()});
    ASSERT_EQ(built.exit_code, 0) << built.err;
  }

  RunResult Deploy(const std::string& tag, bool fail_after) {
    return p_.Sluice({"run", "--input", "tag=" + tag, "--input",
                      std::string("fail_after_deploy=") + (fail_after ? "true" : "false")});
  }

  nlohmann::json Versions() {
    return p_.Sluice({"functions", "versions", "creditcardapplicationlambda", "--json"}).Json();
  }

  TestProject p_;
};

TEST_F(LambdaDeployTest, TheDeployedFunctionAnswersTheTutorialsEventThroughItsAlias) {
  RunResult run = Deploy("v1", false);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  RunResult logs = p_.Sluice({"executions", "logs", "--step", "lambdadeployment.deployawslambda",
                              p_.Sluice({"executions", "list", "--json"}).Json()[0]["id"]});
  EXPECT_NE(logs.out.find("Function: [creditcardapplicationlambda] does not exist. Create and "
                          "Publish."),
            std::string::npos)
      << logs.out;
  EXPECT_NE(logs.out.find("Published new version: [1]"), std::string::npos) << logs.out;
  EXPECT_NE(
      logs.out.find("Function URL: http://127.0.0.1:8080/fn/creditcardapplicationlambda/live"),
      std::string::npos)
      << logs.out;

  nlohmann::json v = Versions();
  ASSERT_EQ(v["versions"].size(), 2u) << v.dump(2);  // $LATEST and 1
  EXPECT_EQ(v["versions"][1]["image"], std::string(kImage) + ":v1");
  EXPECT_EQ(v["aliases"][0]["name"], "live");
  EXPECT_EQ(v["aliases"][0]["version"], 1);

  RunResult invoked = p_.Sluice({"functions", "invoke", "creditcardapplicationlambda",
                                 "--qualifier", "live", "--payload", kTutorialEvent});
  ASSERT_EQ(invoked.exit_code, 0) << invoked.err;
  EXPECT_EQ(invoked.out, "{\"statusCode\": 200, \"body\": \"{\\\"prediction\\\": 1}\"}\n");
  EXPECT_NE(invoked.err.find("executed version: 1"), std::string::npos) << invoked.err;
}

TEST_F(LambdaDeployTest, AMissingImageFailsTheDeployAndTheFunctionKeepsServing) {
  ASSERT_EQ(Deploy("v1", false).exit_code, 0);
  RunResult broken = Deploy("v9", false);
  EXPECT_NE(broken.exit_code, 0);
  nlohmann::json v = Versions();
  EXPECT_EQ(v["versions"].size(), 2u) << "no version was published: " << v.dump(2);
  EXPECT_EQ(v["aliases"][0]["version"], 1);
  RunResult invoked = p_.Sluice({"functions", "invoke", "creditcardapplicationlambda",
                                 "--qualifier", "live", "--payload", kTutorialEvent});
  EXPECT_EQ(invoked.exit_code, 0) << invoked.err;
}

TEST_F(LambdaDeployTest, AFailureAfterTheDeployRollsTheAliasBack) {
  ASSERT_EQ(Deploy("v1", false).exit_code, 0);
  RunResult failed = Deploy("v1", true);  // publishes version 2, then the check fails
  EXPECT_NE(failed.exit_code, 0);
  nlohmann::json v = Versions();
  ASSERT_EQ(v["versions"].size(), 3u) << v.dump(2);  // the version stays, immutable
  EXPECT_EQ(v["aliases"][0]["version"], 1) << "the alias is back on the previous version";
  RunResult invoked = p_.Sluice({"functions", "invoke", "creditcardapplicationlambda",
                                 "--qualifier", "live", "--payload", kTutorialEvent});
  EXPECT_EQ(invoked.exit_code, 0) << invoked.err;
  EXPECT_NE(invoked.err.find("executed version: 1"), std::string::npos) << invoked.err;
}

TEST_F(LambdaDeployTest, ASecretInTheFunctionsEnvironmentIsRefusedAndNeverStored) {
  const std::string secret = "s3cr3t-model-key-value";
  ASSERT_EQ(p_.Sluice({"secret", "set", "model_key"}, WithMasterKey(secret + "\n")).exit_code, 0);
  p_.Write(".harness/filestore/lambda/function.json",
           "{\"functionName\": \"creditcardapplicationlambda\",\n"
           " \"environment\": {\"variables\": {\"KEY\": \"<+secrets.getValue('model_key')>\"}}}\n");
  RunResult run = p_.Sluice({"run", "--input", "tag=v1", "--input", "fail_after_deploy=false"},
                            WithMasterKey());
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(run.out.find(secret), std::string::npos);
  EXPECT_EQ(run.err.find(secret), std::string::npos);
  EXPECT_NE((run.out + run.err).find("environment.variables.KEY holds a secret"), std::string::npos)
      << run.out << run.err;
  RunResult list = p_.Sluice({"functions", "list", "--json"});
  EXPECT_EQ(list.Json().size(), 0u) << list.out;
}

// A canary: the new version gets half of the alias's traffic, the alias is
// invoked many times (as a user's smoke-test step would), a wait, then the
// rest of the traffic -- unless the new version's error rate is above the
// threshold, when the stage rolls back.
constexpr char kCanaryPipeline[] = R"(pipeline:
  identifier: canary
  name: canary
  variables:
    - name: sluice
      type: String
      value: <+input>
  stages:
    - stage:
        identifier: lambdacanary
        name: lambdacanary
        type: Deployment
        spec:
          deploymentType: AwsLambda
          service:
            serviceRef: ccapproval
            serviceInputs:
              serviceDefinition:
                type: AwsLambda
                spec:
                  artifacts:
                    primary:
                      primaryArtifactRef: ccapprovaldeploy
                      sources:
                        - identifier: ccapprovaldeploy
                          type: Ecr
                          spec:
                            tag: v1
          environment:
            environmentRef: lambda_env
            deployToAll: false
            infrastructureDefinitions:
              - identifier: aws_lambda_infra
          execution:
            steps:
              - step:
                  type: AwsLambdaDeploy
                  name: deploy
                  identifier: deploy
                  timeout: 10m
                  spec: {}
              - step:
                  type: AwsLambdaTrafficShift
                  name: half
                  identifier: half
                  timeout: 10m
                  spec:
                    trafficPercentage: 50
              - step:
                  type: ShellScript
                  name: smoke
                  identifier: smoke
                  timeout: 10m
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: |
                          for i in $(seq 30); do
                            <+pipeline.variables.sluice> functions invoke creditcardapplicationlambda --qualifier live --payload '{"Num_Children": 2, "Income": 500000, "Own_Car": 1, "Own_Housing": 1}' || true
                          done
              - step:
                  type: Wait
                  name: bake
                  identifier: bake
                  spec:
                    duration: 1s
              - step:
                  type: AwsLambdaTrafficShift
                  name: all
                  identifier: all
                  timeout: 10m
                  spec:
                    trafficPercentage: 100
                    errorRateThreshold: 10
                    minInvocations: 5
            rollbackSteps:
              - step:
                  type: AwsLambdaRollback
                  name: rollback
                  identifier: rollback
                  timeout: 10m
                  spec: {}
        failureStrategies:
          - onFailure:
              errors:
                - AllErrors
              action:
                type: StageRollback
)";

class LambdaCanaryTest : public LambdaDeployTest {
 protected:
  void SetUp() override {
    LambdaDeployTest::SetUp();
    p_.WritePipeline(kCanaryPipeline);
  }

  RunResult Canary() {
    const std::string sluice = SluiceBinary().string() + " -C " + p_.root().string();
    return p_.Sluice({"run", "--input", "sluice=" + sluice}, {.timeout = std::chrono::minutes(5)});
  }

  std::string StepLog(const std::string& step) {
    return p_
        .Sluice({"executions", "logs", "--step", "lambdacanary." + step,
                 p_.Sluice({"executions", "list", "--json"}).Json()[0]["id"]})
        .out;
  }

  RunResult InvokeLive() {
    return p_.Sluice({"functions", "invoke", "creditcardapplicationlambda", "--qualifier", "live",
                      "--payload", kTutorialEvent});
  }
};

TEST_F(LambdaCanaryTest, AFailingNewVersionStopsTheCanaryAndTheStageRollsBack) {
  RunResult first = Canary();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  // Version 2 cannot find its model: every invocation of it is a function error.
  WriteLambdaEntities(p_,
                      "{\"functionName\": \"creditcardapplicationlambda\", \"timeout\": 10,\n"
                      " \"imageConfig\": {\"entryPoint\": [\"/ccapproval\", \"handler\", "
                      "\"--model\", \"/model/missing.json\"]}}\n");
  RunResult failed = Canary();
  EXPECT_NE(failed.exit_code, 0) << failed.out << failed.err;
  const std::string shift = StepLog("all");
  EXPECT_NE(shift.find("the canary is failing; not shifting"), std::string::npos) << shift;
  EXPECT_NE(shift.find("threshold 10.0%"), std::string::npos) << shift;
  const std::string rollback = StepLog("rollback");
  EXPECT_NE(rollback.find("Alias live of creditcardapplicationlambda back to version 1."),
            std::string::npos)
      << rollback;

  nlohmann::json v = Versions();
  ASSERT_EQ(v["versions"].size(), 3u) << v.dump(2);
  EXPECT_EQ(v["aliases"][0]["version"], 1) << v.dump(2);
  EXPECT_FALSE(v["aliases"][0].contains("additionalVersionWeights")) << v.dump(2);
  for (int i = 0; i < 5; ++i) {
    RunResult invoked = InvokeLive();
    EXPECT_EQ(invoked.exit_code, 0) << invoked.err;
    EXPECT_NE(invoked.err.find("executed version: 1"), std::string::npos) << invoked.err;
  }
}

TEST_F(LambdaCanaryTest, AHealthyNewVersionTakesAllTheTraffic) {
  ASSERT_EQ(Canary().exit_code, 0);
  RunResult second = Canary();
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  const std::string shift = StepLog("all");
  EXPECT_NE(shift.find("version 2: 0 errors in"), std::string::npos) << shift;
  EXPECT_NE(
      shift.find("Alias live of creditcardapplicationlambda: 100% of the traffic to version 2"),
      std::string::npos)
      << shift;
  nlohmann::json v = Versions();
  EXPECT_EQ(v["aliases"][0]["version"], 2) << v.dump(2);
  EXPECT_FALSE(v["aliases"][0].contains("additionalVersionWeights")) << v.dump(2);
  RunResult invoked =
      p_.Sluice({"functions", "invoke", "creditcardapplicationlambda", "--qualifier", "live",
                 "--log-type", "Tail", "--payload", kTutorialEvent});
  EXPECT_EQ(invoked.exit_code, 0) << invoked.err;
  EXPECT_NE(invoked.err.find("executed version: 2"), std::string::npos) << invoked.err;
  // --log-type Tail: the invocation's log on stderr.
  EXPECT_NE(invoked.err.find("START RequestId: "), std::string::npos) << invoked.err;
  EXPECT_NE(invoked.err.find(" Version: 2\n"), std::string::npos) << invoked.err;
  EXPECT_NE(invoked.err.find("END RequestId: "), std::string::npos) << invoked.err;
  EXPECT_NE(invoked.err.find("REPORT RequestId: "), std::string::npos) << invoked.err;
  EXPECT_NE(invoked.err.find("Max Memory Used: "), std::string::npos) << invoked.err;
}

}  // namespace
}  // namespace sluice::testing
