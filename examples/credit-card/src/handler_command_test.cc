#include "handler_command.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/files.h"
#include "fake_runtime_api.h"
#include "ml/model_file.h"
#include "test_models.h"

namespace ccapproval {
namespace {

using testing::FakeRuntimeApi;

TEST(HandlerCommandTest, AnswersDirectAndUrlEventsWithTheSavedModel) {
  auto dir = sluice::TempDir::Create("ccapproval-handler-");
  ASSERT_TRUE(dir.ok());
  HandlerOptions options;
  options.model = dir->path() / "model.json";
  ASSERT_TRUE(sluice::ml::SaveModel(options.model, testing::TutorialFeaturesModel()).ok());
  const std::string application =
      R"({"Num_Children": 2, "Income": 500000, "Own_Car": 1, "Own_Housing": 1})";
  nlohmann::json url_event = {{"version", "2.0"},
                              {"requestContext", nlohmann::json::object()},
                              {"body", application},
                              {"isBase64Encoded", false}};
  FakeRuntimeApi api({{"direct-1", application, ""}, {"url-2", url_event.dump(), ""}});
  options.runtime_api = api.address();

  std::ostringstream err;
  // The handler serves until the API goes away (here: a 500 once the events
  // are used up), then exits 1.
  EXPECT_EQ(RunHandlerCommand(options, err), 1);
  EXPECT_NE(err.str().find("ccapproval handler: error: the Runtime API answered 500"),
            std::string::npos)
      << err.str();

  std::vector<FakeRuntimeApi::Request> requests = api.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[1].target, "/2018-06-01/runtime/invocation/direct-1/response");
  EXPECT_EQ(requests[1].body, R"({"statusCode": 200, "body": "{\"prediction\": 1}"})");
  EXPECT_EQ(requests[3].target, "/2018-06-01/runtime/invocation/url-2/response");
  EXPECT_EQ(requests[3].body,
            R"({"statusCode": 200, "headers": {"content-type": "application/json"}, )"
            R"("body": "{\"prediction\": 1}"})");
  EXPECT_EQ(api.connections(), 1);
}

TEST(HandlerCommandTest, MissingModelIsAnInitErrorAndExitsNonZero) {
  auto dir = sluice::TempDir::Create("ccapproval-handler-");
  ASSERT_TRUE(dir.ok());
  FakeRuntimeApi api({{"never", "{}", ""}});
  HandlerOptions options;
  options.model = dir->path() / "missing.json";
  options.runtime_api = api.address();
  std::ostringstream err;
  EXPECT_EQ(RunHandlerCommand(options, err), 1);
  EXPECT_NE(err.str().find("ccapproval handler: error: cannot load the model: "), std::string::npos)
      << err.str();

  std::vector<FakeRuntimeApi::Request> requests = api.requests();
  ASSERT_EQ(requests.size(), 1u) << "no invocation is taken";
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(requests[0].error_type, "Runtime.ModelLoadError");
  nlohmann::json body = nlohmann::json::parse(requests[0].body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << requests[0].body;
  EXPECT_EQ(body["errorType"], "Runtime.ModelLoadError");
  EXPECT_EQ(body["stackTrace"], nlohmann::json::array());
  EXPECT_NE(body["errorMessage"].get<std::string>().find("missing.json"), std::string::npos)
      << requests[0].body;
}

TEST(HandlerCommandTest, WithoutRuntimeApiItSaysWhereItRunsAndExitsNonZero) {
  HandlerOptions options;
  std::ostringstream err;
  EXPECT_EQ(RunHandlerCommand(options, err), 1);
  EXPECT_NE(err.str().find("AWS_LAMBDA_RUNTIME_API is not set"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("ccapproval predict --model /model/model.json"), std::string::npos)
      << err.str();
}

}  // namespace
}  // namespace ccapproval
