#include "notify/event_text.h"

#include <gtest/gtest.h>

namespace sluice::notify {
namespace {

class EventTextTest : public ::testing::Test {
 protected:
  EventTextTest() {
    pipeline_.identifier = "credit_card";
    pipeline_.name = "Credit card";
    execution_.id = "exec1";
    execution_.sequence_id = 12;
    execution_.started_ms = 1795687200000;
    execution_.status = "Running";
  }
  pipeline::Pipeline pipeline_;
  store::ExecutionRecord execution_;
};

TEST_F(EventTextTest, AFailedPipelineNamesTheStageItFailedAt) {
  execution_.status = "Failed";
  execution_.ended_ms = execution_.started_ms + 83000;
  execution_.failure_message = "Train_Model.train: exit code 1";
  engine::ExecutionEvent e{engine::EventType::kPipelineEnd, execution_, pipeline_, std::nullopt,
                           engine::NodeStatus::kFailed};
  EXPECT_EQ(RuleEventsOf(e), (std::vector<std::string>{"PipelineFailed", "PipelineEnd"}));
  EventText t =
      DescribeEvent(e, execution_.ended_ms, "http://127.0.0.1:8080/#/executions/exec1", nullptr);
  EXPECT_EQ(t.subject, "[sluice] credit_card #12 failed at Train_Model");
  EXPECT_NE(t.body.find("Pipeline:  Credit card (credit_card)\n"), std::string::npos) << t.body;
  EXPECT_NE(t.body.find("Status:    Failed\n"), std::string::npos) << t.body;
  EXPECT_NE(t.body.find("Duration:  1m23s\n"), std::string::npos) << t.body;
  EXPECT_NE(t.body.find("Failure:   Train_Model.train: exit code 1\n"), std::string::npos);
  EXPECT_NE(t.body.find("http://127.0.0.1:8080/#/executions/exec1"), std::string::npos);
}

TEST_F(EventTextTest, StageAndStepEventsSayWhichNode) {
  store::NodeRecord stage;
  stage.path = "Train_Model";
  stage.identifier = "Train_Model";
  stage.name = "Train Model";
  stage.kind = "stage";
  stage.failure_message = "boom";
  engine::ExecutionEvent e{engine::EventType::kStageEnd, execution_, pipeline_, stage,
                           engine::NodeStatus::kFailed};
  EXPECT_EQ(RuleEventsOf(e), (std::vector<std::string>{"StageFailed"}));
  EventText t = DescribeEvent(e, execution_.started_ms, "", nullptr);
  EXPECT_EQ(t.subject, "[sluice] credit_card #12: stage Train_Model failed");
  EXPECT_NE(t.body.find("Stage:     Train Model (Train_Model)\n"), std::string::npos) << t.body;
  nlohmann::json payload = WebhookPayload(e, "StageFailed", t, "");
  EXPECT_EQ(payload["event"], "StageFailed");
  EXPECT_EQ(payload["stage"]["identifier"], "Train_Model");
  EXPECT_EQ(payload["execution"]["sequenceId"], 12);
}

TEST_F(EventTextTest, AnApprovalRequestSaysHowToDecide) {
  store::NodeRecord step;
  step.path = "Approve.approve_model";
  step.kind = "step";
  store::ApprovalRecord a;
  a.message = "Deploy the model?";
  a.user_groups = {"account.model_approvers"};
  engine::ExecutionEvent e{engine::EventType::kApprovalWaiting, execution_, pipeline_, step,
                           engine::NodeStatus::kApprovalWaiting};
  EventText t = DescribeEvent(e, execution_.started_ms, "", &a);
  EXPECT_EQ(t.subject, "[sluice] credit_card #12 waits for approval at Approve.approve_model");
  EXPECT_NE(t.body.find("Message:   Deploy the model?\n"), std::string::npos) << t.body;
  EXPECT_NE(t.body.find("sluice approve exec1 Approve.approve_model"), std::string::npos);
}

}  // namespace
}  // namespace sluice::notify
