// A client for one container registry, speaking the OCI distribution spec.
//
// RegistryClient pushes and pulls blobs and manifests, mounts blobs across
// repositories and lists tags on one registry host. It authenticates the way
// registries ask to (anonymous, Basic with the caller's credentials, or Bearer
// tokens fetched from the realm the registry names, cached per scope and
// renewed once on a 401), retries 5xx answers and dropped connections with
// exponential backoff, and checks every digest it is given or sent: a blob or
// manifest whose bytes do not hash to what was asked for is an error and
// nothing of it is returned.
//
// Transport: loopback hosts (127.0.0.0/8, ::1, localhost) are reached over
// plain HTTP, as Docker does; any other host over HTTPS unless the caller
// lists it in RegistryOptions::insecure_hosts.
//
// Errors are Status values naming the registry, the repository, the HTTP
// status and the registry's own error (errors[].code: message), with what to
// do: NotFound for unknown blobs/manifests/repositories, FailedPrecondition
// for refused credentials or permissions, IoError for network and server
// failures, InvalidArgument for bad input (repository names, tags) and for
// digest mismatches.
//
// Thread-safety: one client may be used from several threads; the token cache
// is guarded by a mutex, and the transport must be thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "oci/digest.h"
#include "oci/image.h"
#include "oci/registry_http.h"

namespace sluice::oci {

// Media types the client also accepts on pull, beside image.h's OCI ones
// (persisted wire values).
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";

struct RegistryCredentials {
  std::string username;  // for ECR: "AWS"
  std::string password;  // or a token
};

struct RegistryOptions {
  std::optional<RegistryCredentials> credentials;
  // Hosts ("host" or "host:port") reached over plain HTTP although not loopback.
  std::vector<std::string> insecure_hosts;
  // Blobs larger than this are sent in PATCH chunks of chunk_size bytes.
  size_t chunk_threshold = 64 << 20;
  size_t chunk_size = 16 << 20;
  // Retries after a 5xx answer or a failed connection: max_retries more
  // attempts, waiting initial_backoff, then twice as long each time.
  int max_retries = 3;
  std::chrono::milliseconds initial_backoff{500};
  // How the client waits between retries (tests pass a recorder).
  std::function<void(std::chrono::milliseconds)> sleep;
};

// A manifest or index as the registry stores it.
struct RawManifest {
  std::string media_type;
  std::string bytes;  // exactly as stored: the digest is over these bytes
  Digest digest;
};

class RegistryClient {
 public:
  // `host` is "host[:port]" as in an image reference ("127.0.0.1:5000").
  RegistryClient(std::string host, RegistryOptions options,
                 std::unique_ptr<HttpTransport> transport);
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;
  ~RegistryClient();

  const std::string& host() const { return host_; }
  // "http://host" or "https://host", by the rules above.
  const std::string& base_url() const { return base_url_; }

  // GET /v2/: OK when the registry answers and accepts our credentials.
  Status Ping();

  // Whether `repository` holds the blob (HEAD).
  Result<bool> BlobExists(std::string_view repository, const Digest& digest);
  // Uploads `bytes` (monolithic POST+PUT, or PATCH chunks above the
  // threshold) unless the blob is already there; returns its digest.
  Result<Digest> PushBlob(std::string_view repository, std::string_view bytes);
  // Uploads a file whose digest the caller knows (a blob of a content-
  // addressed store), read chunk by chunk: above the threshold at most
  // chunk_size bytes of it are in memory. It does not ask whether the
  // registry has the blob (BlobExists does), and the registry checks the
  // digest against what it received. IoError when the file cannot be read.
  Status UploadBlobFile(std::string_view repository, const std::filesystem::path& file,
                        const Digest& digest);
  // An upload in parts, for bytes that arrive over time (blob_stream.h):
  // OpenUpload POSTs and returns the session's location; AppendUpload
  // PATCHes `bytes` as the session's bytes from `offset` on and returns the
  // location to use next; CloseUpload PUTs the digest of everything sent,
  // which the registry checks.
  Result<std::string> OpenUpload(std::string_view repository);
  Result<std::string> AppendUpload(std::string_view repository, const std::string& location,
                                   size_t offset, std::string bytes);
  // The same for bytes read from `source` while they are sent, in one
  // PATCH without a Content-Range (a streamed upload, as Docker sends
  // layers): not retried, and a 401 is an error (open the session with
  // OpenUpload first, which authenticates).
  Result<std::string> AppendUploadFrom(std::string_view repository, const std::string& location,
                                       HttpBodySource source);
  Status CloseUpload(std::string_view repository, const std::string& location,
                     const Digest& digest);
  // Mounts the blob from `from_repository` without sending it. When the
  // registry cannot mount (202), uploads `bytes` instead. Returns whether it
  // was mounted. InvalidArgument when `bytes` do not hash to `digest`.
  Result<bool> MountOrPushBlob(std::string_view repository, std::string_view from_repository,
                               const Digest& digest, std::string_view bytes);
  // The blob's bytes, checked against `digest`.
  Result<std::string> GetBlob(std::string_view repository, const Digest& digest);

  // PUT a manifest or index under `reference` (a tag or its digest) with
  // `media_type` as Content-Type; returns the digest of `bytes`, checked
  // against the registry's Docker-Content-Digest.
  Result<Digest> PutManifest(std::string_view repository, std::string_view reference,
                             std::string_view media_type, std::string_view bytes);
  // GET a manifest or index by tag or digest, accepting OCI and Docker
  // schema 2 types. When `reference` is a digest the bytes must match it.
  Result<RawManifest> GetManifest(std::string_view repository, std::string_view reference);

  // Every tag of `repository`, following `Link: <...>; rel="next"` pages.
  Result<std::vector<std::string>> ListTags(std::string_view repository);

 private:
  // Sends with auth and retries; `scope` is the token scope the call needs
  // ("repository:NAME:pull" etc.). On a 401 it authenticates as the
  // registry asks and sends once more.
  Result<HttpResponse> Send(HttpRequest request, const std::string& scope);
  Result<HttpResponse> SendWithRetries(const HttpRequest& request);
  Status Authenticate(const HttpResponse& challenge, const std::string& scope);
  void AddAuthorization(HttpRequest& request, const std::string& scope);
  Status Error(const HttpResponse& response, std::string_view repository,
               std::string_view what) const;
  // base_url/v2/<repository><suffix>; InvalidArgument for a bad name.
  Result<std::string> RepositoryUrl(std::string_view repository, std::string_view suffix) const;
  // Reads `length` bytes of the blob from `offset`.
  using ReadChunk = std::function<Result<std::string>(size_t offset, size_t length)>;
  // Sends `size` bytes to the session at `location`: one PUT, or PATCH
  // chunks then an empty PUT, always to the Location of the last reply.
  Result<Digest> Upload(std::string_view repository, std::string location, size_t size,
                        const ReadChunk& read, const Digest& digest);

  // Constant after construction.
  const std::string host_;
  const RegistryOptions options_;
  const std::string base_url_;
  const std::unique_ptr<HttpTransport> transport_;

  std::mutex mutex_;
  // Protected by mutex_: whether the registry asked for Basic auth, and the
  // Bearer tokens fetched so far, by scope.
  bool use_basic_ = false;
  std::map<std::string, std::string> tokens_;
};

// True for 127.0.0.0/8, ::1 and localhost (with or without a port).
bool IsLoopbackHost(std::string_view host);

// One parsed `WWW-Authenticate` challenge: the scheme ("basic", "bearer",
// lower-cased) and its auth-params (names lower-cased; quoted values unquoted,
// so `scope="repository:a:pull,push"` keeps its comma).
struct AuthChallenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};
Result<AuthChallenge> ParseAuthChallenge(std::string_view header);

}  // namespace sluice::oci
