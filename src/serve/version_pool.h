// The instances of one function version and the invocations waiting for
// them: AWS Lambda's execution environments, on this machine.
//
// An instance is a process (the image's entrypoint, started through a
// runner::ProcessRunner -- in a bubblewrap sandbox over the image's root
// for real functions) that talks the Lambda Runtime API on a loopback port
// of its own, given to it as AWS_LAMBDA_RUNTIME_API=127.0.0.1:PORT:
//
//   GET  /2018-06-01/runtime/invocation/next          long poll; 200 with
//        the event and Lambda-Runtime-Aws-Request-Id, -Deadline-Ms (epoch
//        ms), -Invoked-Function-Arn, -Trace-Id
//   POST /2018-06-01/runtime/invocation/{id}/response 202; the result
//   POST /2018-06-01/runtime/invocation/{id}/error    202; a function error
//        (Lambda-Runtime-Function-Error-Type header, JSON body)
//   POST /2018-06-01/runtime/init/error               202; init failed
//
// Answers to mistakes: a request id this instance was never given 400, a
// second answer to the same id 403 (InvalidStateTransition), a response
// over max_response_bytes 413 (the caller gets
// Function.ResponseSizeTooLarge), unknown routes 404; error bodies are JSON
// {"errorMessage","errorType"} as Lambda's Runtime API sends.
//
// Scheduling: one invocation at a time per instance. An invocation goes to
// an idle instance (one waiting in /next); else to one without work that
// is starting or has just answered (it gets the event at its next /next);
// else to a new instance while fewer than `max_instances` exist (a cold
// start); else it waits in a FIFO queue of at most `max_queue` (beyond:
// kThrottled at once). An event an instance never received goes back to
// the queue when that instance exits after it started. An invocation not answered by its deadline
// (queue time included) fails with Sandbox.Timeout and its instance is
// killed; an instance that exits or reports an init error fails its
// invocation (Runtime.ExitError / Runtime.InitError) and is replaced by the
// next invocation that needs one. Instances idle longer than `idle_ttl`
// are stopped by Reap(). A pool never restarts instances on its own: a
// broken image fails each invocation once, with the reason.
//
// Memory: Reap() also samples each instance's processes from /proc
// (serve/instance_memory.h; also once when an instance first calls the
// Runtime API, never per invocation) and kills one whose peak is over
// `memory_mb`;
// its invocation fails with Runtime.OutOfMemory ("Runtime exited with
// error: signal: killed", as Lambda says) and the next invocation gets a
// new instance. The peak so far is the REPORT line's "Max Memory Used".
//
// Log tail: an invocation with `tail_log` gets the lines logged for it --
// START, what the instance wrote meanwhile, END and REPORT or the error --
// in InvocationOutcome::log, the last 4 KiB, as Lambda's LogType Tail. The
// instance's output comes through pipes and its calls over HTTP: for such
// an invocation both its event and its answer wait until the output the
// instance wrote before the call has been read (runner/output_barrier.h),
// so the tail holds exactly the lines written between the two -- not the
// start-up's, all of the handler's.
//
// Thread-safety: every public method may be called from any thread;
// `done` callbacks run on the server's I/O threads or the pool's own,
// never under the pool's lock, exactly once per invocation.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "net/http_server.h"
#include "runner/process.h"

namespace sluice::serve {

// What a caller gets back from one invocation.
struct InvocationOutcome {
  enum class Kind {
    kResponse,       // the function answered: `body` is its result
    kFunctionError,  // it posted /error: `body` is the error JSON, `error_type` its type
    kRuntimeError,   // timeout, crash, init error, oversize answer: `body` is the error JSON
    kThrottled,      // no instance and the queue is full
  };
  Kind kind = Kind::kResponse;
  std::string body;
  std::string error_type;  // "Function.Unhandled", "Sandbox.Timeout", "Runtime.ExitError"...
  std::chrono::microseconds init_duration{0};  // > 0 when a cold start served it
  std::string log;                             // with Invocation::tail_log: its log's last 4 KiB
};

struct Invocation {
  std::string request_id;  // a UUID
  std::string payload;     // the event
  std::string function_arn;
  std::string trace_id;  // "Root=1-...;Parent=...;Sampled=0"
  bool tail_log = false;  // collect its log into InvocationOutcome::log
  std::function<void(InvocationOutcome)> done;
};

struct VersionPoolOptions {
  std::string name;  // for logs: "creditcardapplicationlambda:3"
  // The instance process: argv, env, sandbox. The pool adds
  // AWS_LAMBDA_RUNTIME_API to env.
  runner::ProcessSpec process;
  std::chrono::milliseconds timeout{3000};  // per invocation
  int memory_mb = 128;                      // per instance, enforced by Reap(); 0: no limit
  int max_instances = 2;
  int max_queue = 1024;
  std::chrono::milliseconds idle_ttl{300'000};
  size_t max_response_bytes = 6 * 1024 * 1024;
  // Instance output lines and the pool's START/END/REPORT lines.
  std::function<void(std::string_view line)> log;
};

class VersionPool {
 public:
  // The Runtime API listeners go on `server`, which must outlive the pool
  // and allow request bodies above max_response_bytes (the pool answers
  // 413 itself). `runner` runs the instances.
  static std::shared_ptr<VersionPool> Create(VersionPoolOptions options, net::HttpServer& server,
                                             runner::ProcessRunner& runner);
  virtual ~VersionPool() = default;

  virtual void Invoke(Invocation invocation) = 0;
  // Fails overdue invocations (killing their instances), stops idle
  // instances and kills those over their memory size; call it periodically
  // (the runtime does every 100 ms).
  virtual void Reap(std::chrono::steady_clock::time_point now) = 0;
  // Stops every instance and fails what is queued or running
  // (Runtime.Shutdown); waits until the instance processes are gone.
  virtual void Shutdown() = 0;

  struct Stats {
    int instances = 0;  // alive (starting, idle or busy)
    int busy = 0;
    int queued = 0;
    int64_t cold_starts = 0;
  };
  virtual Stats stats() const = 0;
};

}  // namespace sluice::serve
