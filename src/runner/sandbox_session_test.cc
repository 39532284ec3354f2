#include "runner/sandbox_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/files.h"
#include "common/ids.h"
#include "runner/stage_agent.h"
#include "runner/test_util.h"

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

// Records the commands it is given instead of running them.
class FakeRunner final : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const ProcessSpec& spec, LineSink&, const Cancellation&) override {
    runs.push_back(spec.argv);
    ProcessResult r;
    r.exit_code = 42;
    return r;
  }
  std::vector<std::vector<std::string>> runs;
};

// A session whose mount, like /harness, is a path missing on the host.
class SandboxSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SandboxAvailable()) GTEST_SKIP() << "bubblewrap cannot create namespaces here";
    if (!FindStageAgent().ok()) GTEST_SKIP() << "sluice-stage-agent is not built beside the tests";
    auto dir = TempDir::Create();
    ASSERT_TRUE(dir.ok());
    host_dir_.emplace(std::move(*dir));
    target_ = "/sluice-ws-" + RandomHex(6);
    mounts_ = {{host_dir_->path().string(), target_, false}};
    session_ = std::make_unique<SandboxSession>(mounts_, fallback_);
  }

  ProcessSpec Shell(const std::string& script) const {
    ProcessSpec spec;
    spec.argv = {"sh", "-c", script};
    spec.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}};
    spec.mounts = mounts_;
    spec.working_dir = target_;
    return spec;
  }

  ProcessResult Run(const ProcessSpec& spec) {
    auto r = session_->Run(spec, sink_, never_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ProcessResult{};
  }

  std::optional<TempDir> host_dir_;
  std::string target_;
  std::vector<Mount> mounts_;
  FakeRunner fallback_;
  std::unique_ptr<SandboxSession> session_;
  RecordingSink sink_;
  Cancellation never_;
};

TEST_F(SandboxSessionTest, RunsInTheMountedWorkspace) {
  ProcessResult r = Run(Shell("pwd; echo hello > made-inside"));
  EXPECT_EQ(r.exit_code, 0) << sink_.All();
  EXPECT_THAT(sink_.Stdout(), ElementsAre(target_));
  auto content = ReadFile(host_dir_->path() / "made-inside");
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "hello\n");
  EXPECT_FALSE(fs::exists(target_)) << "the mount point leaked onto the host";
}

TEST_F(SandboxSessionTest, ReportsExitCodeAndTheCommandsOwnSignal) {
  EXPECT_EQ(Run(Shell("exit 3")).exit_code, 3);
  ProcessResult r = Run(Shell("kill -KILL $$"));
  EXPECT_EQ(r.term_signal, SIGKILL);  // not bwrap's 128+9
  EXPECT_EQ(r.exit_code, -1);
}

TEST_F(SandboxSessionTest, CommandsShareOneSandbox) {
  // One pid namespace for all: the same namespace id twice, not the host's.
  Run(Shell("readlink /proc/self/ns/pid"));
  Run(Shell("readlink /proc/self/ns/pid"));
  ASSERT_THAT(sink_.Stdout(), SizeIs(2));
  EXPECT_EQ(sink_.Stdout()[0], sink_.Stdout()[1]);
  std::error_code ec;
  EXPECT_NE(sink_.Stdout()[0], fs::read_symlink("/proc/self/ns/pid", ec).string());
}

TEST_F(SandboxSessionTest, DeliversStreamsStdinAndPartialLines) {
  ProcessSpec spec = Shell("cat; echo err >&2; printf 'x\\ntail'");
  spec.stdin_data = "in1\nin2\n";
  Run(spec);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("in1", "in2", "x", "tail"));
  EXPECT_THAT(sink_.Stderr(), ElementsAre("err"));
}

TEST_F(SandboxSessionTest, LargeStdinAndOutputDoNotDeadlock) {
  ProcessSpec spec = Shell("cat");
  std::string line(99, 'z');
  for (int i = 0; i < 5000; ++i) spec.stdin_data += line + "\n";
  Run(spec);
  EXPECT_EQ(sink_.Stdout().size(), 5000u);
}

TEST_F(SandboxSessionTest, EnvironmentIsExactlyTheSpec) {
  ProcessSpec spec = Shell("");
  spec.argv = {"env"};
  spec.env = {{"A", "1"}, {"B", "two words"}, {"EMPTY", ""}};
  Run(spec);
  EXPECT_THAT(sink_.Stdout(), UnorderedElementsAre("A=1", "B=two words", "EMPTY="));
}

TEST_F(SandboxSessionTest, MissingProgramOrWorkingDirIsIoError) {
  ProcessSpec spec = Shell("");
  spec.argv = {"no-such-program-xyz"};
  auto r = session_->Run(spec, sink_, never_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_THAT(r.status().message(), HasSubstr("no-such-program-xyz"));

  spec = Shell("true");
  spec.working_dir = target_ + "/no/such/dir";
  r = session_->Run(spec, sink_, never_);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("/no/such/dir"));
  // The session still works.
  EXPECT_EQ(Run(Shell("exit 0")).exit_code, 0);
}

TEST_F(SandboxSessionTest, TimeoutTerminatesTheGroup) {
  std::string marker = UniqueSleepArg();
  ProcessSpec spec = Shell("sleep " + marker + " &\nsleep " + marker);
  spec.timeout = Millis(200);
  ProcessResult r = Run(spec);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.term_signal, SIGTERM);
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
}

TEST_F(SandboxSessionTest, TimeoutEscalatesToSigkill) {
  ProcessSpec spec = Shell("trap '' TERM; echo ready; while :; do sleep 0.01; done");
  spec.timeout = Millis(100);
  spec.kill_grace = Millis(100);
  ProcessResult r = Run(spec);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.term_signal, SIGKILL);
}

TEST_F(SandboxSessionTest, CancellationFromAnotherThreadLeavesNothingBehind) {
  Cancellation cancel;
  std::string marker = UniqueSleepArg();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    cancel.Cancel();
  });
  auto r = session_->Run(
      Shell("sleep " + marker + " &\n( sleep " + marker + " & )\nsleep " + marker), sink_, cancel);
  canceller.join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->cancelled);
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
}

TEST_F(SandboxSessionTest, AlreadyCancelledDoesNotStart) {
  Cancellation cancel;
  cancel.Cancel();
  auto r = session_->Run(Shell("echo ran"), sink_, cancel);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cancelled);
  EXPECT_THAT(sink_.lines, IsEmpty());
}

TEST_F(SandboxSessionTest, LeaderExitKillsItsGroupAtOnce) {
  std::string marker = UniqueSleepArg();
  ProcessResult r = Run(Shell("sleep " + marker + " &\necho done"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("done"));
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
}

TEST_F(SandboxSessionTest, ProcessThatLeftTheGroupLivesUntilTheSessionEnds) {
  std::string marker = UniqueSleepArg();
  // The daemon says when it has left the group; until then the leader's
  // exit would still kill it with the group.
  ProcessResult r = Run(Shell("setsid sh -c 'touch left; exec sleep " + marker +
                              "' > /dev/null 2>&1 &\n"
                              "while [ ! -e left ]; do sleep 0.01; done; echo done"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(ProcessesWithMarker(marker), Not(IsEmpty()));
  session_.reset();
  auto survivors = SurvivorsAfter(marker);
  EXPECT_THAT(survivors, IsEmpty());
  for (int pid : survivors) ::kill(pid, SIGKILL);
}

TEST_F(SandboxSessionTest, SandboxOutlivesTheThreadThatStartedIt) {
  // A parallel block's worker may run a stage's first command and end.
  std::thread first([&] { Run(Shell("echo first")); });
  first.join();
  ProcessResult r = Run(Shell("sleep 0.1; echo second"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("first", "second"));
}

TEST_F(SandboxSessionTest, SandboxDiesWithItsProcess) {
  // A process holding a session is killed: its sandbox, with a daemon a
  // command left in it, must go too.
  std::string marker = UniqueSleepArg();
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    SandboxSession session(mounts_, fallback_);
    RecordingSink sink;
    Cancellation never;
    auto r = session.Run(Shell("setsid sh -c 'touch left2; exec sleep " + marker +
                               "' > /dev/null 2>&1 &\n"
                               "while [ ! -e left2 ]; do sleep 0.01; done"),
                         sink, never);
    char c = r.ok() ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  EXPECT_EQ(c, 'y');
  EXPECT_THAT(ProcessesWithMarker(marker), Not(IsEmpty()));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  auto survivors = SurvivorsAfter(marker, std::chrono::milliseconds(3000));
  EXPECT_THAT(survivors, IsEmpty());
  for (int pid : survivors) ::kill(pid, SIGKILL);
}

TEST_F(SandboxSessionTest, ParallelCommands) {
  constexpr int kThreads = 6;
  std::vector<RecordingSink> sinks(kThreads);
  std::vector<ProcessResult> results(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = session_->Run(Shell("sleep 0.05; echo " + std::to_string(i)), sinks[i], never_);
      if (r.ok())
        results[i] = *r;
      else
        errors[i] = r.status().ToString();
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(results[i].exit_code, 0)
        << i << ": " << errors[i] << " signal " << results[i].term_signal;
    EXPECT_THAT(sinks[i].Stdout(), ElementsAre(std::to_string(i)));
  }
}

// Pids of the live children of `parent` (from /proc/*/stat).
std::vector<int> ChildrenOf(int parent) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto stat = ReadFile(e.path() / "stat");
    if (!stat.ok()) continue;
    size_t paren = stat->rfind(')');  // the command name may hold spaces
    if (paren == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(stat->c_str() + paren + 1, " %c %d", &state, &ppid) == 2 && ppid == parent) {
      out.push_back(std::stoi(name));
    }
  }
  return out;
}

TEST_F(SandboxSessionTest, ADeadAgentIsReplaced) {
  // Us → bwrap → the agent (the sandbox's pid 1, which nothing inside the
  // sandbox may kill).
  std::string marker = UniqueSleepArg();
  std::thread killer([&] {
    for (int i = 0; i < 500 && ProcessesWithMarker(marker).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (int bwrap : ChildrenOf(::getpid())) {
      for (int agent : ChildrenOf(bwrap)) ::kill(agent, SIGKILL);
    }
  });
  ProcessResult r = Run(Shell("sleep " + marker));
  killer.join();
  EXPECT_EQ(r.term_signal, SIGKILL);  // the sandbox went down with the agent
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
  r = Run(Shell("echo again"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("again"));
}

TEST_F(SandboxSessionTest, OtherMountsGoToTheFallback) {
  ProcessSpec spec = Shell("true");
  spec.mounts.clear();
  auto r = session_->Run(spec, sink_, never_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 42);
  EXPECT_THAT(fallback_.runs, SizeIs(1));
}

TEST_F(SandboxSessionTest, BadMountIsAnErrorOnFirstUse) {
  SandboxSession broken({{host_dir_->path().string(), "relative/target", false}}, fallback_);
  ProcessSpec spec = Shell("true");
  spec.mounts = {{host_dir_->path().string(), "relative/target", false}};
  auto r = broken.Run(spec, sink_, never_);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("relative/target"));
}

TEST(OpenSessionTest, LocalRunnerWithoutMountsForwards) {
  LocalProcessRunner local;
  auto session = local.OpenSession({});
  RecordingSink sink;
  Cancellation never;
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo hi"};
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  auto r = session->Run(spec, sink, never);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(sink.Stdout(), ElementsAre("hi"));
}

TEST(OpenSessionTest, WithoutTheAgentEachCommandGetsItsOwnSandbox) {
  if (!SandboxAvailable()) GTEST_SKIP() << "bubblewrap cannot create namespaces here";
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  ::setenv("SLUICE_STAGE_AGENT", "/no/such/agent", 1);
  LocalProcessRunner local;
  std::vector<Mount> mounts = {{dir->path().string(), dir->path().string(), false}};
  auto session = local.OpenSession(mounts);
  ::unsetenv("SLUICE_STAGE_AGENT");
  EXPECT_EQ(dynamic_cast<SandboxSession*>(session.get()), nullptr);
  RecordingSink sink;
  Cancellation never;
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "kill -KILL $$"};
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  spec.mounts = mounts;
  auto r = session->Run(spec, sink, never);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 128 + SIGKILL);  // bwrap's way of reporting it
}

}  // namespace
}  // namespace sluice::runner
