// Internal to the API (api*.cc, events.cc): one request as its handler
// sees it, and the small parsers every handler shares.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "net/http_message.h"
#include "server/api.h"
#include "server/auth.h"

namespace sluice::server {

struct ApiServer::Call {
  const net::HttpRequest& request;
  Principal principal;
  const ApiRoute* route = nullptr;
  std::map<std::string, std::string> params;  // the route's {parameters}
};

// The request body as a JSON object; an empty body is {}.
// InvalidArgument saying what is wrong otherwise.
inline Result<nlohmann::json> ParseBody(const net::HttpRequest& request) {
  if (request.body.empty()) return nlohmann::json::object();
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::InvalidArgument("the request body must be a JSON object");
  }
  return body;
}

// Query parameter `name` as an integer; `fallback` when absent.
inline Result<int64_t> IntParam(const net::HttpRequest& request, const std::string& name,
                                int64_t fallback) {
  std::string text = request.query_param(name);
  if (text.empty()) return fallback;
  try {
    size_t used = 0;
    int64_t value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument("query parameter " + name + "=" + text + ": give a whole number");
}

}  // namespace sluice::server
