#include "engine/failure.h"

#include <gtest/gtest.h>

namespace sluice::engine {
namespace {

using pipeline::ActionType;
using pipeline::ErrorType;
using pipeline::FailureStrategy;

FailureStrategy Strategy(std::vector<ErrorType> errors, ActionType action) {
  FailureStrategy s;
  s.errors = std::move(errors);
  s.action.type = action;
  return s;
}

TEST(FailureTest, MostSpecificMatchingLevelWins) {
  std::vector<FailureStrategy> step = {Strategy({ErrorType::kTimeout}, ActionType::kRetry)};
  std::vector<FailureStrategy> group = {Strategy({ErrorType::kUnknown}, ActionType::kIgnore)};
  std::vector<FailureStrategy> stage = {Strategy({ErrorType::kAllErrors}, ActionType::kStageRollback)};
  StrategyChain chain = {&step, &group, &stage};
  EXPECT_EQ(FindFailureAction(chain, ErrorType::kTimeout)->type, ActionType::kRetry);
  EXPECT_EQ(FindFailureAction(chain, ErrorType::kUnknown)->type, ActionType::kIgnore);
  EXPECT_EQ(FindFailureAction(chain, ErrorType::kAuthentication)->type, ActionType::kStageRollback);
}

TEST(FailureTest, FirstMatchingEntryWinsWithinALevel) {
  std::vector<FailureStrategy> step = {Strategy({ErrorType::kAllErrors}, ActionType::kMarkAsSuccess),
                                       Strategy({ErrorType::kUnknown}, ActionType::kAbort)};
  EXPECT_EQ(FindFailureAction({&step}, ErrorType::kUnknown)->type, ActionType::kMarkAsSuccess);
}

TEST(FailureTest, NoMatchMeansTheFailureStands) {
  std::vector<FailureStrategy> step = {Strategy({ErrorType::kTimeout}, ActionType::kIgnore)};
  EXPECT_EQ(FindFailureAction({&step, nullptr}, ErrorType::kUnknown), nullptr);
}

TEST(FailureTest, RetryIntervalsRepeatTheLastOne) {
  pipeline::FailureAction retry;
  retry.retry_intervals = {Millis(10), Millis(30)};
  EXPECT_EQ(RetryInterval(retry, 1), Millis(10));
  EXPECT_EQ(RetryInterval(retry, 2), Millis(30));
  EXPECT_EQ(RetryInterval(retry, 5), Millis(30));
  EXPECT_EQ(RetryInterval(pipeline::FailureAction{}, 1), Millis(0));
}

}  // namespace
}  // namespace sluice::engine
