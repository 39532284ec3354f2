// When did the model's source last change, asked of a GitHub-compatible
// REST API (GitHub, Gitea and Forgejo answer it the same way):
//   GET {url}/repos/{owner}/{repo}/commits?path=P&sha=BRANCH&per_page=1
// with "Authorization: Bearer <token>", one request per path; the newest
// committer date wins. The HTTP goes through oci::HttpTransport (libcurl in
// use, an in-process server in tests).
//
// Errors name the request (without the token, which never appears in a
// message) and what to do:
//   401               PermissionDenied: the token was refused
//   403 / 429 with X-RateLimit-Remaining: 0 or Retry-After
//                     FailedPrecondition: rate limited, with the reset time
//   403 otherwise     PermissionDenied: the token may not read the repository
//   404               NotFound: no such repository or branch (or a private
//                     repository the token cannot see)
//   other statuses, bodies that are not a commit list: IoError
//   no commit touches the path: NotFound
// Thread-safe as the transport is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "monitor/git_history.h"
#include "oci/registry_http.h"

namespace sluice::monitor {

struct CommitsApiQuery {
  std::string api_url = "https://api.github.com";  // without a trailing /repos
  std::string repository;                          // "owner/name"
  std::string branch;                              // "" = the repository's default
  std::vector<std::string> paths;                  // empty: the branch's newest commit
  std::string token;                               // "" = anonymous
};

Result<CommitInfo> LastCommitFromApi(oci::HttpTransport& http, const CommitsApiQuery& query);

}  // namespace sluice::monitor
