// Deployment stages: the service, environment and infrastructure a stage
// names, as its steps see them, and as `sluice validate` checks them.
#include <gtest/gtest.h>

#include <string>

#include "lambda_entities.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

std::string DeployPipeline(const std::string& service_ref, const std::string& script) {
  return R"(pipeline:
  identifier: deploy
  name: deploy
  stages:
    - stage:
        identifier: lambdadeployment
        name: lambdadeployment
        type: Deployment
        spec:
          deploymentType: AwsLambda
          service:
            serviceRef: )" +
         service_ref + R"(
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
                  type: ShellScript
                  name: show
                  identifier: show
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: |-
                          )" +
         script + "\n";
}

void WriteEntities(const TestProject& p) {
  WriteLambdaEntities(p, "{\"functionName\": \"creditcardapplicationlambda\"}\n");
}

TEST(DeploymentStageTest, StepsSeeTheServiceEnvironmentInfrastructureAndArtifact) {
  TestProject p;
  WriteEntities(p);
  const std::string out = (p.scratch() / "seen").string();
  p.WritePipeline(DeployPipeline(
      "ccapproval",
      "echo \"<+service.name> <+env.name> <+infra.region> <+artifact.imagePath>:<+artifact.tag> "
      "<+artifact.image>\" | tee '" +
          out + "'"));
  auto r = p.Sluice({"run", "--input", "tag=v42"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(p.ReadScratch("seen"),
            "creditcardapproval-lambda-service lambda-env us-east-1 ccapproval-deploy:v42 "
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/ccapproval-deploy:v42\n");
}

TEST(DeploymentStageTest, ValidateReportsAnUnknownServiceRefAtItsLine) {
  TestProject p;
  WriteEntities(p);
  p.WritePipeline(DeployPipeline("ccaproval", "echo <+service.name>"), "deploy.yaml");
  auto r = p.Sluice({"validate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            ".harness/pipelines/deploy.yaml:12:25: error: unknown service \"ccaproval\": no file "
            "in .harness/services/ defines it (services: ccapproval); add "
            ".harness/services/ccaproval.yaml\n"
            "            serviceRef: ccaproval\n"
            "                        ^\n"
            "1 error\n");
}

}  // namespace
}  // namespace sluice::testing
