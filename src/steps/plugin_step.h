// `Plugin` (CI stages): a Drone/Harness plugin image run with its
// `settings` as PLUGIN_* variables (steps/plugin_settings.h).
//
// Spec: image (required), connectorRef / registryRef, settings, entrypoint
// (a list: replaces the image's ENTRYPOINT and CMD), imagePullPolicy,
// envVariables, reports (JUnit, as for Run), privileged, runAsUser,
// resources (accepted; a container here runs as root in its sandbox
// without limits, and the log says so when they are set).
//
// `plugins/artifact-metadata-publisher` is built in and runs no container
// (steps/artifact_publisher.h): its URLs become the step's published
// artifacts. Any other image runs the way a Run step's image does
// (steps/container_image.h: located and pulled by imagePullPolicy through
// the connector, a throwaway root, the workspace at /harness as the working
// directory), but runs the image's own ENTRYPOINT + CMD instead of a shell
// script; its exit code decides the status.
//
// Every plugin, built in or not, gets the runner's variables: DRONE_OUTPUT
// = HARNESS_OUTPUT_FILE (KEY=VALUE lines written there become the step's
// output variables), HARNESS_OUTPUT_SECRET_FILE (the same, as secret
// outputs, masked everywhere) and PLUGIN_ARTIFACT_FILE (a fileUpload/v1
// document written there publishes its links). These files live in the
// step's private scratch directory (bound at /sluice/step in the image),
// never in the workspace, since they may hold resolved secrets; the
// `artifact_file` setting moves the artifact file into the workspace.
//
// Stateless; thread-safe.
#pragma once

#include <memory>

#include "engine/step.h"
#include "steps/artifact_publisher.h"

namespace sluice::steps {

class PluginStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "Plugin"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

}  // namespace sluice::steps
