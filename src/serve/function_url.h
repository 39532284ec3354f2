// Function URLs (AWS Lambda's payload format 2.0): an HTTP request becomes
// the event a function receives, and what the function returns becomes the
// HTTP response.
//
// Event (BuildUrlEvent): {"version":"2.0","routeKey":"$default",
// "rawPath","rawQueryString","cookies"(only when present),"headers"(names
// lower-cased, repeated ones joined with ","),"queryStringParameters"(only
// when there is a query; repeated ones joined with ","),"requestContext":
// {"accountId","apiId","domainName","domainPrefix","http":{"method","path",
// "protocol","sourceIp","userAgent"},"requestId","routeKey":"$default",
// "stage":"$default","time":"12/Mar/2020:19:03:58 +0000","timeEpoch"},
// "body"(only when non-empty),"pathParameters":null,"isBase64Encoded",
// "stageVariables":null}. A body that is not valid UTF-8 text, or whose
// content type is not textual (text/*, JSON, XML, form data, JavaScript),
// is sent base64 with isBase64Encoded true. `rawPath` is the path the
// function sees: the part after the function's URL prefix, "/" at least.
//
// Response (UrlResponseFromPayload): a JSON object with "statusCode" uses
// statusCode, headers (string values), cookies (one Set-Cookie each), body
// (a string; base64-decoded when isBase64Encoded) -- a body that is not a
// string is sent as its JSON text. Any other valid JSON (object without
// statusCode, array, string, number...) becomes a 200 application/json
// response whose body is that JSON text as returned. A payload that is not
// JSON is a 502 with a JSON error {"message": "..."}: the function answered
// something a function URL cannot send.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "net/http_message.h"

namespace sluice::serve {

struct UrlEventContext {
  std::string raw_path;     // "/" or "/predict"
  std::string request_id;   // uuid
  std::string api_id;       // stands for the URL id: the function name
  std::string domain_name;  // the Host header, "127.0.0.1:8080"
  std::string account_id = "000000000000";
  int64_t time_epoch_ms = 0;
};

// The 2.0 event for `request`, as JSON text.
std::string BuildUrlEvent(const net::HttpRequest& request, const UrlEventContext& context);

// The HTTP response for what the function returned.
net::HttpResponse UrlResponseFromPayload(const std::string& payload);

}  // namespace sluice::serve
