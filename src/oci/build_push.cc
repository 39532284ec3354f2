#include "oci/build_push.h"

#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "oci/blob_stream.h"

namespace sluice::oci {
namespace {

// A layer uploaded while the build made it.
struct StreamedLayer {
  std::unique_ptr<BlobUploadStream> upload;
  Digest digest;  // set when the layer is finished
  int64_t size = 0;
  bool finished = false;
};

// The build's end of a StreamedLayer. Dropped unfinished (the layer was not
// made), it abandons the upload.
class UploadingLayerStream : public LayerStream {
 public:
  explicit UploadingLayerStream(std::shared_ptr<StreamedLayer> layer) : layer_(std::move(layer)) {}
  ~UploadingLayerStream() override {
    if (!layer_->finished) layer_->upload.reset();
  }
  void Write(std::string_view bytes) override { layer_->upload->Write(bytes); }
  void Finish(const Layer& layer) override {
    layer_->digest = layer.digest;
    layer_->size = layer.size;
    layer_->finished = true;
    layer_->upload->Finish(layer.digest);
  }

 private:
  std::shared_ptr<StreamedLayer> layer_;
};

// What the registry is known to hold, blob by blob, as the build pushes.
class Pusher {
 public:
  Pusher(RegistryClient& client, std::string_view repository, std::string_view tag)
      : client_(client),
        repository_(repository),
        tag_(tag),
        config_upload_(std::make_unique<BlobUploadStream>(client, repository_)) {}

  // Waits for every upload: none outlives the pusher.
  ~Pusher() {
    if (manifest_push_.valid()) manifest_push_.wait();
    for (auto& upload : cached_uploads_) upload.wait();
  }

  // BuildRequest::stream_layer.
  std::unique_ptr<LayerStream> StreamLayer() {
    auto layer = std::make_shared<StreamedLayer>();
    layer->upload = std::make_unique<BlobUploadStream>(client_, repository_);
    std::lock_guard<std::mutex> lock(mutex_);
    streamed_.push_back(layer);
    return std::make_unique<UploadingLayerStream>(layer);
  }

  // BuildRequest::on_layer: a layer found in the cache (or made and
  // streamed already) goes up on a thread of its own unless it is there.
  void FoundLayer(const Layer& layer) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& streamed : streamed_) {
      if (streamed->finished && streamed->digest == layer.digest) return;
    }
    if (!seen_.insert(layer.digest.str()).second) return;
    cached_uploads_.push_back(std::async(std::launch::async, [this, layer] {
      auto exists = client_.BlobExists(repository_, layer.digest);
      bool sent = exists.ok() && !*exists && client_.PushBlob(repository_, layer.gzip).ok();
      std::lock_guard<std::mutex> guard(mutex_);
      if (sent) Uploaded(layer.digest, layer.size);
      if (exists.ok() && *exists) known_.present.insert(layer.digest.str());
    }));
  }

  // BuildRequest::on_image: the config goes into its open session, and once
  // every layer is up, the manifest follows -- while the build stores them.
  void ImageComposed(const ImageDocuments& documents) {
    documents_ = documents;
    Digest config = Sha256Of(documents.config);
    config_upload_->Write(documents.config);
    config_upload_->Finish(config);
    manifest_push_ = std::async(std::launch::async, [this, config] {
      if (config_upload_->Wait().ok()) {
        std::lock_guard<std::mutex> lock(mutex_);
        Uploaded(config, static_cast<int64_t>(documents_->config.size()));
      }
      return PushManifestIfComplete();
    });
  }

  // After the build: the push as it went, or completed by Push.
  Result<PushResult> Finish(const ImageLayout& layout, std::string_view local_tag) {
    if (manifest_push_.valid() && manifest_push_.get()) {
      std::lock_guard<std::mutex> lock(mutex_);
      return pushed_;
    }
    WaitForLayers();
    PushOptions known;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      known = known_;
    }
    return Push(layout, local_tag, client_, repository_, tag_, known);
  }

 private:
  // Called with mutex_ held.
  void Uploaded(const Digest& digest, int64_t size) {
    if (known_.uploaded.insert(digest.str()).second) sizes_[digest.str()] = size;
  }

  void WaitForLayers() {
    for (auto& upload : cached_uploads_) upload.wait();
    std::vector<std::shared_ptr<StreamedLayer>> streamed;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      streamed = streamed_;
    }
    for (const auto& layer : streamed) {
      if (layer->finished && layer->upload && layer->upload->Wait().ok()) {
        std::lock_guard<std::mutex> lock(mutex_);
        Uploaded(layer->digest, layer->size);
      }
    }
  }

  // Puts the manifest when the registry holds every blob it names; whether
  // it did.
  bool PushManifestIfComplete() {
    WaitForLayers();
    auto manifest = ParseManifest(documents_->manifest);
    if (!manifest.ok()) return false;
    PushResult result;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      std::vector<Descriptor> blobs = manifest->layers;
      blobs.push_back(manifest->config);
      std::set<std::string> counted;  // a blob named twice was sent once
      for (const Descriptor& blob : blobs) {
        std::string digest = blob.digest.str();
        if (known_.uploaded.contains(digest) && counted.insert(digest).second) {
          ++result.blobs_uploaded;
          result.bytes_sent += sizes_[digest];
        } else if (known_.present.contains(digest) || counted.contains(digest)) {
          ++result.blobs_skipped;
        } else {
          return false;
        }
      }
    }
    auto put = client_.PutManifest(repository_, tag_, kMediaTypeManifest, documents_->manifest);
    if (!put.ok()) return false;
    result.manifest = documents_->manifest_descriptor;
    std::lock_guard<std::mutex> lock(mutex_);
    pushed_ = std::move(result);
    return true;
  }

  RegistryClient& client_;
  const std::string repository_;
  const std::string tag_;
  std::mutex mutex_;  // guards what follows, except the futures
  std::vector<std::shared_ptr<StreamedLayer>> streamed_;
  std::set<std::string> seen_;            // cached layers already handled, by digest
  PushOptions known_;                     // what the registry holds now
  std::map<std::string, int64_t> sizes_;  // of the uploaded blobs
  std::optional<ImageDocuments> documents_;
  PushResult pushed_;
  std::unique_ptr<BlobUploadStream> config_upload_;
  std::vector<std::future<void>> cached_uploads_;
  std::future<bool> manifest_push_;
};

}  // namespace

Result<BuildPushResult> BuildAndPush(BuildRequest request, const ImageLayout& layout,
                                     DiagnosticList& diagnostics, RegistryClient& client,
                                     std::string_view repository, std::string_view tag) {
  Pusher pusher(client, repository, tag);
  request.stream_layer = [&pusher] { return pusher.StreamLayer(); };
  request.on_layer = [&pusher](const Layer& layer) { pusher.FoundLayer(layer); };
  request.on_image = [&pusher](const ImageDocuments& documents) {
    pusher.ImageComposed(documents);
  };
  BuildPushResult result;
  SLUICE_ASSIGN_OR_RETURN(result.image, BuildImage(request, layout, diagnostics));
  result.pushed = pusher.Finish(layout, request.tag);
  return result;
}

}  // namespace sluice::oci
