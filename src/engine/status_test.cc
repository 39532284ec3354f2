#include "engine/status.h"

#include <gtest/gtest.h>

namespace sluice::engine {
namespace {

TEST(StatusTest, RollUpOfPositiveChildren) {
  EXPECT_EQ(RollUp({}), NodeStatus::kSuccess);
  EXPECT_EQ(RollUp({NodeStatus::kSuccess, NodeStatus::kSkipped}), NodeStatus::kSuccess);
  EXPECT_EQ(RollUp({NodeStatus::kSuccess, NodeStatus::kIgnoreFailed, NodeStatus::kSkipped}), NodeStatus::kIgnoreFailed);
}

TEST(StatusTest, RollUpTakesTheHighestPriorityFailure) {
  EXPECT_EQ(RollUp({NodeStatus::kSuccess, NodeStatus::kFailed}), NodeStatus::kFailed);
  EXPECT_EQ(RollUp({NodeStatus::kExpired, NodeStatus::kFailed}), NodeStatus::kFailed);
  EXPECT_EQ(RollUp({NodeStatus::kFailed, NodeStatus::kErrored}), NodeStatus::kErrored);
  EXPECT_EQ(RollUp({NodeStatus::kErrored, NodeStatus::kAborted, NodeStatus::kFailed}), NodeStatus::kAborted);
  EXPECT_EQ(RollUp({NodeStatus::kApprovalRejected, NodeStatus::kExpired}), NodeStatus::kApprovalRejected);
}

TEST(StatusTest, NamesRoundTripAndExpressionNamesAreUpperCase) {
  for (NodeStatus s : {NodeStatus::kSuccess, NodeStatus::kIgnoreFailed, NodeStatus::kFailed, NodeStatus::kAborted,
                   NodeStatus::kSkipped, NodeStatus::kExpired, NodeStatus::kWaitStepRunning}) {
    EXPECT_EQ(ParseStatus(StatusName(s)), s);
  }
  EXPECT_EQ(ExpressionName(NodeStatus::kSuccess), "SUCCEEDED");
  EXPECT_EQ(ExpressionName(NodeStatus::kIgnoreFailed), "IGNORE_FAILED");
  EXPECT_FALSE(ParseStatus("Nope").has_value());
}

}  // namespace
}  // namespace sluice::engine
