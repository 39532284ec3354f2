// The expressions a Deployment stage adds: what it deploys, and where.
//
// When a Deployment stage starts, BindDeployment resolves its service,
// environment and infrastructure (pipeline/deployment.h) and writes them
// into the execution's expression document under
// `/deployments/<stage identifier>`; a NodeScope inside that stage maps
// these roots onto it (Harness's names):
//   service.{identifier, name, description, type}
//   serviceVariables.X        the service's variables, the stage's
//                             serviceInputs overriding them by name
//   env.{identifier, name, description, type (Production|PreProduction)}
//   env.variables.X
//   infra.{identifier, name, type, deploymentType, environmentRef,
//          connectorRef, region}
//   artifact.{identifier, type, connectorRef, region, registryId,
//             imagePath, tag, image}      the primary artifact
//   artifacts.primary.{...}               the same object
// Variables are resolved in the stage's scope (Secret variables through the
// secret store, so their values are masked), in this order: service
// variables, environment variables, the infrastructure's connectorRef and
// region, then the artifact's fields; each may use what came before it
// (e.g. an artifact tag `<+serviceVariables.tag>`). Artifact and
// infrastructure fields that are still `<+input>` are errors naming the
// field.
//
// artifact.image is the full reference with its tag:
//   Ecr:            <registryId>.dkr.ecr.<region>.amazonaws.com/<imagePath>:<tag>
//                   (without registryId, which names the AWS account,
//                   <imagePath>:<tag>)
//   DockerRegistry: <host of the connector's dockerRegistryUrl>/<imagePath>:<tag>
//                   (imagePath:tag when imagePath names a host already, the
//                   connector is Docker Hub's or unknown)
// Thread-safety: as ExpressionDocument (each stage writes its own subtree).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/context.h"
#include "pipeline/project.h"

namespace sluice::engine {

// Where a stage's deployment facts live in the document.
JsonPointer DeploymentPointer(const std::string& stage_id);

// service, serviceVariables, env, infra, artifact, artifacts.
bool IsDeploymentRoot(std::string_view root);

using VariableResolver = std::function<Result<std::string>(const pipeline::Variable&)>;

// Resolves `stage` (a Deployment stage of the running pipeline, runtime
// inputs applied) against `project` and writes the roots above. `scope` is
// the stage's scope; `resolve` resolves a variable in it. InvalidArgument
// with every problem (file:line: message) when the stage cannot be
// resolved.
Status BindDeployment(const pipeline::Stage& stage, const pipeline::Project& project,
                      ExpressionDocument& doc, const expr::Scope& scope,
                      const VariableResolver& resolve);

}  // namespace sluice::engine
