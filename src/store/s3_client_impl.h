// Internal to the S3 client (s3_client.h): the implementation class, shared
// by s3_client.cc (addressing and the simple calls), s3_request.cc (one
// signed request with retries and S3's errors) and s3_multipart.cc
// (multipart uploads).
#pragma once

#include <map>
#include <memory>
#include <semaphore>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/s3_client.h"

namespace sluice::store {

// What Send saw besides its result, for a caller that must tell "this
// call failed" from "an attempt whose answer was lost had already done it".
struct S3SendTrace {
  bool answer_lost = false;  // an attempt ended in a connection error
  std::string error_code;    // the S3 error Code of the last answer, "" when none
};

// One S3 call before signing.
struct S3Call {
  std::string method;
  std::string bucket;
  std::string key;  // empty: the bucket itself
  // Decoded (name, value); an empty value goes on the wire as a bare name.
  std::vector<std::pair<std::string, std::string>> query;
  std::map<std::string, std::string> headers;  // besides Host and the signature's
  std::string body;
  // The body's hex SHA-256 when the caller has it; empty: computed here.
  std::string body_sha256;
  const CancellationToken* cancel = nullptr;
  // False for a call that must not be sent twice when its answer is lost
  // (starting a multipart upload: a second start would leave the first
  // one, whose id was never seen, behind and never aborted).
  bool retry_lost_answers = true;
  S3SendTrace* trace = nullptr;  // filled in when set
};

class S3ClientImpl : public S3Client {
 public:
  explicit S3ClientImpl(S3ClientOptions options);

  Result<S3Object> PutFile(std::string_view bucket, std::string_view key,
                           const std::filesystem::path& file, std::string_view content_type,
                           const CancellationToken* cancel) override;
  Result<S3Object> PutFileWithDigest(std::string_view bucket, std::string_view key,
                                     const std::filesystem::path& file,
                                     std::string_view content_type, std::string* sha256,
                                     const CancellationToken* cancel) override;
  Result<S3Object> PutBytes(std::string_view bucket, std::string_view key, std::string_view bytes,
                            std::string_view content_type,
                            const CancellationToken* cancel) override;
  Result<std::string> GetBytes(std::string_view bucket, std::string_view key) override;
  Result<S3Object> Head(std::string_view bucket, std::string_view key) override;
  Status Delete(std::string_view bucket, std::string_view key) override;
  Result<S3Listing> List(std::string_view bucket, std::string_view prefix,
                         std::string_view delimiter, int max_keys,
                         std::string_view continuation_token) override;
  Result<std::vector<S3Object>> ListAll(std::string_view bucket, std::string_view prefix) override;
  Status CreateBucket(std::string_view bucket) override;
  Result<std::string> PresignGet(std::string_view bucket, std::string_view key,
                                 std::chrono::seconds expires) override;
  std::string ObjectUrl(std::string_view bucket, std::string_view key) const override;
  int parallel() const override { return options_.parallel; }

  // The call signed and sent, retried as s3_client.h says; a 2xx response,
  // or the error S3 gave, described (s3_request.cc).
  Result<oci::HttpResponse> Send(S3Call call) const;

  // A file at or above the threshold as a multipart upload (s3_multipart.cc).
  Result<S3Object> PutMultipart(std::string_view bucket, std::string_view key,
                                const std::filesystem::path& file, int64_t size,
                                std::string_view content_type, std::string* sha256,
                                const CancellationToken* cancel);

  // "s3://bucket/key" for messages.
  static std::string Describe(std::string_view bucket, std::string_view key);

 private:
  struct Target {
    std::string url;   // without the query
    std::string host;  // the Host header
    std::string path;  // as on the request line, encoded
  };
  Target Address(std::string_view bucket, std::string_view key) const;
  std::chrono::system_clock::time_point Now() const;

  // Constant after construction.
  S3ClientOptions options_;
  std::string scheme_;     // "https" for AWS
  std::string host_;       // endpoint host[:port]; AWS: s3.<region>.amazonaws.com
  std::string base_path_;  // the endpoint's path, without a trailing '/'
  bool virtual_hosted_ = false;

  // A multipart worker holds one of `parallel` slots while a part is in
  // memory, so that the parts of every upload through this client (the
  // artifact store uploads several files at once) stay within parallel x
  // part_size bytes.
  std::unique_ptr<std::counting_semaphore<64>> part_slots_;
};

// Splits "http://host:port/base" (InvalidArgument naming `endpoint` when it
// is not an http(s) URL with a host and no query).
struct EndpointParts {
  std::string scheme, host, path;
};
Result<EndpointParts> ParseEndpoint(std::string_view endpoint);

}  // namespace sluice::store
