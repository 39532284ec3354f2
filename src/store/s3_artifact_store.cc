// The S3 backend of ArtifactStore (artifact_store.h): a bucket through one
// S3Client, whose connections every upload shares. A worker thread that
// cannot be started is done without: the calling thread is one of them.
#include <atomic>
#include <mutex>
#include <system_error>
#include <thread>

#include "store/artifact_store.h"

namespace sluice::store {
namespace {

class S3ArtifactStore : public ArtifactStore {
 public:
  S3ArtifactStore(std::shared_ptr<S3Client> client, std::string bucket)
      : client_(std::move(client)), bucket_(std::move(bucket)) {}

  std::string Describe() const override {
    std::string url = client_->ObjectUrl(bucket_, "");
    if (url.ends_with('/')) url.pop_back();
    return "s3://" + bucket_ + " at " + url;
  }

  Result<std::vector<ArtifactObject>> PutFiles(const std::vector<ArtifactUpload>& uploads,
                                               const CancellationToken* cancel) override {
    std::vector<ArtifactObject> objects(uploads.size());
    std::atomic<size_t> next{0};
    std::mutex mutex;
    Status failure = Status::Ok();      // guarded by mutex
    size_t failed_at = uploads.size();  // guarded by mutex: the first failing index
    auto worker = [&] {
      for (size_t i; (i = next++) < uploads.size();) {
        {
          std::lock_guard lock(mutex);
          if (!failure.ok()) return;
        }
        const ArtifactUpload& upload = uploads[i];
        std::string type =
            upload.content_type.empty() ? ContentTypeFor(upload.file) : upload.content_type;
        std::string sha256;
        Result<S3Object> put =
            client_->PutFileWithDigest(bucket_, upload.key, upload.file, type, &sha256, cancel);
        if (!put.ok()) {
          std::lock_guard lock(mutex);
          if (i < failed_at) {
            failed_at = i;
            failure =
                put.status().Annotate("uploading " + upload.file.string() + " as " + upload.key);
          }
          return;
        }
        objects[i] = ArtifactObject{bucket_, upload.key, put->size,
                                    sha256,  type,       client_->ObjectUrl(bucket_, upload.key)};
      }
    };
    size_t threads = std::min<size_t>(std::max(client_->parallel(), 1), uploads.size());
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) {
      try {
        pool.emplace_back(worker);
      } catch (const std::system_error&) {
        break;  // the threads started, and this one, do the work
      }
    }
    if (threads > 0) worker();
    for (std::thread& t : pool) t.join();
    if (!failure.ok()) return failure;
    return objects;
  }

  Result<std::string> Get(std::string_view key) const override {
    return client_->GetBytes(bucket_, key);
  }

  Result<std::vector<ArtifactObject>> List(std::string_view prefix) const override {
    SLUICE_ASSIGN_OR_RETURN(std::vector<S3Object> found, client_->ListAll(bucket_, prefix));
    std::vector<ArtifactObject> objects;
    for (S3Object& object : found) {
      // A listing gives no SHA-256 or content type; size and URL it does.
      objects.push_back(ArtifactObject{bucket_, object.key, object.size, "", "",
                                       client_->ObjectUrl(bucket_, object.key)});
    }
    return objects;
  }

  std::string UrlFor(std::string_view key) const override {
    return client_->ObjectUrl(bucket_, key);
  }

 private:
  // Constant after construction.
  std::shared_ptr<S3Client> client_;
  std::string bucket_;
};

}  // namespace

Result<std::unique_ptr<ArtifactStore>> OpenS3ArtifactStore(std::shared_ptr<S3Client> client,
                                                           std::string_view bucket) {
  if (!client) return Status::InvalidArgument("the S3 artifact store needs an S3 client");
  SLUICE_RETURN_IF_ERROR(CheckBucketName(bucket));
  return std::unique_ptr<ArtifactStore>(
      new S3ArtifactStore(std::move(client), std::string(bucket)));
}

}  // namespace sluice::store
