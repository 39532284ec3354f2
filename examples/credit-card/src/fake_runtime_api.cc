#include "fake_runtime_api.h"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <thread>

namespace ccapproval::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

struct FakeRuntimeApi::State {
  // Constant after construction.
  std::vector<Event> events;
  FakeRuntimeApiOptions options;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  uint16_t port = 0;
  std::thread thread;

  std::atomic<bool> stopping{false};
  std::atomic<int> open_fd{-1};  // the connection being served, for the destructor

  mutable std::mutex mutex;
  std::vector<Request> requests;  // guarded by mutex
  int connections = 0;            // guarded by mutex

  size_t next_event = 0;  // the server thread's

  void Run() {
    for (;;) {
      tcp::socket socket(io);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      if (stopping || ec) return;
      int index;
      {
        std::lock_guard<std::mutex> lock(mutex);
        index = connections++;
      }
      open_fd = socket.native_handle();
      Serve(socket, index);
      open_fd = -1;
    }
  }

  void Serve(tcp::socket& socket, int index) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) return;
      {
        std::lock_guard<std::mutex> lock(mutex);
        requests.push_back({index, std::string(request.method_string()),
                            std::string(request.target()), request.body(),
                            std::string(request["Lambda-Runtime-Function-Error-Type"])});
      }
      http::response<http::string_body> response = Answer(request);
      response.keep_alive(request.keep_alive() && !options.close_connections);
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec || !response.keep_alive()) return;
    }
  }

  http::response<http::string_body> Answer(const http::request<http::string_body>& request) {
    http::response<http::string_body> response;
    response.version(11);
    response.set(http::field::content_type, "application/json");
    if (request.method() == http::verb::post) {
      response.result(options.post_status);
      response.body() = R"({"status":"OK"})";
    } else if (request.target() != "/2018-06-01/runtime/invocation/next") {
      response.result(http::status::not_found);
    } else if (next_event == events.size()) {
      response.result(http::status::internal_server_error);
      response.body() = R"({"errorMessage":"no more events","errorType":"Test.Done"})";
    } else {
      const Event& event = events[next_event++];
      response.result(http::status::ok);
      response.set("Lambda-Runtime-Aws-Request-Id", event.request_id);
      response.set("Lambda-Runtime-Deadline-Ms", "1700000000000");
      response.set("Lambda-Runtime-Invoked-Function-Arn",
                   "arn:aws:lambda:us-east-1:000000000000:function:creditcardapplicationlambda");
      if (!event.trace_id.empty()) response.set("Lambda-Runtime-Trace-Id", event.trace_id);
      response.body() = event.body;
    }
    return response;
  }
};

FakeRuntimeApi::FakeRuntimeApi(std::vector<Event> events, FakeRuntimeApiOptions options)
    : state_(std::make_unique<State>()) {
  state_->events = std::move(events);
  state_->options = options;
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
  state_->port = state_->acceptor.local_endpoint().port();
  state_->thread = std::thread([state = state_.get()] { state->Run(); });
}

FakeRuntimeApi::~FakeRuntimeApi() {
  state_->stopping = true;
  // Ends a connection the runtime left open, then wakes accept() with one
  // of our own.
  if (int fd = state_->open_fd.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
  asio::io_context io;
  tcp::socket wake(io);
  boost::system::error_code ignored;
  wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), state_->port), ignored);
  state_->thread.join();
}

std::string FakeRuntimeApi::address() const { return "127.0.0.1:" + std::to_string(state_->port); }

std::vector<FakeRuntimeApi::Request> FakeRuntimeApi::requests() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->requests;
}

int FakeRuntimeApi::connections() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->connections;
}

}  // namespace ccapproval::testing
