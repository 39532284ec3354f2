#include "store/approval_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;
using testing::SampleExecution;

constexpr int64_t kT0 = 1'700'000'000'000;

class ApprovalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
    ExecutionRecord rec = SampleExecution();
    ASSERT_TRUE(store_->CreateExecution(&rec).ok());
    execution_ = rec.id;
  }
  ApprovalStore& approvals() { return store_->approvals(); }

  ApprovalRecord Request(const std::string& path) {
    ApprovalRecord r;
    r.execution_id = execution_;
    r.node_path = path;
    r.pipeline_id = "p";
    r.message = "Deploy the model?";
    r.user_groups = {"approvers", "account.ml_leads"};
    r.minimum_count = 2;
    r.disallow_executor = true;
    r.executor = "alice";
    r.approver_inputs = nlohmann::json::array({{{"name", "region"}, {"defaultValue", "eu"}}});
    r.include_history = true;
    r.requested_ms = kT0;
    r.deadline_ms = kT0 + 86'400'000;
    return r;
  }

  ApprovalActivityRecord Activity(const std::string& user, const std::string& action) {
    ApprovalActivityRecord a;
    a.execution_id = execution_;
    a.node_path = "Approve.approve";
    a.user = user;
    a.email = user + "@bank.example";
    a.action = action;
    a.comments = "looks fair";
    a.inputs = {{"region", "us"}};
    a.at_ms = kT0 + 1000;
    a.source = "cli:" + user;
    return a;
  }

  TempDir dir_ = MakeStateDir();
  std::unique_ptr<Store> store_;
  std::string execution_;
};

TEST_F(ApprovalStoreTest, ARequestIsStoredAndReadBackWithEveryField) {
  ASSERT_TRUE(approvals().PutApproval(Request("Approve.approve")).ok());
  auto got = approvals().GetApproval(execution_, "Approve.approve");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, "Waiting");
  EXPECT_EQ(got->message, "Deploy the model?");
  EXPECT_EQ(got->user_groups, (std::vector<std::string>{"approvers", "account.ml_leads"}));
  EXPECT_EQ(got->minimum_count, 2);
  EXPECT_TRUE(got->disallow_executor);
  EXPECT_EQ(got->executor, "alice");
  EXPECT_EQ(got->approver_inputs[0]["defaultValue"], "eu");
  EXPECT_TRUE(got->include_history);
  EXPECT_EQ(got->deadline_ms, kT0 + 86'400'000);
  EXPECT_EQ(got->decided_ms, 0);

  auto missing = approvals().GetApproval(execution_, "Approve.other");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("Approve.other"), std::string::npos);
}

TEST_F(ApprovalStoreTest, ListingFiltersByStatusNewestFirst) {
  ApprovalRecord first = Request("A.one");
  ApprovalRecord second = Request("B.two");
  second.requested_ms = kT0 + 5;
  second.status = "Approved";
  ASSERT_TRUE(approvals().PutApproval(first).ok());
  ASSERT_TRUE(approvals().PutApproval(second).ok());
  auto all = approvals().ListApprovals("", 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].node_path, "B.two");
  auto waiting = approvals().ListApprovals("Waiting", 10);
  ASSERT_TRUE(waiting.ok());
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ((*waiting)[0].node_path, "A.one");
  auto of = approvals().ApprovalsOf(execution_);
  ASSERT_TRUE(of.ok());
  EXPECT_EQ(of->size(), 2u);
}

TEST_F(ApprovalStoreTest, AnActivityIsJudgedAndStoredWithTheJudgedApproval) {
  ASSERT_TRUE(approvals().PutApproval(Request("Approve.approve")).ok());
  ApprovalActivityRecord bob = Activity("bob", "APPROVE");
  size_t seen_before = 99;
  auto judged = approvals().AddActivity(
      &bob,
      [&](const ApprovalRecord& current,
          const std::vector<ApprovalActivityRecord>& earlier) -> Result<ApprovalRecord> {
        seen_before = earlier.size();
        ApprovalRecord next = current;
        next.status = "Approved";
        next.decided_ms = kT0 + 1000;
        return next;
      });
  ASSERT_TRUE(judged.ok()) << judged.status().ToString();
  EXPECT_EQ(seen_before, 0u);
  EXPECT_GT(bob.id, 0);
  EXPECT_EQ(approvals().GetApproval(execution_, "Approve.approve")->status, "Approved");
  auto activities = approvals().Activities(execution_, "Approve.approve");
  ASSERT_TRUE(activities.ok());
  ASSERT_EQ(activities->size(), 1u);
  EXPECT_EQ((*activities)[0].user, "bob");
  EXPECT_EQ((*activities)[0].inputs["region"], "us");
  EXPECT_EQ((*activities)[0].source, "cli:bob");
}

TEST_F(ApprovalStoreTest, ARefusedActivityLeavesNothingBehind) {
  ASSERT_TRUE(approvals().PutApproval(Request("Approve.approve")).ok());
  ApprovalActivityRecord carol = Activity("carol", "APPROVE");
  auto refused = approvals().AddActivity(
      &carol,
      [](const ApprovalRecord&,
         const std::vector<ApprovalActivityRecord>&) -> Result<ApprovalRecord> {
        return Status::PermissionDenied("carol is not an approver");
      });
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(approvals().Activities(execution_, "Approve.approve")->empty());
  EXPECT_EQ(approvals().GetApproval(execution_, "Approve.approve")->status, "Waiting");

  ApprovalActivityRecord stray = Activity("dan", "APPROVE");
  stray.node_path = "Nowhere.step";
  auto unknown = approvals().AddActivity(
      &stray,
      [](const ApprovalRecord& a,
         const std::vector<ApprovalActivityRecord>&) -> Result<ApprovalRecord> { return a; });
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
}

TEST_F(ApprovalStoreTest, ApprovalsSurviveReopening) {
  ASSERT_TRUE(approvals().PutApproval(Request("Approve.approve")).ok());
  ApprovalActivityRecord bob = Activity("bob", "REJECT");
  ASSERT_TRUE(
      approvals()
          .AddActivity(&bob,
                       [](const ApprovalRecord& a, const std::vector<ApprovalActivityRecord>&)
                           -> Result<ApprovalRecord> { return a; })
          .ok());
  store_.reset();
  store_ = OpenOrDie(dir_.path());
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(approvals().GetApproval(execution_, "Approve.approve")->message, "Deploy the model?");
  EXPECT_EQ(approvals().Activities(execution_, "Approve.approve")->at(0).action, "REJECT");
}

}  // namespace
}  // namespace sluice::store
