// A Lambda Runtime API for tests, on 127.0.0.1 and a free port, written
// with Boost.Beast: it hands out the events it was given to
// GET /2018-06-01/runtime/invocation/next in order (with the request-id,
// trace, ARN and deadline headers), answers every POST with
// `post_status`, records every request with the connection it came on,
// and once the events are used up answers /next with 500, which stops a
// runtime. One connection at a time, as a runtime uses it. The destructor
// stops the server (closing a connection still open) and joins its thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace ccapproval::testing {

struct FakeRuntimeApiOptions {
  int post_status = 202;
  bool close_connections = false;  // answer with Connection: close
};

class FakeRuntimeApi {
 public:
  struct Event {
    std::string request_id;
    std::string body;
    std::string trace_id;  // no Lambda-Runtime-Trace-Id header when empty
  };
  struct Request {
    int connection = 0;  // 0 for the first connection accepted, then 1...
    std::string method;
    std::string target;
    std::string body;
    std::string error_type;  // Lambda-Runtime-Function-Error-Type
  };
  explicit FakeRuntimeApi(std::vector<Event> events, FakeRuntimeApiOptions options = {});
  ~FakeRuntimeApi();
  FakeRuntimeApi(const FakeRuntimeApi&) = delete;
  FakeRuntimeApi& operator=(const FakeRuntimeApi&) = delete;

  std::string address() const;  // "127.0.0.1:PORT"
  // What was asked so far; complete once the runtime has stopped.
  std::vector<Request> requests() const;
  int connections() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace ccapproval::testing
