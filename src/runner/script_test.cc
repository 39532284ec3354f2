#include "runner/script.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "common/files.h"
#include "common/ids.h"
#include "runner/test_util.h"

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-script-test-");
    ASSERT_TRUE(dir.ok());
    scratch_.emplace(std::move(*dir));
  }

  ScriptSpec Spec(const std::string& script) {
    ScriptSpec spec;
    spec.script = script;
    spec.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}};
    spec.scratch_dir = scratch_->path();
    return spec;
  }

  ScriptResult Run(const ScriptSpec& spec) {
    auto r = RunScript(spec, runner_, sink_, never_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ScriptResult{};
  }

  std::optional<TempDir> scratch_;
  LocalProcessRunner runner_;
  RecordingSink sink_;
  Cancellation never_;
};

TEST_F(ScriptTest, CapturesDeclaredOutputs) {
  ScriptSpec spec = Spec(
      "export X=1\n"
      "Y=2\n"
      "Z='line one\nline \"two\" it'\"'\"'s a=b\n'\n"
      "echo W=direct >> \"$DRONE_OUTPUT\"\n"
      "echo EXTRA=from-tool >> \"$HARNESS_OUTPUT_FILE\"\n"
      "EMPTY=\n");
  spec.output_variables = {"X", "Y", "Z", "W", "EMPTY", "UNSET"};
  ScriptResult r = Run(spec);
  EXPECT_EQ(r.process.exit_code, 0) << sink_.All();
  EXPECT_EQ(r.outputs["X"], "1");
  EXPECT_EQ(r.outputs["Y"], "2");
  EXPECT_EQ(r.outputs["Z"], "line one\nline \"two\" it's a=b\n");
  EXPECT_EQ(r.outputs["W"], "direct");
  EXPECT_EQ(r.outputs["EXTRA"], "from-tool");
  EXPECT_EQ(r.outputs.count("EMPTY"), 1u);
  EXPECT_EQ(r.outputs["EMPTY"], "");
  EXPECT_EQ(r.outputs.count("UNSET"), 0u);
  EXPECT_THAT(r.missing_outputs, ElementsAre("UNSET"));
}

TEST_F(ScriptTest, ShellVariableWinsOverLineWrittenByTheScript) {
  ScriptSpec spec = Spec("echo X=file >> \"$DRONE_OUTPUT\"; X=shell");
  spec.output_variables = {"X"};
  EXPECT_EQ(Run(spec).outputs["X"], "shell");
}

TEST_F(ScriptTest, EarlyExitLosesOutputs) {
  ScriptSpec spec = Spec("export X=1\nexit 0\n");
  spec.output_variables = {"X"};
  ScriptResult r = Run(spec);
  EXPECT_EQ(r.process.exit_code, 0);
  EXPECT_THAT(r.missing_outputs, ElementsAre("X"));
}

TEST_F(ScriptTest, CaptureKeepsTheScriptsExitStatus) {
  ScriptSpec spec = Spec("X=1\nfalse");  // no prefix: the last status counts
  spec.output_variables = {"X"};
  ScriptResult r = Run(spec);
  EXPECT_EQ(r.process.exit_code, 1);
  EXPECT_EQ(r.outputs["X"], "1");
}

TEST_F(ScriptTest, SetXePrefixStopsAtFirstFailingCommand) {
  ScriptSpec spec = Spec("echo one\nfalse\necho two\n");
  spec.prefix = "set -xe";
  spec.output_variables = {"OUT"};
  ScriptResult r = Run(spec);
  EXPECT_EQ(r.process.exit_code, 1);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("one"));
  EXPECT_THAT(sink_.Stderr(), ElementsAre("+ echo one", "+ false"));
  EXPECT_THAT(r.missing_outputs, ElementsAre("OUT"));
}

TEST_F(ScriptTest, CaptureLinesAreNotTraced) {
  ScriptSpec spec = Spec("export A=1\n");
  spec.prefix = "set -xe";
  spec.output_variables = {"A"};
  ScriptResult r = Run(spec);
  EXPECT_EQ(r.process.exit_code, 0);
  EXPECT_THAT(sink_.Stderr(), ElementsAre("+ export A=1"));
  EXPECT_EQ(r.outputs["A"], "1");
}

TEST_F(ScriptTest, ShellErrorsCarryTheUsersLineNumbers) {
  ScriptSpec spec = Spec("echo a\nnosuchcommand-xyz\n");
  spec.prefix = "set -xe";
  ScriptResult r = Run(spec);
  EXPECT_EQ(r.process.exit_code, 127);
  // The shell names the script file it read (never `-c`: see script.h).
  EXPECT_THAT(sink_.Stderr(), Contains(HasSubstr("/script.sh: 2: nosuchcommand-xyz: not found")));

  RecordingSink bash_sink;
  spec.shell = Shell::kBash;
  auto rb = RunScript(spec, runner_, bash_sink, never_);
  ASSERT_TRUE(rb.ok());
  EXPECT_THAT(bash_sink.Stderr(), Contains(HasSubstr("/script.sh: line 2: nosuchcommand-xyz: command not found")));
}

TEST_F(ScriptTest, BashShell) {
  ScriptSpec spec = Spec("[[ -n $BASH_VERSION ]] && echo bash");
  spec.shell = Shell::kBash;
  Run(spec);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("bash"));
}

TEST_F(ScriptTest, WritesTheScriptFileAndSetsOutputEnv) {
  ScriptSpec spec = Spec("echo $DRONE_OUTPUT; echo $HARNESS_OUTPUT_FILE");
  spec.prefix = "set -xe";
  Run(spec);
  auto content = ReadFile(scratch_->path() / "script.sh");
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "set -xe; echo $DRONE_OUTPUT; echo $HARNESS_OUTPUT_FILE");
  std::string out_file = (scratch_->path() / "output.env").string();
  EXPECT_THAT(sink_.Stdout(), ElementsAre(out_file, out_file));
}

TEST_F(ScriptTest, TimeoutIsReported) {
  ScriptSpec spec = Spec("sleep " + UniqueSleepArg());
  spec.timeout = Millis(100);
  EXPECT_TRUE(Run(spec).process.timed_out);
}

TEST_F(ScriptTest, LongScriptRunsFromItsFile) {
  std::string script;
  for (int i = 0; i < 20000; ++i) script += "x=" + std::to_string(i) + "\n";
  script += "echo $x\n";
  ScriptSpec spec = Spec(script);
  spec.output_variables = {"x"};
  ScriptResult r = Run(spec);
  EXPECT_EQ(r.process.exit_code, 0) << sink_.All();
  EXPECT_THAT(sink_.Stdout(), ElementsAre("19999"));
  EXPECT_EQ(r.outputs["x"], "19999");
}

TEST_F(ScriptTest, InvalidOutputNameIsRejected) {
  ScriptSpec spec = Spec("true");
  spec.output_variables = {"not-a-name"};
  auto r = RunScript(spec, runner_, sink_, never_);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ScriptTest, RunsInASandboxWithWorkspaceAtMissingPath) {
  if (!SandboxAvailable()) GTEST_SKIP() << "bubblewrap cannot create namespaces here";
  auto workspace = TempDir::Create();
  ASSERT_TRUE(workspace.ok());
  std::string target = "/sluice-harness-" + RandomHex(6);
  ScriptSpec spec = Spec("pwd\necho built > artifact.txt\nexport WHERE=$(pwd)\n");
  spec.prefix = "set -xe";
  spec.mounts = {{workspace->path().string(), target, false}};
  spec.working_dir = target;
  spec.output_variables = {"WHERE"};
  ScriptResult r = Run(spec);
  EXPECT_EQ(r.process.exit_code, 0) << sink_.All();
  EXPECT_THAT(sink_.Stdout(), ElementsAre(target));
  EXPECT_EQ(r.outputs["WHERE"], target);
  EXPECT_TRUE(fs::exists(workspace->path() / "artifact.txt"));
}

TEST(CheckScriptSyntaxTest, ReportsUnterminatedQuoteDash) {
  auto r = CheckScriptSyntax(Shell::kSh, "echo \"ECR Image Scan In Progress...\\nsleep 15");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "sh: 1: Syntax error: Unterminated quoted string\n");

  // With a real newline dash reports the line where the input ended.
  r = CheckScriptSyntax(Shell::kSh, "echo \"ECR Image Scan In Progress...\nsleep 15");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "sh: 2: Syntax error: Unterminated quoted string\n");
}

TEST(CheckScriptSyntaxTest, ReportsUnterminatedQuoteBash) {
  auto r = CheckScriptSyntax(Shell::kBash, "echo \"ECR Image Scan In Progress...\nsleep 15");
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, HasSubstr("line 1: unexpected EOF while looking for matching `\"'"));
}

TEST(CheckScriptSyntaxTest, EmptyWhenFineAndNothingRuns) {
  auto r = CheckScriptSyntax(Shell::kSh, "echo should-not-print\nif true; then echo x; fi\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
  r = CheckScriptSyntax(Shell::kBash, "[[ -n x ]] && echo y");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
}

// Scripts of plain words are accepted without a shell; the shells must
// agree with that, and a reserved word must still reach the shell.
TEST(CheckScriptSyntaxTest, PlainCommandListsAgreeWithTheShells) {
  const std::vector<std::string> plain = {
      "",
      "echo step 1",
      "make test\n",
      "python train.py --epochs=3 --lr 0.1\n\tpip install -r req.txt",
      "a=b c=d env",
      "x,y:z +1 @host %1 ./run.sh /usr/bin/true",
      "echo fi-not-a-keyword done2"};
  const std::vector<std::string> reserved = {"fi", "echo a\ndone", "then echo x", "esac", "do"};
  for (Shell shell : {Shell::kSh, Shell::kBash}) {
    std::string name = shell == Shell::kSh ? "sh" : "bash";
    LocalProcessRunner runner;
    Cancellation never;
    for (const std::string& script : plain) {
      auto r = CheckScriptSyntax(shell, script);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(*r, "") << name << ": " << script;
      // What the shell itself says.
      ProcessSpec spec;
      spec.argv = {name, "-n", "-c", script};
      spec.env = {{"PATH", "/usr/bin:/bin"}};
      RecordingSink sink;
      auto direct = runner.Run(spec, sink, never);
      ASSERT_TRUE(direct.ok());
      EXPECT_EQ(direct->exit_code, 0) << name << ": " << script << ": " << sink.All();
    }
    for (const std::string& script : reserved) {
      auto r = CheckScriptSyntax(shell, script);
      ASSERT_TRUE(r.ok());
      EXPECT_NE(*r, "") << name << ": " << script;
    }
  }
}

TEST(CheckScriptSyntaxTest, ReportsMissingFi) {
  auto r = CheckScriptSyntax(Shell::kSh, "echo ok\nif true; then\n  echo x\n");
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, HasSubstr("Syntax error: end of file unexpected (expecting \"fi\")"));
}

}  // namespace
}  // namespace sluice::runner
