// HTTP/1.1 requests and responses as plain values, so that code serving
// or answering them needs no HTTP library in its headers (http_server.h
// keeps Boost.Beast inside net/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::net {

// Header names as sent; lookups ignore case. Repeated headers stay repeated.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST"...
  std::string target;  // as sent: "/fn/name/live?a=1"
  std::string path;    // target before '?', percent-decoded: "/fn/name/live"
  std::string query;   // after '?', raw: "a=1"
  HttpHeaders headers;
  std::string body;
  std::string remote_address;  // "127.0.0.1"
  uint16_t remote_port = 0;
  int version = 11;  // 10 or 11

  // The first header named `name` (any case), "" when absent.
  std::string_view header(std::string_view name) const;
  // Every value of `name`, in order.
  std::vector<std::string_view> headers_named(std::string_view name) const;
  // The value of query parameter `name` (percent-decoded, '+' as space),
  // "" when absent.
  std::string query_param(std::string_view name) const;
  // Every query parameter in order, names and values decoded as
  // query_param decodes them; "a&b=" gives ("a", "") and ("b", "").
  HttpHeaders query_params() const;
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;  // Content-Length and Connection are set by the server
  std::string body;

  // Sets (replaces) a header.
  HttpResponse& set(std::string_view name, std::string value);
  std::string_view header(std::string_view name) const;

  static HttpResponse Json(int status, std::string body);  // application/json
  static HttpResponse Text(int status, std::string body);  // text/plain; charset=utf-8
};

// Reason phrase for a status code ("Not Found"); "" for unknown codes.
std::string_view StatusReason(int status);

}  // namespace sluice::net
