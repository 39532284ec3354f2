#include "net/http_message.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::net {
namespace {

HttpRequest RequestWithQuery(std::string query) {
  HttpRequest request;
  request.query = std::move(query);
  return request;
}

TEST(HttpMessageTest, HeaderLookupIgnoresCaseAndTakesTheFirst) {
  HttpRequest request;
  request.headers = {{"Content-Type", "application/json"}, {"X-Tag", "a"}, {"x-tag", "b"}};
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("X-TAG"), "a");
  EXPECT_EQ(request.header("Missing"), "");
}

TEST(HttpMessageTest, HeadersNamedKeepsEveryValueInOrder) {
  HttpRequest request;
  request.headers = {{"Cookie", "a=1"}, {"Host", "h"}, {"cookie", "b=2"}};
  auto values = request.headers_named("COOKIE");
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0], "a=1");
  EXPECT_EQ(values[1], "b=2");
  EXPECT_TRUE(request.headers_named("Accept").empty());
}

TEST(HttpMessageTest, QueryParamDecodesPercentAndPlus) {
  HttpRequest request = RequestWithQuery("name=J%C3%BCrgen+M&x=1&x=2&flag&empty=");
  EXPECT_EQ(request.query_param("name"), "J\xC3\xBCrgen M");
  EXPECT_EQ(request.query_param("x"), "1");
  EXPECT_EQ(request.query_param("flag"), "");
  EXPECT_EQ(request.query_param("missing"), "");
}

TEST(HttpMessageTest, QueryParamMatchesDecodedNames) {
  HttpRequest request = RequestWithQuery("a%20b=1&c%3Dd=2");
  EXPECT_EQ(request.query_param("a b"), "1");
  EXPECT_EQ(request.query_param("c=d"), "2");
}

TEST(HttpMessageTest, MalformedPercentEscapesStayAsSent) {
  HttpRequest request = RequestWithQuery("a=100%&b=%zz&c=%4");
  EXPECT_EQ(request.query_param("a"), "100%");
  EXPECT_EQ(request.query_param("b"), "%zz");
  EXPECT_EQ(request.query_param("c"), "%4");
}

TEST(HttpMessageTest, QueryParamsListsEveryPairAndSkipsEmptyOnes) {
  HttpRequest request = RequestWithQuery("a=1&&a=2&b&=v");
  HttpHeaders expected = {{"a", "1"}, {"a", "2"}, {"b", ""}, {"", "v"}};
  EXPECT_EQ(request.query_params(), expected);
  EXPECT_TRUE(RequestWithQuery("").query_params().empty());
}

TEST(HttpMessageTest, SetReplacesEveryHeaderOfThatNameInPlace) {
  HttpResponse response;
  response.headers = {{"A", "1"}, {"content-type", "text/html"}, {"B", "2"}, {"Content-Type", "x"}};
  response.set("Content-Type", "application/json").set("C", "3");
  HttpHeaders expected = {{"A", "1"}, {"Content-Type", "application/json"}, {"B", "2"}, {"C", "3"}};
  EXPECT_EQ(response.headers, expected);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("D"), "");
}

TEST(HttpMessageTest, JsonAndTextSetStatusBodyAndContentType) {
  HttpResponse json = HttpResponse::Json(404, R"({"message":"no such function"})");
  EXPECT_EQ(json.status, 404);
  EXPECT_EQ(json.body, R"({"message":"no such function"})");
  EXPECT_EQ(json.header("Content-Type"), "application/json");
  HttpResponse text = HttpResponse::Text(200, "ok\n");
  EXPECT_EQ(text.status, 200);
  EXPECT_EQ(text.body, "ok\n");
  EXPECT_EQ(text.header("content-type"), "text/plain; charset=utf-8");
}

TEST(HttpMessageTest, StatusReasonKnowsCommonCodesOnly) {
  EXPECT_EQ(StatusReason(200), "OK");
  EXPECT_EQ(StatusReason(202), "Accepted");
  EXPECT_EQ(StatusReason(404), "Not Found");
  EXPECT_EQ(StatusReason(413), "Payload Too Large");
  EXPECT_EQ(StatusReason(502), "Bad Gateway");
  EXPECT_EQ(StatusReason(299), "");
  EXPECT_EQ(StatusReason(-1), "");
}

}  // namespace
}  // namespace sluice::net
