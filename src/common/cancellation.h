// Cancellation: a flag set once (by Ctrl-C, `sluice abort` or a failure
// strategy) and observed by everything that waits. Thread-safe; the
// file descriptor becomes readable when cancelled, so poll() loops can wait on
// it alongside their pipes.
#pragma once

#include <atomic>
#include <string>

namespace sluice {

class Cancellation {
 public:
  Cancellation();
  ~Cancellation();
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  // Idempotent; async-signal-safe (only an atomic store and a write()).
  void Cancel();
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  // Readable (POLLIN) once Cancel() was called.
  int fd() const { return pipe_[0]; }

 private:
  std::atomic<bool> cancelled_{false};
  int pipe_[2] = {-1, -1};
};

}  // namespace sluice
