// Approvals through the CLI: `sluice run` stops at a HarnessApproval and
// exits 3 with nothing left running; `sluice approve` by a member of the
// approvers' group continues the execution to the end; the wrong user, the
// executor and a rejection are handled as the rules say.
#include <gtest/gtest.h>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

constexpr char kApprovalStage[] = R"(- stage:
    identifier: Approve
    name: Approve
    type: Approval
    spec:
      execution:
        steps:
          - step:
              identifier: approve_model
              name: approve model
              type: HarnessApproval
              timeout: 1d
              spec:
                approvalMessage: Deploy the credit-card model?
                includePipelineExecutionHistory: true
                approvers:
                  userGroups: [account.model_approvers]
                  minimumCount: 1
                  disallowPipelineExecutor: true
                approverInputs:
                  - name: region
                    defaultValue: eu-west-1
)";

class ApprovalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.Write(".harness/usergroups/model_approvers.yaml",
             "userGroup:\n  identifier: model_approvers\n  name: Model approvers\n"
             "  users:\n    - bob\n    - carol@bank.example\n");
    p_.WritePipeline(
        Pipeline("credit_card",
                 {CustomStage("Train", {ShellStep("train", "echo x >> " + Scratch("trained"))}),
                  kApprovalStage,
                  CustomStage("Deploy", {ShellStep("deploy",
                                                   "echo '<+pipeline.stages.Approve.spec.execution"
                                                   ".steps.approve_model.output.approverInputs"
                                                   ".region>' > " +
                                                       Scratch("deployed"))})}));
    for (const auto& [name, role, email] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"bob", "approver", "bob@bank.example"},
             {"carol", "approver", "carol@bank.example"},
             {"victor", "viewer", "bob2@bank.example"},
             {"alice", "approver", "alice@bank.example"}}) {
      RunOptions o;
      o.stdin_text = "correct horse battery staple\n";
      auto added =
          p_.Sluice({"user", "add", name, "--role", role, "--email", email, "--password-stdin"}, o);
      ASSERT_EQ(added.exit_code, 0) << added.err;
    }
  }

  std::string Scratch(const std::string& name) const { return (p_.scratch() / name).string(); }

  // Starts the pipeline as `user`; returns the execution id.
  std::string StartWaiting(const std::string& user = "alice") {
    RunOptions o;
    o.env["USER"] = user;
    RunResult run = p_.Sluice({"run"}, o);
    EXPECT_EQ(run.exit_code, 3) << run.err << run.out;
    EXPECT_NE(run.out.find("Waiting for approval at Approve.approve_model"), std::string::npos)
        << run.out;
    std::string id = run.out.substr(10, run.out.find(' ', 10) - 10);
    return id;
  }

  nlohmann::json Show(const std::string& id) {
    return p_.Sluice({"executions", "show", id, "--json"}).Json();
  }

  TestProject p_;
};

TEST_F(ApprovalTest, AnApproverContinuesTheWaitingExecutionToTheEnd) {
  std::string id = StartWaiting();
  nlohmann::json waiting = Show(id);
  EXPECT_EQ(waiting.value("status", ""), "ApprovalWaiting");
  EXPECT_EQ(StatusOf(waiting, "Train.train"), "Success");
  EXPECT_EQ(StatusOf(waiting, "Approve.approve_model"), "ApprovalWaiting");
  EXPECT_EQ(StatusOf(waiting, "Deploy"), "NotStarted");

  RunResult approved = p_.Sluice({"approve", id, "--as", "bob", "--comment", "fairness checked",
                                  "--input", "region=us-east-1"});
  ASSERT_EQ(approved.exit_code, 0) << approved.err << approved.out;
  EXPECT_NE(approved.out.find("bob approved Approve.approve_model"), std::string::npos)
      << approved.out;
  nlohmann::json done = Show(id);
  EXPECT_EQ(done.value("status", ""), "Success");
  EXPECT_EQ(p_.ReadScratch("deployed"), "us-east-1\n");
  EXPECT_EQ(p_.ReadScratch("trained"), "x\n") << "the training step ran once";
}

TEST_F(ApprovalTest, TheWrongUsersAreRefusedAndNothingMoves) {
  std::string id = StartWaiting("alice");
  RunResult viewer = p_.Sluice({"approve", id, "--as", "victor"});
  EXPECT_EQ(viewer.exit_code, 2);
  EXPECT_NE(viewer.err.find("role viewer"), std::string::npos) << viewer.err;
  RunResult executor = p_.Sluice({"approve", id, "--as", "alice"});
  EXPECT_EQ(executor.exit_code, 2);
  EXPECT_NE(executor.err.find("only members of account.model_approvers"), std::string::npos)
      << executor.err;
  RunResult stranger = p_.Sluice({"approve", id, "--as", "nobody"});
  EXPECT_EQ(stranger.exit_code, 2);
  EXPECT_NE(stranger.err.find("no sluice user \"nobody\""), std::string::npos) << stranger.err;
  EXPECT_EQ(Show(id).value("status", ""), "ApprovalWaiting");
}

TEST_F(ApprovalTest, TheExecutorMayNotApproveTheirOwnRun) {
  std::string id = StartWaiting("bob");
  RunResult self = p_.Sluice({"approve", id, "--as", "bob"});
  EXPECT_EQ(self.exit_code, 2);
  EXPECT_NE(self.err.find("disallowPipelineExecutor"), std::string::npos) << self.err;
  RunResult carol = p_.Sluice({"approve", id, "--as", "carol", "--no-resume"});
  ASSERT_EQ(carol.exit_code, 0) << carol.err;
  EXPECT_NE(carol.out.find("sluice resume " + id), std::string::npos) << carol.out;
  RunResult resumed = p_.Sluice({"resume", id});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_EQ(Show(id).value("status", ""), "Success");
}

TEST_F(ApprovalTest, ARejectionEndsTheExecutionAndSkipsTheDeployment) {
  std::string id = StartWaiting();
  RunResult rejected = p_.Sluice({"approve", id, "Approve.approve_model", "--reject", "--as",
                                  "carol", "--comment", "the equal-opportunity gap is too wide"});
  EXPECT_EQ(rejected.exit_code, 1) << rejected.err << rejected.out;
  nlohmann::json done = Show(id);
  EXPECT_EQ(done.value("status", ""), "ApprovalRejected");
  EXPECT_EQ(StatusOf(done, "Deploy"), "Skipped");
  EXPECT_EQ(p_.ReadScratch("deployed"), "");
  RunResult again = p_.Sluice({"approve", id, "Approve.approve_model", "--as", "bob"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("no longer waiting (Rejected)"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace sluice::testing
