// A response as the bytes that go on the wire: the status line, the
// headers and the body of HTTP/1.0 and HTTP/1.1, appended to a buffer so
// that answers to pipelined requests leave in one write.
//
// The server owns the framing headers: Content-Length is the body's size
// (a handler's own Content-Length, Connection and Transfer-Encoding are
// dropped), and "Connection: close" (HTTP/1.1) or "Connection: keep-alive"
// (HTTP/1.0) says whether the connection stays open. Two exceptions:
//   - an answer to HEAD carries no body; its Content-Length is the one the
//     handler set (the size a GET would get) or else the body's size;
//   - 1xx, 204 and 304 answers carry neither a body nor a Content-Length.
// A header whose name is not an RFC 9110 token, or whose value holds CR,
// LF or NUL, is dropped: a function's answer cannot split the response.
#pragma once

#include <string>

#include "net/http_message.h"

namespace sluice::net {

struct ResponseFraming {
  int version = 11;  // the request's: 10 or 11
  bool keep_alive = true;
  bool head = false;  // the request was HEAD
};

void AppendResponse(const HttpResponse& response, const ResponseFraming& framing, std::string* out);

}  // namespace sluice::net
