#include "store/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "common/hash.h"
#include "common/text.h"
#include "store/sigv4_canonical.h"

namespace sluice::store {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::chrono::seconds kMaxExpiry{7 * 24 * 3600};

// HMAC-SHA256 of `data` under `key`, as raw bytes.
std::string Hmac(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &size);
  return std::string(reinterpret_cast<const char*>(mac.data()), size);
}

// The derived key; the secret and each step are wiped once used.
std::string SigningKey(const AwsCredentials& credentials, std::string_view date,
                       const SigV4Options& options) {
  std::string secret = "AWS4" + credentials.secret_access_key;
  std::string key = Hmac(secret, date);
  OPENSSL_cleanse(secret.data(), secret.size());
  for (std::string_view part : {std::string_view(options.region), std::string_view(options.service),
                                std::string_view("aws4_request")}) {
    std::string next = Hmac(key, part);
    OPENSSL_cleanse(key.data(), key.size());
    key = std::move(next);
  }
  return key;
}

std::string Sign(const AwsCredentials& credentials, std::string_view date,
                 const SigV4Options& options, std::string_view string_to_sign) {
  std::string key = SigningKey(credentials, date, options);
  std::string signature = HexEncode(Hmac(key, string_to_sign));
  OPENSSL_cleanse(key.data(), key.size());
  return signature;
}

Status CheckOptions(const SigV4Options& options) {
  if (options.region.empty()) {
    return Status::InvalidArgument("SigV4: the region is empty; set the store's region");
  }
  if (options.service.empty()) {
    return Status::InvalidArgument("SigV4: the service is empty (\"s3\" for S3)");
  }
  return Status::Ok();
}

Status CheckRequest(const SigV4Request& request, const SigV4Options& options) {
  SLUICE_RETURN_IF_ERROR(CheckOptions(options));
  if (request.method.empty()) return Status::InvalidArgument("SigV4: the request has no method");
  if (request.path.empty() || request.path.front() != '/') {
    return Status::InvalidArgument("SigV4: the request path \"" + request.path +
                                   "\" must start with '/'");
  }
  for (const auto& header : request.headers) {
    if (AsciiLower(TrimAsciiSpace(header.first)) == "host") return Status::Ok();
  }
  return Status::InvalidArgument(
      "SigV4: the request has no Host header; add the host (and port) it is sent to");
}

// InvalidArgument when the request already carries a header the signer adds.
Status CheckNotPresent(const Pairs& headers, std::string_view lower_name) {
  for (const auto& header : headers) {
    if (AsciiLower(TrimAsciiSpace(header.first)) == lower_name) {
      return Status::InvalidArgument("SigV4: the request already has a " + std::string(lower_name) +
                                     " header; leave it out, the signer adds it");
    }
  }
  return Status::Ok();
}

struct Scope {
  std::string amz_date;  // 20150830T123600Z
  std::string date;      // 20150830
  std::string text;      // 20150830/us-east-1/service/aws4_request
};

Scope MakeScope(const SigV4Options& options) {
  Scope scope;
  scope.amz_date = AmzDate(options.time);
  scope.date = scope.amz_date.substr(0, 8);
  scope.text = scope.date + '/' + options.region + '/' + options.service + "/aws4_request";
  return scope;
}

// Fills canonical_request, string_to_sign and signature of `result`.
void SignCanonical(const SigV4Request& request, const Pairs& query, const Pairs& headers,
                   std::string_view payload_hash, const AwsCredentials& credentials,
                   const SigV4Options& options, const Scope& scope,
                   sigv4_internal::CanonicalHeaders* canonical_headers, SigV4Result* result) {
  *canonical_headers = sigv4_internal::CanonicalizeHeaders(headers);
  result->canonical_request =
      request.method + '\n' +
      sigv4_internal::CanonicalUri(request.path, options.s3_rules, options.normalize_path) + '\n' +
      sigv4_internal::CanonicalQuery(query) + '\n' + canonical_headers->text + '\n' +
      canonical_headers->signed_names + '\n' + std::string(payload_hash);
  result->string_to_sign = std::string(kAlgorithm) + '\n' + scope.amz_date + '\n' + scope.text +
                           '\n' + Sha256Hex(result->canonical_request);
  result->signature = Sign(credentials, scope.date, options, result->string_to_sign);
}

}  // namespace

Result<SigV4Result> SignHeaders(const SigV4Request& request, const AwsCredentials& credentials,
                                const SigV4Options& options) {
  SLUICE_RETURN_IF_ERROR(CheckRequest(request, options));
  const bool add_content_sha256 = options.s3_rules || options.add_content_sha256;
  const bool has_token = !credentials.session_token.empty();
  SLUICE_RETURN_IF_ERROR(CheckNotPresent(request.headers, "x-amz-date"));
  SLUICE_RETURN_IF_ERROR(CheckNotPresent(request.headers, "authorization"));
  if (add_content_sha256) {
    SLUICE_RETURN_IF_ERROR(CheckNotPresent(request.headers, "x-amz-content-sha256"));
  }
  if (has_token) SLUICE_RETURN_IF_ERROR(CheckNotPresent(request.headers, "x-amz-security-token"));

  const Scope scope = MakeScope(options);
  const std::string payload_hash =
      request.payload_hash.empty() ? Sha256Hex(request.body) : request.payload_hash;

  SigV4Result result;
  result.headers.emplace_back("x-amz-date", scope.amz_date);
  if (add_content_sha256) result.headers.emplace_back("x-amz-content-sha256", payload_hash);
  if (has_token) result.headers.emplace_back("x-amz-security-token", credentials.session_token);

  Pairs headers = request.headers;
  for (const auto& added : result.headers) {
    if (added.first == "x-amz-security-token" && options.omit_session_token) continue;
    headers.push_back(added);
  }
  sigv4_internal::CanonicalHeaders canonical_headers;
  SignCanonical(request, request.query, headers, payload_hash, credentials, options, scope,
                &canonical_headers, &result);
  result.headers.emplace_back(
      "authorization", std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + '/' +
                           scope.text + ", SignedHeaders=" + canonical_headers.signed_names +
                           ", Signature=" + result.signature);
  return result;
}

Result<SigV4Result> SignQuery(const SigV4Request& request, const AwsCredentials& credentials,
                              const SigV4Options& options) {
  SLUICE_RETURN_IF_ERROR(CheckRequest(request, options));
  if (options.expires < std::chrono::seconds(1) || options.expires > kMaxExpiry) {
    return Status::InvalidArgument("SigV4: a presigned URL must expire within 1 s .. 7 days (" +
                                   std::to_string(kMaxExpiry.count()) + " s); " +
                                   std::to_string(options.expires.count()) + " s was asked");
  }
  for (const auto& [name, value] : request.query) {
    if (name.rfind("X-Amz-", 0) == 0) {
      for (std::string_view added :
           {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
            "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature"}) {
        if (name == added) {
          return Status::InvalidArgument("SigV4: the query already has " + name +
                                         "; leave it out, the signer adds it");
        }
      }
    }
  }

  const Scope scope = MakeScope(options);
  std::string payload_hash = request.payload_hash;
  if (payload_hash.empty()) {
    payload_hash = options.s3_rules ? "UNSIGNED-PAYLOAD" : Sha256Hex(request.body);
  }
  const bool has_token = !credentials.session_token.empty();

  Pairs query = request.query;
  query.emplace_back("X-Amz-Algorithm", kAlgorithm);
  query.emplace_back("X-Amz-Credential", credentials.access_key_id + '/' + scope.text);
  query.emplace_back("X-Amz-Date", scope.amz_date);
  query.emplace_back("X-Amz-Expires", std::to_string(options.expires.count()));
  query.emplace_back("X-Amz-SignedHeaders",
                     sigv4_internal::CanonicalizeHeaders(request.headers).signed_names);
  if (has_token && !options.omit_session_token) {
    query.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }

  SigV4Result result;
  sigv4_internal::CanonicalHeaders canonical_headers;
  SignCanonical(request, query, request.headers, payload_hash, credentials, options, scope,
                &canonical_headers, &result);
  result.query = sigv4_internal::CanonicalQuery(query);
  if (has_token && options.omit_session_token) {
    result.query += "&X-Amz-Security-Token=" + UriEncode(credentials.session_token, false);
  }
  result.query += "&X-Amz-Signature=" + result.signature;
  return result;
}

Result<std::string> SignChunk(std::string_view previous_signature, std::string_view chunk,
                              const AwsCredentials& credentials, const SigV4Options& options) {
  SLUICE_RETURN_IF_ERROR(CheckOptions(options));
  const Scope scope = MakeScope(options);
  std::string string_to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n" + scope.amz_date + '\n' + scope.text +
                               '\n' + std::string(previous_signature) + '\n' + Sha256Hex("") +
                               '\n' + Sha256Hex(chunk);
  return Sign(credentials, scope.date, options, string_to_sign);
}

}  // namespace sluice::store
