#include "serve/function_url.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace sluice::serve {
namespace {

using nlohmann::json;

UrlEventContext Context() {
  UrlEventContext context;
  context.raw_path = "/predict";
  context.request_id = "8f7c3c0e-1b2a-4c5d-9e6f-0a1b2c3d4e5f";
  context.api_id = "creditcardapplicationlambda";
  context.domain_name = "127.0.0.1:8080";
  context.time_epoch_ms = 1583348638390;  // 2020-03-04T19:03:58.390Z
  return context;
}

net::HttpRequest PostJson(std::string body) {
  net::HttpRequest request;
  request.method = "POST";
  request.target = "/fn/creditcardapplicationlambda/predict";
  request.path = request.target;
  request.headers = {{"Host", "127.0.0.1:8080"},
                     {"Content-Type", "application/json"},
                     {"User-Agent", "curl/7.88.1"}};
  request.body = std::move(body);
  request.remote_address = "127.0.0.1";
  request.remote_port = 40000;
  return request;
}

json Event(const net::HttpRequest& request, const UrlEventContext& context = Context()) {
  json event = json::parse(BuildUrlEvent(request, context), nullptr, false);
  EXPECT_FALSE(event.is_discarded());
  return event;
}

TEST(FunctionUrlTest, EventHasEveryFieldOfPayloadFormat2InOrder) {
  std::string text = BuildUrlEvent(PostJson(R"({"Income": 500000})"), Context());
  EXPECT_EQ(text,
            R"({"version":"2.0","routeKey":"$default","rawPath":"/predict","rawQueryString":"",)"
            R"("headers":{"host":"127.0.0.1:8080","content-type":"application/json",)"
            R"("user-agent":"curl/7.88.1"},"requestContext":{"accountId":"000000000000",)"
            R"("apiId":"creditcardapplicationlambda","domainName":"127.0.0.1:8080",)"
            R"("domainPrefix":"creditcardapplicationlambda","http":{"method":"POST",)"
            R"("path":"/predict","protocol":"HTTP/1.1","sourceIp":"127.0.0.1",)"
            R"("userAgent":"curl/7.88.1"},"requestId":"8f7c3c0e-1b2a-4c5d-9e6f-0a1b2c3d4e5f",)"
            R"("routeKey":"$default","stage":"$default","time":"04/Mar/2020:19:03:58 +0000",)"
            R"("timeEpoch":1583348638390},"body":"{\"Income\": 500000}","pathParameters":null,)"
            R"("isBase64Encoded":false,"stageVariables":null})");
}

TEST(FunctionUrlTest, HeaderNamesAreLowerCasedAndRepeatedOnesJoinedWithCommas) {
  net::HttpRequest request = PostJson("{}");
  request.headers.emplace_back("X-Trace", "v1");
  request.headers.emplace_back("x-TRACE", "v2");
  json event = Event(request);
  EXPECT_EQ(event["headers"]["x-trace"], "v1,v2");
  EXPECT_EQ(event["headers"]["content-type"], "application/json");
  EXPECT_FALSE(event["headers"].contains("Content-Type"));
}

TEST(FunctionUrlTest, CookiesAreSplitOutOfTheCookieHeaders) {
  net::HttpRequest request = PostJson("{}");
  request.headers.emplace_back("Cookie", "session=abc; theme=dark");
  request.headers.emplace_back("cookie", " lang=en ;");
  json event = Event(request);
  EXPECT_EQ(event["cookies"], json({"session=abc", "theme=dark", "lang=en"}));
  EXPECT_FALSE(event["headers"].contains("cookie"));
}

TEST(FunctionUrlTest, NoCookiesKeyWithoutCookies) {
  EXPECT_FALSE(Event(PostJson("{}")).contains("cookies"));
}

TEST(FunctionUrlTest, QueryParametersAreDecodedAndRepeatedOnesJoined) {
  net::HttpRequest request = PostJson("{}");
  request.query = "a=1&a=2&b=x+y&c=%2C";
  json event = Event(request);
  EXPECT_EQ(event["rawQueryString"], "a=1&a=2&b=x+y&c=%2C");
  EXPECT_EQ(event["queryStringParameters"], json({{"a", "1,2"}, {"b", "x y"}, {"c", ","}}));
}

TEST(FunctionUrlTest, NoQueryStringParametersWithoutAQuery) {
  json event = Event(PostJson("{}"));
  EXPECT_EQ(event["rawQueryString"], "");
  EXPECT_FALSE(event.contains("queryStringParameters"));
}

TEST(FunctionUrlTest, EmptyBodyHasNoBodyKey) {
  net::HttpRequest request = PostJson("");
  request.method = "GET";
  json event = Event(request);
  EXPECT_FALSE(event.contains("body"));
  EXPECT_EQ(event["isBase64Encoded"], false);
  EXPECT_EQ(event["requestContext"]["http"]["method"], "GET");
}

TEST(FunctionUrlTest, BinaryContentTypeBodyIsBase64) {
  net::HttpRequest request = PostJson("hello");
  request.headers[1].second = "application/octet-stream";
  json event = Event(request);
  EXPECT_EQ(event["body"], "aGVsbG8=");
  EXPECT_EQ(event["isBase64Encoded"], true);
}

TEST(FunctionUrlTest, BodyWithoutContentTypeIsBase64) {
  net::HttpRequest request = PostJson("hi");
  request.headers.erase(request.headers.begin() + 1);
  json event = Event(request);
  EXPECT_EQ(event["body"], "aGk=");
  EXPECT_EQ(event["isBase64Encoded"], true);
}

TEST(FunctionUrlTest, InvalidUtf8BodyIsBase64EvenWithATextType) {
  net::HttpRequest request = PostJson(std::string("\xff\xfe", 2));
  request.headers[1].second = "text/plain; charset=utf-8";
  json event = Event(request);
  EXPECT_EQ(event["body"], "//4=");
  EXPECT_EQ(event["isBase64Encoded"], true);
}

TEST(FunctionUrlTest, TextualContentTypesTravelAsText) {
  for (const char* type : {"text/html", "application/json; charset=utf-8", "application/ld+json",
                           "application/xml", "image/svg+xml", "application/x-www-form-urlencoded",
                           "application/javascript", "APPLICATION/JSON"}) {
    net::HttpRequest request = PostJson("a=1");
    request.headers[1].second = type;
    json event = Event(request);
    EXPECT_EQ(event["body"], "a=1") << type;
    EXPECT_EQ(event["isBase64Encoded"], false) << type;
  }
}

TEST(FunctionUrlTest, Http10AndMissingUserAgentAreReported) {
  net::HttpRequest request = PostJson("{}");
  request.version = 10;
  request.headers.pop_back();
  json event = Event(request);
  EXPECT_EQ(event["requestContext"]["http"]["protocol"], "HTTP/1.0");
  EXPECT_EQ(event["requestContext"]["http"]["userAgent"], "");
}

TEST(FunctionUrlTest, ResponseWithStatusCodeUsesHeadersCookiesAndBody) {
  net::HttpResponse response = UrlResponseFromPayload(
      R"({"statusCode": 201, "headers": {"Content-Type": "text/plain", "X-Count": 3},)"
      R"( "cookies": ["a=1; Path=/", "b=2"], "body": "made"})");
  EXPECT_EQ(response.status, 201);
  net::HttpHeaders expected = {{"Content-Type", "text/plain"},
                               {"X-Count", "3"},
                               {"Set-Cookie", "a=1; Path=/"},
                               {"Set-Cookie", "b=2"}};
  EXPECT_EQ(response.headers, expected);
  EXPECT_EQ(response.body, "made");
}

TEST(FunctionUrlTest, ResponseBodyIsDecodedWhenBase64) {
  net::HttpResponse response =
      UrlResponseFromPayload(R"({"statusCode": 200, "body": "//4=", "isBase64Encoded": true})");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, std::string("\xff\xfe", 2));
}

TEST(FunctionUrlTest, TutorialStyleResponseSendsItsBodyText) {
  net::HttpResponse response =
      UrlResponseFromPayload(R"({"statusCode": 200, "body": "{\"prediction\": 1}"})");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"prediction": 1})");
  EXPECT_TRUE(response.headers.empty());
}

TEST(FunctionUrlTest, NonStringBodyIsSentAsItsJsonText) {
  net::HttpResponse response =
      UrlResponseFromPayload(R"({"statusCode": 400, "body": {"message": "no"}})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, R"({"message":"no"})");
}

TEST(FunctionUrlTest, StatusCodeWithoutBodyHasAnEmptyBody) {
  net::HttpResponse response = UrlResponseFromPayload(R"({"statusCode": 204})");
  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(response.body, "");
}

TEST(FunctionUrlTest, PlainJsonObjectBecomesA200JsonBodyAsReturned) {
  const std::string payload = R"({"prediction": 1, "probability": 0.97})";
  net::HttpResponse response = UrlResponseFromPayload(payload);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.body, payload);
}

TEST(FunctionUrlTest, JsonStringBecomesTheBodyWithItsQuotes) {
  net::HttpResponse response = UrlResponseFromPayload(R"("Hello")");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.body, R"("Hello")");
}

TEST(FunctionUrlTest, ArraysAndNumbersBecome200JsonBodies) {
  EXPECT_EQ(UrlResponseFromPayload("[1,2]").body, "[1,2]");
  EXPECT_EQ(UrlResponseFromPayload("42").status, 200);
}

TEST(FunctionUrlTest, PayloadThatIsNotJsonIsA502WithAJsonMessage) {
  net::HttpResponse response = UrlResponseFromPayload("prediction: 1 secret=hunter2");
  EXPECT_EQ(response.status, 502);
  EXPECT_EQ(response.header("content-type"), "application/json");
  json body = json::parse(response.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << response.body;
  std::string message = body["message"];
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
}

TEST(FunctionUrlTest, MalformedStatusCodeObjectsAre502NamingTheField) {
  struct Case {
    const char* payload;
    const char* says;
  };
  for (const Case& c :
       {Case{R"({"statusCode": "200"})", "statusCode must be an HTTP status code"},
        Case{R"({"statusCode": 99})", "statusCode must be an HTTP status code"},
        Case{R"({"statusCode": 200, "headers": ["a"]})", "headers must be"},
        Case{R"({"statusCode": 200, "headers": {"A": {}}})", "header \"A\""},
        Case{R"({"statusCode": 200, "cookies": "a=1"})", "cookies must be"},
        Case{R"({"statusCode": 200, "cookies": [1]})", "each cookie"},
        Case{R"({"statusCode": 200, "body": "!", "isBase64Encoded": true})", "not base64"}}) {
    net::HttpResponse response = UrlResponseFromPayload(c.payload);
    EXPECT_EQ(response.status, 502) << c.payload;
    json body = json::parse(response.body, nullptr, false);
    std::string message = body.is_object() ? body.value("message", "") : "";
    EXPECT_NE(message.find(c.says), std::string::npos) << c.payload << " -> " << response.body;
  }
}

}  // namespace
}  // namespace sluice::serve
