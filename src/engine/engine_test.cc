// Engine behaviour with a scripted step type, so ordering, `when`, failure
// strategies, outputs and adoption are tested without starting processes.
#include "engine/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "common/files.h"
#include "secrets/secret_store.h"

namespace sluice::engine {
namespace {

// `type: Fake` steps: spec {fail: N} fails the first N attempts (default 0,
// -1 = always), spec {outputs: {k: v}} sets outputs (expressions resolved),
// spec {error: Timeout} picks the failure type, spec {artifacts: [{name,
// url}]} publishes artifacts and spec {secret: S} registers S with the masker.
class FakeStep final : public StepType {
 public:
  std::string_view name() const override { return "Fake"; }
  void ValidateSpec(const pipeline::ExecutionNode&, const pipeline::Stage&, DiagnosticList*) const override {}
  StepOutcome Execute(StepContext& ctx) const override {
    {
      std::lock_guard<std::mutex> lock(mu);
      runs.push_back(ctx.node_path);
    }
    const YAML::Node& spec = ctx.node.spec;
    int fail = spec && spec["fail"] ? spec["fail"].as<int>() : 0;
    StepOutcome out;
    if (spec && spec["outputs"]) {
      for (const auto& kv : spec["outputs"]) {
        auto v = ctx.ResolveString(kv.second, "outputs");
        if (!v.ok()) return StepOutcome::Error(v.status().message());
        out.outputs[kv.first.as<std::string>()] = *v;
      }
    }
    if (spec && spec["secret"]) ctx.masker.Add(spec["secret"].as<std::string>());
    if (spec && spec["artifacts"]) {
      for (const auto& a : spec["artifacts"]) {
        store::ArtifactRecord rec;
        rec.name = a["name"].as<std::string>();
        rec.url = a["url"].as<std::string>();
        out.artifacts.push_back(rec);
      }
    }
    if (fail < 0 || ctx.attempt < fail) {
      auto type = pipeline::ErrorType::kUnknown;
      if (spec["error"]) type = *pipeline::ParseErrorType(spec["error"].as<std::string>());
      StepOutcome f = StepOutcome::Failure(type, "scripted failure");
      f.outputs = out.outputs;
      f.artifacts = out.artifacts;
      return f;
    }
    return out;
  }
  mutable std::mutex mu;
  mutable std::vector<std::string> runs;
};

class EngineTest : public testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-engine-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    auto store = store::Store::Open(dir_->path() / "state");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto fake = std::make_unique<FakeStep>();
    fake_ = fake.get();
    registry_.Register(std::move(fake));
    project_.root = dir_->path();
  }

  // Runs `yaml` (a `pipeline:` document) and returns the final status.
  NodeStatus Run(const std::string& yaml, const std::map<std::string, store::NodeRecord>& prior = {}) {
    DiagnosticList diags;
    auto p = pipeline::ParsePipeline(YAML::Load(yaml), "p.yaml", &diags);
    EXPECT_TRUE(p.has_value());
    EXPECT_FALSE(diags.has_errors()) << (diags.items().empty() ? "" : diags.items()[0].message);
    pipeline_ = std::move(*p);
    record_ = store::ExecutionRecord{};
    record_.pipeline_id = pipeline_.identifier;
    record_.status = "Running";
    record_.trigger = trigger_;
    EXPECT_TRUE(store_->CreateExecution(&record_).ok());
    runner::LocalProcessRunner processes;
    EngineDeps deps{*store_,  secrets_,       processes, registry_,
                    project_, DefaultClock(), nullptr,   events_};
    EngineOptions options;
    options.state_dir = dir_->path() / "state";
    Engine engine(deps, options);
    Cancellation cancel;
    auto result = engine.Run(record_, pipeline_, prior, cancel);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : NodeStatus::kErrored;
  }

  store::NodeRecord Node(const std::string& path) {
    auto nodes = store_->GetNodes(record_.id);
    EXPECT_TRUE(nodes.ok());
    for (const auto& n : *nodes) {
      if (n.path == path) return n;
    }
    ADD_FAILURE() << "no node " << path;
    return {};
  }
  std::string StatusOf(const std::string& path) { return Node(path).status; }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<store::Store> store_;
  secrets::InMemorySecretStore secrets_;
  StepRegistry registry_;
  FakeStep* fake_ = nullptr;
  ExecutionEventListener* events_ = nullptr;
  nlohmann::json trigger_;  // the record's trigger values; null: a manual run
  pipeline::Project project_;
  pipeline::Pipeline pipeline_;
  store::ExecutionRecord record_;
};

std::string Pipeline(const std::string& stages) {
  return "pipeline:\n  identifier: p\n  name: p\n  stages:\n" + stages;
}

std::string CustomStage(const std::string& id, const std::string& steps, const std::string& extra = "") {
  return "    - stage:\n        identifier: " + id + "\n        name: " + id +
         "\n        type: Custom\n" + extra + "        spec:\n          execution:\n            steps:\n" + steps;
}

std::string Step(const std::string& id, const std::string& spec = "{}", const std::string& extra = "") {
  return "              - step:\n                  identifier: " + id + "\n                  name: " + id +
         "\n                  type: Fake\n                  spec: " + spec + "\n" + extra;
}

TEST_F(EngineTest, FailedStepSkipsLaterStepsAndStages) {
  NodeStatus s = Run(Pipeline(CustomStage("a", Step("one", "{fail: -1}") + Step("two")) +
                              CustomStage("b", Step("three"))));
  EXPECT_EQ(s, NodeStatus::kFailed);
  EXPECT_EQ(StatusOf("a.one"), "Failed");
  EXPECT_EQ(StatusOf("a.two"), "Skipped");
  EXPECT_EQ(StatusOf("a"), "Failed");
  EXPECT_EQ(StatusOf("b"), "Skipped");
  EXPECT_EQ(fake_->runs, std::vector<std::string>{"a.one"});
}

TEST_F(EngineTest, FailureStageStatusStepsRunAfterAFailure) {
  std::string when_failure = "                  when:\n                    stageStatus: Failure\n";
  std::string when_all = "                  when:\n                    stageStatus: All\n";
  Run(Pipeline(CustomStage("a", Step("one", "{fail: -1}") + Step("cleanup", "{}", when_failure) +
                                    Step("always", "{}", when_all) + Step("normal"))));
  EXPECT_EQ(StatusOf("a.cleanup"), "Success");
  EXPECT_EQ(StatusOf("a.always"), "Success");
  EXPECT_EQ(StatusOf("a.normal"), "Skipped");
}

TEST_F(EngineTest, IgnoreKeepsTheStageGoingAndRollsUpToIgnoreFailed) {
  std::string ignore =
      "                  failureStrategies:\n                    - onFailure:\n"
      "                        errors: [AllErrors]\n                        action:\n"
      "                          type: Ignore\n";
  NodeStatus s = Run(Pipeline(CustomStage("a", Step("one", "{fail: -1}", ignore) + Step("two"))));
  EXPECT_EQ(StatusOf("a.one"), "IgnoreFailed");
  EXPECT_EQ(Node("a.one").failure_message, "scripted failure");
  EXPECT_EQ(StatusOf("a.two"), "Success");
  EXPECT_EQ(s, NodeStatus::kIgnoreFailed);
}

TEST_F(EngineTest, RetryRunsAgainUntilItSucceeds) {
  std::string retry =
      "                  failureStrategies:\n                    - onFailure:\n"
      "                        errors: [AllErrors]\n                        action:\n"
      "                          type: Retry\n                          spec:\n"
      "                            retryCount: 3\n                            retryIntervals: [10ms]\n";
  NodeStatus s = Run(Pipeline(CustomStage("a", Step("one", "{fail: 2}", retry))));
  EXPECT_EQ(s, NodeStatus::kSuccess);
  EXPECT_EQ(fake_->runs.size(), 3u);
  EXPECT_EQ(Node("a.one").attempt, 2);
}

TEST_F(EngineTest, RetryExhaustedAppliesOnRetryFailure) {
  std::string retry =
      "                  failureStrategies:\n                    - onFailure:\n"
      "                        errors: [AllErrors]\n                        action:\n"
      "                          type: Retry\n                          spec:\n"
      "                            retryCount: 1\n                            retryIntervals: [1ms]\n"
      "                            onRetryFailure:\n"
      "                              action:\n                                type: MarkAsSuccess\n";
  NodeStatus s = Run(Pipeline(CustomStage("a", Step("one", "{fail: -1}", retry))));
  EXPECT_EQ(s, NodeStatus::kSuccess);
  EXPECT_EQ(fake_->runs.size(), 2u);
}

TEST_F(EngineTest, StrategyMustMatchTheErrorType) {
  std::string on_timeout =
      "                  failureStrategies:\n                    - onFailure:\n"
      "                        errors: [Timeout]\n                        action:\n"
      "                          type: Ignore\n";
  Run(Pipeline(CustomStage("a", Step("one", "{fail: -1}", on_timeout) +
                                    Step("two", "{fail: -1, error: Timeout}", on_timeout))));
  EXPECT_EQ(StatusOf("a.one"), "Failed");
  EXPECT_EQ(StatusOf("a.two"), "Skipped");
}

TEST_F(EngineTest, StageStrategyAppliesToItsStepsAndStageRollbackRunsRollbackSteps) {
  std::string rollback_stage =
      "        failureStrategies:\n          - onFailure:\n              errors: [AllErrors]\n"
      "              action:\n                type: StageRollback\n";
  std::string stage = CustomStage("a", Step("one", "{fail: -1}") + Step("two"), rollback_stage) +
                      "            rollbackSteps:\n" + Step("undo");
  NodeStatus s = Run(Pipeline(stage + CustomStage("b", Step("three"))));
  EXPECT_EQ(s, NodeStatus::kFailed);
  EXPECT_EQ(StatusOf("a.two"), "Skipped");
  EXPECT_EQ(StatusOf("a.rollback.undo"), "Success");
  EXPECT_EQ(StatusOf("b"), "Skipped");
}

TEST_F(EngineTest, AbortStopsEverything) {
  std::string abort =
      "                  failureStrategies:\n                    - onFailure:\n"
      "                        errors: [AllErrors]\n                        action:\n"
      "                          type: Abort\n";
  NodeStatus s = Run(Pipeline(CustomStage("a", Step("one", "{fail: -1}", abort) + Step("two")) +
                              CustomStage("b", Step("three"))));
  EXPECT_EQ(s, NodeStatus::kAborted);
  EXPECT_EQ(StatusOf("a.one"), "Aborted");
  EXPECT_EQ(fake_->runs, std::vector<std::string>{"a.one"});
}

TEST_F(EngineTest, OutputsFlowBetweenStagesAndConditionsSeeThem) {
  std::string when =
      "                  when:\n                    stageStatus: Success\n"
      "                    condition: <+pipeline.stages.a.spec.execution.steps.one.output.outputVariables.flag> == true\n";
  std::string when_not =
      "                  when:\n                    stageStatus: Success\n"
      "                    condition: <+pipeline.stages.a.spec.execution.steps.one.output.outputVariables.flag> == false\n";
  Run(Pipeline(CustomStage("a", Step("one", "{outputs: {flag: 'true', n: '7'}}")) +
               CustomStage("b", Step("two", "{outputs: {copy: '<+pipeline.stages.a.spec.execution.steps.one.output.outputVariables.n>-<+execution.steps.x.output.outputVariables.y>'}}") ) +
               CustomStage("c", Step("x", "{outputs: {y: 'why'}}") +
                                    Step("yes", "{outputs: {v: '<+execution.steps.x.output.outputVariables.y>'}}", when) +
                                    Step("no", "{}", when_not),
                           "        when:\n          pipelineStatus: All\n")));
  EXPECT_EQ(StatusOf("b.two"), "Errored");  // execution.steps.x is not in stage b
  EXPECT_NE(Node("b.two").failure_message.find("execution.steps.x"), std::string::npos)
      << Node("b.two").failure_message;
  EXPECT_EQ(Node("c.yes").outputs["v"], "why");
  EXPECT_EQ(StatusOf("c.no"), "Skipped");
}

TEST_F(EngineTest, TriggerValuesOfTheRecordAreExpressionsOfTheRun) {
  trigger_ = {{"type", "Webhook"},
              {"event", "PUSH"},
              {"branch", "main"},
              {"prNumber", nullptr},
              {"payload", {{"repository", {{"name", "credit-card"}}}}},
              {"header", {{"X-GitHub-Event", "push"}}}};
  NodeStatus s = Run(Pipeline(CustomStage(
      "a",
      Step("one",
           "{outputs: {branch: '<+trigger.branch>', repo: '<+trigger.payload.repository.name>', "
           "alias: '<+eventPayload.repository.name>', "
           "event: \"<+trigger.header['x-github-event']>\", "
           "absent: \"h=<+trigger.header['X-Other']>\", pr: 'pr=<+trigger.prNumber>'}}"))));
  ASSERT_EQ(s, NodeStatus::kSuccess) << Node("a.one").failure_message;
  const nlohmann::json out = Node("a.one").outputs;
  EXPECT_EQ(out["branch"], "main");
  EXPECT_EQ(out["repo"], "credit-card");
  EXPECT_EQ(out["alias"], "credit-card");
  EXPECT_EQ(out["event"], "push") << "header names compare without case";
  EXPECT_EQ(out["absent"], "h=null");
  EXPECT_EQ(out["pr"], "pr=null");
}

TEST_F(EngineTest, TriggerExpressionsOfAManualRunAreNull) {
  NodeStatus s = Run(Pipeline(CustomStage(
      "a",
      Step("one",
           "{outputs: {branch: 'b=<+trigger.branch>', alias: 'p=<+eventPayload.repository.name>', "
           "header: \"h=<+trigger.header['X-GitHub-Event']>\"}}"))));
  ASSERT_EQ(s, NodeStatus::kSuccess) << Node("a.one").failure_message;
  const nlohmann::json out = Node("a.one").outputs;
  EXPECT_EQ(out["branch"], "b=null");
  EXPECT_EQ(out["alias"], "p=null");
  EXPECT_EQ(out["header"], "h=null");
}

TEST_F(EngineTest, FinishedPriorNodesAreAdoptedNotRun) {
  std::string yaml = Pipeline(CustomStage("a", Step("one", "{outputs: {v: fresh}}") +
                                              Step("two", "{outputs: {w: '<+execution.steps.one.output.outputVariables.v>'}}")));
  Run(yaml);
  ASSERT_EQ(fake_->runs.size(), 2u);
  store::NodeRecord one = Node("a.one");
  one.outputs = {{"v", "earlier"}};
  std::map<std::string, store::NodeRecord> prior = {{"a.one", one}};
  fake_->runs.clear();
  Run(yaml, prior);
  EXPECT_EQ(fake_->runs, std::vector<std::string>{"a.two"});
  EXPECT_EQ(Node("a.two").outputs["w"], "earlier");
  EXPECT_TRUE(Node("a.one").details.contains("reusedFrom"));
}

TEST_F(EngineTest, PublishedArtifactsAreStoredMaskedForEveryAttemptWhateverTheStatus) {
  std::string spec =
      "{fail: -1, secret: s3cr3t, artifacts: [{name: report.html, url: "
      "'https://h/report.html?token=s3cr3t'}]}";
  std::string retry =
      "                  failureStrategies:\n                    - onFailure:\n"
      "                        errors: [AllErrors]\n                        action:\n"
      "                          type: Retry\n                          spec:\n"
      "                            retryCount: 1\n                            retryIntervals: "
      "[10ms]\n"
      "                            onRetryFailure: {action: {type: MarkAsFailure}}\n";
  EXPECT_EQ(Run(Pipeline(CustomStage("a", Step("up", spec, retry)))), NodeStatus::kFailed);
  auto artifacts = store_->GetArtifacts(record_.id);
  ASSERT_TRUE(artifacts.ok()) << artifacts.status().ToString();
  ASSERT_EQ(artifacts->size(), 2u);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const store::ArtifactRecord& a = (*artifacts)[attempt];
    EXPECT_EQ(a.execution_id, record_.id);
    EXPECT_EQ(a.node_path, "a.up");
    EXPECT_EQ(a.attempt, attempt);
    EXPECT_EQ(a.name, "report.html");
    EXPECT_EQ(a.url.find("s3cr3t"), std::string::npos) << a.url;
    EXPECT_EQ(a.url.rfind("https://h/report.html?token=", 0), 0u) << a.url;
    EXPECT_GT(a.created_ms, 0);
  }
}

TEST_F(EngineTest, AdoptedStepKeepsItsArtifacts) {
  std::string yaml = Pipeline(
      CustomStage("a", Step("one", "{artifacts: [{name: m.pkl, url: 'file:///s/m.pkl'}]}") +
                           Step("two", "{fail: -1}")));
  Run(yaml);
  std::map<std::string, store::NodeRecord> prior = {{"a.one", Node("a.one")}};
  fake_->runs.clear();
  Run(yaml, prior);
  EXPECT_EQ(fake_->runs, std::vector<std::string>{"a.two"});
  auto artifacts = store_->GetArtifacts(record_.id);
  ASSERT_TRUE(artifacts.ok());
  ASSERT_EQ(artifacts->size(), 1u);
  EXPECT_EQ((*artifacts)[0].node_path, "a.one");
  EXPECT_EQ((*artifacts)[0].url, "file:///s/m.pkl");
  EXPECT_EQ((*artifacts)[0].execution_id, record_.id);
}

// Records "Type path Status" of every event and writes a line to its log.
class RecordingListener final : public ExecutionEventListener {
 public:
  void OnEvent(const ExecutionEvent& event,
               const std::function<void(std::string_view)>& log) override {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(std::string(EventTypeName(event.type)) + " " +
                   (event.node ? event.node->path : std::string("-")) + " " +
                   std::string(StatusName(event.status)));
    log("[test] heard " + std::string(EventTypeName(event.type)));
  }
  std::mutex mu;
  std::vector<std::string> seen;
};

TEST_F(EngineTest, TellsTheListenerOfPipelineStageAndStepFailureEvents) {
  RecordingListener listener;
  events_ = &listener;
  Run(Pipeline(CustomStage("a", Step("one")) + CustomStage("b", Step("two", "{fail: -1}")) +
               CustomStage("c", Step("three"))));
  EXPECT_EQ(listener.seen,
            (std::vector<std::string>{"PipelineStart - Running", "StageStart a Running",
                                      "StageEnd a Success", "StageStart b Running",
                                      "StepFailed b.two Failed", "StageEnd b Failed",
                                      "PipelineEnd - Failed"}));
  auto first = store_->ReadLog(record_.id, "a");
  ASSERT_TRUE(first.ok());
  EXPECT_NE(first->find("[test] heard PipelineStart"), std::string::npos) << *first;
  auto last = store_->ReadLog(record_.id, "b");
  ASSERT_TRUE(last.ok());
  EXPECT_NE(last->find("[test] heard PipelineEnd"), std::string::npos) << *last;
}

}  // namespace
}  // namespace sluice::engine
