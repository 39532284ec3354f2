// Failure strategies (harness-semantics §4) as seen from outside: the
// statuses sluice records and which later steps and stages run.
#include <gtest/gtest.h>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

// A step that records that it ran by appending a line to scratch/<id>.
std::string Mark(const TestProject& p, const std::string& id) {
  return "echo ran >> " + (p.scratch() / id).string();
}

TEST(FailureStrategyTest, IgnoreMarksIgnoreFailedAndLaterStepsRun) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "fs", {CustomStage("S", {ShellStep("bad", "exit 3", {.fields = OnFailure("type: Ignore")}),
                               ShellStep("after", Mark(p, "after"))})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.bad"), "IgnoreFailed");
  EXPECT_EQ(StatusOf(ex, "S.after"), "Success");
  EXPECT_EQ(p.ReadScratch("after"), "ran\n");
  // The ignored failure keeps its message so users can see what was ignored.
  EXPECT_NE(FindStep(ex, "S.bad").value("failureMessage", "").find("3"), std::string::npos)
      << FindStep(ex, "S.bad").dump(2);
  EXPECT_EQ(StatusOf(ex, "S"), "IgnoreFailed");
}

TEST(FailureStrategyTest, MarkAsSuccessMakesTheStepSucceed) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "fs",
      {CustomStage("S", {ShellStep("bad", "exit 1", {.fields = OnFailure("type: MarkAsSuccess")}),
                         ShellStep("after", Mark(p, "after"))})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.bad"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.after"), "Success");
  EXPECT_EQ(StatusOf(ex, "S"), "Success");
  EXPECT_EQ(ex.value("status", ""), "Success");
}

TEST(FailureStrategyTest, MarkAsFailureFailsAndLaterStepsFollowTheirWhen) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "fs",
      {CustomStage("S", {ShellStep("bad", "exit 1", {.fields = OnFailure("type: MarkAsFailure")}),
                         ShellStep("skipped", Mark(p, "skipped")),
                         ShellStep("cleanup", Mark(p, "cleanup"),
                                   {.fields = "when:\n  stageStatus: Failure"})})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.bad"), "Failed");
  EXPECT_EQ(StatusOf(ex, "S.skipped"), "Skipped");
  EXPECT_EQ(StatusOf(ex, "S.cleanup"), "Success");
  EXPECT_EQ(p.ReadScratch("skipped"), "");
  EXPECT_EQ(p.ReadScratch("cleanup"), "ran\n");
  EXPECT_EQ(StatusOf(ex, "S"), "Failed");
  EXPECT_EQ(ex.value("status", ""), "Failed");
}

TEST(FailureStrategyTest, AbortStopsThePipeline) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "fs", {CustomStage("S1", {ShellStep("bad", "exit 1", {.fields = OnFailure("type: Abort")}),
                                ShellStep("after", Mark(p, "after"))}),
             CustomStage("S2", {ShellStep("later", Mark(p, "later"))},
                         {.fields = "when:\n  pipelineStatus: All"})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(ex.value("status", ""), "Aborted");
  EXPECT_EQ(StatusOf(ex, "S1.bad"), "Aborted");
  EXPECT_EQ(StatusOf(ex, "S1"), "Aborted");
  // Not even a pipelineStatus: All stage runs after an abort.
  EXPECT_NE(StatusOf(ex, "S2"), "Success");
  EXPECT_EQ(p.ReadScratch("after"), "");
  EXPECT_EQ(p.ReadScratch("later"), "");
}

TEST(FailureStrategyTest, RetryUntilSuccessCountsAttempts) {
  TestProject p;
  std::string counter = (p.scratch() / "count").string();
  // Fails on attempts 1 and 2, succeeds on the third.
  std::string script = "n=$(cat " + counter + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " +
                       counter + "\necho attempt $n\n[ $n -ge 3 ]";
  p.WritePipeline(Pipeline(
      "fs", {CustomStage("S", {ShellStep("flaky", script,
                                         {.fields = OnFailure("type: Retry\n"
                                                              "spec:\n"
                                                              "  retryCount: 3\n"
                                                              "  retryIntervals: [100ms, 200ms]\n"
                                                              "  onRetryFailure:\n"
                                                              "    action:\n"
                                                              "      type: MarkAsFailure")})})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.flaky"), "Success");
  EXPECT_EQ(p.ReadScratch("count"), "3\n");
  EXPECT_EQ(FindStep(ex, "S.flaky").value("attempt", -1), 2);  // zero-based: the third attempt
  auto logs = p.Sluice({"executions", "logs", ex.value("id", "")});
  EXPECT_EQ(Count(logs.out, "[sluice] failure strategy Retry: attempt"), 2u) << logs.out;
  EXPECT_NE(logs.out.find("[sluice] failure strategy Retry: attempt 2 of 4 after 100ms"),
            std::string::npos)
      << logs.out;
  EXPECT_NE(logs.out.find("[sluice] failure strategy Retry: attempt 3 of 4 after 200ms"),
            std::string::npos)
      << logs.out;
}

TEST(FailureStrategyTest, RetryExhaustedAppliesOnRetryFailure) {
  TestProject p;
  std::string counter = (p.scratch() / "count").string();
  std::string script = "echo x >> " + counter + "\nexit 1";
  p.WritePipeline(
      Pipeline("fs", {CustomStage("S", {ShellStep("broken", script,
                                                  {.fields = OnFailure("type: Retry\n"
                                                                       "spec:\n"
                                                                       "  retryCount: 2\n"
                                                                       "  retryIntervals: [50ms]\n"
                                                                       "  onRetryFailure:\n"
                                                                       "    action:\n"
                                                                       "      type: Ignore")}),
                                        ShellStep("after", Mark(p, "after"))})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(p.ReadScratch("count"), "x\nx\nx\n");  // 1 + retryCount attempts
  EXPECT_EQ(StatusOf(ex, "S.broken"), "IgnoreFailed");
  EXPECT_EQ(StatusOf(ex, "S.after"), "Success");
  auto logs = p.Sluice({"executions", "logs", ex.value("id", ""), "--step", "S.broken"});
  EXPECT_NE(logs.out.find("[sluice] retries exhausted; applying Ignore"), std::string::npos)
      << logs.out;
}

TEST(FailureStrategyTest, StageRollbackRunsRollbackStepsAndFailsTheStage) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "fs", {CustomStage(
                 "S1", {ShellStep("deploy", "exit 1"), ShellStep("after", Mark(p, "after"))},
                 {.fields = OnFailure("type: StageRollback"),
                  .execution = "rollbackSteps:\n" + Indent(ShellStep("undo", Mark(p, "undo")), 2)}),
             CustomStage("S2", {ShellStep("next", Mark(p, "next"))})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S1.deploy"), "Failed");
  EXPECT_EQ(StatusOf(ex, "S1.rollback.undo"), "Success");
  EXPECT_EQ(p.ReadScratch("undo"), "ran\n");
  EXPECT_EQ(p.ReadScratch("after"), "");
  EXPECT_EQ(StatusOf(ex, "S1"), "Failed");
  EXPECT_EQ(StatusOf(ex, "S2"), "Skipped");
  EXPECT_EQ(p.ReadScratch("next"), "");
  EXPECT_EQ(ex.value("status", ""), "Failed");
  // `executions show` lists the rollback step inside its stage, before the next stage.
  auto show = p.Sluice({"executions", "show", ex.value("id", "")});
  size_t undo = show.out.find("✓ undo");
  size_t s2 = show.out.find("- S2");
  ASSERT_NE(undo, std::string::npos) << show.out;
  ASSERT_NE(s2, std::string::npos) << show.out;
  EXPECT_LT(undo, s2) << show.out;
}

TEST(FailureStrategyTest, PipelineRollbackRollsBackEarlierStagesInReverse) {
  TestProject p;
  std::string order = (p.scratch() / "order").string();
  auto undo = [&](const std::string& name) {
    return "rollbackSteps:\n" + Indent(ShellStep("undo", "echo " + name + " >> " + order), 2);
  };
  p.WritePipeline(Pipeline(
      "fs", {CustomStage("A", {ShellStep("ok", "true")}, {.execution = undo("A")}),
             CustomStage("B", {ShellStep("ok", "true")}, {.execution = undo("B")}),
             CustomStage(
                 "C", {ShellStep("bad", "exit 1", {.fields = OnFailure("type: PipelineRollback")})},
                 {.execution = undo("C")}),
             CustomStage("D", {ShellStep("never", Mark(p, "never"))})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(p.ReadScratch("order"), "C\nB\nA\n");
  EXPECT_EQ(StatusOf(ex, "C.bad"), "Failed");
  EXPECT_EQ(StatusOf(ex, "C"), "Failed");
  EXPECT_EQ(StatusOf(ex, "D"), "Skipped");
  EXPECT_EQ(p.ReadScratch("never"), "");
  EXPECT_EQ(ex.value("status", ""), "Failed");
}

// step → stepGroup → stage: the most specific level with a matching entry wins.
TEST(FailureStrategyTest, StrategiesAreInheritedStepThenGroupThenStage) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "fs",
      {CustomStage(
          "S",
          {StepGroup("G",
                     {ShellStep("own", "exit 1", {.fields = OnFailure("type: MarkAsSuccess")}),
                      ShellStep("fromGroup", "exit 1")},
                     OnFailure("type: Ignore")),
           ShellStep("fromStage", "exit 1"), ShellStep("after", Mark(p, "after"))},
          {.fields = OnFailure("type: Ignore")})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.G.own"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.G.fromGroup"), "IgnoreFailed");
  EXPECT_EQ(StatusOf(ex, "S.fromStage"), "IgnoreFailed");
  EXPECT_EQ(StatusOf(ex, "S.after"), "Success");
  EXPECT_EQ(p.ReadScratch("after"), "ran\n");

  // A group strategy that does not match falls through to the stage's.
  TestProject q;
  q.WritePipeline(Pipeline("fs", {CustomStage("S",
                                              {StepGroup("G", {ShellStep("bad", "exit 1")},
                                                         OnFailure("type: Ignore", "[Timeout]"))},
                                              {.fields = OnFailure("type: MarkAsSuccess")})}));
  auto ex2 = q.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex2, "S.G.bad"), "Success");
}

TEST(FailureStrategyTest, TimeoutStrategyDoesNotCatchANonZeroExit) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "fs",
      {CustomStage("S",
                   {ShellStep("bad", "exit 1", {.fields = OnFailure("type: Ignore", "[Timeout]")}),
                    ShellStep("cleanup", "true", {.fields = "when:\n  stageStatus: All"})})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.bad"), "Failed");
  EXPECT_EQ(FindStep(ex, "S.bad").value("failureType", ""), "Unknown");
  EXPECT_EQ(StatusOf(ex, "S.cleanup"), "Success");
  EXPECT_EQ(ex.value("status", ""), "Failed");

  // The same strategy does catch a timeout.
  TestProject q;
  q.WritePipeline(Pipeline(
      "fs", {CustomStage("S", {ShellStep("slow", "sleep 5",
                                         {.fields = "timeout: 300ms\n" +
                                                    OnFailure("type: Ignore", "[Timeout]")})})}));
  auto ex2 = q.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex2, "S.slow"), "IgnoreFailed");
  EXPECT_EQ(FindStep(ex2, "S.slow").value("failureType", ""), "Timeout");
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

// ManualIntervention waits for `sluice intervene`; Retry runs the step again.
TEST(FailureStrategyTest, ManualInterventionWaitsForADecision) {
  TestProject p;
  std::string flag = (p.scratch() / "fixed").string();
  p.WritePipeline(Pipeline(
      "mi", {CustomStage("S", {ShellStep("flaky", "echo attempt >> " + (p.scratch() / "attempts").string() +
                                                        "\n[ -f " + flag + " ]",
                                        {.fields = OnFailure("type: ManualIntervention\n"
                                                             "spec:\n  timeout: 1m\n"
                                                             "  onTimeout:\n    action:\n"
                                                             "      type: MarkAsFailure")})})}));
  auto run = p.Start({"run", "--json"});
  std::string id;
  ASSERT_TRUE(WaitFor([&] {
    auto list = p.Sluice({"executions", "list", "--json"});
    if (list.exit_code == 0 && list.out.size() > 3) id = nlohmann::json::parse(list.out)[0].value("id", "");
    return !id.empty();
  }, std::chrono::seconds(30))) << run->StderrSoFar();
  std::string last;
  ASSERT_TRUE(WaitFor([&] {
    auto show = p.Sluice({"executions", "show", "--json", id});
    last = show.out + show.err;
    return show.exit_code == 0 && StatusOf(nlohmann::json::parse(show.out), "S.flaky") == "InterventionWaiting";
  }, std::chrono::seconds(30))) << last << run->StderrSoFar();
  auto wrong = p.Sluice({"intervene", id, "S.flaky", "Explode"});
  EXPECT_EQ(wrong.exit_code, 2);
  ASSERT_EQ(std::system(("touch " + flag).c_str()), 0);
  auto sent = p.Sluice({"intervene", id, "S.flaky", "Retry"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  RunResult done = run->Wait(std::chrono::seconds(15));
  ASSERT_FALSE(done.timed_out);
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(StatusOf(done.Json(), "S.flaky"), "Success");
  EXPECT_EQ(Count(p.ReadScratch("attempts"), "attempt"), 2u);
}

}  // namespace
}  // namespace sluice::testing
