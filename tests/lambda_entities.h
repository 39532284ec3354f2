// The AwsLambda entities the deployment integration tests share: the
// credit-card service (function and alias definitions from the File Store,
// an ECR image whose tag the stage gives), its environment, infrastructure
// and Aws connector.
#pragma once

#include "test_project.h"

namespace sluice::testing {

inline constexpr char kLambdaService[] = R"(service:
  identifier: ccapproval
  name: creditcardapproval-lambda-service
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
                type: Harness
                spec:
                  files:
                    - /lambda/alias.json
      artifacts:
        primary:
          primaryArtifactRef: ccapprovaldeploy
          sources:
            - identifier: ccapprovaldeploy
              type: Ecr
              spec:
                connectorRef: mlopsawsconnector
                region: us-east-1
                registryId: "123456789012"
                imagePath: ccapproval-deploy
                tag: <+input>
)";

inline constexpr char kLambdaEnvironment[] = R"(environment:
  identifier: lambda_env
  name: lambda-env
  type: PreProduction
)";

inline constexpr char kLambdaInfrastructure[] = R"(infrastructureDefinition:
  identifier: aws_lambda_infra
  name: aws-lambda-infra
  environmentRef: lambda_env
  deploymentType: AwsLambda
  type: AwsLambda
  spec:
    connectorRef: mlopsawsconnector
    region: us-east-1
)";

inline constexpr char kLambdaAwsConnector[] = R"(connector:
  identifier: mlopsawsconnector
  name: mlopsawsconnector
  type: Aws
  spec:
    credential:
      type: InheritFromDelegate
)";

// Writes the entities and the File Store manifests: `function_json` as
// /lambda/function.json, and /lambda/alias.json naming the alias "live".
inline void WriteLambdaEntities(const TestProject& p, const std::string& function_json) {
  p.Write(".harness/services/ccapproval.yaml", kLambdaService);
  p.Write(".harness/environments/lambda_env.yaml", kLambdaEnvironment);
  p.Write(".harness/infrastructures/aws_lambda_infra.yaml", kLambdaInfrastructure);
  p.Write(".harness/connectors/mlopsawsconnector.yaml", kLambdaAwsConnector);
  p.Write(".harness/filestore/lambda/function.json", function_json);
  p.Write(".harness/filestore/lambda/alias.json", "{\"name\": \"live\"}\n");
}

}  // namespace sluice::testing
