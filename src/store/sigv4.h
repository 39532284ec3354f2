// AWS Signature Version 4: signing an HTTP request with an access key, by
// header (Authorization) or by query string (a presigned URL).
//
// What is signed (AWS's "Create a signed AWS API request"):
//   canonical request = METHOD \n canonical URI \n canonical query \n
//                       canonical headers \n signed header names \n payload hash
//   string to sign     = "AWS4-HMAC-SHA256" \n amz-date \n scope \n
//                       hex(sha256(canonical request))
//   scope              = yyyymmdd/region/service/aws4_request
//   signing key        = HMAC chain "AWS4"+secret -> date -> region -> service
//                       -> "aws4_request"
// Canonical URI: each path segment URI-encoded (RFC 3986 unreserved kept,
// '/' kept). With `s3_rules` (every request to S3) segments are encoded
// once and the path is left as written; without (every other service, and
// the generic test suites) the path is normalised first (".", "..", "//"
// removed, as RFC 3986 5.2.4) and encoded twice. Canonical query: every
// parameter name and value URI-encoded, sorted by name then value, "k="
// for an empty value. Canonical headers: names lower-cased, values with
// leading/trailing spaces trimmed and inner runs of spaces folded to one,
// repeated headers joined by ',', sorted by name; every header of the
// request is signed (host included; the caller decides which headers the
// request carries).
//
// Header signing adds x-amz-date, x-amz-security-token (with a session
// token) and, with `s3_rules`, x-amz-content-sha256 (the payload hash: the
// body's SHA-256, or "UNSIGNED-PAYLOAD" when `payload_hash` says so), then
// Authorization. Query signing (presigned URLs) adds X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders (host
// and any other headers given) and X-Amz-Security-Token to the query, signs
// with payload hash "UNSIGNED-PAYLOAD" for S3 (the body's hash otherwise),
// and appends X-Amz-Signature.
//
// The intermediate texts are returned too, so that tests can compare them
// with published test vectors (../shared/conformance/sigv4). Pure
// functions; thread-safe. Never logs; the secret key appears only in the
// HMAC chain.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::store {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none
};

struct SigV4Request {
  std::string method;  // "GET", "PUT", ...
  // The path as it goes on the request line, percent-encoding as the caller
  // wrote it ("/bucket/my%20key"; an S3 key is encoded once by the caller
  // with EncodeS3Key). Without `s3_rules` it may hold "." and ".." segments.
  std::string path;
  // Query parameters, decoded (name, value), in any order; a name may repeat.
  std::vector<std::pair<std::string, std::string>> query;
  // Headers as they will be sent (name in any case); must include Host.
  std::vector<std::pair<std::string, std::string>> headers;
  // The body's hex SHA-256, or "UNSIGNED-PAYLOAD"; empty: the hash of `body`.
  std::string payload_hash;
  std::string_view body;
};

struct SigV4Options {
  std::string region;   // "us-east-1"
  std::string service;  // "s3"
  // The signing time; the signature is valid within 15 minutes of it.
  std::chrono::system_clock::time_point time;
  bool s3_rules = true;  // see above
  // Query signing: how long the URL is valid (1 s .. 7 days).
  std::chrono::seconds expires{3600};
};

struct SigV4Result {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // 64 hex digits
  // Header signing: the headers to add (x-amz-date, x-amz-content-sha256,
  // x-amz-security-token, authorization), in that order. Query signing:
  // empty.
  std::vector<std::pair<std::string, std::string>> headers;
  // Query signing: the whole signed query string, encoded, ready to follow
  // '?'. Header signing: empty.
  std::string query;
};

// InvalidArgument for a request without a Host header, an empty region or
// service, or an expiry out of range.
Result<SigV4Result> SignHeaders(const SigV4Request& request, const AwsCredentials& credentials,
                                const SigV4Options& options);
Result<SigV4Result> SignQuery(const SigV4Request& request, const AwsCredentials& credentials,
                              const SigV4Options& options);

// RFC 3986 percent-encoding of everything but unreserved characters
// (A-Z a-z 0-9 - . _ ~), and '/' too when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);

// An S3 object key as a request path segment: UriEncode(key, true).
inline std::string EncodeS3Key(std::string_view key) { return UriEncode(key, true); }

// "20150830T123600Z" for `time`.
std::string AmzDate(std::chrono::system_clock::time_point time);

}  // namespace sluice::store
