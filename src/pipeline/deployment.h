// Deployment stages: the AwsLambda service definition as typed data, and
// which service, environment and infrastructure a Deployment stage uses.
//
// A Deployment stage names its entities (entities.h) and may override parts
// of the service for this stage:
//   spec:
//     deploymentType: AwsLambda
//     service:
//       serviceRef: ccapproval
//       serviceInputs:                 # a sparse copy of the service's
//         serviceDefinition:           # serviceDefinition; values here win
//           type: AwsLambda
//           spec:
//             artifacts:
//               primary:
//                 primaryArtifactRef: <+input>
//                 sources: <+input>
//     environment:
//       environmentRef: lambda_env
//       deployToAll: false
//       infrastructureDefinitions:
//         - identifier: aws_lambda_infra
// serviceInputs merge into the service's serviceDefinition: mappings key by
// key, lists of mappings element by element matched on `identifier` (or
// `name`, for variables), anything else replaced. Runtime inputs (`<+input>`)
// in serviceInputs are filled like every other runtime input of the
// pipeline (inputs.h) before the stage runs; a value still `<+input>` when
// validating is accepted as "given at run time".
//
// The AwsLambda service definition (serviceDefinition.spec):
//   manifests:
//     - manifest:
//         identifier: lambdadefinition
//         type: AwsLambdaFunctionDefinition        # exactly one
//         spec:
//           store:
//             type: Harness
//             spec:
//               files: [/lambda/function.json]
//     - manifest:
//         identifier: lambdaalias
//         type: AwsLambdaFunctionAliasDefinition   # any number
//         spec:
//           store:
//             type: Github                         # or Git, GitLab, Bitbucket, Local
//             spec:
//               connectorRef: github
//               gitFetchType: Branch
//               branch: main
//               paths: [lambda/alias.json]
//   artifacts:
//     primary:
//       primaryArtifactRef: ccapprovaldeploy      # which source; may be <+input>
//       sources:
//         - identifier: ccapprovaldeploy
//           type: Ecr                             # or DockerRegistry
//           spec:
//             connectorRef: mlopsawsconnector
//             region: us-east-1                   # Ecr only
//             registryId: "123456789012"          # Ecr only, optional: the account
//             imagePath: ccapproval-deploy
//             tag: <+input>
//   variables: [...]
// Artifact fields may be expressions or `<+input>`; they are kept as written
// here and resolved in the stage's expression scope when it runs.
//
// WHERE MANIFEST FILES ARE READ FROM. sluice has no Harness File Store and
// fetches no repositories for manifests:
//  - store type Harness: a File Store path (`/lambda/function.json`, with an
//    optional `account:` or `org:` scope prefix) is a file under the
//    project's `.harness/filestore/` folder
//    (`.harness/filestore/lambda/function.json`);
//  - store types Git, Github, GitLab, Bitbucket and Local: the path is
//    relative to the project root (the project is taken to be a checkout of
//    the repository; connectorRef, branch and commitId are not fetched).
// ManifestLocalPath applies this; a path leaving its folder is refused.
//
// Errors: parsing and resolution never stop at the first problem; every
// finding is a diagnostic at the YAML that caused it (the stage's file for
// references, the entity's file for the entity), naming the folder that
// should hold a missing entity. Nothing here reads files or runs anything.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "common/status.h"
#include "pipeline/entities.h"
#include "pipeline/ir.h"

namespace sluice::pipeline {

struct Project;

enum class LambdaManifestKind { kFunctionDefinition, kAliasDefinition };

struct LambdaManifest {
  std::string identifier;
  LambdaManifestKind kind = LambdaManifestKind::kFunctionDefinition;
  std::string store_type;          // Harness | Git | Github | GitLab | Bitbucket | Local
  std::vector<std::string> paths;  // store.spec.files (Harness) or store.spec.paths
  std::string connector_ref;       // git stores: as written, informational
  std::string branch;              // git stores: as written, informational
  SourceLocation location;
};

// One artifact source. Fields are as written: each may be an expression or
// `<+input>`.
struct ArtifactSource {
  std::string identifier;
  std::string type;  // Ecr | DockerRegistry
  std::string connector_ref;
  std::string region;       // Ecr
  std::string registry_id;  // Ecr, optional: the AWS account id of the registry
  std::string image_path;
  std::string tag;
  SourceLocation location;
};

struct AwsLambdaServiceSpec {
  std::vector<LambdaManifest> manifests;
  std::string primary_artifact_ref;  // as written; "" when absent
  std::vector<ArtifactSource> sources;
  bool sources_are_input = false;  // `sources: <+input>` (given by the stage)

  const LambdaManifest* FunctionDefinition() const;
  std::vector<const LambdaManifest*> AliasDefinitions() const;
  const ArtifactSource* FindSource(std::string_view identifier) const;
};

// Parses an AwsLambda serviceDefinition.spec. `file` names it in
// diagnostics. Returns nullopt only when `spec` is not a mapping.
std::optional<AwsLambdaServiceSpec> ParseAwsLambdaServiceSpec(const YAML::Node& spec,
                                                              const std::string& file,
                                                              DiagnosticList* diags);

// The local file behind a manifest path (see WHERE MANIFEST FILES ARE READ
// FROM). InvalidArgument when the path is empty or leaves its folder.
Result<std::filesystem::path> ManifestLocalPath(const std::filesystem::path& project_root,
                                                const LambdaManifest& manifest,
                                                const std::string& path);

// What a Deployment stage deploys, and where. Not copyable: primary_artifact
// points into aws_lambda.
struct DeploymentStage {
  DeploymentStage() = default;
  DeploymentStage(const DeploymentStage&) = delete;
  DeploymentStage& operator=(const DeploymentStage&) = delete;

  std::string deployment_type;  // spec.deploymentType
  const Service* service = nullptr;
  const Environment* environment = nullptr;
  const InfrastructureDefinition* infrastructure = nullptr;
  // The service's serviceDefinition with the stage's serviceInputs merged in.
  YAML::Node service_definition;
  // The service's variables, with those of serviceInputs overriding by name.
  std::vector<Variable> service_variables;
  // For AwsLambda: the merged definition parsed, and the primary artifact
  // (null when primaryArtifactRef is still a runtime input).
  std::optional<AwsLambdaServiceSpec> aws_lambda;
  const ArtifactSource* primary_artifact = nullptr;  // points into aws_lambda
};

// Resolves a Deployment stage against the project's entities. Returns
// nullopt when something it needs is missing or wrong (each problem is a
// diagnostic) or when a reference is still `<+input>` (no diagnostic: it is
// known at run time). `stage.spec` must come from a parsed pipeline; its
// marks place the diagnostics in stage.location.file.
// The result points into `project`, which must outlive it.
std::unique_ptr<DeploymentStage> ResolveDeploymentStage(const Stage& stage, const Project& project,
                                                        DiagnosticList* diags);

// Every Deployment stage of every pipeline of `project`, through
// ResolveDeploymentStage. LoadProject calls it for project directories.
void ValidateDeploymentStages(const Project& project, DiagnosticList* diags);

}  // namespace sluice::pipeline
