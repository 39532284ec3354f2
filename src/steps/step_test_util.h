// A StepContext over in-memory parts, for unit tests of step types: a
// project holding the connectors a test adds, one CI stage, the step under
// test (its spec parsed from YAML text), secrets served from a JSON object,
// a recording log and a real masker. Not thread-safe; one per test.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "common/cancellation.h"
#include "common/clock.h"
#include "common/diagnostic.h"
#include "engine/step.h"
#include "expr/expr.h"
#include "pipeline/project.h"
#include "runner/process.h"
#include "runner/test_util.h"
#include "secrets/masker.h"

namespace sluice::steps {

class TestStepContext {
 public:
  // `spec_yaml` is the step's spec mapping; `secrets` is {id: value};
  // `workspace` is the stage workspace on the host (also the working dir);
  // the state directory is `state_dir`.
  TestStepContext(std::string_view step_type, std::string_view spec_yaml,
                  nlohmann::json secrets = nlohmann::json::object(),
                  std::filesystem::path workspace = "/tmp",
                  std::filesystem::path state_dir = "/tmp/.sluice")
      : scope_(nlohmann::json::object(), std::move(secrets)) {
    node_.identifier = "step";
    node_.name = "step";
    node_.type = std::string(step_type);
    node_.location.file = "pipeline.yaml";
    node_.spec = YAML::Load(std::string(spec_yaml));
    stage_.identifier = "stage";
    stage_.type = pipeline::StageType::kCI;
    project_.connectors.reserve(16);  // AddConnector's references stay valid
    ctx_ = std::make_unique<engine::StepContext>(engine::StepContext{
        project_,
        pipeline_,
        stage_,
        node_,
        "exec1",
        "stage.step",
        0,
        scope_,
        engine::StepWorkspace{workspace, workspace.string(), {}, workspace / "scratch"},
        {},
        processes_,
        log,
        cancel,
        std::nullopt,
        masker,
        clock_,
        std::move(state_dir)});
  }

  // Parses one `connector:` document into the project; fails the test on
  // diagnostics.
  const pipeline::Connector& AddConnector(std::string_view yaml) {
    DiagnosticList diags;
    auto connector = pipeline::ParseConnector(YAML::Load(std::string(yaml)),
                                              ".harness/connectors/c.yaml", &diags);
    if (!connector || diags.has_errors()) {
      throw std::runtime_error("bad test connector: " + std::string(yaml));
    }
    project_.connectors.push_back(std::move(*connector));
    return project_.connectors.back();
  }

  engine::StepContext& ctx() { return *ctx_; }
  const pipeline::ExecutionNode& node() const { return node_; }
  const pipeline::Stage& stage() const { return stage_; }
  // The project the step sees (user groups, SMTP settings...).
  pipeline::Project& project() { return project_; }

  runner::RecordingSink log;
  secrets::Masker masker;
  Cancellation cancel;

 private:
  pipeline::Project project_;
  pipeline::Pipeline pipeline_;
  pipeline::Stage stage_;
  pipeline::ExecutionNode node_;
  expr::JsonScope scope_;
  runner::LocalProcessRunner processes_;
  FakeClock clock_;
  std::unique_ptr<engine::StepContext> ctx_;
};

}  // namespace sluice::steps
