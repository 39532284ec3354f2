#include "pipeline/deployment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"
#include "pipeline/project.h"

namespace sluice::pipeline {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr std::string_view kService = R"(service:
  identifier: ccapproval
  name: creditcardapproval-lambda-service
  description: the credit-card model
  serviceDefinition:
    type: AwsLambda
    spec:
      manifests:
        - manifest:
            identifier: lambdadefinition
            type: AwsLambdaFunctionDefinition
            spec:
              store:
                type: Harness
                spec:
                  files:
                    - /lambda/function.json
        - manifest:
            identifier: lambdaalias
            type: AwsLambdaFunctionAliasDefinition
            spec:
              store:
                type: Github
                spec:
                  connectorRef: github
                  gitFetchType: Branch
                  branch: main
                  paths:
                    - lambda/alias.json
      artifacts:
        primary:
          primaryArtifactRef: <+input>
          sources:
            - identifier: ccapprovaldeploy
              type: Ecr
              spec:
                connectorRef: mlopsawsconnector
                region: us-east-1
                registryId: "123456789012"
                imagePath: ccapproval-deploy
                tag: <+input>
            - identifier: hub
              type: DockerRegistry
              spec:
                connectorRef: docker
                imagePath: library/ccapproval
                tag: v1
      variables:
        - name: memory
          type: String
          value: "512"
        - name: owner
          type: String
          value: ml-team
)";

constexpr std::string_view kEnvironment = R"(environment:
  identifier: lambda_env
  name: lambda-env
  type: PreProduction
  variables:
    - name: stage
      type: String
      value: dev
)";

constexpr std::string_view kInfrastructure = R"(infrastructureDefinition:
  identifier: aws_lambda_infra
  name: aws-lambda-infra
  environmentRef: lambda_env
  deploymentType: AwsLambda
  type: AwsLambda
  spec:
    connectorRef: mlopsawsconnector
    region: us-east-1
)";

// The stage's spec lines 9.. of the pipeline file; `service` and
// `environment` replace the defaults.
std::string Pipeline(const std::string& service, const std::string& environment,
                     const std::string& type = "AwsLambda") {
  return R"(pipeline:
  identifier: deploy
  name: Deploy
  stages:
    - stage:
        identifier: lambdadeployment
        name: lambdadeployment
        type: Deployment
        spec:
          deploymentType: )" +
         type + "\n" + service + environment + R"(          execution:
            steps:
              - step: {identifier: w, name: W, type: Wait, spec: {duration: 1s}}
)";
}

const std::string kServiceRef = R"(          service:
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
                            tag: v42
                  variables:
                    - name: memory
                      type: String
                      value: "1024"
)";

const std::string kEnvRef = R"(          environment:
            environmentRef: lambda_env
            deployToAll: false
            infrastructureDefinitions:
              - identifier: aws_lambda_infra
)";

class DeploymentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-deployment-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(*dir));
    Write(".harness/services/ccapproval.yaml", kService);
    Write(".harness/environments/lambda_env.yaml", kEnvironment);
    Write(".harness/infrastructures/aws_lambda_infra.yaml", kInfrastructure);
    Write(".harness/pipelines/p.yaml", Pipeline(kServiceRef, kEnvRef));
  }
  void Write(const std::string& rel, std::string_view text) {
    ASSERT_TRUE(MakeDirs((root() / rel).parent_path()).ok());
    ASSERT_TRUE(WriteFileAtomic(root() / rel, text).ok());
  }
  const fs::path& root() const { return dir_->path(); }
  Project Load(DiagnosticList* diags) {
    auto project = LoadProject(root(), diags);
    EXPECT_TRUE(project.ok());
    return project.ok() ? std::move(*project) : Project();
  }
  // Loads the project and returns its diagnostics, printed.
  std::string LoadDiags() {
    DiagnosticList diags;
    Project p = Load(&diags);
    return FormatDiagnostics(diags, p);
  }
  const Stage& FirstStage(const Project& p) { return p.pipelines.at(0).stages.at(0).stage; }

  std::optional<TempDir> dir_;
};

TEST_F(DeploymentTest, LoadsServicesEnvironmentsAndInfrastructures) {
  Write(".harness/pipelines/p.yaml", Pipeline(kServiceRef, kEnvRef));
  DiagnosticList diags;
  Project p = Load(&diags);
  EXPECT_TRUE(diags.empty()) << FormatDiagnostics(diags, p);
  const Service* s = p.FindService("ccapproval");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->name, "creditcardapproval-lambda-service");
  EXPECT_EQ(s->description, "the credit-card model");
  EXPECT_EQ(s->definition_type, "AwsLambda");
  EXPECT_EQ(s->definition_type_location.ToString(), ".harness/services/ccapproval.yaml:6:11");
  ASSERT_EQ(s->variables.size(), 2u);
  EXPECT_EQ(s->variables[0].name, "memory");
  const Environment* e = p.FindEnvironment("lambda_env");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "lambda-env");
  EXPECT_EQ(EnvironmentTypeName(e->type), "PreProduction");
  ASSERT_EQ(e->variables.size(), 1u);
  const InfrastructureDefinition* i = p.FindInfrastructure("aws_lambda_infra");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->environment_ref, "lambda_env");
  EXPECT_EQ(i->deployment_type, "AwsLambda");
  EXPECT_EQ(i->type, "AwsLambda");
  EXPECT_EQ(i->connector_ref, "mlopsawsconnector");
  EXPECT_EQ(i->region, "us-east-1");
  EXPECT_EQ(p.FindService("nope"), nullptr);
}

TEST_F(DeploymentTest, ParsesTheAwsLambdaServiceDefinition) {
  DiagnosticList diags;
  YAML::Node doc = YAML::Load(std::string(kService));
  auto spec =
      ParseAwsLambdaServiceSpec(doc["service"]["serviceDefinition"]["spec"], "s.yaml", &diags);
  ASSERT_TRUE(spec.has_value());
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(spec->manifests.size(), 2u);
  ASSERT_NE(spec->FunctionDefinition(), nullptr);
  EXPECT_EQ(spec->FunctionDefinition()->identifier, "lambdadefinition");
  EXPECT_EQ(spec->FunctionDefinition()->store_type, "Harness");
  EXPECT_EQ(spec->FunctionDefinition()->paths, std::vector<std::string>{"/lambda/function.json"});
  ASSERT_EQ(spec->AliasDefinitions().size(), 1u);
  EXPECT_EQ(spec->AliasDefinitions()[0]->store_type, "Github");
  EXPECT_EQ(spec->AliasDefinitions()[0]->branch, "main");
  EXPECT_EQ(spec->primary_artifact_ref, "<+input>");
  ASSERT_EQ(spec->sources.size(), 2u);
  const ArtifactSource* ecr = spec->FindSource("ccapprovaldeploy");
  ASSERT_NE(ecr, nullptr);
  EXPECT_EQ(ecr->type, "Ecr");
  EXPECT_EQ(ecr->connector_ref, "mlopsawsconnector");
  EXPECT_EQ(ecr->region, "us-east-1");
  EXPECT_EQ(ecr->registry_id, "123456789012");
  EXPECT_EQ(ecr->image_path, "ccapproval-deploy");
  EXPECT_EQ(ecr->tag, "<+input>");
  EXPECT_EQ(spec->FindSource("hub")->type, "DockerRegistry");
}

TEST_F(DeploymentTest, ReportsUnsupportedArtifactsAndManifestsAtTheServiceFile) {
  std::string bad(kService);
  bad.replace(bad.find("type: DockerRegistry"), 20, "type: AmazonS3");
  bad.replace(bad.find("type: Github"), 12, "type: S3");
  Write(".harness/services/ccapproval.yaml", bad);
  const std::string out = LoadDiags();
  EXPECT_THAT(out, HasSubstr(".harness/services/ccapproval.yaml:23:23: error: manifest store type "
                             "\"S3\" is not supported (supported: Harness, Git, Github, GitLab, "
                             "Bitbucket, Local)"));
  EXPECT_THAT(out, HasSubstr(".harness/services/ccapproval.yaml:43:21: error: artifact source "
                             "type \"AmazonS3\" is not supported: sluice's function runtime runs "
                             "container images (use Ecr or DockerRegistry)"));
}

TEST_F(DeploymentTest, ReportsMalformedAndDuplicateEntitiesWithTheirLocation) {
  Write(".harness/services/broken.yaml", "service:\n  identifier: broken\n  name: Broken\n");
  Write(".harness/services/again.yaml", kService);
  Write(".harness/environments/prod.yaml",
        "environment:\n  identifier: prod\n  name: prod\n  type: Live\n");
  Write(".harness/infrastructures/lost.yaml",
        "infrastructureDefinition:\n  identifier: lost\n  name: lost\n  environmentRef: nowhere\n"
        "  deploymentType: AwsLambda\n  type: AwsLambda\n  spec:\n    region: eu-west-1\n");
  const std::string out = LoadDiags();
  EXPECT_THAT(out, HasSubstr(".harness/services/broken.yaml:2:3: error: service is missing "
                             "required field \"serviceDefinition\""));
  EXPECT_THAT(out, HasSubstr(".harness/services/ccapproval.yaml:2:3: error: duplicate service "
                             "identifier \"ccapproval\" (also defined at "
                             ".harness/services/again.yaml:2:3)"));
  EXPECT_THAT(out, HasSubstr(".harness/environments/prod.yaml:4:9: error: environment type must "
                             "be Production or PreProduction, got \"Live\""));
  EXPECT_THAT(out, HasSubstr(".harness/infrastructures/lost.yaml:7:3: error: AwsLambda "
                             "infrastructure spec is missing required field \"connectorRef\""));
  EXPECT_THAT(out, HasSubstr(".harness/infrastructures/lost.yaml:4:19: error: infrastructure "
                             "definition \"lost\" belongs to environment \"nowhere\", which the "
                             "project does not have: add .harness/environments/nowhere.yaml"));
}

TEST_F(DeploymentTest, ResolvesTheStageWithServiceInputsOverridingTheService) {
  Write(".harness/pipelines/p.yaml", Pipeline(kServiceRef, kEnvRef));
  DiagnosticList load;
  Project p = Load(&load);
  ASSERT_TRUE(load.empty()) << FormatDiagnostics(load, p);
  DiagnosticList diags;
  auto d = ResolveDeploymentStage(FirstStage(p), p, &diags);
  ASSERT_NE(d, nullptr) << FormatDiagnostics(diags, p);
  EXPECT_EQ(d->deployment_type, "AwsLambda");
  EXPECT_EQ(d->service, p.FindService("ccapproval"));
  EXPECT_EQ(d->environment, p.FindEnvironment("lambda_env"));
  EXPECT_EQ(d->infrastructure, p.FindInfrastructure("aws_lambda_infra"));
  ASSERT_TRUE(d->aws_lambda.has_value());
  ASSERT_NE(d->primary_artifact, nullptr);
  EXPECT_EQ(d->primary_artifact->identifier, "ccapprovaldeploy");
  EXPECT_EQ(d->primary_artifact->tag, "v42");                       // from serviceInputs
  EXPECT_EQ(d->primary_artifact->image_path, "ccapproval-deploy");  // from the service
  EXPECT_EQ(d->aws_lambda->sources.size(), 2u);
  ASSERT_EQ(d->service_variables.size(), 2u);
  EXPECT_EQ(d->service_variables[0].name, "memory");
  EXPECT_EQ(d->service_variables[0].value.Scalar(), "1024");
  EXPECT_EQ(d->service_variables[0].location.file, ".harness/pipelines/p.yaml");
  EXPECT_EQ(d->service_variables[1].value.Scalar(), "ml-team");
}

TEST_F(DeploymentTest, RuntimeInputReferencesAreLeftForTheRun) {
  Write(".harness/pipelines/p.yaml",
        Pipeline("          service:\n            serviceRef: ccapproval\n            "
                 "serviceInputs:\n              serviceDefinition:\n                type: "
                 "AwsLambda\n                spec:\n                  artifacts:\n                 "
                 "   primary:\n                      primaryArtifactRef: <+input>\n              "
                 "        sources: <+input>\n",
                 kEnvRef));
  DiagnosticList diags;
  Project p = Load(&diags);
  EXPECT_TRUE(diags.empty()) << FormatDiagnostics(diags, p);
  EXPECT_EQ(ResolveDeploymentStage(FirstStage(p), p, &diags), nullptr);
  EXPECT_TRUE(diags.empty());
}

TEST_F(DeploymentTest, UnknownServiceIsReportedAtTheServiceRefNamingTheFolder) {
  std::string service = kServiceRef;
  service.replace(service.find("serviceRef: ccapproval"), 22, "serviceRef: ccaproval");
  Write(".harness/pipelines/p.yaml", Pipeline(service, kEnvRef));
  EXPECT_EQ(LoadDiags(),
            ".harness/pipelines/p.yaml:12:25: error: unknown service \"ccaproval\": no file in "
            ".harness/services/ defines it (services: ccapproval); add "
            ".harness/services/ccaproval.yaml\n"
            "            serviceRef: ccaproval\n"
            "                        ^\n"
            "1 error\n");
}

TEST_F(DeploymentTest, UnknownEnvironmentAndInfrastructureNameTheirFolders) {
  std::string env = kEnvRef;
  env.replace(env.find("environmentRef: lambda_env"), 26, "environmentRef: prod");
  env.replace(env.find("identifier: aws_lambda_infra"), 28, "identifier: k8s");
  Write(".harness/pipelines/p.yaml", Pipeline(kServiceRef, env));
  const std::string out = LoadDiags();
  EXPECT_THAT(out, HasSubstr("error: unknown environment \"prod\": no file in "
                             ".harness/environments/ defines it (environments: lambda_env); add "
                             ".harness/environments/prod.yaml"));
  EXPECT_THAT(out, HasSubstr("error: unknown infrastructure definition \"k8s\": no file in "
                             ".harness/infrastructures/ defines it (infrastructure definitions: "
                             "aws_lambda_infra); add .harness/infrastructures/k8s.yaml"));
}

TEST_F(DeploymentTest, DeploymentTypeMustMatchServiceAndInfrastructure) {
  Write(".harness/pipelines/p.yaml", Pipeline(kServiceRef, kEnvRef, "Kubernetes"));
  const std::string out = LoadDiags();
  EXPECT_THAT(out, HasSubstr(".harness/pipelines/p.yaml:10:27: error: deploymentType Kubernetes "
                             "does not match service \"ccapproval\", whose serviceDefinition.type "
                             "is AwsLambda (.harness/services/ccapproval.yaml:6:11)"));
  EXPECT_THAT(out, HasSubstr("error: deploymentType Kubernetes does not match infrastructure "
                             "definition \"aws_lambda_infra\", whose deploymentType is AwsLambda "
                             "(.harness/infrastructures/aws_lambda_infra.yaml:5:19)"));
}

TEST_F(DeploymentTest, InfrastructureOfAnotherEnvironmentIsAnError) {
  Write(".harness/environments/prod.yaml",
        "environment:\n  identifier: prod\n  name: prod\n  type: Production\n");
  std::string env = kEnvRef;
  env.replace(env.find("environmentRef: lambda_env"), 26, "environmentRef: prod");
  Write(".harness/pipelines/p.yaml", Pipeline(kServiceRef, env));
  EXPECT_THAT(LoadDiags(),
              HasSubstr(".harness/pipelines/p.yaml:33:29: error: infrastructure definition "
                        "\"aws_lambda_infra\" belongs to environment \"lambda_env\" "
                        "(.harness/infrastructures/aws_lambda_infra.yaml:4:19), not to \"prod\""));
}

TEST_F(DeploymentTest, MoreThanOneInfrastructureIsNotSupportedYet) {
  Write(".harness/pipelines/p.yaml",
        Pipeline(kServiceRef, kEnvRef + "              - identifier: other\n"));
  EXPECT_THAT(LoadDiags(),
              HasSubstr(".harness/pipelines/p.yaml:34:17: error: deploying to more than one "
                        "infrastructure definition is not supported yet"));
}

TEST_F(DeploymentTest, InlineServiceConfigIsNotSupported) {
  Write(".harness/pipelines/p.yaml",
        Pipeline("          serviceConfig:\n            serviceRef: ccapproval\n", kEnvRef));
  EXPECT_THAT(LoadDiags(),
              HasSubstr(".harness/pipelines/p.yaml:11:11: error: serviceConfig (a service "
                        "written inside the stage, Harness's older form) is not supported: move "
                        "it to .harness/services/<identifier>.yaml"));
}

TEST_F(DeploymentTest, PrimaryArtifactRefMustNameASource) {
  std::string service = kServiceRef;
  service.replace(service.find("primaryArtifactRef: ccapprovaldeploy"), 36,
                  "primaryArtifactRef: missing");
  Write(".harness/pipelines/p.yaml", Pipeline(service, kEnvRef));
  EXPECT_THAT(LoadDiags(), HasSubstr("error: primaryArtifactRef \"missing\" of service "
                                     "\"ccapproval\" names no artifact source (sources: "
                                     "ccapprovaldeploy, hub)"));
}

TEST_F(DeploymentTest, ManifestPathsMapToTheFileStoreOrTheProjectRoot) {
  YAML::Node doc = YAML::Load(std::string(kService));
  DiagnosticList diags;
  auto spec =
      ParseAwsLambdaServiceSpec(doc["service"]["serviceDefinition"]["spec"], "s.yaml", &diags);
  ASSERT_TRUE(spec.has_value());
  const LambdaManifest& harness = *spec->FunctionDefinition();
  const LambdaManifest& git = *spec->AliasDefinitions()[0];
  auto a = ManifestLocalPath("/proj", harness, "/lambda/function.json");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, fs::path("/proj/.harness/filestore/lambda/function.json"));
  auto scoped = ManifestLocalPath("/proj", harness, "account:/lambda/function.json");
  ASSERT_TRUE(scoped.ok());
  EXPECT_EQ(*scoped, fs::path("/proj/.harness/filestore/lambda/function.json"));
  auto b = ManifestLocalPath("/proj", git, "lambda/alias.json");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, fs::path("/proj/lambda/alias.json"));
  auto escape = ManifestLocalPath("/proj", harness, "/../secrets.json");
  ASSERT_FALSE(escape.ok());
  EXPECT_THAT(escape.status().message(), HasSubstr("leaves .harness/filestore/"));
}

}  // namespace
}  // namespace sluice::pipeline
