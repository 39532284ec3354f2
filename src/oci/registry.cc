// RegistryClient core: URLs, sending with auth and retries, error messages,
// ping and tag lists. Blobs are in registry_blobs.cc, manifests in
// registry_manifests.cc, authentication in registry_auth.cc.
#include "oci/registry.h"

#include <arpa/inet.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "oci/reference.h"

namespace sluice::oci {
namespace {

std::string HostWithoutPort(std::string_view host) {
  if (host.starts_with('[')) return std::string(host.substr(1, host.find(']') - 1));
  if (std::count(host.begin(), host.end(), ':') == 1) {
    return std::string(host.substr(0, host.find(':')));
  }
  return std::string(host);
}

std::string BaseUrl(const std::string& host, const std::vector<std::string>& insecure) {
  bool plain = IsLoopbackHost(host) ||
               std::find(insecure.begin(), insecure.end(), host) != insecure.end() ||
               std::find(insecure.begin(), insecure.end(), HostWithoutPort(host)) != insecure.end();
  return (plain ? "http://" : "https://") + host;
}

// "CODE: message" for each entry of a registry error body, or "" if none.
std::string RegistryErrors(const std::string& body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("errors") || !json["errors"].is_array()) return "";
  std::string out;
  for (const auto& e : json["errors"]) {
    if (!e.is_object()) continue;
    if (!out.empty()) out += "; ";
    out += e.value("code", std::string("?")) + ": " + e.value("message", std::string());
    if (e.contains("detail") && !e["detail"].is_null()) out += ", detail " + e["detail"].dump();
  }
  return out;
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  std::string name = HostWithoutPort(host);
  if (name == "localhost" || name == "::1") return true;
  in_addr addr{};
  return inet_pton(AF_INET, name.c_str(), &addr) == 1 && (ntohl(addr.s_addr) >> 24) == 127;
}

RegistryClient::RegistryClient(std::string host, RegistryOptions options,
                               std::unique_ptr<HttpTransport> transport)
    : host_(std::move(host)),
      options_(std::move(options)),
      base_url_(BaseUrl(host_, options_.insecure_hosts)),
      transport_(std::move(transport)) {}

RegistryClient::~RegistryClient() = default;

Result<HttpResponse> RegistryClient::SendWithRetries(const HttpRequest& request) {
  std::chrono::milliseconds wait = options_.initial_backoff;
  for (int attempt = 0;; ++attempt) {
    Result<HttpResponse> response = transport_->Send(request);
    bool transient = !response.ok() || response->status >= 500;
    // A streamed body cannot be sent again.
    if (!transient || attempt >= options_.max_retries || request.body_source) {
      if (!response.ok() && attempt > 0) {
        return response.status().Annotate("registry " + host_ + " (after " +
                                          std::to_string(attempt + 1) + " attempts)");
      }
      return response;
    }
    if (options_.sleep) {
      options_.sleep(wait);
    } else {
      std::this_thread::sleep_for(wait);
    }
    wait *= 2;
  }
}

Result<HttpResponse> RegistryClient::Send(HttpRequest request, const std::string& scope) {
  AddAuthorization(request, scope);
  SLUICE_ASSIGN_OR_RETURN(HttpResponse response, SendWithRetries(request));
  // A streamed body is gone once sent: the caller sees the 401 itself.
  if (response.status != 401 || request.body_source) return response;
  SLUICE_RETURN_IF_ERROR(Authenticate(response, scope));
  AddAuthorization(request, scope);
  return SendWithRetries(request);
}

Status RegistryClient::Error(const HttpResponse& response, std::string_view repository,
                             std::string_view what) const {
  std::string where = "registry " + host_;
  if (!repository.empty()) where += ", repository " + std::string(repository);
  std::string message =
      where + ": " + std::string(what) + " failed with HTTP " + std::to_string(response.status);
  std::string errors = RegistryErrors(response.body);
  if (!errors.empty()) message += " (" + errors + ")";
  switch (response.status) {
    case 401:
      return Status::FailedPrecondition("unauthorized: " + message + "; give credentials for " +
                                        host_ + " (a user name and a password or token)");
    case 403:
      return Status::FailedPrecondition("denied: " + message +
                                        "; the credentials given lack this permission");
    case 404:
      return Status::NotFound(message + "; check the repository name and the tag or digest");
    case 400:
    case 405:
    case 413:
      return Status::InvalidArgument(message);
    default:
      return Status::IoError(
          message + (response.status >= 500 ? "; the registry failed, try again later" : ""));
  }
}

Result<std::string> RegistryClient::RepositoryUrl(std::string_view repository,
                                                  std::string_view suffix) const {
  if (!IsValidRepositoryName(repository)) {
    return Status::InvalidArgument("repository name \"" + std::string(repository) +
                                   "\" (registry " + host_ +
                                   ") is not valid: use lower-case letters and digits, separated "
                                   "by '.', '_', '__', '-' or '/'");
  }
  return base_url_ + "/v2/" + std::string(repository) + std::string(suffix);
}

Status RegistryClient::Ping() {
  SLUICE_ASSIGN_OR_RETURN(HttpResponse response, Send({"GET", base_url_ + "/v2/", {}, {}}, ""));
  if (response.status != 200) return Error(response, "", "GET /v2/");
  return Status::Ok();
}

Result<std::vector<std::string>> RegistryClient::ListTags(std::string_view repository) {
  const std::string scope = "repository:" + std::string(repository) + ":pull";
  std::vector<std::string> tags;
  SLUICE_ASSIGN_OR_RETURN(std::string url, RepositoryUrl(repository, "/tags/list"));
  // Bounded so that a registry linking a page to itself cannot loop forever.
  for (int page = 0; page < 10000 && !url.empty(); ++page) {
    SLUICE_ASSIGN_OR_RETURN(HttpResponse response, Send({"GET", url, {}, {}}, scope));
    if (response.status != 200) return Error(response, repository, "listing tags");
    nlohmann::json json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) {
      return Status::IoError("registry " + host_ + ", repository " + std::string(repository) +
                             ": the tag list is not a JSON object");
    }
    if (json.contains("tags") && json["tags"].is_array()) {
      for (const auto& t : json["tags"]) {
        if (t.is_string()) tags.push_back(t.get<std::string>());
      }
    }
    // Link: </v2/name/tags/list?last=x&n=2>; rel="next"
    std::string link = response.header("link");
    url.clear();
    size_t open = link.find('<'), close = link.find('>');
    if (open != std::string::npos && close != std::string::npos && close > open &&
        link.find("rel=\"next\"", close) != std::string::npos) {
      SLUICE_ASSIGN_OR_RETURN(
          url, ResolveUrl(base_url_ + "/v2/", link.substr(open + 1, close - open - 1)));
    }
  }
  return tags;
}

}  // namespace sluice::oci
