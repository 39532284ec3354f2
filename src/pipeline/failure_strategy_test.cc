#include <gtest/gtest.h>

#include "pipeline/pipeline_test_util.h"
#include "pipeline/project.h"

namespace sluice::pipeline {
namespace {

// A one-step pipeline whose step carries `strategies` (indented for the step).
std::string WithStrategies(std::string_view strategies) {
  return std::string(R"(pipeline:
  identifier: p
  name: P
  stages:
    - stage:
        identifier: s
        name: S
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  identifier: a
                  name: A
                  type: Wait
                  failureStrategies:
)") + std::string(strategies);
}

TEST(PipelineFailureStrategyTest, ParsesEveryActionShape) {
  const std::string yaml = WithStrategies(R"(                    - onFailure:
                        errors: [Timeout, Connectivity]
                        action:
                          type: Retry
                          spec:
                            retryCount: 3
                            retryIntervals: [10s, 1m]
                            onRetryFailure:
                              action: {type: MarkAsSuccess}
                    - onFailure:
                        errors: [AllErrors]
                        action:
                          type: ManualIntervention
                          spec:
                            timeout: 1h
                            onTimeout:
                              action: {type: Abort}
                    - onFailure:
                        errors: [Unknown]
                        action: {type: StageRollback, spec: {failAll: true}}
                    - onFailure: {errors: [PolicyEvaluationFailure], action: {type: Ignore}}
)");
  DiagnosticList diags;
  auto p = ParsePipelineText(yaml, "p.yaml", &diags);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(diags.empty()) << testing::Format(diags, yaml);
  const auto& fs = p->stages[0].stage.steps[0].failure_strategies;
  ASSERT_EQ(fs.size(), 4u);

  EXPECT_EQ(fs[0].errors, (std::vector<ErrorType>{ErrorType::kTimeout, ErrorType::kConnectivity}));
  EXPECT_EQ(fs[0].action.type, ActionType::kRetry);
  EXPECT_EQ(fs[0].action.retry_count, 3);
  EXPECT_EQ(fs[0].action.retry_intervals, (std::vector<Millis>{Millis(10000), Millis(60000)}));
  ASSERT_NE(fs[0].action.on_retry_failure, nullptr);
  EXPECT_EQ(fs[0].action.on_retry_failure->type, ActionType::kMarkAsSuccess);

  EXPECT_EQ(fs[1].action.type, ActionType::kManualIntervention);
  EXPECT_EQ(fs[1].action.timeout, Millis(3600000));
  ASSERT_NE(fs[1].action.on_timeout, nullptr);
  EXPECT_EQ(fs[1].action.on_timeout->type, ActionType::kAbort);

  EXPECT_EQ(fs[2].action.type, ActionType::kStageRollback);
  EXPECT_TRUE(fs[2].action.fail_all);
  EXPECT_EQ(fs[3].errors, std::vector<ErrorType>{ErrorType::kPolicyEvaluationFailure});
  EXPECT_EQ(fs[3].action.type, ActionType::kIgnore);
  EXPECT_EQ(fs[3].location.ToString(), "p.yaml:37:23");
}

TEST(PipelineFailureStrategyTest, ReportsUnknownErrorAndActionTypes) {
  const std::string yaml = WithStrategies(R"(                    - onFailure:
                        errors: [AllErrors, Oops]
                        action: {type: Retry}
                    - onFailure:
                        errors: [Timeout]
                        action: {type: Explode}
)");
  EXPECT_EQ(testing::ParseDiags(yaml),
            "p.yaml:18:45: error: unknown error type \"Oops\" (expected one of: AllErrors, "
            "Unknown, Authentication, "
            "Authorization, Connectivity, Timeout, Verification, DelegateProvisioning, "
            "PolicyEvaluationFailure, "
            "InputTimeoutError, ApprovalRejection, DelegateRestart, UserMarkedFailure, "
            "InfrastructureFailure, "
            "PluginImageFailure, ResourceLimitsFailure, ConfigurationFailure, "
            "RetryableTransientFailure)\n"
            "                        errors: [AllErrors, Oops]\n"
            "                                            ^\n"
            "p.yaml:19:25: error: Retry action is missing required field \"spec\" (retryCount, "
            "retryIntervals)\n"
            "                        action: {type: Retry}\n"
            "                        ^\n"
            "p.yaml:22:40: error: unknown failure action type \"Explode\" (expected one of: "
            "Ignore, MarkAsSuccess, "
            "MarkAsFailure, Abort, Retry, ManualIntervention, StageRollback, StepGroupRollback, "
            "PipelineRollback, "
            "ProceedWithDefaultValues, RetryStepGroup)\n"
            "                        action: {type: Explode}\n"
            "                                       ^\n"
            "3 errors\n");
}

TEST(PipelineFailureStrategyTest, ReportsMissingErrorsAndActionAndBadIntervals) {
  const std::string yaml = WithStrategies(R"(                    - onFailure:
                        action: {type: Abort}
                    - onFailure:
                        errors: [AllErrors]
                    - onFailure:
                        errors: [AllErrors]
                        action:
                          type: Retry
                          spec: {retryCount: 2, retryIntervals: [soon]}
)");
  DiagnosticList diags;
  (void)ParsePipelineText(yaml, "p.yaml", &diags);
  ASSERT_EQ(diags.items().size(), 3u) << testing::Format(diags, yaml);
  EXPECT_EQ(diags.items()[0].location.ToString(), "p.yaml:17:23");
  EXPECT_EQ(diags.items()[0].message,
            "onFailure is missing required field \"errors\" (e.g. [AllErrors])");
  EXPECT_EQ(diags.items()[1].location.ToString(), "p.yaml:19:23");
  EXPECT_EQ(diags.items()[1].message, "onFailure is missing required field \"action\"");
  EXPECT_EQ(diags.items()[2].location.ToString(), "p.yaml:25:66");
  EXPECT_EQ(diags.items()[2].message.rfind("invalid retryIntervals \"soon\": ", 0), 0u)
      << diags.items()[2].message;
}

TEST(PipelineFailureStrategyTest, NamesRoundTrip) {
  EXPECT_EQ(ParseErrorType("ApprovalRejection"), ErrorType::kApprovalRejection);
  EXPECT_EQ(ErrorTypeName(ErrorType::kRetryableTransientFailure), "RetryableTransientFailure");
  EXPECT_EQ(ParseActionType("PipelineRollback"), ActionType::kPipelineRollback);
  EXPECT_EQ(ActionTypeName(ActionType::kProceedWithDefaultValues), "ProceedWithDefaultValues");
  EXPECT_FALSE(ParseErrorType("allerrors").has_value());
  EXPECT_FALSE(ParseActionType("").has_value());
}

}  // namespace
}  // namespace sluice::pipeline
