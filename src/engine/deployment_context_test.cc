#include "engine/deployment_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "secrets/masker.h"
#include "secrets/secret_store.h"

namespace sluice::engine {
namespace {

using ::testing::HasSubstr;

constexpr char kService[] = R"(service:
  identifier: ccapproval
  name: creditcardapproval-lambda-service
  description: the credit-card model
  serviceDefinition:
    type: AwsLambda
    spec:
      manifests:
        - manifest:
            identifier: fn
            type: AwsLambdaFunctionDefinition
            spec:
              store: {type: Harness, spec: {files: [/lambda/function.json]}}
      artifacts:
        primary:
          primaryArtifactRef: <+input>
          sources:
            - identifier: ecr
              type: Ecr
              spec:
                connectorRef: aws
                region: <+infra.region>
                registryId: "123456789012"
                imagePath: ccapproval-deploy
                tag: <+input>
            - identifier: hub
              type: DockerRegistry
              spec:
                connectorRef: registry
                imagePath: ml/ccapproval
                tag: <+serviceVariables.version>
      variables:
        - name: version
          type: String
          value: v7
        - name: token
          type: Secret
          value: deploy_token
)";

constexpr char kEnvironment[] = R"(environment:
  identifier: lambda_env
  name: lambda-env
  type: Production
  variables:
    - name: owner
      type: String
      value: <+service.name>-team
)";

constexpr char kInfrastructure[] = R"(infrastructureDefinition:
  identifier: infra
  name: aws-lambda-infra
  environmentRef: lambda_env
  deploymentType: AwsLambda
  type: AwsLambda
  spec:
    connectorRef: aws
    region: eu-west-1
)";

constexpr char kConnector[] = R"(connector:
  identifier: registry
  name: registry
  type: DockerRegistry
  spec:
    dockerRegistryUrl: http://127.0.0.1:5000/v2/
)";

std::string Pipeline(const std::string& primary, const std::string& tag_line) {
  return R"(pipeline:
  identifier: p
  name: p
  stages:
    - stage:
        identifier: deploy
        name: deploy
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
                      primaryArtifactRef: )" +
         primary + R"(
                      sources:
                        - identifier: ecr
                          type: Ecr
                          spec:
)" + tag_line +
         R"(          environment:
            environmentRef: lambda_env
            infrastructureDefinitions:
              - identifier: infra
          execution:
            steps:
              - step: {identifier: w, name: W, type: Wait, spec: {duration: 1s}}
)";
}

class DeploymentContextTest : public ::testing::Test {
 protected:
  void Load(const std::string& pipeline_yaml) {
    DiagnosticList diags;
    auto add = [&](auto parse, const char* text, const char* file, auto& out) {
      auto entity = parse(YAML::Load(text), file, &diags);
      ASSERT_TRUE(entity.has_value());
      out.push_back(std::move(*entity));
    };
    add(pipeline::ParseService, kService, "s.yaml", project_.services);
    add(pipeline::ParseEnvironment, kEnvironment, "e.yaml", project_.environments);
    add(pipeline::ParseInfrastructureDefinition, kInfrastructure, "i.yaml",
        project_.infrastructures);
    add(pipeline::ParseConnector, kConnector, "c.yaml", project_.connectors);
    auto p = pipeline::ParsePipelineText(pipeline_yaml, "p.yaml", &diags);
    ASSERT_TRUE(p.has_value());
    ASSERT_FALSE(diags.has_errors());
    project_.pipelines.push_back(std::move(*p));
    ASSERT_TRUE(secrets_.Set("deploy_token", "s3cr3t-token").ok());
  }
  const pipeline::Stage& Stage() const { return project_.pipelines[0].stages[0].stage; }
  NodeScope ScopeIn(const std::string& stage_id) {
    return NodeScope(doc_, ScopePosition{stage_id, JsonPointer(), JsonPointer(), JsonPointer()},
                     resolver_);
  }
  Status Bind() {
    NodeScope scope = ScopeIn("deploy");
    return BindDeployment(Stage(), project_, doc_, scope, [&](const pipeline::Variable& v) {
      std::string text = v.value.Scalar();
      if (v.type == "Secret") return resolver_.Get(text);
      return expr::RenderString(text, scope);
    });
  }
  std::string Render(const std::string& text) {
    auto r = expr::RenderString(text, ScopeIn("deploy"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : "";
  }

  pipeline::Project project_;
  ExpressionDocument doc_{nlohmann::json::object()};
  secrets::InMemorySecretStore secrets_;
  secrets::Masker masker_;
  SecretResolver resolver_{secrets_, masker_};
};

TEST_F(DeploymentContextTest, BindsServiceEnvironmentInfrastructureAndArtifact) {
  Load(Pipeline("ecr", "                            tag: v42\n"));
  Status s = Bind();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Render("<+service.name>|<+service.identifier>|<+service.description>"),
            "creditcardapproval-lambda-service|ccapproval|the credit-card model");
  EXPECT_EQ(Render("<+env.name>|<+env.identifier>|<+env.type>|<+env.variables.owner>"),
            "lambda-env|lambda_env|Production|creditcardapproval-lambda-service-team");
  EXPECT_EQ(Render("<+infra.name>|<+infra.identifier>|<+infra.connectorRef>|<+infra.region>"),
            "aws-lambda-infra|infra|aws|eu-west-1");
  EXPECT_EQ(Render("<+artifact.type>|<+artifact.connectorRef>|<+artifact.imagePath>|"
                   "<+artifact.tag>"),
            "Ecr|aws|ccapproval-deploy|v42");
  EXPECT_EQ(Render("<+artifact.image>"),
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ccapproval-deploy:v42");
  EXPECT_EQ(Render("<+artifacts.primary.tag>"), "v42");
  EXPECT_EQ(Render("<+serviceVariables.version>"), "v7");
}

TEST_F(DeploymentContextTest, SecretServiceVariablesAreRegisteredForMasking) {
  Load(Pipeline("ecr", "                            tag: v42\n"));
  ASSERT_TRUE(Bind().ok());
  EXPECT_EQ(Render("<+serviceVariables.token>"), "s3cr3t-token");
  EXPECT_EQ(masker_.Mask("token s3cr3t-token"), "token **************");
}

TEST_F(DeploymentContextTest, ArtifactFieldsResolveInTheStageScope) {
  Load(Pipeline("hub", "                            tag: v42\n"));
  ASSERT_TRUE(Bind().ok());
  EXPECT_EQ(Render("<+artifact.identifier> <+artifact.tag>"), "hub v7");
  EXPECT_EQ(Render("<+artifact.image>"), "127.0.0.1:5000/ml/ccapproval:v7");
}

TEST_F(DeploymentContextTest, ATagStillARuntimeInputIsAnErrorNamingTheField) {
  Load(Pipeline("ecr", "                            tag: <+input>\n"));
  Status s = Bind();
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("s.yaml: artifact source \"ecr\" of service \"ccapproval\" "
                                     "tag is a runtime input (<+input>) that no input gave"));
}

TEST_F(DeploymentContextTest, DeploymentRootsAreUnknownOutsideADeploymentStage) {
  Load(Pipeline("ecr", "                            tag: v42\n"));
  auto r = expr::RenderString("<+service.name>", ScopeIn("build"));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("\"service\" is only known inside a Deployment "
                                              "stage"));
}

}  // namespace
}  // namespace sluice::engine
