#include <gtest/gtest.h>

#include "policy/query.h"

namespace sluice::policy {
namespace {

PreparedQuery Slow() {
  QueryRequest req;
  req.query = "x := count([y | some a in numbers.range(1, 400); some b in numbers.range(1, 400); y := a * b])";
  return PreparedQuery::Prepare(req);
}

TEST(EvalLimitsTest, NoLimitsRunToTheEnd) {
  QueryResult r = Slow().Eval(Value::Object({}), std::nullopt);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0].second, Value::Int(160000));
}

TEST(EvalLimitsTest, APassedDeadlineStopsWithEvalCancelError) {
  EvalLimits limits;
  limits.deadline = std::chrono::steady_clock::now();
  QueryResult r = Slow().Eval(Value::Object({}), std::nullopt, limits);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "eval_cancel_error");
  EXPECT_TRUE(r.rows.empty());
}

TEST(EvalLimitsTest, ACancelledTokenStops) {
  Cancellation cancel;
  cancel.Cancel();
  EvalLimits limits;
  limits.cancel = &cancel;
  QueryResult r = Slow().Eval(Value::Object({}), std::nullopt, limits);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "eval_cancel_error: caller cancelled query execution");
}

}  // namespace
}  // namespace sluice::policy
