#include "cli/signal_watcher.h"

#include <pthread.h>

#include <iostream>

namespace sluice::cli {

SignalWatcher::SignalWatcher(Cancellation& cancel, std::string action, std::string detail)
    : cancel_(cancel), action_(std::move(action)), detail_(std::move(detail)) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGUSR1);  // used to wake the thread at the end
  pthread_sigmask(SIG_BLOCK, &set_, &old_);
  thread_ = std::thread([this] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set_, &sig) != 0) continue;
      if (done_) return;
      if (sig == SIGINT || sig == SIGTERM) {
        std::cerr << "\nsluice: " << action_ << " (signal " << sig << ")" << detail_ << "\n";
        cancel_.Cancel();
      }
    }
  });
}

SignalWatcher::~SignalWatcher() {
  done_ = true;
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

}  // namespace sluice::cli
