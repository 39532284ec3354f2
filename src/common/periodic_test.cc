#include "common/periodic.h"

#include <gtest/gtest.h>

#include <atomic>

namespace sluice {
namespace {

TEST(PeriodicTaskTest, RunsAtStartAndAgainUntilStopped) {
  std::mutex mu;
  std::condition_variable cv;
  int runs = 0;
  PeriodicTask task(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        ++runs;
        cv.notify_all();
      },
      std::chrono::milliseconds(1));
  task.Start();
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return runs >= 3; }));
  }
  task.Stop();
  std::lock_guard<std::mutex> lock(mu);
  const int stopped_at = runs;
  EXPECT_GE(stopped_at, 3);
}

TEST(PeriodicTaskTest, StopDoesNotWaitOutALongInterval) {
  std::atomic<int> runs{0};
  PeriodicTask task([&] { ++runs; }, std::chrono::hours(1));
  task.Start();
  while (runs.load() == 0) std::this_thread::yield();
  task.Stop();  // returns without waiting an hour
  EXPECT_EQ(runs.load(), 1);
}

}  // namespace
}  // namespace sluice
