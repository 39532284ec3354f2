// OutputBarrier: lets another thread act only once everything a running
// command wrote before that moment has reached its LineSink.
//
// A command's output goes through pipes and is read by the thread that
// supervises it, so a line the command wrote just before it made some
// other request (an HTTP call, say) may still be in the pipe when that
// request is handled. Pass(then) wakes the supervising thread, which reads
// every byte the pipes hold at that moment -- everything written before
// Pass was called, and no more than was there -- delivers the complete
// lines to the sink, and then runs `then`. A last line without its newline
// stays buffered, as it would anyway.
//
// Put one in ProcessSpec::output_barrier. It is watched while the runner
// runs that command (LocalProcessRunner and SandboxSession do); before
// that and after the command's output is all delivered, Pass runs `then`
// at once on the calling thread, so a barrier never holds anything up
// for good. One barrier serves one command at a time.
//
// Thread-safe: Pass may be called from any thread. `then` must not call
// Pass on the same barrier and wait for it.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "runner/fd.h"

namespace sluice::runner {

class OutputBarrier {
 public:
  OutputBarrier();
  OutputBarrier(const OutputBarrier&) = delete;
  OutputBarrier& operator=(const OutputBarrier&) = delete;

  void Pass(std::function<void()> then);

  // For runners: while a Watch lives, the barrier is watched, by the loop
  // that polls fd() and calls TakeReady() when it is readable (after
  // reading the pipes). When the Watch ends, whatever is still waiting
  // runs at once, on that thread.
  class Watch {
   public:
    explicit Watch(OutputBarrier* barrier);  // null: nothing to watch
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

   private:
    OutputBarrier* barrier_;
  };
  // Readable while something waits; -1 when the eventfd could not be made
  // (then Pass never waits).
  int fd() const { return event_.get(); }
  // What waits; the caller runs it. Clears fd()'s readiness.
  std::vector<std::function<void()>> TakeReady();

 private:
  std::mutex mu_;
  bool watched_ = false;
  std::vector<std::function<void()>> waiting_;
  UniqueFd event_;
};

}  // namespace sluice::runner
