// The deployment entities of a project: services, environments and
// infrastructure definitions, as Harness writes them (one document per file).
//
// LoadProject reads them from `.harness/services/*.yaml`,
// `.harness/environments/*.yaml` and `.harness/infrastructures/*.yaml`;
// a Deployment stage names them (`service.serviceRef`,
// `environment.environmentRef`, `infrastructureDefinitions[].identifier`)
// and deployment.h resolves those names. The structs keep what every
// deployment type shares; type-specific settings stay YAML (`spec`), read by
// the code for that type (deployment.h for AwsLambda).
//
//   service:                          # .harness/services/ccapproval.yaml
//     identifier: ccapproval
//     name: creditcardapproval-lambda-service
//     description: the credit-card model as a function
//     serviceDefinition:
//       type: AwsLambda               # the deployment type this service is for
//       spec:
//         manifests: [...]            # see deployment.h
//         artifacts: {...}
//         variables:                  # <+serviceVariables.X>
//           - name: memory
//             type: String            # String | Number | Secret (a secret identifier)
//             value: "512"
//
//   environment:                      # .harness/environments/lambda_env.yaml
//     identifier: lambda_env
//     name: lambda-env
//     type: PreProduction             # Production | PreProduction
//     variables:                      # <+env.variables.X>
//       - name: stage
//         type: String
//         value: dev
//
//   infrastructureDefinition:         # .harness/infrastructures/aws_lambda_infra.yaml
//     identifier: aws_lambda_infra
//     name: aws-lambda-infra
//     environmentRef: lambda_env      # the environment it belongs to
//     deploymentType: AwsLambda
//     type: AwsLambda
//     spec:
//       connectorRef: mlopsawsconnector
//       region: us-east-1
//
//   userGroup:                        # .harness/usergroups/approvers.yaml
//     identifier: model_approvers     # what approvers.userGroups names
//     name: Model approvers
//     description: who may release a model
//     tags: {team: ml}
//     orgIdentifier: default          # kept, not used locally
//     projectIdentifier: mlops
//     users:                          # sluice user names or e-mail addresses
//       - alice
//       - bob@example.com
//     notificationConfigs: []         # accepted, not used
//
// Identifiers are the names references use; they are not held to Harness's
// identifier pattern because the tutorial's own names (with '-') must load.
// The IR is immutable once loaded and may be read from many threads.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"
#include "pipeline/ir.h"

namespace sluice::pipeline {

// `service:` — what is deployed.
struct Service {
  std::string identifier;
  std::string name;
  std::string description;
  std::string definition_type;  // serviceDefinition.type: AwsLambda, Kubernetes, ...
  SourceLocation definition_type_location;
  YAML::Node definition_spec;       // serviceDefinition.spec as written (may be null)
  std::vector<Variable> variables;  // serviceDefinition.spec.variables
  std::string file;
  SourceLocation location;
};

enum class EnvironmentType { kProduction, kPreProduction };
// "Production" | "PreProduction", as Harness spells them (and <+env.type> gives).
std::string_view EnvironmentTypeName(EnvironmentType type);

// `environment:` — where to, in broad terms (dev, prod).
struct Environment {
  std::string identifier;
  std::string name;
  std::string description;
  EnvironmentType type = EnvironmentType::kPreProduction;
  std::vector<Variable> variables;
  std::string file;
  SourceLocation location;
};

// `infrastructureDefinition:` — the exact target inside an environment.
struct InfrastructureDefinition {
  std::string identifier;
  std::string name;
  std::string description;
  std::string environment_ref;
  SourceLocation environment_ref_location;
  std::string deployment_type;  // AwsLambda, Kubernetes, ...
  SourceLocation deployment_type_location;
  std::string type;  // infrastructure type: AwsLambda, KubernetesDirect, ...
  YAML::Node spec;   // as written (may be null)
  // spec.connectorRef and spec.region as written ("" when absent); either
  // may be an expression, resolved where the stage runs.
  std::string connector_ref;
  std::string region;
  std::string file;
  SourceLocation location;
};

// `userGroup:` — people named together, for approvals and permissions.
struct UserGroup {
  std::string identifier;
  std::string name;
  std::string description;
  std::map<std::string, std::string> tags;
  std::string org_identifier;
  std::string project_identifier;
  std::vector<std::string> users;  // as written: user names or e-mail addresses
  std::string file;
  SourceLocation location;

  // Whether `user_name` or `email` is listed (names exactly, e-mail
  // addresses ignoring case; an empty argument matches nothing).
  bool HasMember(std::string_view user_name, std::string_view email) const;
};

}  // namespace sluice::pipeline
