#include "runtime_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "common/text.h"

namespace ccapproval {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using sluice::Result;
using sluice::Status;

namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime";
// Lambda's synchronous payload limit, 6 MiB, and the emulator's slack.
constexpr uint64_t kMaxEventBytes = 6 * 1024 * 1024 + 100;
// The largest response the Runtime API takes: 6 MiB.
constexpr size_t kMaxResponseBytes = 6 * 1024 * 1024;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

Status BadApi(std::string_view api, const std::string& why) {
  return Status::InvalidArgument(
      "AWS_LAMBDA_RUNTIME_API must be IP:PORT, the Runtime API's "
      "loopback address such as 127.0.0.1:9001; got \"" +
      std::string(api) + "\": " + why);
}

Result<tcp::endpoint> ParseApi(std::string_view api) {
  const size_t colon = api.rfind(':');
  if (colon == std::string_view::npos) return BadApi(api, "no port");
  std::string_view host = api.substr(0, colon), port_text = api.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return BadApi(api, "the port must be a number from 1 to 65535");
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code bad;
  asio::ip::address address = asio::ip::make_address(std::string(host), bad);
  if (bad) return BadApi(api, "the host must be an IP address (names are not looked up)");
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

std::string ErrorBody(const FunctionError& error) {
  nlohmann::ordered_json body;
  body["errorMessage"] = error.message;
  body["errorType"] = error.type;
  body["stackTrace"] = nlohmann::ordered_json::array();
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool Accepted(int status) { return status >= 200 && status < 300; }

// The answer to GET /next as an invocation, or why it is none.
Result<Invocation> ToInvocation(Response response) {
  if (response.result_int() != 200) {
    std::string said =
        response.body().empty() ? "" : ": " + sluice::Abbreviate(response.body(), 200);
    return Status::IoError("the Runtime API answered " + std::to_string(response.result_int()) +
                           " to GET " + std::string(kPrefix) + "/invocation/next" + said);
  }
  Invocation invocation;
  invocation.request_id = std::string(response["Lambda-Runtime-Aws-Request-Id"]);
  if (invocation.request_id.empty()) {
    return Status::IoError(
        "the Runtime API sent an invocation without a "
        "Lambda-Runtime-Aws-Request-Id header");
  }
  invocation.event = std::move(response.body());
  invocation.trace_id = std::string(response["Lambda-Runtime-Trace-Id"]);
  invocation.function_arn = std::string(response["Lambda-Runtime-Invoked-Function-Arn"]);
  const auto deadline = response["Lambda-Runtime-Deadline-Ms"];
  int64_t ms = 0;
  auto [end, ec] = std::from_chars(deadline.data(), deadline.data() + deadline.size(), ms);
  if (ec == std::errc() && end == deadline.data() + deadline.size()) invocation.deadline_ms = ms;
  return invocation;
}

}  // namespace

struct RuntimeClient::Connection {
  std::string api;  // as given, for messages
  tcp::endpoint endpoint;
  asio::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;

  void Close() {
    boost::system::error_code ignored;
    socket.close(ignored);
    buffer.clear();
  }

  static std::string Describe(const Request& request) {
    return std::string(request.method_string()) + " " + std::string(request.target());
  }

  // Sends `requests` in one write (HTTP/1.1 pipelining) and reads their
  // answers in order over the kept connection. A connection the server
  // closed while it was idle shows as a failed write or an end of stream
  // before any answer: everything goes once more, on a new connection. A
  // server that closes the connection after an answer has not read what
  // followed: the rest goes again on a new connection (so every request
  // after the first must be safe to repeat, as GET /next is).
  Result<std::vector<Response>> RoundTrips(const std::vector<Request*>& requests) {
    for (Request* request : requests) {
      request->set(http::field::host, api);
      request->set(http::field::user_agent, "ccapproval");
      request->keep_alive(true);
      request->prepare_payload();
    }
    std::vector<Response> answers;
    bool retried = false;
    while (answers.size() < requests.size()) {
      const bool reused = socket.is_open();
      boost::system::error_code ec;
      if (!reused) {
        socket.connect(endpoint, ec);
        if (ec) {
          Close();
          return Status::IoError("cannot connect to the Runtime API at " + api + ": " +
                                 ec.message());
        }
        socket.set_option(tcp::no_delay(true), ec);
      }
      std::ostringstream wire;
      for (size_t i = answers.size(); i < requests.size(); ++i) wire << *requests[i];
      asio::write(socket, asio::buffer(wire.str()), ec);
      const size_t before = answers.size();
      bool closed = false;
      while (!ec && answers.size() < requests.size()) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(kMaxEventBytes);
        http::read(socket, buffer, parser, ec);
        if (ec) break;
        answers.push_back(parser.release());
        if (!answers.back().keep_alive()) {
          Close();
          closed = true;
          break;
        }
      }
      if (closed || answers.size() == requests.size()) continue;
      Close();
      const bool closed_by_server = ec == http::error::end_of_stream ||
                                    ec == asio::error::connection_reset ||
                                    ec == asio::error::broken_pipe;
      const bool progressed = answers.size() > before;
      if (closed_by_server && (progressed || (reused && !retried))) {
        retried = retried || !progressed;
        continue;
      }
      return Status::IoError("the Runtime API at " + api + " did not answer " +
                             Describe(*requests[answers.size()]) + ": " + ec.message());
    }
    return answers;
  }

  Result<Response> RoundTrip(Request& request) {
    SLUICE_ASSIGN_OR_RETURN(std::vector<Response> answers, RoundTrips({&request}));
    return std::move(answers.front());
  }

  static Request PostRequest(const std::string& path, const std::string& body,
                             const std::string& error_type) {
    Request request{http::verb::post, std::string(kPrefix) + path, 11};
    request.set(http::field::content_type, "application/json");
    if (!error_type.empty()) request.set("Lambda-Runtime-Function-Error-Type", error_type);
    request.body() = body;
    return request;
  }

  static Request NextRequest() {
    return Request{http::verb::get, std::string(kPrefix) + "/invocation/next", 11};
  }

  Result<int> Post(const std::string& path, const std::string& body,
                   const std::string& error_type) {
    Request request = PostRequest(path, body, error_type);
    SLUICE_ASSIGN_OR_RETURN(Response response, RoundTrip(request));
    return static_cast<int>(response.result_int());
  }

  // The post and GET /next in one round trip; *posted gets the post's
  // status.
  Result<Invocation> PostAndNext(const std::string& path, const std::string& body,
                                 const std::string& error_type, int* posted) {
    Request post = PostRequest(path, body, error_type);
    Request next = NextRequest();
    SLUICE_ASSIGN_OR_RETURN(std::vector<Response> answers, RoundTrips({&post, &next}));
    *posted = static_cast<int>(answers[0].result_int());
    return ToInvocation(std::move(answers[1]));
  }
};

RuntimeClient::RuntimeClient(std::unique_ptr<Connection> connection)
    : connection_(std::move(connection)) {}

RuntimeClient::~RuntimeClient() = default;

Result<std::unique_ptr<RuntimeClient>> RuntimeClient::Create(std::string_view api) {
  SLUICE_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ParseApi(api));
  auto connection = std::make_unique<Connection>();
  connection->api = std::string(api);
  connection->endpoint = endpoint;
  return std::unique_ptr<RuntimeClient>(new RuntimeClient(std::move(connection)));
}

Result<Invocation> RuntimeClient::Next() {
  Request request = Connection::NextRequest();
  SLUICE_ASSIGN_OR_RETURN(Response response, connection_->RoundTrip(request));
  return ToInvocation(std::move(response));
}

Result<Invocation> RuntimeClient::PostResponseAndNext(const std::string& request_id,
                                                      const std::string& body, int* posted) {
  return connection_->PostAndNext("/invocation/" + request_id + "/response", body, "", posted);
}

Result<Invocation> RuntimeClient::PostErrorAndNext(const std::string& request_id,
                                                   const FunctionError& error, int* posted) {
  return connection_->PostAndNext("/invocation/" + request_id + "/error", ErrorBody(error),
                                  error.type, posted);
}

Result<int> RuntimeClient::PostInitError(const FunctionError& error) {
  return connection_->Post("/init/error", ErrorBody(error), error.type);
}

namespace {

// The handler's answer, or what to post to /error instead.
std::pair<std::string, std::optional<FunctionError>> RunHandler(const InvocationHandler& handler,
                                                                const Invocation& invocation) {
  try {
    Result<std::string> result = handler(invocation);
    if (result.ok()) return {std::move(*result), std::nullopt};
    const Status& error = result.status();
    return {"", FunctionError{"Function." + std::string(sluice::StatusCodeName(error.code())),
                              error.message()}};
  } catch (const std::exception& e) {
    return {"", FunctionError{"Function.UnhandledException", e.what()}};
  } catch (...) {
    return {"", FunctionError{"Function.UnhandledException",
                              "the handler threw something that is not a std::exception"}};
  }
}

}  // namespace

Status ServeInvocations(RuntimeClient& client, const InvocationHandler& handler,
                        std::ostream& log) {
  Result<Invocation> next = client.Next();
  for (;;) {
    if (!next.ok()) return next.status();
    const Invocation invocation = *std::move(next);
    if (invocation.trace_id.empty()) {
      ::unsetenv("_X_AMZN_TRACE_ID");
    } else {
      ::setenv("_X_AMZN_TRACE_ID", invocation.trace_id.c_str(), 1);
    }
    auto [body, error] = RunHandler(handler, invocation);
    const std::string& id = invocation.request_id;
    if (!error && body.size() > kMaxResponseBytes) {
      log << "ccapproval handler: invocation " << id << ": the response (" << body.size()
          << " bytes) is larger than the Runtime API accepts; posting an error instead\n";
      error = FunctionError{"Function.ResponseSizeTooLarge",
                            "the response is " + std::to_string(body.size()) +
                                " bytes, more than the Runtime API accepts"};
    }
    const char* posted_to = error ? "error" : "response";
    int posted = 0;
    next = error ? client.PostErrorAndNext(id, *error, &posted)
                 : client.PostResponseAndNext(id, body, &posted);
    if (posted >= 500) {
      return Status::IoError("the Runtime API answered " + std::to_string(posted) + " to the " +
                             posted_to + " of invocation " + id + "; the runtime stops");
    }
    if (posted != 0 && !Accepted(posted)) {
      log << "ccapproval handler: invocation " << id << ": the Runtime API answered " << posted
          << " to its " << posted_to << "\n";
    }
  }
}

}  // namespace ccapproval
