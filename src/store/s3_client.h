// An S3 client: the calls sluice needs of any S3-compatible server (AWS S3,
// OpenStack Swift's s3api, MinIO, Ceph), signed with SigV4 (sigv4.h).
//
// Addressing: `endpoint` empty means AWS (https://s3.<region>.amazonaws.com,
// virtual-hosted: https://<bucket>.s3.<region>.amazonaws.com/<key>); a custom
// endpoint ("http://127.0.0.1:8090", "https://minio.example:9000") is used
// path-style (<endpoint>/<bucket>/<key>) unless `virtual_hosted` is set
// (then <scheme>://<bucket>.<endpoint host>/<key>). http:// is allowed for
// any endpoint the user names.
//
// Bodies: a PUT sends the body's SHA-256 as x-amz-content-sha256 (the
// server checks it) unless `unsigned_payload` is set ("UNSIGNED-PAYLOAD":
// faster for large bodies; only sensible over https or loopback). Files at
// or above `multipart_threshold` go up as a multipart upload of
// `part_size` parts, `parallel` at a time (a failed upload is aborted so
// no parts are left behind; parts in memory are at most parallel x
// part_size across every upload of the client); smaller ones as one PUT,
// read whole. Every call is retried on connection errors, 500, 502, 503,
// 504 and SlowDown, up to `max_attempts` times with exponential backoff
// and jitter (base `retry_base`), but never after cancellation, and the
// start of a multipart upload is not sent again after a connection error
// (a lost answer would leave an upload whose id was never seen, which
// could not be aborted). A completion sent again after a lost answer and
// told NoSuchUpload (the first one did complete) counts as done when HEAD
// finds the object with the file's size and a multipart ETag of as many
// parts ("...-N"); otherwise NoSuchUpload is the error. Uploads use the
// threads that can be started, the calling one at least.
//
// Errors say what S3 said and what to check: the S3 error Code and Message
// from the XML body, the HTTP status, the request (method, bucket, key --
// never a credential or signature), and a hint for the common ones:
//   SignatureDoesNotMatch -> check the secret key and that the endpoint and
//     region are the ones the keys belong to;
//   InvalidAccessKeyId    -> check the access key id;
//   AccessDenied          -> the keys lack permission for the bucket or key;
//   NoSuchBucket          -> create the bucket, or check its name and region;
//   NoSuchKey             -> NotFound;
//   RequestTimeTooSkewed  -> the machine's clock is off by more than 15 min.
// Codes: NotFound for NoSuchBucket/NoSuchKey/404; PermissionDenied for
// 403s; InvalidArgument for other 4xx; IoError for connection errors and
// 5xx after the retries; Aborted when the token fired (the Status code of
// a cancellation).
//
// Thread-safety: an S3Client may be used from several threads at once
// (the transport is shared; credentials are immutable).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cancellation.h"
#include "common/status.h"
#include "oci/registry_http.h"
#include "store/sigv4.h"

namespace sluice {
// What the store's calls watch for cancellation (Ctrl-C, abort, a failure
// strategy): a Cancellation, by the name the store's contracts use.
using CancellationToken = Cancellation;
}  // namespace sluice

namespace sluice::store {

struct S3ClientOptions {
  std::string region = "us-east-1";
  std::string endpoint;  // empty: AWS
  bool virtual_hosted = false;  // for a custom endpoint; AWS is always virtual-hosted
  AwsCredentials credentials;
  bool unsigned_payload = false;
  int64_t multipart_threshold = int64_t{16} << 20;
  int64_t part_size = int64_t{16} << 20;  // >= 5 MiB
  int parallel = 8;                       // parts, or files of PutFiles, at once
  int max_attempts = 4;
  std::chrono::milliseconds retry_base{100};
  std::chrono::seconds timeout{300};  // one request
  // Null: libcurl. Tests may put another transport behind the client.
  std::shared_ptr<oci::HttpTransport> transport;
  // Null: the system clock (tests pin the signing time).
  std::function<std::chrono::system_clock::time_point()> now;
};

struct S3Object {
  std::string key;
  int64_t size = 0;
  std::string etag;           // as S3 returns it, quotes removed
  std::string last_modified;  // as S3 returns it (ISO 8601)
  std::string content_type;   // HEAD and GET only
};

struct S3Listing {
  std::vector<S3Object> objects;
  std::vector<std::string> common_prefixes;
  std::string next_continuation_token;  // empty: the last page
};

class S3Client {
 public:
  // InvalidArgument naming the field for a malformed endpoint, an empty
  // region, or part sizes out of S3's limits.
  static Result<std::unique_ptr<S3Client>> Create(S3ClientOptions options);
  virtual ~S3Client() = default;

  // One object from a file (multipart when large) or from memory.
  virtual Result<S3Object> PutFile(std::string_view bucket, std::string_view key,
                                   const std::filesystem::path& file,
                                   std::string_view content_type,
                                   const CancellationToken* cancel = nullptr) = 0;
  // PutFile that also gives the hex SHA-256 of the bytes it read from the
  // file, computed while they are read (ArtifactStore records it). The
  // default reads the file once more.
  virtual Result<S3Object> PutFileWithDigest(std::string_view bucket, std::string_view key,
                                             const std::filesystem::path& file,
                                             std::string_view content_type, std::string* sha256,
                                             const CancellationToken* cancel = nullptr);
  virtual Result<S3Object> PutBytes(std::string_view bucket, std::string_view key,
                                    std::string_view bytes, std::string_view content_type,
                                    const CancellationToken* cancel = nullptr) = 0;
  virtual Result<std::string> GetBytes(std::string_view bucket, std::string_view key) = 0;
  virtual Result<S3Object> Head(std::string_view bucket, std::string_view key) = 0;
  virtual Status Delete(std::string_view bucket, std::string_view key) = 0;
  // ListObjectsV2, one page (max_keys 1..1000).
  virtual Result<S3Listing> List(std::string_view bucket, std::string_view prefix,
                                 std::string_view delimiter, int max_keys,
                                 std::string_view continuation_token) = 0;
  // Every object under `prefix`, page after page.
  virtual Result<std::vector<S3Object>> ListAll(std::string_view bucket,
                                                std::string_view prefix) = 0;
  virtual Status CreateBucket(std::string_view bucket) = 0;
  // A presigned GET URL valid for `expires` (1 s .. 7 days); no network.
  virtual Result<std::string> PresignGet(std::string_view bucket, std::string_view key,
                                         std::chrono::seconds expires) = 0;
  // The object's plain URL (virtual-hosted on AWS, as the endpoint is
  // addressed otherwise); no network, no signature.
  virtual std::string ObjectUrl(std::string_view bucket, std::string_view key) const = 0;
  // How many requests the client sends at once (S3ClientOptions::parallel).
  virtual int parallel() const { return 8; }
};

}  // namespace sluice::store
