// Authentication: WWW-Authenticate parsing, Basic credentials and Bearer
// tokens (distribution's token spec), cached per scope.

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "oci/registry.h"

namespace sluice::oci {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<AuthChallenge> ParseAuthChallenge(std::string_view header) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("cannot parse the registry's WWW-Authenticate header \"" +
                                   std::string(header) + "\": " + why);
  };
  AuthChallenge challenge;
  size_t i = 0;
  while (i < header.size() && header[i] == ' ') ++i;
  size_t start = i;
  while (i < header.size() && header[i] != ' ') ++i;
  challenge.scheme = Lower(header.substr(start, i - start));
  if (challenge.scheme.empty()) return bad("no scheme");
  // auth-params: name=value or name="quoted, value", separated by commas.
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
    if (i >= header.size()) break;
    size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) return bad("a parameter without '='");
    std::string name = Lower(header.substr(i, eq - i));
    std::string value;
    i = eq + 1;
    if (i < header.size() && header[i] == '"') {
      ++i;
      while (i < header.size() && header[i] != '"') {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i++];
      }
      if (i >= header.size()) return bad("an unterminated quoted value");
      ++i;
    } else {
      while (i < header.size() && header[i] != ',') value += header[i++];
    }
    challenge.params[name] = value;
  }
  return challenge;
}

void RegistryClient::AddAuthorization(HttpRequest& request, const std::string& scope) {
  std::lock_guard lock(mutex_);
  if (auto it = tokens_.find(scope); it != tokens_.end()) {
    request.headers["Authorization"] = "Bearer " + it->second;
  } else if (use_basic_ && options_.credentials) {
    request.headers["Authorization"] =
        "Basic " + Base64Encode(options_.credentials->username + ":" + options_.credentials->password);
  }
}

Status RegistryClient::Authenticate(const HttpResponse& response, const std::string& scope) {
  const std::string what_to_do =
      "give credentials for " + host_ + " (a user name and a password or token)";
  std::string header = response.header("www-authenticate");
  if (header.empty()) {
    return Status::FailedPrecondition("unauthorized: registry " + host_ +
                                      " answered 401 without a WWW-Authenticate challenge; " +
                                      what_to_do);
  }
  SLUICE_ASSIGN_OR_RETURN(AuthChallenge challenge, ParseAuthChallenge(header));
  if (challenge.scheme == "basic") {
    if (!options_.credentials) {
      return Status::FailedPrecondition("unauthorized: registry " + host_ +
                                        " asks for a user name and password; " + what_to_do);
    }
    std::lock_guard lock(mutex_);
    use_basic_ = true;
    return Status::Ok();
  }
  if (challenge.scheme != "bearer") {
    return Status::Unimplemented("registry " + host_ + " asks for \"" + challenge.scheme +
                                 "\" authentication; sluice speaks Basic and Bearer only");
  }
  const std::string& realm = challenge.params["realm"];
  if (realm.empty()) {
    return Status::InvalidArgument("registry " + host_ +
                                   " sent a Bearer challenge without a realm: \"" + header + "\"");
  }
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  url += "service=" + UrlEncode(challenge.params["service"]);
  // Our scope may name several repositories (a mount pulls from one and
  // pushes to another), which a registry's challenge does not; ours wins.
  std::string wanted = scope.empty() ? challenge.params["scope"] : scope;
  for (size_t start = 0; start < wanted.size();) {
    size_t space = std::min(wanted.find(' ', start), wanted.size());
    if (space > start) url += "&scope=" + UrlEncode(wanted.substr(start, space - start));
    start = space + 1;
  }
  HttpRequest token_request{"GET", url, {}, {}};
  if (options_.credentials) {
    token_request.headers["Authorization"] =
        "Basic " + Base64Encode(options_.credentials->username + ":" + options_.credentials->password);
  }
  SLUICE_ASSIGN_OR_RETURN(HttpResponse reply, SendWithRetries(token_request));
  if (reply.status == 401 || reply.status == 403) {
    return Status::FailedPrecondition(
        "unauthorized: the token service " + realm + " of registry " + host_ + " refused " +
        (options_.credentials ? "the credentials given" : "anonymous access") + " for scope \"" +
        wanted + "\" (HTTP " + std::to_string(reply.status) + "); " + what_to_do);
  }
  if (reply.status != 200) {
    return Status::IoError("the token service " + realm + " of registry " + host_ +
                           " answered HTTP " + std::to_string(reply.status) + ": " +
                           reply.body.substr(0, 200));
  }
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  std::string token;
  if (body.is_object()) {
    for (const char* key : {"token", "access_token"}) {
      if (body.contains(key) && body[key].is_string() && !body[key].get<std::string>().empty()) {
        token = body[key].get<std::string>();
        break;
      }
    }
  }
  if (token.empty()) {
    return Status::IoError("the token service " + realm + " of registry " + host_ +
                           " answered without a \"token\" or \"access_token\"");
  }
  std::lock_guard lock(mutex_);
  tokens_[scope] = token;
  return Status::Ok();
}

}  // namespace sluice::oci
