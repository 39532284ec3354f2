#include "serve/function_url.h"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/base64.h"
#include "common/json_util.h"
#include "common/text.h"

namespace sluice::serve {

namespace {

using Json = nlohmann::ordered_json;

// Text that came off the wire may hold any bytes; JSON must be UTF-8.
std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Lambda's content types that travel as text; everything else is base64.
bool IsTextualContentType(std::string_view content_type) {
  std::string type = AsciiLower(TrimAsciiSpace(content_type.substr(0, content_type.find(';'))));
  auto ends_with = [&](std::string_view suffix) {
    return type.size() >= suffix.size() &&
           type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return type.starts_with("text/") || type == "application/json" || ends_with("+json") ||
         type == "application/xml" || ends_with("+xml") ||
         type == "application/x-www-form-urlencoded" || type == "multipart/form-data" ||
         type == "application/javascript" || type == "application/ecmascript";
}

// "12/Mar/2020:19:03:58 +0000", in English whatever the locale.
std::string RequestTime(int64_t epoch_ms) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::snprintf(text, sizeof text, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return text;
}

// Every "name=value" of every Cookie header, in order.
std::vector<std::string> SplitCookies(const net::HttpRequest& request) {
  std::vector<std::string> cookies;
  for (std::string_view header : request.headers_named("cookie")) {
    while (!header.empty()) {
      const size_t semicolon = header.find(';');
      std::string_view cookie = TrimAsciiSpace(header.substr(0, semicolon));
      if (!cookie.empty()) cookies.emplace_back(cookie);
      header =
          semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
    }
  }
  return cookies;
}

// Adds `value` under `key`, after a comma when the key is there already.
void JoinInto(Json& object, const std::string& key, const std::string& value) {
  auto it = object.find(key);
  if (it == object.end()) {
    object[key] = value;
  } else {
    *it = it->get<std::string>() + "," + value;
  }
}

net::HttpResponse BadGateway(const std::string& why) {
  Json error = {{"message", "the function's response cannot be sent by a function URL: " + why}};
  return net::HttpResponse::Json(502, DumpJson(error));
}

// A header value the function returned, as text.
bool HeaderText(const nlohmann::json& value, std::string* text) {
  if (value.is_string()) {
    *text = value.get<std::string>();
  } else if (value.is_number() || value.is_boolean()) {
    *text = value.dump();
  } else {
    return false;
  }
  return true;
}

net::HttpResponse FromStatusCodeObject(const nlohmann::json& object) {
  const nlohmann::json& code = object["statusCode"];
  if (!code.is_number_integer() || code.get<int64_t>() < 100 || code.get<int64_t>() > 599) {
    return BadGateway("statusCode must be an HTTP status code (an integer from 100 to 599), got " +
                      JsonTypeName(code) + (code.is_number() ? " " + code.dump() : ""));
  }
  net::HttpResponse response;
  response.status = static_cast<int>(code.get<int64_t>());
  if (auto headers = object.find("headers"); headers != object.end() && !headers->is_null()) {
    if (!headers->is_object()) {
      return BadGateway("headers must be an object of strings, got " + JsonTypeName(*headers));
    }
    for (const auto& [name, value] : headers->items()) {
      std::string text;
      if (!HeaderText(value, &text)) {
        return BadGateway("header \"" + name + "\" must be a string, got " + JsonTypeName(value));
      }
      response.headers.emplace_back(name, std::move(text));
    }
  }
  if (auto cookies = object.find("cookies"); cookies != object.end() && !cookies->is_null()) {
    if (!cookies->is_array()) {
      return BadGateway("cookies must be an array of strings, got " + JsonTypeName(*cookies));
    }
    for (const auto& cookie : *cookies) {
      if (!cookie.is_string()) {
        return BadGateway("each cookie must be a string, got " + JsonTypeName(cookie));
      }
      response.headers.emplace_back("Set-Cookie", cookie.get<std::string>());
    }
  }
  auto body = object.find("body");
  if (body == object.end() || body->is_null()) return response;
  if (!body->is_string()) {
    response.body = body->dump();
    return response;
  }
  auto base64 = object.find("isBase64Encoded");
  if (base64 != object.end() && *base64 == true) {
    Result<std::string> decoded = Base64Decode(body->get<std::string>());
    if (!decoded.ok()) {
      return BadGateway("isBase64Encoded is true but the body is not base64: " +
                        decoded.status().message());
    }
    response.body = std::move(*decoded);
  } else {
    response.body = body->get<std::string>();
  }
  return response;
}

}  // namespace

std::string BuildUrlEvent(const net::HttpRequest& request, const UrlEventContext& context) {
  Json event;
  event["version"] = "2.0";
  event["routeKey"] = "$default";
  event["rawPath"] = context.raw_path;
  event["rawQueryString"] = request.query;
  std::vector<std::string> cookies = SplitCookies(request);
  if (!cookies.empty()) event["cookies"] = cookies;
  // The Cookie headers went into "cookies", as Lambda moves them.
  Json headers = Json::object();
  for (const auto& [name, value] : request.headers) {
    std::string key = AsciiLower(name);
    if (key != "cookie") JoinInto(headers, key, value);
  }
  event["headers"] = std::move(headers);
  if (!request.query.empty()) {
    Json params = Json::object();
    for (const auto& [name, value] : request.query_params()) JoinInto(params, name, value);
    event["queryStringParameters"] = std::move(params);
  }
  // The URL id is the function's name here, which is also the first label
  // of a Lambda function URL's domain name.
  event["requestContext"] = {
      {"accountId", context.account_id},
      {"apiId", context.api_id},
      {"domainName", context.domain_name},
      {"domainPrefix", context.api_id},
      {"http",
       {{"method", request.method},
        {"path", context.raw_path},
        {"protocol", request.version == 10 ? "HTTP/1.0" : "HTTP/1.1"},
        {"sourceIp", request.remote_address},
        {"userAgent", std::string(request.header("user-agent"))}}},
      {"requestId", context.request_id},
      {"routeKey", "$default"},
      {"stage", "$default"},
      {"time", RequestTime(context.time_epoch_ms)},
      {"timeEpoch", context.time_epoch_ms},
  };
  bool base64 = false;
  if (!request.body.empty()) {
    base64 = !IsTextualContentType(request.header("content-type")) ||
             ToValidUtf8(request.body) != request.body;
    event["body"] = base64 ? Base64Encode(request.body) : request.body;
  }
  event["pathParameters"] = nullptr;
  event["isBase64Encoded"] = base64;
  event["stageVariables"] = nullptr;
  return DumpJson(event);
}

net::HttpResponse UrlResponseFromPayload(const std::string& payload) {
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(payload);
  } catch (const nlohmann::json::exception& e) {
    return BadGateway("it is not valid JSON (" + JsonParseErrorMessage(e) + ")");
  }
  if (value.is_object() && value.contains("statusCode")) return FromStatusCodeObject(value);
  return net::HttpResponse::Json(200, payload);
}

}  // namespace sluice::serve
