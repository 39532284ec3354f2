// Timeouts and aborts end running steps — and every process they started.
// Each step starts `sleep M & sleep M` where M (e.g. 1000.4711231) is unique
// to the test, so afterwards a look through /proc shows whether any process
// was left behind.
#include <gtest/gtest.h>
#include <signal.h>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

// Writes scratch/started, then sleeps in two processes (one in the background).
std::string Sleeper(const TestProject& p, const std::string& marker) {
  return "echo started > " + (p.scratch() / "started").string() + "\nsleep " + marker +
         " & sleep " + marker;
}

void ExpectNoneLeft(const std::string& marker) {
  auto left = ReapMarker(marker);
  EXPECT_TRUE(left.empty()) << left.size() << " process(es) with " << marker
                            << " were left running";
}

// The id of the only execution of the project, once it is recorded.
std::string OnlyExecutionId(const TestProject& p) {
  std::string id;
  WaitFor([&] {
    auto list = p.Sluice({"executions", "list", "--json"});
    auto j = nlohmann::json::parse(list.out, nullptr, false);
    if (!j.is_array() || j.empty()) return false;
    id = j[0].value("id", "");
    return !id.empty();
  });
  return id;
}

TEST(TimeoutTest, StepTimeoutExpiresTheStepAndKillsItsProcesses) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  p.WritePipeline(Pipeline(
      "t", {CustomStage("S", {ShellStep("slow", Sleeper(p, marker), {.fields = "timeout: 500ms"}),
                              ShellStep("after", "true")})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  const auto& step = FindStep(ex, "S.slow");
  EXPECT_EQ(step.value("status", ""), "Expired");
  EXPECT_EQ(step.value("failureType", ""), "Timeout");
  EXPECT_EQ(StatusOf(ex, "S.after"), "Skipped");
  EXPECT_EQ(ex.value("status", ""), "Expired");
  // The stage expired because its step did; it has no timeout of its own.
  EXPECT_EQ(StatusOf(ex, "S"), "Expired");
  EXPECT_EQ(FindStage(ex, "S").value("failureMessage", "").find("stage timeout"), std::string::npos)
      << FindStage(ex, "S").dump(2);
  ExpectNoneLeft(marker);
}

TEST(TimeoutTest, PipelineTimeoutExpiresTheRunningStep) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  p.WritePipeline(
      Pipeline("t", {CustomStage("S", {ShellStep("slow", Sleeper(p, marker))})}, "timeout: 500ms"));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.slow"), "Expired");
  EXPECT_EQ(FindStep(ex, "S.slow").value("failureType", ""), "Timeout");
  EXPECT_EQ(StatusOf(ex, "S"), "Expired");
  // The stage has no timeout of its own, so no "stage timeout of ..." message.
  EXPECT_EQ(FindStage(ex, "S").value("failureMessage", "").find("stage timeout"), std::string::npos)
      << FindStage(ex, "S").dump(2);
  EXPECT_EQ(ex.value("status", ""), "Expired");
  ExpectNoneLeft(marker);
}

TEST(TimeoutTest, RunStepTimeoutKillsSandboxedProcesses) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  p.WritePipeline(Pipeline(
      "t",
      {CiStage("Build", {RunStep("slow", Sleeper(p, marker), {.fields = "timeout: 500ms"})})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "Build.slow"), "Expired");
  EXPECT_EQ(FindStep(ex, "Build.slow").value("failureType", ""), "Timeout");
  ExpectNoneLeft(marker);
}

TEST(TimeoutTest, StageTimeoutExpiresTheStage) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  p.WritePipeline(Pipeline(
      "t", {CustomStage("S", {ShellStep("slow", Sleeper(p, marker), {.fields = "timeout: 10m"})},
                        {.fields = "timeout: 500ms"}),
            CustomStage("Next", {ShellStep("s", "true")})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S"), "Expired");
  EXPECT_EQ(FindStage(ex, "S").value("failureMessage", ""), "stage timeout of 500ms reached");
  EXPECT_EQ(StatusOf(ex, "S.slow"), "Expired");
  EXPECT_EQ(StatusOf(ex, "Next"), "Skipped");
  ExpectNoneLeft(marker);
}

TEST(AbortTest, AbortFromAnotherProcessStopsTheRun) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  p.WritePipeline(Pipeline(
      "t",
      {CiStage("Build", {RunStep("slow", Sleeper(p, marker)), RunStep("after", "true")}),
       CustomStage("Next", {ShellStep("s", "true")}, {.fields = "when:\n  pipelineStatus: All"})}));
  auto run = p.Start({"run", "--json"});
  ASSERT_TRUE(WaitFor([&] { return !p.ReadScratch("started").empty(); })) << run->StderrSoFar();
  std::string id = OnlyExecutionId(p);
  ASSERT_FALSE(id.empty());
  auto abort = p.Sluice({"abort", id});
  EXPECT_EQ(abort.exit_code, 0) << abort.err;
  EXPECT_EQ(abort.out, "abort requested for execution " + id + "\n");
  RunResult done = run->Wait(std::chrono::seconds(15));
  ASSERT_FALSE(done.timed_out) << "sluice did not stop after `sluice abort`";
  EXPECT_EQ(done.exit_code, 1) << done.err;
  auto ex = done.Json();
  EXPECT_EQ(ex.value("status", ""), "Aborted");
  EXPECT_EQ(StatusOf(ex, "Build.slow"), "Aborted");
  EXPECT_NE(StatusOf(ex, "Build.after"), "Success");
  EXPECT_NE(StatusOf(ex, "Next"), "Success");
  ExpectNoneLeft(marker);

  // Aborting a finished execution says so.
  auto again = p.Sluice({"abort", id});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out, "execution " + id + " already finished (Aborted)\n");
}

TEST(AbortTest, CtrlCAbortsTheRun) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  p.WritePipeline(Pipeline("t", {CustomStage("S", {ShellStep("slow", Sleeper(p, marker)),
                                                   ShellStep("after", "true")})}));
  auto run = p.Start({"run", "--json"});
  ASSERT_TRUE(WaitFor([&] { return !p.ReadScratch("started").empty(); })) << run->StderrSoFar();
  run->Signal(SIGINT);
  RunResult done = run->Wait(std::chrono::seconds(15));
  ASSERT_FALSE(done.timed_out) << "sluice did not stop after SIGINT";
  EXPECT_EQ(done.exit_code, 1) << done.err;
  auto ex = done.Json();
  EXPECT_EQ(ex.value("status", ""), "Aborted");
  EXPECT_EQ(StatusOf(ex, "S.slow"), "Aborted");
  EXPECT_NE(done.err.find("sluice: aborting (signal 2); stopping running steps"), std::string::npos)
      << done.err;
  ExpectNoneLeft(marker);
}

// Ctrl-C between retry attempts does not wait for the retry interval.
TEST(AbortTest, CtrlCDuringARetryIntervalAborts) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "t", {CustomStage(
               "S", {ShellStep("flaky",
                               "echo started > " + (p.scratch() / "started").string() + "\nexit 1",
                               {.fields = OnFailure("type: Retry\nspec:\n  retryCount: 3\n"
                                                    "  retryIntervals: [10m]")})})}));
  auto run = p.Start({"run", "--json"});
  ASSERT_TRUE(WaitFor([&] { return !p.ReadScratch("started").empty(); })) << run->StderrSoFar();
  // Let the step finish and the engine start waiting.
  WaitFor([&] { return false; }, std::chrono::milliseconds(300));
  run->Signal(SIGINT);
  RunResult done = run->Wait(std::chrono::seconds(15));
  ASSERT_FALSE(done.timed_out) << "sluice kept waiting for the retry interval after SIGINT";
  auto ex = done.Json();
  EXPECT_EQ(ex.value("status", ""), "Aborted");
  EXPECT_EQ(StatusOf(ex, "S.flaky"), "Aborted");
}

TEST(AbortTest, AbortEndsAWaitStep) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "t", {CustomStage("S", {"- step:\n    type: Wait\n    name: w\n    identifier: w\n    spec:\n"
                              "      duration: 10m\n"})}));
  auto run = p.Start({"run", "--json"});
  std::string id = OnlyExecutionId(p);
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(WaitFor([&] {
    auto j =
        nlohmann::json::parse(p.Sluice({"executions", "show", id, "--json"}).out, nullptr, false);
    return StatusOf(j, "S.w") == "WaitStepRunning";
  }));
  auto abort = p.Sluice({"abort", id.substr(0, 6)});
  EXPECT_EQ(abort.exit_code, 0) << abort.err;
  RunResult done = run->Wait(std::chrono::seconds(15));
  ASSERT_FALSE(done.timed_out);
  auto ex = done.Json();
  EXPECT_EQ(ex.value("status", ""), "Aborted");
  EXPECT_EQ(StatusOf(ex, "S.w"), "Aborted");
  EXPECT_EQ(p.Sluice({"abort", "no-such-id"}).exit_code, 2);
}

// After `kill -9` nothing runs the execution any more: `sluice abort` marks
// it Aborted and says how it could have been resumed.
TEST(AbortTest, AbortOfAnOrphanedExecutionMarksItAborted) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  p.WritePipeline(Pipeline("t", {CiStage("Build", {RunStep("slow", Sleeper(p, marker))})}));
  auto run = p.Start({"run"});
  ASSERT_TRUE(WaitFor([&] { return !p.ReadScratch("started").empty(); })) << run->StderrSoFar();
  std::string id = OnlyExecutionId(p);
  run->Signal(SIGKILL);
  run->Wait();
  auto abort = p.Sluice({"abort", id});
  EXPECT_EQ(abort.exit_code, 0) << abort.err;
  EXPECT_EQ(abort.out, "execution " + id +
                           " had no running sluice process (it was interrupted); marked Aborted\n");
  auto shown = p.Sluice({"executions", "show", id, "--json"}).Json();
  EXPECT_EQ(shown.value("status", ""), "Aborted");
  EXPECT_NE(shown.value("endedAt", ""), "");
  for (const auto& stage : shown["stages"]) {
    EXPECT_NE(stage.value("status", ""), "Running");
    for (const auto& step : stage["steps"]) EXPECT_NE(step.value("status", ""), "Running");
  }
  // The sandbox of a Run step dies with sluice, even after kill -9.
  ExpectNoneLeft(marker);
}

// `executions logs --follow` streams a running execution and returns when it ends.
TEST(AbortTest, LogsFollowEndsWithTheExecution) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "t",
      {CustomStage("S", {ShellStep("one", "echo started > " + (p.scratch() / "started").string() +
                                              "\necho first line\nsleep 0.5\necho second line"),
                         ShellStep("two", "sleep 0.3\necho third line")})}));
  auto run = p.Start({"run"});
  ASSERT_TRUE(WaitFor([&] { return !p.ReadScratch("started").empty(); })) << run->StderrSoFar();
  std::string id = OnlyExecutionId(p);
  auto follow =
      p.Sluice({"executions", "logs", id, "--follow"}, {.timeout = std::chrono::seconds(15)});
  EXPECT_FALSE(follow.timed_out);
  EXPECT_EQ(follow.exit_code, 0) << follow.err;
  EXPECT_EQ(follow.out, "==> S.one <==\nfirst line\nsecond line\n==> S.two <==\nthird line\n");
  EXPECT_EQ(run->Wait().exit_code, 0);
}

}  // namespace
}  // namespace sluice::testing
