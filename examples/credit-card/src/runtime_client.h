// The function side of the Lambda Runtime API: what a custom runtime's
// bootstrap does (AWS Lambda, and sluice's function runtime, which serves
// the same API on loopback).
//
// RuntimeClient speaks HTTP/1.1 to the API at AWS_LAMBDA_RUNTIME_API
// ("HOST:PORT"; paths under /2018-06-01) over one keep-alive connection,
// reused for every call and opened again only when the server closed it.
// GET /runtime/invocation/next waits as long as the server takes (no
// timeout: it is a long poll). The host must be an IP address or
// "localhost": a static program cannot look names up (glibc's resolver
// loads NSS modules at run time), and the API is always on loopback.
//
// ServeInvocations is the runtime's loop: next -> handler -> response, one
// invocation at a time, for as long as the API answers; each response
// goes out together with the request for the next event. A response over
// 6 MiB is posted as a Function.ResponseSizeTooLarge error. A handler's error
// (or exception) is posted to /error, with errorType and the
// Lambda-Runtime-Function-Error-Type header "Function.<StatusCodeName>"
// ("Function.UnhandledException" for an exception), and the loop goes on.
// It returns the error that ended it: the API unreachable, or an answer
// other than 200 to /next or a 500 to a post (the runtime should exit).
// Nothing of an event or a response is logged.
//
// Errors are values; no exception leaves this module. Not thread-safe: one
// client per runtime process.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ccapproval {

struct Invocation {
  std::string request_id;    // Lambda-Runtime-Aws-Request-Id
  std::string event;         // the body of /next, as sent
  std::string trace_id;      // Lambda-Runtime-Trace-Id, "" when absent
  std::string function_arn;  // Lambda-Runtime-Invoked-Function-Arn
  int64_t deadline_ms = 0;   // Lambda-Runtime-Deadline-Ms (Unix epoch ms), 0 when absent
};

// What /error and /init/error receive: {"errorMessage", "errorType",
// "stackTrace": []}. `type` is "Function.<Reason>" or "Runtime.<Reason>".
struct FunctionError {
  std::string type;
  std::string message;
};

class RuntimeClient {
 public:
  // `api` is AWS_LAMBDA_RUNTIME_API's value; InvalidArgument naming it when
  // it is not IP:PORT or localhost:PORT. Connects on first use.
  static sluice::Result<std::unique_ptr<RuntimeClient>> Create(std::string_view api);
  ~RuntimeClient();
  RuntimeClient(const RuntimeClient&) = delete;
  RuntimeClient& operator=(const RuntimeClient&) = delete;

  // Waits for the next invocation.
  sluice::Result<Invocation> Next();
  // Post the invocation's result (its response, or an error) with GET /next
  // in the same write (HTTP/1.1 pipelining): one round trip answers an
  // invocation and fetches the next one. *posted gets the status the API
  // answered to the post (202 when accepted; 0 when no answer came);
  // IoError when the API could not be asked.
  sluice::Result<Invocation> PostResponseAndNext(const std::string& request_id,
                                                 const std::string& body, int* posted);
  sluice::Result<Invocation> PostErrorAndNext(const std::string& request_id,
                                              const FunctionError& error, int* posted);
  // Before the first Next: initialisation failed (the runtime exits next).
  // Returns the HTTP status the API answered.
  sluice::Result<int> PostInitError(const FunctionError& error);

 private:
  struct Connection;
  explicit RuntimeClient(std::unique_ptr<Connection> connection);
  std::unique_ptr<Connection> connection_;
};

// The result of one invocation: the response body, or an error for /error.
using InvocationHandler = std::function<sluice::Result<std::string>(const Invocation&)>;

// Serves invocations until the API fails; see the contract above. Exports
// each invocation's trace id as _X_AMZN_TRACE_ID while it runs. Problems
// that do not end the loop (a response the API refused) go to `log`.
sluice::Status ServeInvocations(RuntimeClient& client, const InvocationHandler& handler,
                                std::ostream& log);

}  // namespace ccapproval
