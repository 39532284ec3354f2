#include "engine/approvals.h"

#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sluice::engine {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr char kStep[] = "Approve.approve_model";

class ApprovalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::testing::OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
    store::ExecutionRecord rec = store::testing::SampleExecution();
    ASSERT_TRUE(store_->CreateExecution(&rec).ok());
    execution_ = rec.id;
    store::ApprovalRecord a;
    a.execution_id = execution_;
    a.node_path = kStep;
    a.user_groups = {"account.approvers", "ml_leads"};
    a.minimum_count = 2;
    a.disallow_executor = true;
    a.executor = "alice";
    a.approver_inputs = nlohmann::json::array(
        {{{"name", "region"}, {"defaultValue", "eu"}}, {{"name", "note"}, {"defaultValue", ""}}});
    a.requested_ms = kT0;
    a.deadline_ms = kT0 + 60'000;
    ASSERT_TRUE(store_->approvals().PutApproval(a).ok());
  }

  Result<store::ApprovalRecord> Do(const std::string& user, ApprovalAction action,
                                   std::set<std::string> groups = {"approvers"},
                                   std::map<std::string, std::string> inputs = {},
                                   int64_t at = kT0 + 1000) {
    Approver who{user, user + "@bank.example", std::move(groups), "cli:" + user};
    return Act(store_->approvals(), execution_, kStep, who, action, "ok by " + user, inputs, at);
  }

  TempDir dir_ = store::testing::MakeStateDir();
  std::unique_ptr<store::Store> store_;
  std::string execution_;
};

TEST_F(ApprovalsTest, MinimumCountDistinctApproversApprove) {
  auto first = Do("bob", ApprovalAction::kApprove);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->status, "Waiting");
  auto again = Do("bob", ApprovalAction::kApprove);
  EXPECT_EQ(again.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(again.status().message().find("already acted"), std::string::npos);
  auto second = Do("carol", ApprovalAction::kApprove, {"ml_leads"}, {}, kT0 + 2000);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->status, "Approved");
  EXPECT_EQ(second->decided_ms, kT0 + 2000);
  auto late = Do("dan", ApprovalAction::kReject);
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ApprovalsTest, OneRejectionRejects) {
  ASSERT_TRUE(Do("bob", ApprovalAction::kApprove).ok());
  auto rejected = Do("carol", ApprovalAction::kReject);
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->status, "Rejected");
}

TEST_F(ApprovalsTest, OnlyMembersOfTheListedGroupsMayAct) {
  auto outsider = Do("eve", ApprovalAction::kApprove, {"viewers"});
  ASSERT_EQ(outsider.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(outsider.status().message().find("only members of account.approvers, ml_leads"),
            std::string::npos)
      << outsider.status().message();
  EXPECT_TRUE(store_->approvals().Activities(execution_, kStep)->empty());
}

TEST_F(ApprovalsTest, TheExecutorMayNotApproveWhenDisallowed) {
  auto self = Do("alice", ApprovalAction::kApprove);
  ASSERT_EQ(self.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(self.status().message().find("disallowPipelineExecutor"), std::string::npos);
}

TEST_F(ApprovalsTest, PastTheDeadlineNobodyMayActAndItHasExpired) {
  auto late = Do("bob", ApprovalAction::kApprove, {"approvers"}, {}, kT0 + 60'000);
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("Expired"), std::string::npos);
  auto approval = store_->approvals().GetApproval(execution_, kStep);
  store::ApprovalRecord decided = Decide(*approval, {}, kT0 + 60'000);
  EXPECT_EQ(decided.status, "Expired");
  EXPECT_EQ(Decide(*approval, {}, kT0 + 59'999).status, "Waiting");
}

TEST_F(ApprovalsTest, UndeclaredInputsAreRefusedAndTheLastApproversValuesWin) {
  auto bad = Do("bob", ApprovalAction::kApprove, {"approvers"}, {{"colour", "red"}});
  ASSERT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("it asks for: region, note"), std::string::npos);
  ASSERT_TRUE(Do("bob", ApprovalAction::kApprove, {"approvers"}, {{"region", "us"}}).ok());
  ASSERT_TRUE(Do("carol", ApprovalAction::kApprove, {"approvers"}, {{"region", "ap"}}).ok());
  auto approval = store_->approvals().GetApproval(execution_, kStep);
  auto activities = store_->approvals().Activities(execution_, kStep);
  nlohmann::json out = ApprovalOutput(*approval, *activities);
  EXPECT_EQ(out["approverInputs"]["region"], "ap");
  EXPECT_EQ(out["approverInputs"]["note"], "");
  ASSERT_EQ(out["approvalActivities"].size(), 2u);
  EXPECT_EQ(out["approvalActivities"][0]["user"]["name"], "bob");
  EXPECT_EQ(out["approvalActivities"][0]["action"], "APPROVE");
  EXPECT_EQ(out["approvalActivities"][0]["approverInputs"][0]["value"], "us");
}

TEST(GroupIdentifierTest, ScopePrefixesNameTheSameGroup) {
  EXPECT_EQ(GroupIdentifier("account.approvers"), "approvers");
  EXPECT_EQ(GroupIdentifier("org.approvers"), "approvers");
  EXPECT_EQ(GroupIdentifier("approvers"), "approvers");
}

}  // namespace
}  // namespace sluice::engine
