// Where steps put the files an execution produces (S3Upload), and where
// the execution's published artifacts point: one interface, two backends.
//
//  - Local (the embedded default): <state>/artifacts/<bucket>/<key>, one
//    file per object, written atomically (a temporary file in
//    <root>/.incoming, fsynced, renamed into place); its URLs are file://
//    URLs of those files, percent-encoded (the server will serve them
//    later). Content types are not stored: Get/List give ContentTypeFor(key).
//  - S3 (s3_client.h): a bucket of any S3-compatible server.
//
// Keys are S3 object keys: non-empty, at most 1024 bytes, no NUL; the
// local backend also refuses keys with "." or ".." segments, empty
// segments ("a//b", "dir/") or a leading '/' (InvalidArgument), so a key
// always names one file inside its bucket directory. Buckets are S3 bucket
// names (CheckBucketName) in both backends.
//
// PutFiles uploads every file of the batch, several at once where the
// backend can (S3: S3ClientOptions::parallel), and returns the objects in
// the batch's order. It stops at the first failure and returns it, naming
// the file and key; objects stored before that stay stored. Each object's
// size and SHA-256 are those of the bytes read from the file.
//
// Thread-safety: a store may be used from several threads at once.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/cancellation.h"
#include "common/status.h"
#include "store/s3_client.h"

namespace sluice::store {

struct ArtifactObject {
  std::string bucket;
  std::string key;
  int64_t size = 0;
  std::string sha256;  // hex
  std::string content_type;
  std::string url;  // where a person or a later step gets it
};

struct ArtifactUpload {
  std::filesystem::path file;
  std::string key;
  std::string content_type;  // empty: ContentTypeFor(file)
};

class ArtifactStore {
 public:
  virtual ~ArtifactStore() = default;
  // "s3://bucket at http://127.0.0.1:8090", "<state>/artifacts/bucket"; for
  // logs (never a credential).
  virtual std::string Describe() const = 0;
  virtual Result<std::vector<ArtifactObject>> PutFiles(const std::vector<ArtifactUpload>& uploads,
                                                       const CancellationToken* cancel) = 0;
  // NotFound for a missing key.
  virtual Result<std::string> Get(std::string_view key) const = 0;
  // The objects under `prefix`, by key (sha256 empty: listings do not
  // carry it).
  virtual Result<std::vector<ArtifactObject>> List(std::string_view prefix) const = 0;
  // The URL PutFiles gives the object `key` (no I/O).
  virtual std::string UrlFor(std::string_view key) const = 0;
};

// <root>/<bucket>; the directory is made on the first put.
Result<std::unique_ptr<ArtifactStore>> OpenLocalArtifactStore(const std::filesystem::path& root,
                                                              std::string_view bucket);

// A bucket through an S3 client (the bucket must exist).
Result<std::unique_ptr<ArtifactStore>> OpenS3ArtifactStore(std::shared_ptr<S3Client> client,
                                                           std::string_view bucket);

// Ok when `bucket` follows S3's bucket naming rules: 3 to 63 characters;
// lower-case letters, digits, '.' and '-' only; starting and ending with a
// letter or digit; no ".."; not in the form of an IPv4 address
// ("192.168.5.4"). Otherwise InvalidArgument naming the bucket and the
// rule it breaks. Pure.
Status CheckBucketName(std::string_view bucket);

// The Content-Type for a file name by its extension ("report.html" ->
// "text/html; charset=utf-8", ".json" -> "application/json", ".png",
// ".csv", ".txt", ".pkl", ".onnx", ...), "application/octet-stream" else.
std::string ContentTypeFor(const std::filesystem::path& file);

}  // namespace sluice::store
