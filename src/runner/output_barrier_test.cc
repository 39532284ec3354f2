#include "runner/output_barrier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "common/files.h"
#include "runner/test_util.h"

namespace sluice::runner {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

ProcessSpec Shell(const std::string& script) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", script};
  spec.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}};
  return spec;
}

TEST(OutputBarrierTest, UnwatchedPassesAtOnceOnTheCallersThread) {
  OutputBarrier barrier;
  std::thread::id ran_on;
  barrier.Pass([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

// The command writes its lines, then tells the test through a FIFO (its
// own request, as a function instance makes an HTTP call). A slow sink
// keeps the lines in the pipe meanwhile; the barrier's `then` must still
// see every one of them delivered.
TEST(OutputBarrierTest, ThenSeesEveryLineWrittenBeforeThePass) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  const std::string fifo = (dir->path() / "said").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  struct SlowSink final : LineSink {
    RecordingSink recorded;
    void OnLine(StreamKind stream, std::string_view line) override {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      recorded.OnLine(stream, line);
    }
  };
  for (int round = 0; round < 3; ++round) {
    ProcessSpec spec = Shell("seq 1 50; echo done >&2; echo go > " + fifo + "; sleep 10");
    spec.output_barrier = std::make_shared<OutputBarrier>();
    spec.kill_grace = std::chrono::milliseconds(100);
    SlowSink sink;
    Cancellation cancel;
    LocalProcessRunner runner;
    std::thread run([&] { ASSERT_TRUE(runner.Run(spec, sink, cancel).ok()); });
    std::string said;
    std::ifstream(fifo) >> said;  // opens once the command writes
    ASSERT_EQ(said, "go");
    std::promise<std::vector<std::pair<StreamKind, std::string>>> seen;
    spec.output_barrier->Pass([&] { seen.set_value(sink.recorded.lines); });
    auto lines = seen.get_future().get();
    cancel.Cancel();
    run.join();
    ASSERT_EQ(lines.size(), 51u) << "round " << round;
    EXPECT_EQ(lines[49], std::pair(StreamKind::kStdout, std::string("50")));
    EXPECT_THAT(lines, Contains(std::pair(StreamKind::kStderr, std::string("done"))));
  }
}

// A command that never stops writing does not hold the barrier up: only
// what the pipe held when the barrier woke is read first.
TEST(OutputBarrierTest, AChattyCommandDoesNotHoldItUp) {
  ProcessSpec spec = Shell("yes chatter");
  spec.output_barrier = std::make_shared<OutputBarrier>();
  spec.kill_grace = std::chrono::milliseconds(100);
  struct CountingSink final : LineSink {
    std::atomic<int> lines{0};
    void OnLine(StreamKind, std::string_view) override { ++lines; }
  } sink;
  Cancellation cancel;
  LocalProcessRunner runner;
  std::thread run([&] { ASSERT_TRUE(runner.Run(spec, sink, cancel).ok()); });
  while (sink.lines < 1000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::promise<void> passed;
  spec.output_barrier->Pass([&] { passed.set_value(); });
  EXPECT_EQ(passed.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  cancel.Cancel();
  run.join();
}

// Whatever still waits when the command is over runs then; later passes
// run at once.
TEST(OutputBarrierTest, WaitersRunWhenTheCommandIsOver) {
  auto barrier = std::make_shared<OutputBarrier>();
  int ran = 0;
  {
    OutputBarrier::Watch watch(barrier.get());
    barrier->Pass([&] { ++ran; });
    EXPECT_EQ(ran, 0);
  }
  EXPECT_EQ(ran, 1);

  ProcessSpec spec = Shell("echo last");
  spec.output_barrier = barrier;
  RecordingSink sink;
  LocalProcessRunner runner;
  ASSERT_TRUE(runner.Run(spec, sink, Cancellation()).ok());
  barrier->Pass([&] { ++ran; });
  EXPECT_EQ(ran, 2);
  EXPECT_THAT(sink.Stdout(), ElementsAre("last"));
}

}  // namespace
}  // namespace sluice::runner
