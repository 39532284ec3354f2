// PeriodicTask: runs a function on its own thread, once at Start and then
// every `interval` after the previous run ended, until Stop. Stop wakes the
// thread at once (it does not wait out the interval) and returns after the
// run in progress, if any, has finished. Start and Stop are for one owner
// thread; the function runs on the task's thread only, one run at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace sluice {

class PeriodicTask {
 public:
  PeriodicTask(std::function<void()> run, std::chrono::milliseconds interval);
  ~PeriodicTask();  // Stop()
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Start();
  void Stop();

 private:
  void Loop();

  std::function<void()> run_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace sluice
