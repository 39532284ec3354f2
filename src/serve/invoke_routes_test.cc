#include "serve/invoke_routes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/clock.h"
#include "oci/registry_http.h"
#include "serve/deploy.h"
#include "serve/test_runtime.h"
#include "store/store_test_util.h"

namespace sluice::serve {
namespace {

using namespace std::chrono_literals;

// The routes on a real HTTP server, called over HTTP with libcurl; the
// function's instances run src/serve/testdata/test_runtime.py.
class InvokeRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HavePython()) GTEST_SKIP() << "needs /usr/bin/python3";
    store_ = store::testing::OpenOrDie(dir_.path());
    net::HttpServerOptions server_options;
    server_options.max_body_bytes = kRuntimeApiMaxBody;
    server_ = net::HttpServer::Create(server_options);
    RuntimeOptions o;
    o.state_dir = dir_.path();
    o.refresh = 0ms;
    o.runtime_api_server = server_.get();
    o.instance_spec = testing::TestInstanceSpec;
    auto runtime = FunctionRuntime::Start(*store_, o);
    ASSERT_TRUE(runtime.ok());
    runtime_ = std::move(*runtime);
    auto listener = server_->Listen(
        "127.0.0.1", 0,
        [this](net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
          if (!HandleInvokeRoute(*runtime_, *store_, request, responder)) {
            responder->Send(net::HttpResponse::Text(404, "not ours"));
          }
        },
        &port_);
    ASSERT_TRUE(listener.ok());

    Publish();
  }
  // A new version of "fn" behind the alias "live": its instances start cold.
  void Publish() {
    DeployPlan plan;
    plan.function = "fn";
    plan.config.image = "test:1";
    plan.config.image_digest = "sha256:" + std::string(64, 'a');
    plan.config.timeout_s = 10;
    plan.config.env = {{"PUBLISHED", std::to_string(++published_)}};
    plan.aliases = {"live"};
    ASSERT_TRUE(Deploy(store_->functions(), plan, DefaultClock().NowMillis()).ok());
  }
  void TearDown() override {
    if (runtime_) runtime_->Shutdown();
    if (server_) server_->Stop();
  }

  oci::HttpResponse Call(const std::string& method, const std::string& path,
                         const std::string& body, std::map<std::string, std::string> headers = {}) {
    oci::HttpRequest r;
    r.method = method;
    r.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    r.body = body;
    r.headers = std::move(headers);
    auto response = transport_->Send(r);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : oci::HttpResponse{};
  }

  TempDir dir_ = store::testing::MakeStateDir();
  int published_ = 0;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<net::HttpServer> server_;
  std::unique_ptr<FunctionRuntime> runtime_;
  std::unique_ptr<oci::HttpTransport> transport_ = oci::NewCurlTransport(std::chrono::seconds(30));
  uint16_t port_ = 0;
};

TEST_F(InvokeRoutesTest, TheInvokeApiAnswersWithLambdasHeaders) {
  oci::HttpResponse r =
      Call("POST", "/2015-03-31/functions/fn/invocations?Qualifier=live", R"({"echo": 1})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-amz-executed-version"), "1");
  EXPECT_FALSE(r.header("x-amzn-requestid").empty());
  EXPECT_EQ(nlohmann::json::parse(r.body)["echo"], 1);

  oci::HttpResponse error =
      Call("POST", "/2015-03-31/functions/fn/invocations", R"({"error": "bad"})");
  EXPECT_EQ(error.status, 200);
  EXPECT_EQ(error.header("x-amz-function-error"), "Unhandled");
  EXPECT_EQ(error.header("x-amz-executed-version"), "$LATEST");

  oci::HttpResponse missing = Call("POST", "/2015-03-31/functions/nope/invocations", "{}");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("x-amzn-errortype"), "ResourceNotFoundException");
}

TEST_F(InvokeRoutesTest, DryRunAndEventInvocationsAnswerAtOnce) {
  oci::HttpResponse dry = Call("POST", "/2015-03-31/functions/fn/invocations", "{}",
                               {{"X-Amz-Invocation-Type", "DryRun"}});
  EXPECT_EQ(dry.status, 204);
  oci::HttpResponse event = Call("POST", "/2015-03-31/functions/fn/invocations", R"({"echo": 2})",
                                 {{"X-Amz-Invocation-Type", "Event"}});
  EXPECT_EQ(event.status, 202);
  // The emulator's route name "function" is the only function there is.
  oci::HttpResponse only =
      Call("POST", "/2015-03-31/functions/function/invocations", R"({"echo": 3})");
  EXPECT_EQ(only.status, 200) << only.body;
}

TEST_F(InvokeRoutesTest, AFunctionUrlSendsTheVersion2EventAndReturnsTheJsonAnswer) {
  oci::HttpResponse r = Call("POST", "/fn/fn/live/predict?x=1", R"({"echo": "via url"})",
                             {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("x-amz-executed-version"), "1");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["echo"], "via url");
  EXPECT_EQ(body["path"], "/predict");

  oci::HttpResponse latest = Call("POST", "/fn/fn", R"({"echo": 1})");
  EXPECT_EQ(latest.header("x-amz-executed-version"), "$LATEST");
  EXPECT_EQ(nlohmann::json::parse(latest.body)["path"], "/");

  oci::HttpResponse error = Call("POST", "/fn/fn", R"({"error": "boom"})");
  EXPECT_EQ(error.status, 502) << error.body;
  EXPECT_EQ(nlohmann::json::parse(error.body)["Message"], "Internal Server Error");
  oci::HttpResponse missing = Call("GET", "/fn/fn/nosuchalias", "");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Call("GET", "/elsewhere", "").status, 404);
  EXPECT_EQ(Call("GET", "/elsewhere", "").body, "not ours");
}

// The instance's output comes through a pipe and its calls over HTTP; the
// tail holds exactly what it wrote between its event and its answer: not
// its start-up ("runtime started", written just before it first asked for
// work, on a cold instance), and the line it printed just before
// answering. Repeated, each time on a new version's cold instance, as a
// lagging pipe would show only now and then.
TEST_F(InvokeRoutesTest, LogTypeTailReturnsTheInvocationsLogInBase64) {
  for (int round = 0; round < 5; ++round) {
    if (round > 0) Publish();
    oci::HttpResponse r =
        Call("POST", "/2015-03-31/functions/fn/invocations?Qualifier=live",
             R"({"print": "scoring one applicant", "echo": 1})", {{"X-Amz-Log-Type", "Tail"}});
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string rid(r.header("x-amzn-requestid"));
    auto log = Base64Decode(r.header("x-amz-log-result"));
    ASSERT_TRUE(log.ok()) << r.header("x-amz-log-result");
    EXPECT_TRUE(log->starts_with("START RequestId: " + rid + " Version: ")) << *log;
    EXPECT_NE(log->find("scoring one applicant\n"), std::string::npos) << *log;
    EXPECT_NE(log->find("END RequestId: " + rid + "\n"), std::string::npos) << *log;
    EXPECT_NE(log->find("REPORT RequestId: " + rid + "\tDuration: "), std::string::npos) << *log;
    EXPECT_NE(log->find("\tMax Memory Used: "), std::string::npos) << *log;
    EXPECT_EQ(log->find("runtime started"), std::string::npos) << "not this invocation's: " << *log;
  }
  // A warm instance: the earlier invocation's lines are not this one's.
  ASSERT_EQ(Call("POST", "/2015-03-31/functions/fn/invocations?Qualifier=live",
                 R"({"print": "an earlier applicant", "echo": 1})")
                .status,
            200);
  oci::HttpResponse warm =
      Call("POST", "/2015-03-31/functions/fn/invocations?Qualifier=live",
           R"({"print": "the next applicant", "echo": 1})", {{"X-Amz-Log-Type", "Tail"}});
  auto warm_log = Base64Decode(warm.header("x-amz-log-result"));
  ASSERT_TRUE(warm_log.ok());
  EXPECT_NE(warm_log->find("the next applicant\n"), std::string::npos) << *warm_log;
  EXPECT_EQ(warm_log->find("an earlier applicant"), std::string::npos) << *warm_log;

  // Only the last 4 KiB.
  const std::string long_line(3000, 'y');
  oci::HttpResponse chatty =
      Call("POST", "/2015-03-31/functions/fn/invocations",
           nlohmann::json{{"print", long_line + "\n" + long_line}, {"sleep", 0.2}}.dump(),
           {{"X-Amz-Log-Type", "Tail"}});
  auto chatty_log = Base64Decode(chatty.header("x-amz-log-result"));
  ASSERT_TRUE(chatty_log.ok());
  EXPECT_EQ(chatty_log->size(), 4096u);
  EXPECT_NE(chatty_log->find("REPORT RequestId: "), std::string::npos);

  oci::HttpResponse plain =
      Call("POST", "/2015-03-31/functions/fn/invocations?Qualifier=live", R"({"echo": 1})");
  EXPECT_TRUE(plain.header("x-amz-log-result").empty());
}

}  // namespace
}  // namespace sluice::serve
