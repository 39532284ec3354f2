// Posting a notification to a chat tool or any HTTP endpoint: one JSON body
// by POST (libcurl), with the caller's headers, a connect timeout of 5 s and
// 10 s for the whole request, and one retry after a second when the
// endpoint cannot be reached or answers 429 or 5xx. A 2xx answer is
// success; anything else is an error naming the URL's scheme and host only
// (a Slack webhook's path is its secret) and the status with the start of
// the answer's body. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "common/status.h"

namespace sluice::notify {

struct WebhookOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds retry_after{1000};
};

Status PostWebhook(const std::string& url, const std::map<std::string, std::string>& headers,
                   const std::string& json_body, const WebhookOptions& options = {});

// "https://hooks.slack.com/…": the URL without its path, for messages.
std::string RedactedUrl(const std::string& url);

}  // namespace sluice::notify
