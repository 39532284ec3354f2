// `when` on steps and stages (harness-semantics §3).
#include <gtest/gtest.h>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

TEST(WhenTest, FailureAndAllStepsRunAfterAFailure) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "w",
      {CustomStage(
          "S", {ShellStep("bad", "exit 1"), ShellStep("normal", "true"),
                ShellStep("onFailure", "true", {.fields = "when:\n  stageStatus: Failure"}),
                ShellStep("always", "true", {.fields = "when:\n  stageStatus: All"}),
                ShellStep("onSuccess", "true", {.fields = "when:\n  stageStatus: Success"})})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.bad"), "Failed");
  EXPECT_EQ(StatusOf(ex, "S.normal"), "Skipped");
  EXPECT_EQ(StatusOf(ex, "S.onFailure"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.always"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.onSuccess"), "Skipped");
  EXPECT_EQ(StatusOf(ex, "S"), "Failed");
}

TEST(WhenTest, FailureStepIsSkippedWhenNothingFailed) {
  TestProject p;
  p.WritePipeline(
      Pipeline("w", {CustomStage("S", {ShellStep("ok", "true"),
                                       ShellStep("onFailure", "true",
                                                 {.fields = "when:\n  stageStatus: Failure"})})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.onFailure"), "Skipped");
  EXPECT_EQ(ex.value("status", ""), "Success");
}

TEST(WhenTest, PipelineStatusFailureStageRunsAfterAFailedStage) {
  TestProject p;
  p.WritePipeline(Pipeline("w", {CustomStage("Build", {ShellStep("bad", "exit 1")}),
                                 CustomStage("Next", {ShellStep("s", "true")}),
                                 CustomStage("Notify", {ShellStep("s", "true")},
                                             {.fields = "when:\n  pipelineStatus: Failure"}),
                                 CustomStage("Always", {ShellStep("s", "true")},
                                             {.fields = "when:\n  pipelineStatus: All"})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "Build"), "Failed");
  EXPECT_EQ(StatusOf(ex, "Next"), "Skipped");
  EXPECT_EQ(StatusOf(ex, "Next.s"), "Skipped");
  EXPECT_EQ(StatusOf(ex, "Notify"), "Success");
  EXPECT_EQ(StatusOf(ex, "Notify.s"), "Success");
  EXPECT_EQ(StatusOf(ex, "Always"), "Success");
  EXPECT_EQ(ex.value("status", ""), "Failed");
}

TEST(WhenTest, ConditionComparesLooselyLikeJexl) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "w",
      {CustomStage(
          "S",
          {ShellStep("produce", "stale=true\nfresh=false",
                     {.spec = "outputVariables:\n"
                              "  - name: stale\n    type: String\n    value: stale\n"
                              "  - name: fresh\n    type: String\n    value: fresh"}),
           ShellStep("staleTrue", "true",
                     {.fields = "when:\n  stageStatus: Success\n"
                                "  condition: "
                                "<+execution.steps.produce.output.outputVariables.stale> == true"}),
           ShellStep("freshTrue", "true",
                     {.fields = "when:\n  stageStatus: Success\n"
                                "  condition: "
                                "<+execution.steps.produce.output.outputVariables.fresh> == true"}),
           ShellStep(
               "quoted", "true",
               {.fields = "when:\n  stageStatus: Success\n  condition: '\"true\" == true'"})})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.staleTrue"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.freshTrue"), "Skipped");
  EXPECT_EQ(StatusOf(ex, "S.quoted"), "Success");
  EXPECT_EQ(FindStep(ex, "S.freshTrue").value("failureMessage", ""),
            "skipped: when condition is false or stageStatus does not hold");
}

TEST(WhenTest, StageConditionFalseSkipsTheStageWithAReason) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "w", {CustomStage("S", {ShellStep("s", "true")},
                        {.fields = "when:\n  pipelineStatus: Success\n  condition: 1 > 2"})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S"), "Skipped");
  EXPECT_EQ(FindStage(ex, "S").value("failureMessage", ""),
            "skipped: its when condition is false or pipelineStatus Success does not hold");
  EXPECT_EQ(StatusOf(ex, "S.s"), "Skipped");
}

// Inside a step group, stageStatus is the whole stage's status so far.
TEST(WhenTest, StepsInAGroupSeeTheStageStatus) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "w", {CustomStage("S", {ShellStep("bad", "exit 1"),
                              StepGroup("G",
                                        {ShellStep("cleanup", "true",
                                                   {.fields = "when:\n  stageStatus: Failure"}),
                                         ShellStep("normal", "true")},
                                        "when:\n  stageStatus: All")})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.G.cleanup"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.G.normal"), "Skipped");
}

// An ignored failure keeps the pipeline "successful so far" for later stages.
TEST(WhenTest, IgnoredFailureDoesNotSkipLaterStages) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "w", {CustomStage("A", {ShellStep("bad", "exit 1", {.fields = OnFailure("type: Ignore")})}),
            CustomStage("B", {ShellStep("s", "true")}),
            CustomStage("C", {ShellStep("s", "true")},
                        {.fields = "when:\n  pipelineStatus: Failure"})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "A"), "IgnoreFailed");
  EXPECT_EQ(StatusOf(ex, "B"), "Success");
  EXPECT_EQ(StatusOf(ex, "C"), "Skipped");
}

// A stage condition can use outputs of earlier stages and their statuses.
TEST(WhenTest, StageConditionUsesEarlierOutputsAndStatuses) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "w",
      {CustomStage("Eval",
                   {ShellStep("score", "accuracy=0.93",
                              {.spec = "outputVariables:\n  - name: accuracy\n    type: String\n"
                                       "    value: accuracy"})}),
       CustomStage(
           "Deploy", {ShellStep("s", "true")},
           {.fields =
                "when:\n  pipelineStatus: Success\n  condition: "
                "<+pipeline.stages.Eval.spec.execution.steps.score.output.outputVariables.accuracy>"
                " > 0.9 && <+pipeline.stages.Eval.status> == \"SUCCEEDED\""}),
       CustomStage(
           "Reject", {ShellStep("s", "true")},
           {.fields =
                "when:\n  pipelineStatus: Success\n  condition: "
                "<+pipeline.stages.Eval.spec.execution.steps.score.output.outputVariables.accuracy>"
                " < 0.9"})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "Deploy"), "Success");
  EXPECT_EQ(StatusOf(ex, "Reject"), "Skipped");
}

}  // namespace
}  // namespace sluice::testing
