// Cancellation: a flag set once (by Ctrl-C, `sluice abort` or a failure
// strategy) and observed by everything that waits. Thread-safe; the
// file descriptor becomes readable when cancelled, so poll() loops can wait on
// it alongside their pipes.
//
// Tokens form a tree: a child made with Cancellation(&parent) is cancelled
// when its parent is (a parallel block cancels its members for `failAll`
// without cancelling the whole run). Cancel() takes a mutex, so it is not
// async-signal-safe: signal handlers hand off to a thread (see cli/signals).
// A child must not outlive its parent.
#pragma once

#include <atomic>
#include <mutex>
#include <vector>

namespace sluice {

class Cancellation {
 public:
  Cancellation();
  explicit Cancellation(Cancellation* parent);
  ~Cancellation();
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  // Idempotent; cancels every child too.
  void Cancel();
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  // Readable (POLLIN) once Cancel() was called.
  int fd() const { return pipe_[0]; }

 private:
  void AddChild(Cancellation* child);
  void RemoveChild(Cancellation* child);

  std::atomic<bool> cancelled_{false};
  int pipe_[2] = {-1, -1};
  Cancellation* parent_ = nullptr;           // constant after construction
  std::mutex mu_;
  std::vector<Cancellation*> children_;      // guarded by mu_
};

}  // namespace sluice
