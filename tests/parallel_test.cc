// `parallel` blocks of steps and of stages run their members at once, and a
// failing member does not stop its siblings (no failAll).
#include <gtest/gtest.h>

#include <chrono>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

TEST(ParallelTest, ParallelStepsRunAtOnce) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "par", {CustomStage("S", {Parallel({ShellStep("a", "sleep 1"), ShellStep("b", "sleep 1")}),
                                ShellStep("after", "true")})}));
  auto start = Clock::now();
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  double took = Seconds(start);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.a"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.b"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.after"), "Success");
  // Loose: in sequence they would take at least 2 s.
  EXPECT_LT(took, 1.8) << "two parallel `sleep 1` steps took " << took << " s";
}

// The same for Run steps, which share the CI stage's sandboxed workspace.
TEST(ParallelTest, ParallelRunStepsInACiStage) {
  TestProject p;
  p.WritePipeline(
      Pipeline("par", {CiStage("Build", {Parallel({RunStep("a", "sleep 1\necho a > a.txt"),
                                                   RunStep("b", "sleep 1\necho b > b.txt")}),
                                         RunStep("after", "cat a.txt b.txt > " +
                                                              (p.scratch() / "both").string())})}));
  auto start = Clock::now();
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  double took = Seconds(start);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "Build.a"), "Success");
  EXPECT_EQ(StatusOf(ex, "Build.b"), "Success");
  EXPECT_EQ(StatusOf(ex, "Build.after"), "Success") << FindStep(ex, "Build.after").dump(2);
  EXPECT_EQ(p.ReadScratch("both"), "a\nb\n");
  EXPECT_LT(took, 1.8) << "two parallel `sleep 1` Run steps took " << took << " s";
}

TEST(ParallelTest, ParallelStagesRunAtOnce) {
  TestProject p;
  p.WritePipeline(Pipeline("par", {Parallel({CustomStage("A", {ShellStep("s", "sleep 1")}),
                                             CustomStage("B", {ShellStep("s", "sleep 1")})}),
                                   CustomStage("C", {ShellStep("s", "true")})}));
  auto start = Clock::now();
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  double took = Seconds(start);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "A"), "Success");
  EXPECT_EQ(StatusOf(ex, "B"), "Success");
  EXPECT_EQ(StatusOf(ex, "C"), "Success");
  EXPECT_LT(took, 1.8) << "two parallel stages of `sleep 1` took " << took << " s";
}

TEST(ParallelTest, AFailingStepDoesNotStopItsSibling) {
  TestProject p;
  std::string mark = (p.scratch() / "sibling").string();
  p.WritePipeline(Pipeline(
      "par", {CustomStage("S", {Parallel({ShellStep("bad", "exit 1"),
                                          ShellStep("slow", "sleep 0.3\necho done > " + mark)}),
                                ShellStep("after", "true")})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.bad"), "Failed");
  EXPECT_EQ(StatusOf(ex, "S.slow"), "Success");
  EXPECT_EQ(p.ReadScratch("sibling"), "done\n");
  EXPECT_EQ(StatusOf(ex, "S.after"), "Skipped");
  EXPECT_EQ(StatusOf(ex, "S"), "Failed");
}

TEST(ParallelTest, AFailingStageDoesNotStopItsSibling) {
  TestProject p;
  std::string mark = (p.scratch() / "sibling").string();
  p.WritePipeline(Pipeline(
      "par", {Parallel({CustomStage("A", {ShellStep("bad", "exit 1")}),
                        CustomStage("B", {ShellStep("slow", "sleep 0.3\necho done > " + mark)})}),
              CustomStage("C", {ShellStep("s", "true")})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "A"), "Failed");
  EXPECT_EQ(StatusOf(ex, "B"), "Success");
  EXPECT_EQ(p.ReadScratch("sibling"), "done\n");
  EXPECT_EQ(StatusOf(ex, "C"), "Skipped");
  EXPECT_EQ(ex.value("status", ""), "Failed");
}

}  // namespace
}  // namespace sluice::testing
