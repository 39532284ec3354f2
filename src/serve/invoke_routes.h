// The HTTP face of the function runtime, served by `sluice functions serve`
// and `sluice server`:
//
//   POST /2015-03-31/functions/{name}/invocations[?Qualifier=Q]
//        Lambda's Invoke API. The body is the event; the answer is the
//        function's result with X-Amz-Executed-Version, X-Amzn-RequestId
//        and, for a function error, X-Amz-Function-Error: Unhandled.
//        X-Amz-Log-Type: Tail adds X-Amz-Log-Result, base64 of the last
//        4 KiB of the invocation's log (START, its output, END, REPORT).
//        X-Amz-Invocation-Type: Event answers 202 at once and runs it;
//        DryRun answers 204 once the function and qualifier resolve. The
//        name "function" (the Runtime Interface Emulator's only route)
//        means the one function there is, when there is exactly one.
//   ANY  /fn/{name}                 function URL of $LATEST
//   ANY  /fn/{name}/{alias}[/path]  function URL of an alias ({alias} may
//        be $LATEST); payload format 2.0 (serve/function_url.h), rawPath
//        the part after the alias ("/" at least). A function error is a
//        502 {"Message":"Internal Server Error"}, a throttle 429, an
//        unknown function or alias 404, as AWS's function URLs answer.
//
// HandleInvokeRoute answers the request and returns true when it is one of
// these routes; false (nothing sent) otherwise. Thread-safe.
#pragma once

#include <memory>

#include "net/http_server.h"
#include "serve/function_runtime.h"

namespace sluice::serve {

bool HandleInvokeRoute(FunctionRuntime& runtime, store::Store& store,
                       const net::HttpRequest& request,
                       const std::shared_ptr<net::Responder>& responder);

}  // namespace sluice::serve
