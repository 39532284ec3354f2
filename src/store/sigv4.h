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
// once and the path is left as written ("a//b" and "./x" are S3 keys; a
// "%XX" escape is kept, any other byte outside unreserved and '/' is
// encoded, so "/test$file" and "/test%24file" sign alike); without (every
// other service, and the generic test suites) the path is normalised first
// (".", "..", "//" removed, as RFC 3986 5.2.4; see `normalize_path`) and
// encoded twice (the written path, '%' included, is encoded once more). Canonical query: every
// parameter name and value URI-encoded, sorted by name then value, "k="
// for an empty value. Canonical headers: names lower-cased, values with
// leading/trailing spaces trimmed and inner runs of spaces folded to one,
// repeated headers joined by ',', sorted by name; every header of the
// request is signed (host included; the caller decides which headers the
// request carries).
//
// Header signing adds x-amz-date, x-amz-security-token (with a session
// token; signed unless `omit_session_token`) and, with `s3_rules` or
// `add_content_sha256`, x-amz-content-sha256 (the payload hash: the body's
// SHA-256, or what `payload_hash` says), then Authorization. The request
// must not carry these itself. Query signing (presigned URLs) adds X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders (host
// and any other headers given) and X-Amz-Security-Token to the query, signs
// with payload hash "UNSIGNED-PAYLOAD" for S3 (the body's hash otherwise;
// `payload_hash` when given), and appends X-Amz-Signature.
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
  // The body's hex SHA-256, "UNSIGNED-PAYLOAD" or kStreamingPayload; empty:
  // the hash of `body`.
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
  // Without `s3_rules` only: false signs "." / ".." segments and "//" as
  // written (still encoded twice), for services that do not normalise.
  bool normalize_path = true;
  // Header signing without `s3_rules`: also add and sign
  // x-amz-content-sha256 (S3 rules always add it).
  bool add_content_sha256 = false;
  // With a session token: add it to the request (header or query) but leave
  // it out of what is signed, for services that want the token "after".
  bool omit_session_token = false;
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

// InvalidArgument for a request without a Host header, a path not starting
// with '/', an empty method, region or service, an expiry out of range, or a
// header / query parameter that the signer adds itself (x-amz-date,
// authorization, X-Amz-Signature, ...). Messages never hold the secret key
// or the session token.
Result<SigV4Result> SignHeaders(const SigV4Request& request, const AwsCredentials& credentials,
                                const SigV4Options& options);
Result<SigV4Result> SignQuery(const SigV4Request& request, const AwsCredentials& credentials,
                              const SigV4Options& options);

// aws-chunked uploads (x-amz-content-sha256 set to kStreamingPayload, the
// body sent as signed chunks): the signature of one chunk, chained from the
// previous chunk's signature (for the first chunk, the request's header
// signature). The final chunk is empty. InvalidArgument as above.
inline constexpr std::string_view kStreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
Result<std::string> SignChunk(std::string_view previous_signature, std::string_view chunk,
                              const AwsCredentials& credentials, const SigV4Options& options);

// RFC 3986 percent-encoding of everything but unreserved characters
// (A-Z a-z 0-9 - . _ ~), and '/' too when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);

// An S3 object key as a request path segment: UriEncode(key, true).
inline std::string EncodeS3Key(std::string_view key) { return UriEncode(key, true); }

// "20150830T123600Z" for `time`.
std::string AmzDate(std::chrono::system_clock::time_point time);

}  // namespace sluice::store
