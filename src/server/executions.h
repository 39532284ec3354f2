// The server's execution queue: runs executions on worker threads, at most
// `max_parallel` at once, with engine::Engine (no terminal output), and
// tells whoever watches an execution that something happened to it.
//
// Lifecycle of a submitted execution: its record is already stored with
// status Running and this process as runner_pid (server/launch.h); it waits
// in the queue (queued() says so) until a worker takes it, then runs to its
// end. Abort stops it: a queued one never starts and is marked Aborted, a
// running one has its Cancellation cancelled (the engine kills its steps'
// process groups and records Aborted). `sluice abort` from another
// terminal only records the request in the store: a watcher thread polls
// the store for requests against what runs here.
//
// Shutdown (SIGTERM/SIGINT of sluice server): no more submissions; the
// running executions are cancelled so their steps stop, then their records
// are put back as an interrupted process leaves them — status Running,
// runner_pid 0, the nodes the cancellation marked Aborted back to Running
// (or NotStarted when they never started) — so the next start resumes them
// (ResumeInterrupted). Queued ones are left Running with runner_pid 0 too.
//
// Approvals: an execution waiting for one holds no worker (engine.h); the
// watcher thread resumes it once its approval is decided or expired.
//
// Change notification (for server-sent events): every node change and log
// line of an execution run here bumps its change counter and wakes
// WaitForChange; watchers then read the store and the log files. Executions
// run elsewhere are not notified: watchers poll them with a timeout.
//
// Errors: Submit gives FailedPrecondition after Shutdown; Abort NotFound
// when the execution is not this queue's. A store failure while running is
// recorded on the execution (Errored) as `sluice run` does.
//
// Thread-safe. The dependencies must outlive the queue; the destructor
// shuts it down.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/cancellation.h"
#include "common/clock.h"
#include "engine/events.h"
#include "engine/step.h"
#include "runner/process.h"
#include "secrets/secret_store.h"
#include "server/launch.h"
#include "store/store.h"

namespace sluice::server {

struct ExecutionQueueDeps {
  store::Store& store;
  const secrets::SecretStore& secrets;
  const engine::StepRegistry& steps;
  runner::ProcessRunner& processes;
  const Clock& clock;
  // Makes the listener of one execution's events (notifications) for the
  // project it runs from; empty: none.
  std::function<std::unique_ptr<engine::ExecutionEventListener>(const pipeline::Project&)> events;
};

struct ExecutionQueueOptions {
  std::filesystem::path state_dir;
  int max_parallel = 2;  // at least 1
  bool sandbox = true;   // engine::EngineOptions::sandbox
  // How often the store is asked for `sluice abort` requests.
  std::chrono::milliseconds abort_poll{250};
};

class ExecutionQueue {
 public:
  ExecutionQueue(ExecutionQueueDeps deps, ExecutionQueueOptions options);
  ~ExecutionQueue();
  ExecutionQueue(const ExecutionQueue&) = delete;
  ExecutionQueue& operator=(const ExecutionQueue&) = delete;

  // Queues `launch` (already recorded) to run as `triggered_by`
  // (<+pipeline.triggeredBy>).
  Status Submit(Launch launch, std::string triggered_by);

  // Resumes every execution left Running by a process that is gone
  // (runner_pid not alive), as `sluice resume` does, queued in the order
  // they started. Returns their ids; one that cannot be resumed is skipped
  // with its reason in `problems` (optional).
  Result<std::vector<std::string>> ResumeInterrupted(const std::string& triggered_by,
                                                     std::vector<std::string>* problems = nullptr);

  // Resumes every execution waiting for an approval that has been decided
  // (by `sluice approve` or the API) or has passed its deadline, so that
  // its step finds the decision. Returns their ids. The queue's own watcher
  // thread calls it every `abort_poll`.
  Result<std::vector<std::string>> ResumeDecidedApprovals(const std::string& triggered_by);
  // Aborts execution `id` if it is queued or running here. `reason`
  // ("" = the usual words) becomes the execution's failure message.
  Status Abort(const std::string& id, const std::string& reason = "");

  // Whether `id` is waiting for a worker / running here.
  bool queued(const std::string& id) const;
  bool running(const std::string& id) const;

  // The change counter of `id` (0 for one that never changed here).
  uint64_t changes(const std::string& id) const;
  // Waits until the counter of `id` exceeds `seen`, Shutdown, or `timeout`;
  // returns the counter.
  uint64_t WaitForChange(const std::string& id, uint64_t seen,
                         std::chrono::milliseconds timeout) const;

  // Stops as described above and joins the workers. Idempotent.
  void Shutdown();
  bool shutting_down() const;

 private:
  struct Job {
    Launch launch;
    std::string triggered_by;
  };
  class Observer;

  void Work();
  void RunJob(Job& job, Cancellation& cancel);
  // Puts an execution the shutdown interrupted back as resumable.
  void MakeResumable(store::ExecutionRecord record, int64_t since_ms);
  void WatchAborts();
  void NoteChange(const std::string& id);

  // Constant after construction.
  ExecutionQueueDeps deps_;
  const ExecutionQueueOptions options_;

  mutable std::mutex mu_;
  mutable std::condition_variable work_cv_;       // queue_ grew, or stopping
  mutable std::condition_variable changed_cv_;    // a change counter grew, or stopping
  std::deque<Job> queue_;                         // guarded by mu_
  std::map<std::string, Cancellation*> running_;  // guarded by mu_; owned by the workers
  std::map<std::string, uint64_t> changes_;       // guarded by mu_
  std::map<std::string, std::string> abort_reasons_;  // guarded by mu_; running ones
  bool stopping_ = false;                         // guarded by mu_
  int64_t stop_ms_ = 0;                           // guarded by mu_

  Cancellation stop_watch_;  // ends WatchAborts
  std::vector<std::thread> workers_;
  std::thread abort_watcher_;
};

// Aborts `rec` the way the API does: through `queue` when it is queued or
// running there, otherwise AbortElsewhere (a run of another process, or one
// waiting for an approval, which no process holds). `reason` ("" = the
// usual words) becomes the failure message where this process ends the
// execution. Returns a sentence saying what happened.
Result<std::string> AbortExecutionAnywhere(ExecutionQueue& queue, store::Store& store,
                                           const store::ExecutionRecord& rec, const Clock& clock,
                                           const std::string& reason = "");

}  // namespace sluice::server
