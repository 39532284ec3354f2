#include "handler.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/base64.h"
#include "test_models.h"

namespace ccapproval {
namespace {

using nlohmann::json;

constexpr char kTutorialEvent[] =
    R"({"Num_Children": 2, "Income": 500000, "Own_Car": 1, "Own_Housing": 1})";

const sluice::ml::ModelFile& Model() {
  static const sluice::ml::ModelFile model = testing::TutorialFeaturesModel();
  return model;
}

// A function-URL event (payload format 2.0) around `body`.
std::string UrlEvent(const json& body, bool base64 = false) {
  json event = {{"version", "2.0"},
                {"routeKey", "$default"},
                {"rawPath", "/"},
                {"headers", {{"content-type", "application/json"}}},
                {"requestContext", {{"http", {{"method", "POST"}, {"path", "/"}}}}},
                {"isBase64Encoded", base64}};
  if (!body.is_null()) event["body"] = body;
  return event.dump();
}

// The message of a 400 answer, checking its shape on the way.
std::string BadRequestMessage(const std::string& response, bool url_event) {
  json parsed = json::parse(response, nullptr, false);
  EXPECT_TRUE(parsed.is_object()) << response;
  EXPECT_EQ(parsed["statusCode"], 400) << response;
  EXPECT_EQ(parsed.contains("headers"), url_event) << response;
  json body = json::parse(parsed.value("body", ""), nullptr, false);
  EXPECT_TRUE(body.is_object() && body.size() == 1 && body["message"].is_string()) << response;
  return body.is_object() ? body.value("message", "") : "";
}

TEST(HandlerTest, TutorialTestEventGetsTheTutorialsAnswer) {
  EXPECT_EQ(HandleEvent(Model(), kTutorialEvent),
            R"({"statusCode": 200, "body": "{\"prediction\": 1}"})");
}

TEST(HandlerTest, DirectEventIsScoredAsPredictScoresIt) {
  EXPECT_EQ(HandleEvent(Model(), R"({"Num_Children": 0, "Income": 12000, "Own_Car": 0,)"
                                 R"( "Own_Housing": 0, "Group": 1})"),
            R"({"statusCode": 200, "body": "{\"prediction\": 0}"})");
}

TEST(HandlerTest, FunctionUrlEventReadsTheBodyAndAnswersJson) {
  EXPECT_EQ(HandleEvent(Model(), UrlEvent(kTutorialEvent)),
            R"({"statusCode": 200, "headers": {"content-type": "application/json"}, )"
            R"("body": "{\"prediction\": 1}"})");
}

TEST(HandlerTest, FunctionUrlEventWithBase64Body) {
  std::string event = UrlEvent(sluice::Base64Encode(kTutorialEvent), true);
  EXPECT_EQ(HandleEvent(Model(), event),
            R"({"statusCode": 200, "headers": {"content-type": "application/json"}, )"
            R"("body": "{\"prediction\": 1}"})");
}

TEST(HandlerTest, EventThatIsNotJsonIs400) {
  std::string message = BadRequestMessage(HandleEvent(Model(), "Income=500000"), false);
  EXPECT_NE(message.find("the event is not valid JSON"), std::string::npos) << message;
  EXPECT_EQ(message.find("500000"), std::string::npos) << "the input is not quoted: " << message;
}

TEST(HandlerTest, EventThatIsNotAnObjectIs400) {
  std::string message = BadRequestMessage(HandleEvent(Model(), "[2, 500000, 1, 1]"), false);
  EXPECT_NE(message.find("the event must be a JSON object"), std::string::npos) << message;
  EXPECT_NE(message.find("got an array"), std::string::npos) << message;
}

TEST(HandlerTest, MissingFeatureIs400NamingIt) {
  std::string message = BadRequestMessage(
      HandleEvent(Model(), R"({"Num_Children": 2, "Own_Car": 1, "Own_Housing": 1})"), false);
  EXPECT_NE(message.find("missing feature \"Income\""), std::string::npos) << message;
}

TEST(HandlerTest, NonNumericFeatureIs400NamingItAndWhy) {
  std::string message = BadRequestMessage(
      HandleEvent(Model(), UrlEvent(R"({"Num_Children": 2, "Income": "lots", "Own_Car": 1,)"
                                    R"( "Own_Housing": 1})")),
      true);
  EXPECT_NE(message.find("feature \"Income\" must be a number, got a string"), std::string::npos)
      << message;
}

TEST(HandlerTest, UrlBodyThatIsNotAnObjectIs400) {
  std::string message = BadRequestMessage(HandleEvent(Model(), UrlEvent("[1, 2]")), true);
  EXPECT_NE(message.find("the request body must be a JSON object"), std::string::npos) << message;
  message = BadRequestMessage(HandleEvent(Model(), UrlEvent("Income=500000")), true);
  EXPECT_NE(message.find("the request body is not valid JSON"), std::string::npos) << message;
  EXPECT_EQ(message.find("500000"), std::string::npos) << message;
}

TEST(HandlerTest, EmptyOrMissingUrlBodyIs400) {
  for (const std::string& event : {UrlEvent(""), UrlEvent(nullptr)}) {
    std::string message = BadRequestMessage(HandleEvent(Model(), event), true);
    EXPECT_NE(message.find("the request body is empty"), std::string::npos) << message;
    EXPECT_NE(message.find("{\"Num_Children\": 1, ...}"), std::string::npos) << message;
  }
}

TEST(HandlerTest, UrlBodyMarkedBase64ThatIsNotIs400) {
  std::string message = BadRequestMessage(HandleEvent(Model(), UrlEvent("{!}", true)), true);
  EXPECT_NE(message.find("marked isBase64Encoded but is not base64"), std::string::npos) << message;
}

TEST(HandlerTest, EventVersion2WithoutRequestContextIsADirectEvent) {
  // Only a URL event has requestContext; a direct event may hold "version".
  EXPECT_EQ(HandleEvent(Model(), R"({"version": "2.0", "Num_Children": 2, "Income": 500000,)"
                                 R"( "Own_Car": 1, "Own_Housing": 1})"),
            R"({"statusCode": 200, "body": "{\"prediction\": 1}"})");
}

}  // namespace
}  // namespace ccapproval
