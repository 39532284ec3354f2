#include "runner/process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "common/files.h"
#include "runner/test_util.h"

namespace sluice::runner {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

ProcessSpec Shell(const std::string& script) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", script};
  spec.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}};
  return spec;
}

class ProcessTest : public ::testing::Test {
 protected:
  ProcessResult Run(const ProcessSpec& spec) {
    auto result = runner_.Run(spec, sink_, never_);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : ProcessResult{};
  }

  LocalProcessRunner runner_;
  RecordingSink sink_;
  Cancellation never_;
};

TEST_F(ProcessTest, ReportsExitCode) {
  EXPECT_EQ(Run(Shell("exit 0")).exit_code, 0);
  ProcessResult r = Run(Shell("exit 3"));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(r.cancelled);
}

TEST_F(ProcessTest, ReportsTerminatingSignal) {
  ProcessResult r = Run(Shell("kill -KILL $$"));
  EXPECT_EQ(r.term_signal, SIGKILL);
  EXPECT_EQ(r.exit_code, -1);
}

TEST_F(ProcessTest, DeliversStdoutAndStderrLines) {
  Run(Shell("echo one; echo err1 >&2; echo two; echo err2 >&2"));
  EXPECT_THAT(sink_.Stdout(), ElementsAre("one", "two"));
  EXPECT_THAT(sink_.Stderr(), ElementsAre("err1", "err2"));
}

TEST_F(ProcessTest, InterleavedStreamsArriveInOrder) {
  // Each write is followed by a pause, so arrival order is well defined.
  Run(Shell("echo a; sleep 0.02; echo b >&2; sleep 0.02; echo c"));
  ASSERT_EQ(sink_.lines.size(), 3u);
  EXPECT_EQ(sink_.lines[0], std::make_pair(StreamKind::kStdout, std::string("a")));
  EXPECT_EQ(sink_.lines[1], std::make_pair(StreamKind::kStderr, std::string("b")));
  EXPECT_EQ(sink_.lines[2], std::make_pair(StreamKind::kStdout, std::string("c")));
}

TEST_F(ProcessTest, DeliversPartialFinalLine) {
  Run(Shell("printf 'x\\ny'; printf 'tail' >&2"));
  EXPECT_THAT(sink_.Stdout(), ElementsAre("x", "y"));
  EXPECT_THAT(sink_.Stderr(), ElementsAre("tail"));
}

TEST_F(ProcessTest, EnvironmentIsExactlyTheSpec) {
  ProcessSpec spec;
  spec.argv = {"env"};
  spec.env = {{"A", "1"}, {"B", "two words"}, {"EMPTY", ""}};
  Run(spec);
  EXPECT_THAT(sink_.Stdout(), UnorderedElementsAre("A=1", "B=two words", "EMPTY="));
}

TEST_F(ProcessTest, FeedsStdinData) {
  ProcessSpec spec = Shell("cat; echo end");
  spec.stdin_data = "hello\nworld";
  Run(spec);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("hello", "worldend"));
}

TEST_F(ProcessTest, LargeStdinDoesNotDeadlock) {
  // More than a pipe buffer each way: stdin must be fed while reading.
  ProcessSpec spec = Shell("cat");
  std::string line(99, 'z');
  for (int i = 0; i < 5000; ++i) spec.stdin_data += line + "\n";
  Run(spec);
  EXPECT_EQ(sink_.Stdout().size(), 5000u);
}

TEST_F(ProcessTest, StdinIsEmptyByDefault) {
  ProcessResult r = Run(Shell("cat; echo done"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("done"));
}

TEST_F(ProcessTest, RunsInWorkingDir) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  ProcessSpec spec = Shell("pwd");
  spec.working_dir = dir->path().string();
  Run(spec);
  EXPECT_THAT(sink_.Stdout(), ElementsAre(dir->path().string()));
}

TEST_F(ProcessTest, MissingExecutableIsIoErrorNamingIt) {
  ProcessSpec spec;
  spec.argv = {"no-such-program-xyz", "arg"};
  auto r = runner_.Run(spec, sink_, never_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_THAT(r.status().message(), HasSubstr("no-such-program-xyz"));

  spec.argv = {"/no/such/dir/prog"};
  r = runner_.Run(spec, sink_, never_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_THAT(r.status().message(), HasSubstr("/no/such/dir/prog"));
}

TEST_F(ProcessTest, MissingWorkingDirIsIoError) {
  ProcessSpec spec = Shell("true");
  spec.working_dir = "/no/such/dir";
  auto r = runner_.Run(spec, sink_, never_);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("/no/such/dir"));
}

TEST_F(ProcessTest, TimeoutTerminatesTheCommand) {
  std::string marker = UniqueSleepArg();
  ProcessSpec spec = Shell("sleep " + marker + "; echo never");
  spec.timeout = Millis(150);
  auto t0 = std::chrono::steady_clock::now();
  ProcessResult r = Run(spec);
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.cancelled);
  EXPECT_EQ(r.term_signal, SIGTERM);
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  EXPECT_THAT(sink_.Stdout(), IsEmpty());
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
}

TEST_F(ProcessTest, TimeoutEscalatesToSigkillAfterGrace) {
  // The shell and its sleep ignore SIGTERM (ignored signals survive exec).
  std::string marker = UniqueSleepArg();
  ProcessSpec spec = Shell("trap '' TERM; sleep " + marker + "; echo never");
  spec.timeout = Millis(100);
  spec.kill_grace = Millis(200);
  auto t0 = std::chrono::steady_clock::now();
  ProcessResult r = Run(spec);
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.term_signal, SIGKILL);
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_LT(took, std::chrono::milliseconds(1300));
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
}

TEST_F(ProcessTest, CancellationFromAnotherThread) {
  Cancellation cancel;
  std::string marker = UniqueSleepArg();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.Cancel();
  });
  auto t0 = std::chrono::steady_clock::now();
  auto r = runner_.Run(Shell("sleep " + marker), sink_, cancel);
  auto took = std::chrono::steady_clock::now() - t0;
  canceller.join();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cancelled);
  EXPECT_FALSE(r->timed_out);
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
}

TEST_F(ProcessTest, AlreadyCancelledDoesNotStart) {
  Cancellation cancel;
  cancel.Cancel();
  auto r = runner_.Run(Shell("echo ran"), sink_, cancel);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cancelled);
  EXPECT_THAT(sink_.lines, IsEmpty());
}

// Background children and a grandchild started from a subshell: all of them
// must be gone once Run() returns, whatever ended the command.
std::string BackgroundTree(const std::string& marker) {
  return "sleep " + marker +
         " &\n"
         "( sleep " +
         marker +
         " & )\n"
         "sh -c 'sleep " +
         marker +
         "; :' &\n"
         "echo started\n"
         "sleep " +
         marker + "\n";
}

TEST_F(ProcessTest, NoProcessLeftBehindAfterTimeout) {
  std::string marker = UniqueSleepArg();
  ProcessSpec spec = Shell(BackgroundTree(marker));
  spec.timeout = Millis(200);
  ProcessResult r = Run(spec);
  EXPECT_TRUE(r.timed_out);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("started"));
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
}

TEST_F(ProcessTest, NoProcessLeftBehindAfterCancellation) {
  Cancellation cancel;
  std::string marker = UniqueSleepArg();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    cancel.Cancel();
  });
  auto r = runner_.Run(Shell(BackgroundTree(marker)), sink_, cancel);
  canceller.join();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cancelled);
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
}

TEST_F(ProcessTest, LeaderExitWithBackgroundChildHoldingStdoutDoesNotHang) {
  std::string marker = UniqueSleepArg();
  auto t0 = std::chrono::steady_clock::now();
  ProcessResult r = Run(Shell("sleep " + marker + " &\n( sleep " + marker + " & )\necho done"));
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("done"));
  EXPECT_LT(took, std::chrono::milliseconds(500));
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
}

TEST_F(ProcessTest, ProcessOutsideTheGroupHoldingStdoutDoesNotHang) {
  // setsid leaves our process group; only the idle limit ends the reading.
  std::string marker = UniqueSleepArg();
  auto t0 = std::chrono::steady_clock::now();
  ProcessResult r = Run(Shell("setsid sleep " + marker + " &\necho done"));
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("done"));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  for (int pid : ProcessesWithMarker(marker)) ::kill(pid, SIGKILL);
}

TEST_F(ProcessTest, OutputWrittenJustBeforeExitIsKept) {
  // A lot of output then exit: nothing may be lost when the group is killed.
  Run(Shell("i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done"));
  ASSERT_EQ(sink_.Stdout().size(), 2000u);
  EXPECT_EQ(sink_.Stdout().back(), "line1999");
}

}  // namespace
}  // namespace sluice::runner
