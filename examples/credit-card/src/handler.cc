#include "handler.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/base64.h"
#include "common/json_util.h"
#include "common/status.h"
#include "scoring.h"

namespace ccapproval {

namespace {

using nlohmann::json;
using sluice::Result;
using sluice::Status;

// A JSON string literal; bytes that are not UTF-8 (never expected: every
// message is built from parsed JSON and the model's names) become U+FFFD.
std::string Quote(const std::string& text) {
  return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

// {"statusCode": N[, "headers": {...}], "body": "..."}, spaced as json.dumps.
std::string Response(int status, bool url_event, const std::string& body) {
  std::string text = "{\"statusCode\": " + std::to_string(status);
  if (url_event) text += ", \"headers\": {\"content-type\": \"application/json\"}";
  return text + ", \"body\": " + Quote(body) + "}";
}

std::string BadRequest(bool url_event, const std::string& message) {
  return Response(400, url_event, "{\"message\": " + Quote(message) + "}");
}

// `text` parsed as a JSON object; InvalidArgument "<what> is not valid JSON
// ..." or "<what> must be a JSON object ..., got an array" otherwise.
Result<json> ParseObject(std::string_view text, const std::string& what,
                         const std::string& example) {
  json value;
  try {
    value = json::parse(text);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(what + " is not valid JSON (" +
                                   sluice::JsonParseErrorMessage(e) + "); send " + example);
  }
  if (!value.is_object()) {
    return Status::InvalidArgument(what + " must be a JSON object such as " + example + ", got " +
                                   sluice::JsonTypeName(value));
  }
  return value;
}

bool IsUrlEvent(const json& event) {
  auto version = event.find("version");
  return version != event.end() && *version == "2.0" && event.contains("requestContext");
}

// The application inside a function-URL event's body.
Result<json> ApplicationInBody(const json& event, const std::string& example) {
  auto body = event.find("body");
  if (body == event.end() || body->is_null() ||
      (body->is_string() && body->get_ref<const std::string&>().empty())) {
    return Status::InvalidArgument("the request body is empty; send the application as " + example);
  }
  if (!body->is_string()) {
    return Status::InvalidArgument("the event's \"body\" must be a string, got " +
                                   sluice::JsonTypeName(*body));
  }
  std::string text = body->get<std::string>();
  auto base64 = event.find("isBase64Encoded");
  if (base64 != event.end() && *base64 == true) {
    Result<std::string> decoded = sluice::Base64Decode(text);
    if (!decoded.ok()) {
      return Status::InvalidArgument(
          "the request body is marked isBase64Encoded but is not "
          "base64: " +
          decoded.status().message());
    }
    text = std::move(*decoded);
  }
  return ParseObject(text, "the request body", example);
}

}  // namespace

std::string HandleEvent(const sluice::ml::ModelFile& model, std::string_view event_text) {
  const std::string example =
      model.features.empty() ? "{}" : "{\"" + model.features.front() + "\": 1, ...}";
  Result<json> event = ParseObject(event_text, "the event", example);
  if (!event.ok()) return BadRequest(false, event.status().message());
  const bool url_event = IsUrlEvent(*event);
  std::optional<Result<json>> from_body;
  if (url_event) {
    from_body = ApplicationInBody(*event, example);
    if (!from_body->ok()) return BadRequest(true, from_body->status().message());
  }
  const json& application = url_event ? **from_body : *event;
  Result<Score> score = ScoreApplication(model, application);
  if (!score.ok()) return BadRequest(url_event, score.status().message());
  return Response(200, url_event, "{\"prediction\": " + std::to_string(score->prediction) + "}");
}

}  // namespace ccapproval
