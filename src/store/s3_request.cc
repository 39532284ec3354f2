// One S3 request: signed (sigv4.h), sent through the transport, retried on
// what S3 says is worth retrying, and turned into a Status that says what
// S3 said and what to check.
#include <poll.h>

#include <algorithm>
#include <random>
#include <thread>

#include "common/hash.h"
#include "store/s3_client_impl.h"
#include "store/s3_xml.h"

namespace sluice::store {
namespace {

bool RetryableStatus(int status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

bool RetryableCode(std::string_view code) {
  return code == "SlowDown" || code == "InternalError" || code == "RequestTimeout";
}

std::string Hint(std::string_view code) {
  if (code == "SignatureDoesNotMatch") {
    return "check the secret key, and that the endpoint and region are the ones the keys "
           "belong to";
  }
  if (code == "InvalidAccessKeyId") return "check the access key id";
  if (code == "AccessDenied") return "the keys lack permission for this bucket or key";
  if (code == "NoSuchBucket") return "create the bucket, or check its name and region";
  if (code == "RequestTimeTooSkewed") {
    return "the machine's clock is off by more than 15 minutes; correct it";
  }
  if (code == "ExpiredToken" || code == "InvalidToken") return "renew the session token";
  if (code == "AuthorizationHeaderMalformed") return "check the region";
  return "";
}

// `text` from the server with the secret key and session token replaced
// by "***": a hostile or broken server may echo them back.
std::string WithoutSecrets(std::string text, const AwsCredentials& credentials) {
  for (const std::string& secret : {credentials.secret_access_key, credentials.session_token}) {
    if (secret.empty()) continue;
    for (size_t at = 0; (at = text.find(secret, at)) != std::string::npos; at += 3) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

// The Status for an S3 error answer (a non-2xx status, or an <Error>
// document in a 200); the server's words never show a credential.
Status Describe(const S3Call& call, std::string_view endpoint, const oci::HttpResponse& response,
                const std::optional<S3ErrorBody>& error, const AwsCredentials& credentials) {
  std::string code = error ? error->code : "";
  std::string hint;
  if (code.empty()) {
    // A HEAD answer has no body, so S3 cannot say why it refused.
    code = response.status == 404   ? (call.key.empty() ? "NoSuchBucket" : "NoSuchKey")
           : response.status == 403 ? "Forbidden"
                                    : "";
    if (response.status == 403) {
      hint =
          "the answer names no cause: check the secret key, the region, and that the keys "
          "may read this bucket";
    }
  }
  if (hint.empty()) hint = Hint(code);
  std::string text = call.method + " " + S3ClientImpl::Describe(call.bucket, call.key) + " at " +
                     std::string(endpoint) + ": HTTP " + std::to_string(response.status);
  if (!code.empty()) text += " " + WithoutSecrets(code, credentials);
  if (error && !error->message.empty()) text += ": " + WithoutSecrets(error->message, credentials);
  if (!hint.empty()) text += " (" + hint + ")";
  if (code == "NoSuchBucket" || code == "NoSuchKey" || response.status == 404) {
    return Status::NotFound(text);
  }
  if (response.status == 401 || response.status == 403) return Status::PermissionDenied(text);
  if (response.status >= 400 && response.status < 500) return Status::InvalidArgument(text);
  return Status::IoError(text);
}

// Sleeps `delay`, or less when `cancel` fires.
void Wait(std::chrono::milliseconds delay, const CancellationToken* cancel) {
  if (cancel == nullptr) {
    std::this_thread::sleep_for(delay);
    return;
  }
  pollfd p{cancel->fd(), POLLIN, 0};
  poll(&p, 1, static_cast<int>(delay.count()));
}

// Exponential backoff with jitter: half of base * 2^(retry-1) plus a random
// part of the other half, at most 20 s.
std::chrono::milliseconds Backoff(std::chrono::milliseconds base, int retry) {
  thread_local std::mt19937 random{std::random_device{}()};
  int64_t full = std::min<int64_t>(base.count() << std::min(retry - 1, 16), 20'000);
  std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(full / 2, 0));
  return std::chrono::milliseconds(full / 2 + jitter(random));
}

Status Cancelled(const S3Call& call) {
  return Status::Aborted(call.method + " " + S3ClientImpl::Describe(call.bucket, call.key) +
                         ": cancelled");
}

}  // namespace

Result<oci::HttpResponse> S3ClientImpl::Send(S3Call call) const {
  Target target = Address(call.bucket, call.key);
  std::string query;
  auto sorted = call.query;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [name, value] : sorted) {
    query += query.empty() ? "?" : "&";
    query += UriEncode(name, false);
    if (!value.empty()) query += "=" + UriEncode(value, false);
  }
  std::string payload_hash = options_.unsigned_payload && call.method == "PUT" ? "UNSIGNED-PAYLOAD"
                             : !call.body_sha256.empty()                       ? call.body_sha256
                                                         : Sha256Hex(call.body);

  oci::HttpRequest http;
  http.method = call.method;
  http.url = target.url + query;
  http.body = std::move(call.body);
  call.body.clear();

  Status last = Status::Ok();
  int attempts = 0;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (call.cancel != nullptr && call.cancel->cancelled()) return Cancelled(call);
    if (attempt > 1) {
      Wait(Backoff(options_.retry_base, attempt - 1), call.cancel);
      if (call.cancel != nullptr && call.cancel->cancelled()) return Cancelled(call);
    }
    SigV4Request request;
    request.method = call.method;
    request.path = target.path;
    request.query = call.query;
    request.headers.emplace_back("Host", target.host);
    for (const auto& [name, value] : call.headers) request.headers.emplace_back(name, value);
    request.payload_hash = payload_hash;
    request.body = http.body;
    SigV4Options sign;
    sign.region = options_.region;
    sign.service = "s3";
    sign.time = Now();
    SLUICE_ASSIGN_OR_RETURN(SigV4Result signature,
                            SignHeaders(request, options_.credentials, sign));
    http.headers = call.headers;
    http.headers["Host"] = target.host;
    // Without a Content-Type of ours, curl would send its form type with
    // every body; an empty value removes that header.
    if (!http.headers.contains("Content-Type")) http.headers["Content-Type"] = "";
    for (const auto& [name, value] : signature.headers) http.headers[name] = value;

    ++attempts;
    Result<oci::HttpResponse> response = options_.transport->Send(http);
    if (!response.ok()) {
      // The transport's message names the URL, which holds no secret: the
      // signature travels in a header.
      last = Status::IoError(call.method + " " + Describe(call.bucket, call.key) + ": " +
                             response.status().message());
      if (call.trace != nullptr) call.trace->answer_lost = true;
      if (!call.retry_lost_answers) break;
      continue;
    }
    std::optional<S3ErrorBody> error;
    // CompleteMultipartUpload may fail after its 200 has gone out: the
    // error then comes as the body.
    if (response->status < 200 || response->status >= 300 ||
        (call.method == "POST" && response->body.find("<Error>") != std::string::npos)) {
      error = ParseS3Error(response->body);
    }
    if (call.trace != nullptr) call.trace->error_code = error ? error->code : "";
    bool success = response->status >= 200 && response->status < 300 && !error;
    if (success) return std::move(response).value();
    last = sluice::store::Describe(call, options_.endpoint.empty() ? host_ : options_.endpoint,
                                   *response, error, options_.credentials);
    if (!RetryableStatus(response->status) && !(error && RetryableCode(error->code))) break;
  }
  if (attempts > 1) {
    return Status(last.code(),
                  last.message() + " (after " + std::to_string(attempts) + " attempts)");
  }
  return last;
}

}  // namespace sluice::store
