// Turns SIGINT and SIGTERM into a Cancellation, so that a command stops what
// it runs (steps, a RUN in an image build) and cleans up instead of dying.
//
// The signals are blocked in the calling thread (and in every thread it
// starts afterwards) and received by sigwait() on a thread of the watcher's
// own: signal handlers may not take the mutex Cancel() needs. Create it
// before starting any other thread. On a signal it prints
// "sluice: <action> (signal N)<detail>" to stderr and cancels. The destructor
// stops the thread and restores the signal mask. Not copyable.
#pragma once

#include <signal.h>

#include <atomic>
#include <string>
#include <thread>

#include "common/cancellation.h"

namespace sluice::cli {

class SignalWatcher {
 public:
  SignalWatcher(Cancellation& cancel, std::string action, std::string detail = "");
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  Cancellation& cancel_;
  std::string action_;
  std::string detail_;
  sigset_t set_;
  sigset_t old_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace sluice::cli
