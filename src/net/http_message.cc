#include "net/http_message.h"

#include <algorithm>

#include "common/text.h"

namespace sluice::net {

namespace {

// application/x-www-form-urlencoded decoding: '+' is a space and %XX a
// byte (a stray '%' stays as it is, as browsers leave it).
std::string FormDecode(std::string_view text) {
  std::string spaced(text);
  std::replace(spaced.begin(), spaced.end(), '+', ' ');
  return PercentDecode(spaced);
}

std::string_view FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (AsciiEqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  return FindHeader(headers, name);
}

std::vector<std::string_view> HttpRequest::headers_named(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [key, value] : headers) {
    if (AsciiEqualsIgnoreCase(key, name)) values.push_back(value);
  }
  return values;
}

HttpHeaders HttpRequest::query_params() const {
  HttpHeaders params;
  std::string_view rest = query;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2"
    const size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    params.emplace_back(FormDecode(name), FormDecode(value));
  }
  return params;
}

std::string HttpRequest::query_param(std::string_view name) const {
  for (auto& [key, value] : query_params()) {
    if (key == name) return std::move(value);
  }
  return {};
}

HttpResponse& HttpResponse::set(std::string_view name, std::string value) {
  auto same = [&](const auto& header) { return AsciiEqualsIgnoreCase(header.first, name); };
  auto first = std::find_if(headers.begin(), headers.end(), same);
  if (first == headers.end()) {
    headers.emplace_back(std::string(name), std::move(value));
    return *this;
  }
  *first = {std::string(name), std::move(value)};
  headers.erase(std::remove_if(first + 1, headers.end(), same), headers.end());
  return *this;
}

std::string_view HttpResponse::header(std::string_view name) const {
  return FindHeader(headers, name);
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.set("Content-Type", "application/json");
  return response;
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.set("Content-Type", "text/plain; charset=utf-8");
  return response;
}

std::string_view StatusReason(int status) {
  struct Reason {
    int status;
    std::string_view text;
  };
  static constexpr Reason kReasons[] = {
      {100, "Continue"},
      {101, "Switching Protocols"},
      {200, "OK"},
      {201, "Created"},
      {202, "Accepted"},
      {204, "No Content"},
      {206, "Partial Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {303, "See Other"},
      {304, "Not Modified"},
      {307, "Temporary Redirect"},
      {308, "Permanent Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {406, "Not Acceptable"},
      {408, "Request Timeout"},
      {409, "Conflict"},
      {410, "Gone"},
      {411, "Length Required"},
      {412, "Precondition Failed"},
      {413, "Payload Too Large"},
      {414, "URI Too Long"},
      {415, "Unsupported Media Type"},
      {416, "Range Not Satisfiable"},
      {422, "Unprocessable Entity"},
      {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
      {505, "HTTP Version Not Supported"},
  };
  for (const Reason& reason : kReasons) {
    if (reason.status == status) return reason.text;
  }
  return "";
}

}  // namespace sluice::net
