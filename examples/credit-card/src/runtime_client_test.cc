#include "runtime_client.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_runtime_api.h"

namespace ccapproval {
namespace {

using testing::FakeRuntimeApi;

constexpr char kNext[] = "/2018-06-01/runtime/invocation/next";

std::unique_ptr<RuntimeClient> Client(const FakeRuntimeApi& api) {
  auto client = RuntimeClient::Create(api.address());
  EXPECT_TRUE(client.ok()) << client.status().message();
  return std::move(*client);
}

// Runs the loop until the fake API has no more events (its 500 ends it).
sluice::Status Serve(const FakeRuntimeApi& api, const InvocationHandler& handler,
                     std::string* log = nullptr) {
  std::unique_ptr<RuntimeClient> client = Client(api);
  std::ostringstream out;
  sluice::Status s = ServeInvocations(*client, handler, out);
  if (log != nullptr) *log = out.str();
  return s;
}

sluice::Result<std::string> Echo(const Invocation& invocation) {
  return "answer to " + invocation.event;
}

TEST(RuntimeClientTest, TwoInvocationsOverOneConnectionAnswerToTheirRequestIds) {
  FakeRuntimeApi api({{"id-1", "{\"n\":1}", ""}, {"id-2", "{\"n\":2}", ""}});
  sluice::Status s = Serve(api, Echo);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("answered 500 to GET " + std::string(kNext)), std::string::npos)
      << s.message();

  std::vector<FakeRuntimeApi::Request> requests = api.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, kNext);
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].target, "/2018-06-01/runtime/invocation/id-1/response");
  EXPECT_EQ(requests[1].body, "answer to {\"n\":1}");
  EXPECT_EQ(requests[2].target, kNext);
  EXPECT_EQ(requests[3].target, "/2018-06-01/runtime/invocation/id-2/response");
  EXPECT_EQ(requests[3].body, "answer to {\"n\":2}");
  EXPECT_EQ(requests[4].target, kNext);
  for (const auto& request : requests) EXPECT_EQ(request.connection, 0) << request.target;
  EXPECT_EQ(api.connections(), 1);
}

TEST(RuntimeClientTest, HandlerErrorIsPostedToErrorAndTheLoopGoesOn) {
  FakeRuntimeApi api({{"id-1", "{}", ""}, {"id-2", "{}", ""}});
  int calls = 0;
  sluice::Status s = Serve(api, [&](const Invocation&) -> sluice::Result<std::string> {
    if (++calls == 1) return sluice::Status::InvalidArgument("feature \"Income\" is missing");
    return std::string("{}");
  });
  EXPECT_FALSE(s.ok());
  std::vector<FakeRuntimeApi::Request> requests = api.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[1].target, "/2018-06-01/runtime/invocation/id-1/error");
  EXPECT_EQ(requests[1].error_type, "Function.InvalidArgument");
  EXPECT_EQ(requests[1].body, R"({"errorMessage":"feature \"Income\" is missing",)"
                              R"("errorType":"Function.InvalidArgument","stackTrace":[]})");
  EXPECT_EQ(requests[3].target, "/2018-06-01/runtime/invocation/id-2/response");
  EXPECT_EQ(requests[3].error_type, "");
}

TEST(RuntimeClientTest, HandlerExceptionIsPostedAsAnUnhandledException) {
  FakeRuntimeApi api({{"id-1", "{}", ""}});
  sluice::Status s = Serve(api, [](const Invocation&) -> sluice::Result<std::string> {
    throw std::runtime_error("out of model");
  });
  EXPECT_FALSE(s.ok());
  std::vector<FakeRuntimeApi::Request> requests = api.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].target, "/2018-06-01/runtime/invocation/id-1/error");
  EXPECT_EQ(requests[1].error_type, "Function.UnhandledException");
  nlohmann::json body = nlohmann::json::parse(requests[1].body, nullptr, false);
  EXPECT_EQ(body, nlohmann::json({{"errorMessage", "out of model"},
                                  {"errorType", "Function.UnhandledException"},
                                  {"stackTrace", nlohmann::json::array()}}));
}

TEST(RuntimeClientTest, InvocationCarriesTheHeadersAndTheTraceIdIsExported) {
  FakeRuntimeApi api(
      {{"id-1", "{}", "Root=1-5e1b4151-5ac6c58f;Parent=1;Sampled=1"}, {"id-2", "{}", ""}});
  std::vector<Invocation> seen;
  std::vector<std::string> trace_env;
  sluice::Status s = Serve(api, [&](const Invocation& invocation) -> sluice::Result<std::string> {
    seen.push_back(invocation);
    const char* trace = std::getenv("_X_AMZN_TRACE_ID");
    trace_env.push_back(trace == nullptr ? "<unset>" : trace);
    return std::string("{}");
  });
  EXPECT_FALSE(s.ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].request_id, "id-1");
  EXPECT_EQ(seen[0].event, "{}");
  EXPECT_EQ(seen[0].deadline_ms, 1700000000000);
  EXPECT_EQ(seen[0].function_arn,
            "arn:aws:lambda:us-east-1:000000000000:function:creditcardapplicationlambda");
  EXPECT_EQ(seen[0].trace_id, "Root=1-5e1b4151-5ac6c58f;Parent=1;Sampled=1");
  EXPECT_EQ(trace_env[0], "Root=1-5e1b4151-5ac6c58f;Parent=1;Sampled=1");
  EXPECT_EQ(trace_env[1], "<unset>");
}

TEST(RuntimeClientTest, ResponseAndTheNextRequestLeaveTogether) {
  FakeRuntimeApi api({{"id-1", "{}", ""}, {"id-2", "{}", ""}});
  std::vector<size_t> seen_by_handler;
  sluice::Status s = Serve(api, [&](const Invocation& invocation) -> sluice::Result<std::string> {
    seen_by_handler.push_back(api.requests().size());
    return Echo(invocation);
  });
  EXPECT_FALSE(s.ok());
  // The second invocation arrived in answer to the GET that went out with
  // the first response: the API had seen three requests by then.
  EXPECT_EQ(seen_by_handler, (std::vector<size_t>{1, 3}));
}

TEST(RuntimeClientTest, ServerErrorToAPostStopsTheLoop) {
  FakeRuntimeApi api({{"id-1", "{}", ""}, {"id-2", "{}", ""}}, {.post_status = 500});
  sluice::Status s = Serve(api, Echo);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("answered 500 to the response of invocation id-1"), std::string::npos)
      << s.message();
  // The GET that went with the post was answered, but not acted on.
  EXPECT_EQ(api.requests().size(), 3u);
}

TEST(RuntimeClientTest, RefusedResponseIsLoggedAndTheLoopGoesOn) {
  FakeRuntimeApi api({{"id-1", "{}", ""}, {"id-2", "{}", ""}}, {.post_status = 403});
  std::string log;
  sluice::Status s = Serve(api, Echo, &log);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(api.requests().size(), 5u);
  EXPECT_NE(log.find("invocation id-1: the Runtime API answered 403 to its response"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("answer to"), std::string::npos) << "the response is not logged: " << log;
}

TEST(RuntimeClientTest, TooLargeResponseIsPostedAsAnError) {
  FakeRuntimeApi api({{"id-1", "{}", ""}});
  std::string log;
  sluice::Status s = Serve(
      api,
      [](const Invocation&) -> sluice::Result<std::string> {
        return std::string(6 * 1024 * 1024 + 1, 'x');
      },
      &log);
  EXPECT_FALSE(s.ok());
  std::vector<FakeRuntimeApi::Request> requests = api.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].target, "/2018-06-01/runtime/invocation/id-1/error");
  EXPECT_EQ(requests[1].error_type, "Function.ResponseSizeTooLarge");
  EXPECT_NE(log.find("larger than the Runtime API accepts"), std::string::npos) << log;
}

TEST(RuntimeClientTest, ResponseTheApiFindsTooLargeIsLogged) {
  FakeRuntimeApi api({{"id-1", "{}", ""}}, {.post_status = 413});
  std::string log;
  sluice::Status s = Serve(api, Echo, &log);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(api.requests().size(), 3u);
  EXPECT_NE(log.find("invocation id-1: the Runtime API answered 413 to its response"),
            std::string::npos)
      << log;
}

TEST(RuntimeClientTest, ConnectionClosedByTheServerIsOpenedAgain) {
  FakeRuntimeApi api({{"id-1", "{}", ""}, {"id-2", "{}", ""}}, {.close_connections = true});
  sluice::Status s = Serve(api, Echo);
  EXPECT_NE(s.message().find("answered 500"), std::string::npos) << s.message();
  std::vector<FakeRuntimeApi::Request> requests = api.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[3].target, "/2018-06-01/runtime/invocation/id-2/response");
  EXPECT_EQ(api.connections(), 5);
}

TEST(RuntimeClientTest, InitErrorGoesToInitErrorWithItsType) {
  FakeRuntimeApi api({});
  std::unique_ptr<RuntimeClient> client = Client(api);
  sluice::Result<int> status =
      client->PostInitError({"Runtime.ModelLoadError", "cannot load the model"});
  ASSERT_TRUE(status.ok()) << status.status().message();
  EXPECT_EQ(*status, 202);
  std::vector<FakeRuntimeApi::Request> requests = api.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(requests[0].error_type, "Runtime.ModelLoadError");
  EXPECT_EQ(requests[0].body,
            R"({"errorMessage":"cannot load the model","errorType":"Runtime.ModelLoadError",)"
            R"("stackTrace":[]})");
}

TEST(RuntimeClientTest, ApiAddressMustBeAnIpOrLocalhostWithAPort) {
  for (const char* bad : {"runtime.internal:9001", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0",
                          "127.0.0.1:70000", "127.0.0.1:90x"}) {
    auto client = RuntimeClient::Create(bad);
    ASSERT_FALSE(client.ok()) << bad;
    EXPECT_EQ(client.status().code(), sluice::StatusCode::kInvalidArgument);
    EXPECT_NE(client.status().message().find("AWS_LAMBDA_RUNTIME_API must be IP:PORT"),
              std::string::npos)
        << client.status().message();
  }
  for (const char* good : {"127.0.0.1:9001", "localhost:9001", "[::1]:9001"}) {
    EXPECT_TRUE(RuntimeClient::Create(good).ok()) << good;
  }
}

TEST(RuntimeClientTest, UnreachableApiIsAnIoErrorNamingIt) {
  // A port that was free a moment ago and has no listener now.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const std::string api = "127.0.0.1:" + std::to_string(probe.local_endpoint().port());
  probe.close();
  auto client = RuntimeClient::Create(api);
  ASSERT_TRUE(client.ok());
  sluice::Result<Invocation> next = (*client)->Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), sluice::StatusCode::kIoError);
  EXPECT_NE(next.status().message().find("cannot connect to the Runtime API at " + api),
            std::string::npos)
      << next.status().message();
}

}  // namespace
}  // namespace ccapproval
