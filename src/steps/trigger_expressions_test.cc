// <+trigger.*> in the scripts of a run a trigger started: the engine
// resolves them from the execution record before a ShellScript step runs.
#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/files.h"
#include "engine/engine.h"
#include "secrets/secret_store.h"
#include "steps/register.h"
#include "triggers/event.h"
#include "triggers/trigger.h"
#include "triggers/trigger_scope.h"

namespace sluice::steps {
namespace {

constexpr char kPipeline[] = R"(
pipeline:
  identifier: train
  name: train
  stages:
    - stage:
        identifier: S
        name: S
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  identifier: say
                  name: say
                  type: ShellScript
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: |-
                          echo "branch=<+trigger.branch> repo=<+trigger.payload.repository.name>"
                          repo=<+eventPayload.repository.name>
                          kind=<+trigger.type>
                    outputVariables:
                      - {name: repo, type: String, value: repo}
                      - {name: kind, type: String, value: kind}
)";

class TriggerExpressionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-trigger-expr-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    auto store = store::Store::Open(dir_->path() / "state");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    RegisterBuiltinSteps(&registry_);
    project_.root = dir_->path();
  }

  // Runs the pipeline with `trigger` as the record's trigger values.
  engine::NodeStatus Run(nlohmann::json trigger) {
    DiagnosticList diags;
    auto p = pipeline::ParsePipeline(YAML::Load(kPipeline), "p.yaml", &diags);
    EXPECT_TRUE(p.has_value() && !diags.has_errors())
        << (diags.items().empty() ? "" : diags.items()[0].message);
    pipeline_ = std::move(*p);
    record_ = store::ExecutionRecord{};
    record_.pipeline_id = pipeline_.identifier;
    record_.status = "Running";
    record_.trigger_type = "WEBHOOK";
    record_.trigger = std::move(trigger);
    EXPECT_TRUE(store_->CreateExecution(&record_).ok());
    runner::LocalProcessRunner processes;
    engine::EngineDeps deps{*store_, secrets_, processes, registry_, project_, DefaultClock()};
    engine::EngineOptions options;
    options.state_dir = dir_->path() / "state";
    options.sandbox = false;
    engine::Engine engine(deps, options);
    Cancellation cancel;
    auto result = engine.Run(record_, pipeline_, {}, cancel);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : engine::NodeStatus::kErrored;
  }

  store::NodeRecord Step() {
    auto nodes = store_->GetNodes(record_.id);
    EXPECT_TRUE(nodes.ok());
    for (const auto& n : *nodes) {
      if (n.path == "S.say") return n;
    }
    ADD_FAILURE() << "no node S.say";
    return {};
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<store::Store> store_;
  secrets::InMemorySecretStore secrets_;
  engine::StepRegistry registry_;
  pipeline::Project project_;
  pipeline::Pipeline pipeline_;
  store::ExecutionRecord record_;
};

TEST_F(TriggerExpressionsTest, AShellScriptOfAPushRunSeesTheBranchAndThePayload) {
  DiagnosticList diags;
  auto trigger = triggers::ParseTriggerText(R"(trigger:
  identifier: on_push
  pipelineIdentifier: train
  source:
    type: Webhook
    spec:
      type: Github
      spec:
        type: Push
        spec: {connectorRef: github}
)",
                                            "t.yaml", &diags);
  ASSERT_TRUE(trigger.has_value());
  auto event =
      triggers::ParseGithubEvent("push",
                                 R"({"ref": "refs/heads/feature/x", "after": "abc", "before": "def",
          "repository": {"name": "credit-card", "full_name": "acme/credit-card"},
          "commits": []})",
                                 {{"X-GitHub-Event", "push"}});
  ASSERT_TRUE(event.ok()) << event.status().ToString();

  ASSERT_EQ(Run(triggers::TriggerDocument(*trigger, &*event)), engine::NodeStatus::kSuccess)
      << Step().failure_message;
  auto log = store_->ReadLog(record_.id, "S.say");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_NE(log->find("branch=feature/x repo=credit-card"), std::string::npos) << *log;
  EXPECT_EQ(Step().outputs["repo"], "credit-card");
  EXPECT_EQ(Step().outputs["kind"], "Webhook");
}

}  // namespace
}  // namespace sluice::steps
