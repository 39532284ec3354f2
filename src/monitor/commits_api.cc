#include "monitor/commits_api.h"

#include <nlohmann/json.hpp>

#include "monitor/time_text.h"

namespace sluice::monitor {

namespace {

using nlohmann::json;

std::string RequestUrl(const CommitsApiQuery& q, const std::string& path) {
  std::string url = q.api_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/repos/" + q.repository + "/commits?per_page=1";
  if (!path.empty()) url += "&path=" + oci::UrlEncode(path);
  if (!q.branch.empty()) url += "&sha=" + oci::UrlEncode(q.branch);
  return url;
}

std::string Field(const json& j, std::initializer_list<const char*> keys) {
  const json* at = &j;
  for (const char* k : keys) {
    if (!at->is_object() || !at->contains(k)) return "";
    at = &(*at)[k];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

Status ErrorFor(const oci::HttpResponse& r, const std::string& what) {
  const std::string remaining = r.header("x-ratelimit-remaining");
  const std::string retry_after = r.header("retry-after");
  if (r.status == 429 || (r.status == 403 && (remaining == "0" || !retry_after.empty()))) {
    std::string when;
    if (const std::string reset = r.header("x-ratelimit-reset"); !reset.empty()) {
      try {
        when = " until " + FormatIsoUtc(std::stoll(reset) * 1000);
      } catch (const std::exception&) {
        when = "";
      }
    } else if (!retry_after.empty()) {
      when = " for " + retry_after + " s";
    }
    return Status::FailedPrecondition(
        what + ": rate limited" + when +
        "; use a token (tokenRef) for a higher limit, or check less often");
  }
  switch (r.status) {
    case 401:
      return Status::PermissionDenied(what +
                                      ": the token was refused (401); check the secret "
                                      "tokenRef names (a personal access token that reads the "
                                      "repository)");
    case 403:
      return Status::PermissionDenied(what +
                                      ": forbidden (403); the token may not read this "
                                      "repository's commits");
    case 404:
      return Status::NotFound(what +
                              ": not found (404); check the repository (owner/name) and "
                              "the branch -- a private repository also answers 404 to a token "
                              "that cannot see it");
    default:
      return Status::IoError(what + ": the server answered " + std::to_string(r.status));
  }
}

}  // namespace

Result<CommitInfo> LastCommitFromApi(oci::HttpTransport& http, const CommitsApiQuery& query) {
  if (query.repository.find('/') == std::string::npos) {
    return Status::InvalidArgument("api repository \"" + query.repository +
                                   "\" must be owner/name");
  }
  std::vector<std::string> paths = query.paths;
  if (paths.empty()) paths.emplace_back();
  std::optional<CommitInfo> newest;
  for (const std::string& path : paths) {
    oci::HttpRequest request;
    request.method = "GET";
    request.url = RequestUrl(query, path);
    request.headers["Accept"] = "application/vnd.github+json";
    request.headers["User-Agent"] = "sluice";
    if (!query.token.empty()) request.headers["Authorization"] = "Bearer " + query.token;
    const std::string what = "GET " + request.url;
    SLUICE_ASSIGN_OR_RETURN(oci::HttpResponse response, http.Send(request));
    if (response.status != 200) return ErrorFor(response, what);
    const json list = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (!list.is_array()) return Status::IoError(what + ": the answer is not a list of commits");
    if (list.empty()) continue;
    const json& c = list[0];
    CommitInfo info;
    info.sha = Field(c, {"sha"});
    info.author = Field(c, {"commit", "author", "name"});
    const std::string message = Field(c, {"commit", "message"});
    info.summary = message.substr(0, message.find('\n'));
    std::string date = Field(c, {"commit", "committer", "date"});
    if (date.empty()) date = Field(c, {"commit", "author", "date"});
    auto ms = ParseIsoTime(date);
    if (info.sha.empty() || !ms.ok()) {
      return Status::IoError(what + ": the first commit has no sha or committer date");
    }
    info.committed_ms = *ms;
    if (!newest || info.committed_ms > newest->committed_ms) newest = std::move(info);
  }
  if (!newest) {
    std::string paths_text;
    for (const auto& p : query.paths) paths_text += (paths_text.empty() ? "" : ", ") + p;
    return Status::NotFound("no commit of " + query.repository +
                            (query.branch.empty() ? "" : " on " + query.branch) +
                            (paths_text.empty() ? "" : " touches " + paths_text));
  }
  return *newest;
}

}  // namespace sluice::monitor
