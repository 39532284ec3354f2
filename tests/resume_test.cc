// Crash and resume: `kill -9` the sluice process in the middle of a step,
// then `sluice resume ID` finishes the execution without re-running what
// had finished.
#include <gtest/gtest.h>
#include <signal.h>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

TEST(ResumeTest, ResumeAfterKillNineReRunsOnlyTheInterruptedStep) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  auto f = [&](const std::string& name) { return (p.scratch() / name).string(); };
  // step2 sleeps on its first run only (the one that gets killed).
  std::string step2 = "echo x >> " + f("count2") + "\nif [ \"$(wc -l < " + f("count2") +
                      ")\" -eq 1 ]; then\n  echo started > " + f("started") + "\n  sleep " +
                      marker + "\nfi\nsecond=two";
  p.WritePipeline(Pipeline(
      "res",
      {CustomStage(
           "S",
           {ShellStep(
                "step1", "echo x >> " + f("count1") + "\none='from step one'",
                {.spec = "outputVariables:\n  - name: one\n    type: String\n    value: one"}),
            ShellStep("step2", step2),
            ShellStep("step3", "echo '<+execution.steps.step1.output.outputVariables.one>' > " +
                                   f("seen"))}),
       CustomStage("T", {ShellStep("step4", "echo x >> " + f("count4"))})}));

  auto run = p.Start({"run"});
  ASSERT_TRUE(WaitFor([&] { return !p.ReadScratch("started").empty(); })) << run->StderrSoFar();
  run->Signal(SIGKILL);
  RunResult killed = run->Wait();
  EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
  // The killed run's host step outlives it, until resume stops it.
  EXPECT_FALSE(ProcessesWithMarker(marker).empty());

  std::string id = killed.out.substr(0, killed.out.find('\n'));
  ASSERT_EQ(id.rfind("Execution ", 0), 0u) << killed.out;
  id = id.substr(10, id.find(' ', 10) - 10);

  auto before = p.Sluice({"executions", "show", id, "--json"});
  auto mid = before.Json();
  EXPECT_EQ(mid.value("status", ""), "Running");
  EXPECT_EQ(StatusOf(mid, "S.step1"), "Success");
  EXPECT_EQ(StatusOf(mid, "S.step2"), "Running");

  auto resumed = p.Sluice({"resume", id, "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_TRUE(ReapMarker(marker, std::chrono::milliseconds(0)).empty())
      << "resume left the interrupted run's step process running";
  auto ex = resumed.Json();
  EXPECT_EQ(ex.value("id", ""), id);
  EXPECT_EQ(ex.value("status", ""), "Success");
  EXPECT_EQ(StatusOf(ex, "S.step1"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.step2"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.step3"), "Success");
  EXPECT_EQ(StatusOf(ex, "T.step4"), "Success");
  EXPECT_EQ(p.ReadScratch("count1"), "x\n");     // not re-run
  EXPECT_EQ(p.ReadScratch("count2"), "x\nx\n");  // re-run
  EXPECT_EQ(p.ReadScratch("count4"), "x\n");
  EXPECT_EQ(p.ReadScratch("seen"), "from step one\n");  // step1's output survived the crash

  auto logs = p.Sluice({"executions", "logs", id, "--step", "S.step2"});
  EXPECT_NE(
      logs.out.find(
          "[sluice] resumed: this step was interrupted when sluice stopped, so it runs again"),
      std::string::npos)
      << logs.out;

  // A finished execution cannot be resumed.
  auto again = p.Sluice({"resume", id});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(again.err, "sluice: execution " + id +
                           " already finished (Success); to run it again use `sluice retry " + id +
                           " --from STAGE`\n");
}

// In a CI stage the workspace survives the crash: files written before it
// are still there for the steps that run after the resume.
TEST(ResumeTest, ResumeInACiStageKeepsTheWorkspace) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  auto f = [&](const std::string& name) { return (p.scratch() / name).string(); };
  std::string step2 = "echo x >> " + f("count2") + "\nif [ \"$(wc -l < " + f("count2") +
                      ")\" -eq 1 ]; then\n  echo started > " + f("started") + "\n  sleep " +
                      marker + "\nfi";
  p.WritePipeline(Pipeline(
      "res",
      {CiStage("Build",
               {RunStep("prepare", "echo x >> " + f("count1") + "\necho 'kept' > kept.txt"),
                RunStep("slow", step2), RunStep("use", "cat /harness/kept.txt > " + f("seen"))})}));
  auto run = p.Start({"run"});
  ASSERT_TRUE(WaitFor([&] { return !p.ReadScratch("started").empty(); })) << run->StderrSoFar();
  std::string head = run->StdoutSoFar();
  std::string id = head.substr(10, head.find(' ', 10) - 10);
  run->Signal(SIGKILL);
  run->Wait();
  ReapMarker(marker, std::chrono::milliseconds(0));
  auto resumed = p.Sluice({"resume", id, "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_EQ(resumed.Json().value("status", ""), "Success");
  EXPECT_EQ(p.ReadScratch("count1"), "x\n");
  EXPECT_EQ(p.ReadScratch("count2"), "x\nx\n");
  EXPECT_EQ(p.ReadScratch("seen"), "kept\n");
}

// Both members of a parallel block that was running when sluice died run again.
TEST(ResumeTest, ResumeReRunsEveryInterruptedParallelMember) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  auto f = [&](const std::string& name) { return (p.scratch() / name).string(); };
  auto member = [&](const std::string& name) {
    return "echo x >> " + f(name) + "\nif [ \"$(wc -l < " + f(name) +
           ")\" -eq 1 ]; then\n  echo started > " + f("started-" + name) + "\n  sleep " + marker +
           "\nfi";
  };
  p.WritePipeline(Pipeline(
      "res",
      {CustomStage("S", {ShellStep("first", "echo x >> " + f("first")),
                         Parallel({ShellStep("a", member("a")), ShellStep("b", member("b"))}),
                         ShellStep("last", "echo x >> " + f("last"))})}));
  auto run = p.Start({"run"});
  ASSERT_TRUE(WaitFor([&] {
    return !p.ReadScratch("started-a").empty() && !p.ReadScratch("started-b").empty();
  })) << run->StderrSoFar();
  std::string head = run->StdoutSoFar();
  std::string id = head.substr(10, head.find(' ', 10) - 10);
  run->Signal(SIGKILL);
  run->Wait();
  ReapMarker(marker, std::chrono::milliseconds(0));
  auto resumed = p.Sluice({"resume", id, "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_TRUE(ReapMarker(marker, std::chrono::milliseconds(0)).empty())
      << "resume left the interrupted run's step process running";
  auto ex = resumed.Json();
  EXPECT_EQ(ex.value("status", ""), "Success");
  EXPECT_EQ(StatusOf(ex, "S.a"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.b"), "Success");
  EXPECT_EQ(p.ReadScratch("first"), "x\n");
  EXPECT_EQ(p.ReadScratch("a"), "x\nx\n");
  EXPECT_EQ(p.ReadScratch("b"), "x\nx\n");
  EXPECT_EQ(p.ReadScratch("last"), "x\n");
}

TEST(ResumeTest, ResumeRefusesWhileTheRunnerIsAlive) {
  TestProject p;
  std::string marker = UniqueSleepArg();
  p.WritePipeline(Pipeline(
      "res",
      {CustomStage("S", {ShellStep("slow", "echo started > " + (p.scratch() / "started").string() +
                                               "\nsleep " + marker)})}));
  auto run = p.Start({"run"});
  ASSERT_TRUE(WaitFor([&] { return !p.ReadScratch("started").empty(); })) << run->StderrSoFar();
  std::string head = run->StdoutSoFar();
  std::string id = head.substr(10, head.find(' ', 10) - 10);
  auto resume = p.Sluice({"resume", id});
  EXPECT_EQ(resume.exit_code, 2);
  EXPECT_EQ(resume.err, "sluice: execution " + id + " is still being run by process " +
                            std::to_string(run->pid()) + " (stop it with `sluice abort " + id +
                            "`)\n");
  run->Signal(SIGTERM);
  RunResult done = run->Wait(std::chrono::seconds(15));
  EXPECT_FALSE(done.timed_out);
  EXPECT_TRUE(ReapMarker(marker).empty());
}

}  // namespace
}  // namespace sluice::testing
