#include "notify/webhook.h"

#include <curl/curl.h>

#include <memory>
#include <thread>

namespace sluice::notify {

namespace {

size_t KeepBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() < 4096) body->append(data, std::min(size * count, 4096 - body->size()));
  return size * count;
}

struct Attempt {
  bool retry = false;  // worth another try
  Status status;
};

Attempt PostOnce(const std::string& url, const std::map<std::string, std::string>& headers,
                 const std::string& body, const WebhookOptions& options) {
  const std::string where = RedactedUrl(url);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return {false, Status::Internal("cannot start libcurl")};
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list(nullptr, curl_slist_free_all);
  list.reset(curl_slist_append(list.release(), "Content-Type: application/json"));
  for (const auto& [k, v] : headers) {
    list.reset(curl_slist_append(list.release(), (k + ": " + v).c_str()));
  }
  std::string answer;
  char error[CURL_ERROR_SIZE] = {};
  CURL* e = h.get();
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, KeepBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(e);
  if (rc != CURLE_OK) {
    std::string why = error[0] != '\0' ? error : curl_easy_strerror(rc);
    // curl's message may repeat the URL.
    for (size_t at = why.find(url); at != std::string::npos; at = why.find(url)) {
      why.replace(at, url.size(), where);
    }
    return {true, Status::IoError("POST to " + where + " failed: " + why)};
  }
  long code = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
  if (code >= 200 && code < 300) return {false, Status::Ok()};
  if (answer.size() > 200) answer = answer.substr(0, 200) + "...";
  return {code == 429 || code >= 500,
          Status::IoError("POST to " + where + " answered " + std::to_string(code) +
                          (answer.empty() ? "" : ": " + answer))};
}

}  // namespace

std::string RedactedUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "the webhook URL";
  size_t path = url.find('/', scheme + 3);
  std::string authority =
      url.substr(scheme + 3, path == std::string::npos ? std::string::npos : path - scheme - 3);
  // user:password@host keeps only the host.
  if (size_t at = authority.rfind('@'); at != std::string::npos)
    authority = authority.substr(at + 1);
  return url.substr(0, scheme + 3) + authority + (path == std::string::npos ? "" : "/…");
}

Status PostWebhook(const std::string& url, const std::map<std::string, std::string>& headers,
                   const std::string& json_body, const WebhookOptions& options) {
  Attempt first = PostOnce(url, headers, json_body, options);
  if (first.status.ok() || !first.retry) return first.status;
  std::this_thread::sleep_for(options.retry_after);
  Attempt second = PostOnce(url, headers, json_body, options);
  if (second.status.ok()) return second.status;
  return Status(second.status.code(), second.status.message() + " (after one retry)");
}

}  // namespace sluice::notify
