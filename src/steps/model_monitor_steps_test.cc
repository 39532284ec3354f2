// ModelStaleness and ModelDrift through the engine: a real git repository
// with commits dated in the past, invocation records in a real store.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <mutex>

#include "common/files.h"
#include "engine/engine.h"
#include "monitor/drift_baseline.h"
#include "secrets/secret_store.h"
#include "steps/model_drift_step.h"
#include "steps/model_staleness_step.h"

namespace sluice::steps {
namespace {

using engine::NodeStatus;

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kNow = 1'704'067'200'000 + 20 * kDay;  // 2024-01-21T00:00:00Z

// `type: Echo` steps record that they ran.
class EchoStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "Echo"; }
  void ValidateSpec(const pipeline::ExecutionNode&, const pipeline::Stage&,
                    DiagnosticList*) const override {}
  engine::StepOutcome Execute(engine::StepContext& ctx) const override {
    std::lock_guard<std::mutex> lock(mu);
    runs.push_back(ctx.node_path);
    return engine::StepOutcome::Success();
  }
  mutable std::mutex mu;
  mutable std::vector<std::string> runs;
};

class ModelMonitorStepsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-monitor-steps-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    auto store = store::Store::Open(dir_->path() / "state");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto echo = std::make_unique<EchoStep>();
    echo_ = echo.get();
    registry_.Register(std::move(echo));
    registry_.Register(std::make_unique<ModelStalenessStep>());
    registry_.Register(std::make_unique<ModelDriftStep>());
    project_.root = dir_->path();
    repo_ = dir_->path() / "repo";
  }

  // A repository whose src/train.cc last changed `days_ago` (a later
  // commit touches only the README).
  void MakeRepository(int days_ago) {
    const std::string q = "'" + repo_.string() + "'";
    auto git = [&](const std::string& args, int64_t at_ms) {
      std::string cmd;
      if (at_ms > 0) {
        const std::string date = "@" + std::to_string(at_ms / 1000) + " +0000";
        cmd = "GIT_AUTHOR_DATE='" + date + "' GIT_COMMITTER_DATE='" + date + "' ";
      }
      cmd += "git -c user.name=Dana -c user.email=d@example.com -c commit.gpgsign=false " + args +
             " >/dev/null 2>&1";
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    };
    git("init --quiet -b main " + q, 0);
    std::filesystem::create_directories(repo_ / "src");
    std::ofstream(repo_ / "src/train.cc") << "model";
    git("-C " + q + " add -A", 0);
    git("-C " + q + " commit --quiet -m 'train the model'", kNow - days_ago * kDay);
    std::ofstream(repo_ / "README.md") << "docs";
    git("-C " + q + " add -A", 0);
    git("-C " + q + " commit --quiet -m docs", kNow - kDay);
  }

  NodeStatus Run(const std::string& yaml) {
    DiagnosticList diags;
    auto p = pipeline::ParsePipeline(YAML::Load(yaml), "p.yaml", &diags);
    EXPECT_TRUE(p.has_value() && !diags.has_errors())
        << (diags.items().empty() ? "" : diags.items()[0].message);
    if (!p) return NodeStatus::kErrored;
    pipeline_ = std::move(*p);
    record_ = store::ExecutionRecord{};
    record_.pipeline_id = pipeline_.identifier;
    record_.status = "Running";
    EXPECT_TRUE(store_->CreateExecution(&record_).ok());
    runner::LocalProcessRunner processes;
    engine::EngineDeps deps{*store_, secrets_, processes, registry_, project_, clock_, nullptr};
    engine::EngineOptions options;
    options.state_dir = dir_->path() / "state";
    options.sandbox = false;
    engine::Engine engine(deps, options);
    Cancellation cancel;
    auto result = engine.Run(record_, pipeline_, {}, cancel);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : NodeStatus::kErrored;
  }

  store::NodeRecord Node(const std::string& path) {
    auto nodes = store_->GetNodes(record_.id);
    for (const auto& n : *nodes) {
      if (n.path == path) return n;
    }
    ADD_FAILURE() << "no node " << path;
    return {};
  }

  std::string StalenessPipeline(int max_age_days) {
    return R"(
pipeline:
  identifier: mlops
  name: mlops
  stages:
    - stage:
        identifier: monitor
        name: monitor
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  identifier: stale
                  name: stale
                  type: ModelStaleness
                  spec:
                    model: ccapproval
                    repository: )" +
           repo_.string() + R"(
                    branch: main
                    paths: [src/train.cc]
                    maxAgeDays: )" +
           std::to_string(max_age_days) + R"(
              - step:
                  identifier: email
                  name: email
                  type: Echo
                  when:
                    stageStatus: Success
                    condition: <+execution.steps.stale.output.outputVariables.model_stale> == true
)";
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<store::Store> store_;
  secrets::InMemorySecretStore secrets_;
  engine::StepRegistry registry_;
  EchoStep* echo_ = nullptr;
  pipeline::Project project_;
  pipeline::Pipeline pipeline_;
  store::ExecutionRecord record_;
  FakeClock clock_{kNow};
  std::filesystem::path repo_;
};

TEST_F(ModelMonitorStepsTest, AStaleModelSetsItsOutputsAndTheEmailStepRuns) {
  MakeRepository(9);
  EXPECT_EQ(Run(StalenessPipeline(7)), NodeStatus::kSuccess);
  store::NodeRecord stale = Node("monitor.stale");
  EXPECT_EQ(stale.status, "Success") << stale.failure_message;
  EXPECT_EQ(stale.outputs["model_stale"], "true") << stale.outputs.dump();
  EXPECT_EQ(stale.outputs["last_updated"], "2024-01-12T00:00:00Z");
  EXPECT_EQ(stale.outputs["age_days"], "9.00");
  EXPECT_EQ(stale.outputs["commit_message"], "train the model");
  EXPECT_EQ(echo_->runs, std::vector<std::string>{"monitor.email"});
  // Kept for /metrics.
  auto checks = store_->monitor().ListChecks();
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_EQ((*checks)[0].subject, "ccapproval");
  EXPECT_EQ((*checks)[0].execution_id, record_.id);
}

TEST_F(ModelMonitorStepsTest, ARecentModelIsNotStaleAndTheEmailStepIsSkipped) {
  MakeRepository(3);
  EXPECT_EQ(Run(StalenessPipeline(7)), NodeStatus::kSuccess);
  EXPECT_EQ(Node("monitor.stale").outputs["model_stale"], "false");
  EXPECT_TRUE(echo_->runs.empty());
  EXPECT_EQ(Node("monitor.email").status, "Skipped");
}

TEST_F(ModelMonitorStepsTest, ARepositoryThatIsNotThereFailsNamingIt) {
  EXPECT_EQ(Run(StalenessPipeline(7)), NodeStatus::kFailed);
  EXPECT_NE(Node("monitor.stale").failure_message.find(repo_.string()), std::string::npos);
}

constexpr char kDriftPipeline[] = R"(
pipeline:
  identifier: mlops
  name: mlops
  stages:
    - stage:
        identifier: monitor
        name: monitor
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  identifier: drift
                  name: drift
                  type: ModelDrift
                  spec:
                    function: cc
                    qualifier: live
                    model: MODEL
                    window: 1h
                    minSamples: 50
                    onDrift: ON_DRIFT
)";

class ModelDriftStepTest : public ModelMonitorStepsTest {
 protected:
  void SetUp() override {
    ModelMonitorStepsTest::SetUp();
    monitor::DriftBaseline b;
    b.features = {{"Own_Car", true, {}, {0, 1}, {0.5, 0.5}}};
    b.positive_rate = 0.5;
    b.label_positive_rate = 0.5;
    model_ = dir_->path() / "models/model.json";
    ASSERT_TRUE(MakeDirs(model_.parent_path()).ok());
    ASSERT_TRUE(
        WriteFileAtomic(monitor::DriftBaselinePathFor(model_), monitor::DriftBaselineJson(b).dump())
            .ok());
    ASSERT_TRUE(store_->functions().PutFunction("cc", {}, kNow).ok());
  }

  // `n` invocations, share `car` of them owning a car; approved when they do.
  void Traffic(int n, double car) {
    std::vector<store::InvocationRecord> batch;
    for (int i = 0; i < n; ++i) {
      const int own = i < car * n ? 1 : 0;
      store::InvocationRecord r;
      r.function = "cc";
      r.qualifier = "live";
      r.started_ms = kNow - 60'000;
      r.input = nlohmann::json{{"Own_Car", own}}.dump();
      r.output = nlohmann::json{{"prediction", own}}.dump();
      batch.push_back(r);
    }
    ASSERT_TRUE(store_->functions().AddInvocations(&batch, 0).ok());
  }

  std::string Pipeline(const std::string& on_drift) {
    std::string yaml = kDriftPipeline;
    yaml.replace(yaml.find("MODEL"), 5, model_.string());
    yaml.replace(yaml.find("ON_DRIFT"), 8, on_drift);
    return yaml;
  }

  std::filesystem::path model_;
};

TEST_F(ModelDriftStepTest, UnshiftedTrafficPasses) {
  Traffic(200, 0.5);
  EXPECT_EQ(Run(Pipeline("Fail")), NodeStatus::kSuccess);
  store::NodeRecord n = Node("monitor.drift");
  EXPECT_EQ(n.outputs["drifted"], "false");
  EXPECT_EQ(n.outputs["psi_Own_Car"], "0.0000");
}

TEST_F(ModelDriftStepTest, ShiftedTrafficFailsTheStepOrWarnsBySetting) {
  Traffic(200, 0.95);
  EXPECT_EQ(Run(Pipeline("Fail")), NodeStatus::kFailed);
  store::NodeRecord failed = Node("monitor.drift");
  EXPECT_EQ(failed.outputs["drifted"], "true");
  EXPECT_NE(failed.failure_message.find("drift status drift"), std::string::npos);
  EXPECT_EQ(Run(Pipeline("Warn")), NodeStatus::kSuccess);
  store::NodeRecord warned = Node("monitor.drift");
  EXPECT_EQ(warned.outputs["drifted"], "true");
  auto checks = store_->monitor().ListChecks();
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_EQ((*checks)[0].kind, "drift");
  EXPECT_EQ((*checks)[0].result["drifted"], true);
}

TEST_F(ModelDriftStepTest, AMissingBaselineSaysWhereItWasLookedFor) {
  std::filesystem::remove(monitor::DriftBaselinePathFor(model_));
  Traffic(10, 0.5);
  EXPECT_NE(Run(Pipeline("Fail")), NodeStatus::kSuccess);
  EXPECT_NE(Node("monitor.drift").failure_message.find("model.drift.json"), std::string::npos);
}

// The spec errors `sluice validate` reports before anything runs.
std::vector<std::string> SpecErrors(const engine::StepType& type, const std::string& spec) {
  pipeline::ExecutionNode node;
  node.identifier = "s";
  node.type = std::string(type.name());
  node.location.file = "p.yaml";
  node.spec = YAML::Load(spec);
  DiagnosticList diags;
  type.ValidateSpec(node, pipeline::Stage{}, &diags);
  std::vector<std::string> errors;
  for (const auto& d : diags.items()) {
    if (d.severity == Severity::kError) errors.push_back(d.message);
  }
  return errors;
}

TEST(ModelMonitorSpecTest, ConflictingOrMissingFieldsAreReportedBeforeRunning) {
  ModelStalenessStep stale;
  EXPECT_TRUE(SpecErrors(stale, "{paths: [a], maxAgeDays: 7}").empty());
  auto both = SpecErrors(stale, "{repository: /r, api: {repo: o/r}}");
  ASSERT_EQ(both.size(), 1u);
  EXPECT_NE(both[0].find("not both"), std::string::npos);
  EXPECT_EQ(SpecErrors(stale, "{alias: live}").size(), 1u);
  ModelDriftStep drift;
  EXPECT_TRUE(SpecErrors(drift, "{function: f, model: m.json, onDrift: Warn}").empty());
  EXPECT_EQ(SpecErrors(drift, "{function: f}").size(), 1u);
  EXPECT_EQ(SpecErrors(drift, "{function: f, baseline: b.json, onDrift: Maybe}").size(), 1u);
  EXPECT_EQ(SpecErrors(drift, "{function: f, baseline: b.json, window: soon}").size(), 1u);
}

}  // namespace
}  // namespace sluice::steps
