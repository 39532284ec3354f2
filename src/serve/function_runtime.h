// The function runtime: resolves an invocation's function and qualifier to
// a version, runs it on that version's instances (serve/version_pool.h)
// and answers the way AWS Lambda's Invoke API does.
//
// Qualifiers: "" or "$LATEST" is the function's current configuration; a
// number is that published version; anything else is an alias, which picks
// its version per invocation -- its additional version with probability
// additional_weight, else its main one. What the store says is read once
// per function and qualifier and re-read in the background every
// `refresh` (a deploy from another process is seen that soon), so an
// invocation never waits on the store for a function seen before.
// A changed $LATEST gets new instances; the old ones finish and are reaped.
//
// Answers (InvokeResult::status is the Invoke API's HTTP status):
//   200  the function answered; also a function error, a timeout, a crash
//        or an init error, with function_error "Unhandled" and the error
//        JSON as the body (Lambda's X-Amz-Function-Error)
//   404  ResourceNotFoundException: no such function, version or alias
//   413  RequestEntityTooLargeException: an event over 6 MiB
//   429  TooManyRequestsException: every instance busy and the queue full;
//        or, at once and never queued, as many invocations of the function
//        running as its reserved concurrency -- counted over all its
//        versions and aliases, the setting being $LATEST's as in Lambda --
//        with body {"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded",
//        "Type":"User","message":"Rate Exceeded."}
//   500  ServiceException: the version cannot run here (image missing...)
// Error bodies other than the function's own are {"Type":"User"|"Service",
// "message":"..."} with Lambda's exception name in error_type.
//
// Each invocation is logged to the function's log (function_log.h: START,
// END, REPORT and the instance's own lines) and, sampled at most
// `records_per_second` per function and capped at `keep_invocations` per
// function, recorded in the store (InvocationRecord) with its input
// features and prediction for monitoring.
//
// Thread-safe. `done` runs once, on an internal or I/O thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "net/http_server.h"
#include "runner/process.h"
#include "serve/version_pool.h"
#include "store/store.h"

namespace sluice::serve {

// The request bodies a server carrying Runtime API listeners must take: the
// pool itself refuses answers over 6 MiB with Lambda's error.
inline constexpr size_t kRuntimeApiMaxBody = 16 * 1024 * 1024;

// One finished invocation that ran on a version, for counters kept
// elsewhere (monitor/invocation_metrics.h). Invocations refused before a
// version was chosen (an unknown function) are not reported.
struct InvocationEvent {
  std::string function;
  std::string qualifier;  // as asked ("$LATEST" when empty)
  std::string version;    // executed: "$LATEST" or "3"
  std::chrono::microseconds latency{0};
  int status = 200;        // the Invoke API's status
  std::string error_type;  // "" when the function answered
};

struct RuntimeOptions {
  std::filesystem::path state_dir;    // images/, rootfs/, functions/logs/
  // 0: twice the number of cores. An instance waits on its Runtime API
  // round trips, so a core keeps two busy.
  int max_instances_per_version = 0;
  int max_queue_per_version = 1024;
  std::chrono::milliseconds idle_ttl{300'000};
  std::chrono::milliseconds refresh{500};  // 0: read the store for every invocation
  int records_per_second = 50;    // per function
  int keep_invocations = 10'000;  // per function
  size_t record_bytes = 4096;     // of input and of output, per record
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  // Runs the instances (a LocalProcessRunner when null; must outlive the
  // runtime).
  runner::ProcessRunner* processes = nullptr;
  // Serves the instances' Runtime API listeners: a server of its own when
  // null; else this one (must outlive the runtime and take request bodies
  // above 6 MiB), so the invoke routes and the Runtime API share its I/O
  // threads instead of handing each invocation between two servers.
  net::HttpServer* runtime_api_server = nullptr;
  // Makes a version's instance process; FunctionInstanceSpec when empty.
  std::function<Result<runner::ProcessSpec>(const std::string& function, const std::string& version,
                                            const store::FunctionConfig& config)>
      instance_spec;
  // Told of every invocation that ran, on the thread that finished it (it
  // must be quick and thread-safe); none when empty.
  std::function<void(const InvocationEvent&)> observe;
};

struct InvokeRequest {
  std::string function;
  std::string qualifier;  // "", "$LATEST", "3" or an alias
  std::string payload;    // the event (JSON)
  std::string trace_id;   // X-Amzn-Trace-Id; a new one when empty
  // What to record as the input features (a function URL's body rather
  // than its envelope); the payload when empty.
  std::string features;
  // Lambda's LogType Tail: the invocation's log comes back in
  // InvokeResult::log_tail.
  bool tail_log = false;
};

struct InvokeResult {
  int status = 200;
  std::string body;
  std::string executed_version;  // "$LATEST" or "3"; "" when none ran
  std::string function_error;    // "Unhandled" or ""
  std::string error_type;        // "Function.Unhandled", "ResourceNotFoundException"...
  std::string request_id;
  // With InvokeRequest::tail_log: the last 4 KiB of the invocation's log
  // (START, the function's output, END and REPORT, or the error).
  std::string log_tail;
};

class FunctionRuntime {
 public:
  // `store` must outlive the runtime.
  static Result<std::unique_ptr<FunctionRuntime>> Start(store::Store& store,
                                                        RuntimeOptions options);
  virtual ~FunctionRuntime() = default;

  virtual void Invoke(InvokeRequest request, std::function<void(InvokeResult)> done) = 0;
  InvokeResult InvokeAndWait(InvokeRequest request);

  // The ARN Lambda would give `function` (qualified when `qualifier` is set).
  virtual std::string Arn(const std::string& function, const std::string& qualifier) const = 0;

  // Stops every instance (failing what runs) and the background threads;
  // writes the invocation records still buffered. The destructor calls it.
  virtual void Shutdown() = 0;
};

}  // namespace sluice::serve
