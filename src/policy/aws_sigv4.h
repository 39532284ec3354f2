// AWS Signature Version 4 for providers.aws.sign_req (builtins_aws.cc), the
// way OPA's internal/providers/aws SignV4 computes it: the canonical request
// signs every given header (lower-cased, except authorization, user-agent
// and x-amzn-trace-id) plus host, x-amz-date, x-amz-content-sha256 (s3 and
// glacier) and x-amz-security-token (with a session token). Pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::policy::aws {

struct SignInput {
  std::string method;
  std::string host;   // Go's URL.Host
  std::string path;   // escaped path (URL.EscapedPath)
  std::string query;  // URL.RawQuery
  std::string body;
  std::map<std::string, std::string> headers;  // as given by the request
  std::string service, access_key, secret_key, region, session_token;
  int64_t time_ns = 0;
  bool unsigned_payload = false;  // "UNSIGNED-PAYLOAD" instead of the body's hash
};

struct Signature {
  std::string authorization;
  std::map<std::string, std::string> headers;  // host, x-amz-date, ...
};

Signature SignV4(const SignInput& in);

// Host, escaped path and raw query of an absolute URL, as Go's url.Parse
// splits it.
Status ParseUrl(std::string_view url, std::string& host, std::string& path, std::string& query);

}  // namespace sluice::policy::aws
