// HarnessApproval through the engine: the execution stops while the
// approval waits, and a resume after the decision goes on from there.
#include "steps/harness_approval_step.h"

#include <gtest/gtest.h>

#include <mutex>

#include "common/files.h"
#include "engine/approvals.h"
#include "engine/engine.h"
#include "secrets/secret_store.h"

namespace sluice::steps {
namespace {

using engine::NodeStatus;

// `type: Echo` steps: output `text` is spec.text, resolved.
class EchoStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "Echo"; }
  void ValidateSpec(const pipeline::ExecutionNode&, const pipeline::Stage&,
                    DiagnosticList*) const override {}
  engine::StepOutcome Execute(engine::StepContext& ctx) const override {
    auto text = ctx.ResolveString(ctx.node.spec["text"], "spec.text");
    if (!text.ok()) return engine::StepOutcome::Error(text.status().message());
    std::lock_guard<std::mutex> lock(mu);
    runs.push_back(ctx.node_path);
    engine::StepOutcome out;
    out.outputs["text"] = *text;
    return out;
  }
  mutable std::mutex mu;
  mutable std::vector<std::string> runs;
};

constexpr char kPipeline[] = R"(
pipeline:
  identifier: credit_card
  name: credit card
  stages:
    - stage:
        identifier: build
        name: build
        type: Custom
        spec:
          execution:
            steps:
              - step: {identifier: b, name: b, type: Echo, spec: {text: built}}
    - stage:
        identifier: approve
        name: approve
        type: Approval
        spec:
          execution:
            steps:
              - step:
                  identifier: ok
                  name: ok
                  type: HarnessApproval
                  timeout: 1h
                  spec:
                    approvalMessage: Deploy <+pipeline.identifier>?
                    includePipelineExecutionHistory: true
                    isAutoRejectEnabled: AUTO_REJECT
                    approvers:
                      userGroups: [account.approvers]
                      minimumCount: 1
                      disallowPipelineExecutor: true
                    approverInputs:
                      - {name: region, defaultValue: eu}
              - step:
                  identifier: after
                  name: after
                  type: Echo
                  spec: {text: "<+execution.steps.ok.output.approverInputs.region>"}
    - stage:
        identifier: deploy
        name: deploy
        type: Custom
        spec:
          execution:
            steps:
              - step: {identifier: d, name: d, type: Echo, spec: {text: deployed}}
)";

class HarnessApprovalStepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-approval-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    auto store = store::Store::Open(dir_->path() / "state");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto echo = std::make_unique<EchoStep>();
    echo_ = echo.get();
    registry_.Register(std::move(echo));
    registry_.Register(std::make_unique<HarnessApprovalStep>());
    project_.root = dir_->path();
  }

  // Creates an execution of the pipeline (auto-reject on or off) and runs it.
  NodeStatus Start(bool auto_reject = false) {
    std::string yaml = kPipeline;
    yaml.replace(yaml.find("AUTO_REJECT"), 11, auto_reject ? "true" : "false");
    DiagnosticList diags;
    auto p = pipeline::ParsePipeline(YAML::Load(yaml), "p.yaml", &diags);
    EXPECT_TRUE(p.has_value() && !diags.has_errors())
        << (diags.items().empty() ? "" : diags.items()[0].message);
    pipeline_ = std::move(*p);
    record_ = store::ExecutionRecord{};
    record_.pipeline_id = pipeline_.identifier;
    record_.status = "Running";
    EXPECT_TRUE(store_->CreateExecution(&record_).ok());
    return RunEngine({});
  }

  // Runs the execution again from what the store holds, as a resume does.
  NodeStatus Resume() {
    auto nodes = store_->GetNodes(record_.id);
    EXPECT_TRUE(nodes.ok());
    std::map<std::string, store::NodeRecord> prior;
    for (const auto& n : *nodes) prior[n.path] = n;
    record_.status = "Running";
    return RunEngine(prior);
  }

  NodeStatus RunEngine(const std::map<std::string, store::NodeRecord>& prior) {
    runner::LocalProcessRunner processes;
    engine::EngineDeps deps{*store_, secrets_, processes, registry_, project_, clock_, nullptr};
    engine::EngineOptions options;
    options.state_dir = dir_->path() / "state";
    options.sandbox = false;
    options.triggered_by = "alice";
    engine::Engine engine(deps, options);
    Cancellation cancel;
    auto result = engine.Run(record_, pipeline_, prior, cancel);
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

  Result<store::ApprovalRecord> Act(const std::string& user, engine::ApprovalAction action,
                                    std::map<std::string, std::string> inputs = {}) {
    engine::Approver who{user, "", {"approvers"}, "test"};
    return engine::Act(store_->approvals(), record_.id, "approve.ok", who, action,
                       "checked the fairness report", inputs, clock_.NowMillis());
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<store::Store> store_;
  secrets::InMemorySecretStore secrets_;
  engine::StepRegistry registry_;
  EchoStep* echo_ = nullptr;
  pipeline::Project project_;
  pipeline::Pipeline pipeline_;
  store::ExecutionRecord record_;
  FakeClock clock_;
};

TEST_F(HarnessApprovalStepTest, TheExecutionStopsWhileWaitingAndGoesOnOnceApproved) {
  ASSERT_EQ(Start(), NodeStatus::kApprovalWaiting);
  EXPECT_EQ(Node("build").status, "Success");
  EXPECT_EQ(Node("approve.ok").status, "ApprovalWaiting");
  EXPECT_EQ(Node("approve.after").status, "NotStarted");
  EXPECT_EQ(Node("approve").status, "ApprovalWaiting");
  EXPECT_EQ(Node("deploy").status, "NotStarted");
  auto stored = store_->GetExecution(record_.id);
  EXPECT_EQ(stored->status, "ApprovalWaiting");
  EXPECT_EQ(stored->ended_ms, 0);
  EXPECT_EQ(stored->runner_pid, 0);
  auto approval = store_->approvals().GetApproval(record_.id, "approve.ok");
  ASSERT_TRUE(approval.ok()) << approval.status().ToString();
  EXPECT_EQ(approval->message, "Deploy credit_card?");
  EXPECT_EQ(approval->executor, "alice");
  EXPECT_EQ(approval->deadline_ms, clock_.NowMillis() + 3'600'000);
  auto log = store_->ReadLog(record_.id, "approve.ok");
  EXPECT_NE(log->find("sluice approve " + record_.id + " approve.ok"), std::string::npos) << *log;

  // A resume before the decision waits again, keeping the request.
  clock_.Advance(60'000);
  EXPECT_EQ(Resume(), NodeStatus::kApprovalWaiting);
  EXPECT_EQ(store_->approvals().GetApproval(record_.id, "approve.ok")->requested_ms,
            approval->requested_ms);

  // The executor may not approve; another approver may.
  engine::Approver alice{"alice", "", {"approvers"}, "test"};
  EXPECT_EQ(engine::Act(store_->approvals(), record_.id, "approve.ok", alice,
                        engine::ApprovalAction::kApprove, "", {}, clock_.NowMillis())
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  auto decided = Act("bob", engine::ApprovalAction::kApprove, {{"region", "us"}});
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ(decided->status, "Approved");

  EXPECT_EQ(Resume(), NodeStatus::kSuccess);
  EXPECT_EQ(Node("approve.ok").status, "Success");
  EXPECT_EQ(Node("approve.after").outputs["text"], "us");
  EXPECT_EQ(Node("deploy").status, "Success");
  EXPECT_EQ(echo_->runs, (std::vector<std::string>{"build.b", "approve.after", "deploy.d"}));
  EXPECT_EQ(Node("approve.ok").details["output"]["approvalActivities"][0]["user"]["name"], "bob");
}

TEST_F(HarnessApprovalStepTest, ARejectionFailsTheStepAndLaterStagesDoNotRun) {
  ASSERT_EQ(Start(), NodeStatus::kApprovalWaiting);
  ASSERT_TRUE(Act("bob", engine::ApprovalAction::kReject).ok());
  EXPECT_EQ(Resume(), NodeStatus::kApprovalRejected);
  store::NodeRecord ok = Node("approve.ok");
  EXPECT_EQ(ok.status, "ApprovalRejected");
  EXPECT_EQ(ok.failure_type, "ApprovalRejection");
  EXPECT_NE(ok.failure_message.find("rejected by bob: checked the fairness report"),
            std::string::npos)
      << ok.failure_message;
  EXPECT_EQ(Node("approve.after").status, "Skipped");
  EXPECT_EQ(Node("deploy").status, "Skipped");
}

TEST_F(HarnessApprovalStepTest, NoDecisionBeforeTheTimeoutExpiresTheStep) {
  ASSERT_EQ(Start(), NodeStatus::kApprovalWaiting);
  clock_.Advance(3'600'000);
  EXPECT_EQ(Resume(), NodeStatus::kExpired);
  EXPECT_EQ(Node("approve.ok").status, "Expired");
  EXPECT_EQ(Node("approve.ok").failure_type, "Timeout");
  EXPECT_EQ(store_->approvals().GetApproval(record_.id, "approve.ok")->status, "Expired");
  EXPECT_EQ(Act("bob", engine::ApprovalAction::kApprove).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(HarnessApprovalStepTest, ANewerExecutionAutoRejectsAnOlderOneWaitingAtTheSameStep) {
  ASSERT_EQ(Start(), NodeStatus::kApprovalWaiting);
  const std::string older = record_.id;
  clock_.Advance(1000);
  ASSERT_EQ(Start(/*auto_reject=*/true), NodeStatus::kApprovalWaiting);
  auto first = store_->approvals().GetApproval(older, "approve.ok");
  EXPECT_EQ(first->status, "Rejected");
  auto activities = store_->approvals().Activities(older, "approve.ok");
  ASSERT_EQ(activities->size(), 1u);
  EXPECT_NE((*activities)[0].comments.find(record_.id), std::string::npos);
  EXPECT_EQ(store_->approvals().GetApproval(record_.id, "approve.ok")->status, "Waiting");
}

}  // namespace
}  // namespace sluice::steps
