#include "net/http_wire.h"

#include <gtest/gtest.h>

namespace sluice::net {
namespace {

std::string Wire(const HttpResponse& response, ResponseFraming framing = {}) {
  std::string out;
  AppendResponse(response, framing, &out);
  return out;
}

TEST(HttpWireTest, StatusHeadersLengthAndBody) {
  HttpResponse r = HttpResponse::Json(200, R"({"prediction": 1})");
  EXPECT_EQ(Wire(r),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n"
            R"({"prediction": 1})");
}

TEST(HttpWireTest, TheServerOwnsTheFramingHeaders) {
  HttpResponse r = HttpResponse::Text(404, "gone");
  r.headers.emplace_back("content-length", "999");
  r.headers.emplace_back("Transfer-Encoding", "chunked");
  r.headers.emplace_back("Connection", "upgrade");
  EXPECT_EQ(Wire(r, {11, false, false}),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 4\r\nConnection: close\r\n\r\ngone");
}

TEST(HttpWireTest, Http10KeepAliveIsSaid) {
  EXPECT_EQ(Wire(HttpResponse{204, {}, ""}, {10, true, false}),
            "HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(Wire(HttpResponse{200, {}, "x"}, {10, false, false}),
            "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx");
}

TEST(HttpWireTest, HeadKeepsTheDeclaredLengthAndSendsNoBody) {
  HttpResponse declared{200, {{"Content-Length", "5120"}}, ""};
  EXPECT_EQ(Wire(declared, {11, true, true}), "HTTP/1.1 200 OK\r\nContent-Length: 5120\r\n\r\n");
  HttpResponse with_body{200, {}, "hello"};
  EXPECT_EQ(Wire(with_body, {11, true, true}), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
}

TEST(HttpWireTest, BodilessStatusesHaveNeitherBodyNorLength) {
  EXPECT_EQ(Wire(HttpResponse{304, {{"ETag", "\"a\""}}, "ignored"}),
            "HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\n\r\n");
}

TEST(HttpWireTest, HeadersThatWouldSplitTheResponseAreDropped) {
  HttpResponse r{200, {}, ""};
  r.headers = {{"X-Ok", "fine"},
               {"X-Bad", "a\r\nSet-Cookie: stolen=1"},
               {"Bad Name", "v"},
               {"", "v"},
               {"X-Nul", std::string("a\0b", 3)}};
  EXPECT_EQ(Wire(r), "HTTP/1.1 200 OK\r\nX-Ok: fine\r\nContent-Length: 0\r\n\r\n");
}

TEST(HttpWireTest, UnknownStatusHasAnEmptyReason) {
  EXPECT_EQ(Wire(HttpResponse{599, {}, ""}), "HTTP/1.1 599 \r\nContent-Length: 0\r\n\r\n");
}

TEST(HttpWireTest, AnswersAppendOneAfterAnother) {
  std::string out;
  AppendResponse(HttpResponse{202, {}, "a"}, {}, &out);
  AppendResponse(HttpResponse{200, {}, "b"}, {}, &out);
  EXPECT_EQ(out,
            "HTTP/1.1 202 Accepted\r\nContent-Length: 1\r\n\r\na"
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
}

}  // namespace
}  // namespace sluice::net
