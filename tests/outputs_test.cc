// Output variables (harness-semantics §6) flowing between steps, step
// groups and stages through FQN and relative expressions.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

// A script that writes the rendered `expression` verbatim to `file`.
std::string Capture(const std::string& file, const std::string& expression) {
  return "cat > " + file + " <<'SLUICE_EOF'\n" + expression + "\nSLUICE_EOF";
}

std::string ShellOutput(const std::string& name, const std::string& var) {
  return "  - name: " + name + "\n    type: String\n    value: " + var + "\n";
}

const char kTricky[] = R"(say "hi", it's  two  spaces & $HOME)";
// The same value as a Bash assignment.
const char kTrickyAssign[] = R"(v='say "hi", it'"'"'s  two  spaces & $HOME')";

TEST(OutputsTest, ShellScriptOutputsAcrossStepsGroupsAndStages) {
  TestProject p;
  auto f = [&](const std::string& name) { return (p.scratch() / name).string(); };
  p.WritePipeline(Pipeline(
      "out",
      {CustomStage(
           "S1",
           {ShellStep(
                "T", std::string(kTrickyAssign) + "\nplain=42",
                {.spec = "outputVariables:\n" + ShellOutput("X", "v") + ShellOutput("N", "plain")}),
            StepGroup("G", {ShellStep("U", "inner='from the group'",
                                      {.spec = "outputVariables:\n" + ShellOutput("Y", "inner")})}),
            ShellStep(
                "R",
                Capture(f("relative"), "<+execution.steps.T.output.outputVariables.X>") + "\n" +
                    Capture(
                        f("fqn"),
                        "<+pipeline.stages.S1.spec.execution.steps.T.output.outputVariables.X>") +
                    "\n" +
                    Capture(f("group"), "<+execution.steps.G.steps.U.output.outputVariables.Y>") +
                    "\n" + Capture(f("steps"), "<+steps.T.output.outputVariables.N>"))}),
       CustomStage(
           "S2",
           {ShellStep(
               "Later",
               Capture(f("stage2"),
                       "<+pipeline.stages.S1.spec.execution.steps.T.output.outputVariables.X>") +
                   "\n" +
                   Capture(f("stage2group"),
                           "<+pipeline.stages.S1.spec.execution.steps.G.steps.U."
                           "output.outputVariables.Y>"))})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  EXPECT_EQ(p.ReadScratch("relative"), std::string(kTricky) + "\n");
  EXPECT_EQ(p.ReadScratch("fqn"), std::string(kTricky) + "\n");
  EXPECT_EQ(p.ReadScratch("group"), "from the group\n");
  EXPECT_EQ(p.ReadScratch("steps"), "42\n");
  EXPECT_EQ(p.ReadScratch("stage2"), std::string(kTricky) + "\n");
  EXPECT_EQ(p.ReadScratch("stage2group"), "from the group\n");
  const auto& t = FindStep(ex, "S1.T");
  EXPECT_EQ(t["outputs"].value("X", ""), kTricky) << t.dump(2);
  EXPECT_EQ(t["outputs"].value("N", ""), "42");
  EXPECT_EQ(FindStep(ex, "S1.G.U")["outputs"].value("Y", ""), "from the group");
}

TEST(OutputsTest, RunStepOutputsAreExportedVariables) {
  TestProject p;
  auto f = [&](const std::string& name) { return (p.scratch() / name).string(); };
  p.WritePipeline(Pipeline(
      "out",
      {CiStage("Build",
               {RunStep("T", std::string("export ") + kTrickyAssign + "\nexport SECOND=two",
                        {.spec = "outputVariables:\n  - name: v\n  - name: SECOND"})}),
       CustomStage("Use",
                   {ShellStep("U", Capture(f("v"),
                                           "<+pipeline.stages.Build.spec.execution.steps.T."
                                           "output.outputVariables.v>") +
                                       "\n" +
                                       Capture(f("second"),
                                               "<+pipeline.stages.Build.spec.execution."
                                               "steps.T.output.outputVariables.SECOND>"))})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  EXPECT_EQ(p.ReadScratch("v"), std::string(kTricky) + "\n");
  EXPECT_EQ(p.ReadScratch("second"), "two\n");
  EXPECT_EQ(FindStep(ex, "Build.T")["outputs"].value("SECOND", ""), "two");
}

// Values with newlines survive the trip through the output file; outputs of
// parallel steps are all kept.
TEST(OutputsTest, MultiLineAndParallelOutputs) {
  TestProject p;
  auto f = [&](const std::string& name) { return (p.scratch() / name).string(); };
  p.WritePipeline(Pipeline(
      "out",
      {CiStage("Build",
               {Parallel({RunStep("a", "export A=\"line one\nline two\"",
                                  {.spec = "outputVariables:\n  - name: A"}),
                          RunStep("b", "export B=bee", {.spec = "outputVariables:\n  - name: B"})}),
                RunStep("use",
                        Capture(f("a"), "<+execution.steps.a.output.outputVariables.A>") + "\n" +
                            Capture(f("b"), "<+execution.steps.b.output.outputVariables.B>"))})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  EXPECT_EQ(p.ReadScratch("a"), "line one\nline two\n");
  EXPECT_EQ(p.ReadScratch("b"), "bee\n");
  EXPECT_EQ(FindStep(ex, "Build.a")["outputs"].value("A", ""), "line one\nline two");
}

// A skipped step's outputs resolve to null (harness-semantics §5.9); a path
// that exists nowhere cannot be resolved and errors the step.
TEST(OutputsTest, SkippedStepOutputsAreNull) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "out",
      {CustomStage("S",
                   {ShellStep("T", "v=1",
                              {.fields = "when:\n  stageStatus: Success\n  condition: false",
                               .spec = "outputVariables:\n" + ShellOutput("X", "v")}),
                    ShellStep("U", Capture((p.scratch() / "seen").string(),
                                           "<+execution.steps.T.output.outputVariables.X>"))})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.T"), "Skipped");
  EXPECT_EQ(StatusOf(ex, "S.U"), "Success");
  EXPECT_EQ(p.ReadScratch("seen"), "null\n");
}

const char kUnresolvable[] = "echo start\necho <+pipeline.nope.deeper>\necho ran > ";

TEST(OutputsTest, UnresolvableExpressionErrorsTheStepNamingIt) {
  TestProject p;
  std::string mark = (p.scratch() / "ran").string();
  p.WritePipeline(Pipeline("out", {CustomStage("S", {ShellStep("U", kUnresolvable + mark),
                                                     ShellStep("after", "true")})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.U"), "Errored");
  EXPECT_EQ(StatusOf(ex, "S.after"), "Skipped");
  std::string message = FindStep(ex, "S.U").value("failureMessage", "");
  EXPECT_NE(message.find("in spec.source.spec.script: cannot resolve <+pipeline.nope.deeper>: "
                         "pipeline has no \"nope\""),
            std::string::npos)
      << message;
  EXPECT_EQ(p.ReadScratch("ran"), "");  // the script never ran
  EXPECT_EQ(ex.value("status", ""), "Errored");
}

// The message points at the line of the pipeline file holding the expression.
TEST(OutputsTest, UnresolvableExpressionErrorPointsAtTheScriptLine) {
  TestProject p;
  std::string yaml = Pipeline(
      "out", {CustomStage("S", {ShellStep("U", kUnresolvable + std::string("/dev/null"))})});
  p.WritePipeline(yaml);
  size_t line =
      1 + static_cast<size_t>(std::count(
              yaml.begin(), yaml.begin() + static_cast<long>(yaml.find("<+pipeline.nope")), '\n'));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  std::string message = FindStep(ex, "S.U").value("failureMessage", "");
  EXPECT_EQ(message.rfind(".harness/pipelines/pipeline.yaml:" + std::to_string(line) + ":", 0), 0u)
      << message;
}

}  // namespace
}  // namespace sluice::testing
