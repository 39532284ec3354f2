#include "oci/transfer.h"

#include <string>
#include <vector>

namespace sluice::oci {

namespace {

constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
constexpr std::string_view kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

// Sends one blob unless the registry has it, counting what happened.
Status PushOneBlob(const ImageLayout& layout, const Descriptor& blob, RegistryClient& client,
                   std::string_view repository, const PushOptions& options, PushResult& result) {
  if (options.uploaded.contains(blob.digest.str())) {
    ++result.blobs_uploaded;
    result.bytes_sent += blob.size;
    return Status::Ok();
  }
  bool present = options.present.contains(blob.digest.str());
  if (!present) {
    SLUICE_ASSIGN_OR_RETURN(present, client.BlobExists(repository, blob.digest));
  }
  if (present) {
    ++result.blobs_skipped;
    return Status::Ok();
  }
  if (!options.mount_from.empty()) {
    SLUICE_ASSIGN_OR_RETURN(std::string bytes, layout.ReadBlob(blob.digest));
    SLUICE_ASSIGN_OR_RETURN(
        bool mounted, client.MountOrPushBlob(repository, options.mount_from, blob.digest, bytes));
    if (mounted) {
      ++result.blobs_mounted;
      return Status::Ok();
    }
  } else {
    SLUICE_RETURN_IF_ERROR(
        client.UploadBlobFile(repository, layout.BlobPath(blob.digest), blob.digest));
  }
  ++result.blobs_uploaded;
  result.bytes_sent += blob.size;
  return Status::Ok();
}

std::string PlatformName(const Descriptor& d) {
  if (!d.platform) return "(no platform)";
  return d.platform->os + "/" + d.platform->architecture;
}

// The linux/amd64 entry of an index or manifest list.
Result<Descriptor> PickPlatform(const RawManifest& raw, const std::string& where) {
  auto index = ParseIndex(raw.bytes);
  if (!index.ok()) return index.status().Annotate(where);
  std::string available;
  for (const Descriptor& d : index->manifests) {
    if (d.platform && d.platform->os == "linux" && d.platform->architecture == "amd64") return d;
    available += (available.empty() ? "" : ", ") + PlatformName(d);
  }
  return Status::FailedPrecondition(
      where + " has no linux/amd64 image (it has: " + (available.empty() ? "none" : available) +
      "); pull the platform's manifest by its digest instead");
}

// A Docker schema 2 manifest with OCI media types; the others pass unchanged.
Result<Manifest> ToOciManifest(Manifest manifest, const RawManifest& raw,
                               const std::string& where) {
  if (raw.media_type != kDockerManifest) return manifest;
  if (manifest.config.media_type == kDockerConfig) {
    manifest.config.media_type = std::string(kMediaTypeConfig);
  }
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    Descriptor& layer = manifest.layers[i];
    if (layer.media_type == kDockerLayerGzip) {
      layer.media_type = std::string(kMediaTypeLayerGzip);
    } else {
      return Status::FailedPrecondition(where + ": layer " + std::to_string(i) +
                                        " has media type " + layer.media_type +
                                        ", which sluice cannot store (only gzip tar layers)");
    }
  }
  manifest.annotations[std::string(kAnnotationSourceDigest)] = raw.digest.str();
  return manifest;
}

Status FetchBlob(RegistryClient& client, std::string_view repository, const Descriptor& blob,
                 const ImageLayout& layout, PullResult& result) {
  if (layout.HasBlob(blob.digest)) return Status::Ok();
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, client.GetBlob(repository, blob.digest));
  if (static_cast<int64_t>(bytes.size()) != blob.size) {
    return Status::InvalidArgument("blob " + blob.digest.str() + " is " +
                                   std::to_string(bytes.size()) + " bytes, the manifest says " +
                                   std::to_string(blob.size));
  }
  result.bytes_received += blob.size;
  return layout.PutBlob(bytes, blob.media_type, &blob.digest).status();
}

}  // namespace

Result<PushResult> Push(const ImageLayout& layout, std::string_view local_tag,
                        RegistryClient& client, std::string_view repository, std::string_view tag,
                        const PushOptions& options) {
  std::string where = "pushing " + std::string(local_tag) + " to " + client.host() + "/" +
                      std::string(repository) + ":" + std::string(tag);
  auto pushed = [&]() -> Result<PushResult> {
    PushResult result;
    SLUICE_ASSIGN_OR_RETURN(result.manifest, layout.Resolve(local_tag));
    SLUICE_ASSIGN_OR_RETURN(Manifest manifest, layout.ReadManifest(result.manifest.digest));
    for (const Descriptor& layer : manifest.layers) {
      SLUICE_RETURN_IF_ERROR(PushOneBlob(layout, layer, client, repository, options, result));
    }
    SLUICE_RETURN_IF_ERROR(
        PushOneBlob(layout, manifest.config, client, repository, options, result));
    // The stored bytes, not a re-serialisation: the digest must not change.
    SLUICE_ASSIGN_OR_RETURN(std::string bytes, layout.ReadBlob(result.manifest.digest));
    SLUICE_RETURN_IF_ERROR(
        client.PutManifest(repository, tag, result.manifest.media_type, bytes).status());
    result.manifest.annotations.clear();
    return result;
  }();
  if (!pushed.ok()) return pushed.status().Annotate(where);
  return pushed;
}

Result<RawManifest> FetchImageManifest(RegistryClient& client, const ImageReference& reference) {
  std::string where = "image " + reference.str();
  SLUICE_ASSIGN_OR_RETURN(RawManifest raw,
                          client.GetManifest(reference.repository, reference.manifest_ref()));
  if (raw.media_type == kMediaTypeIndex || raw.media_type == kDockerManifestList) {
    SLUICE_ASSIGN_OR_RETURN(Descriptor entry, PickPlatform(raw, where));
    SLUICE_ASSIGN_OR_RETURN(raw, client.GetManifest(reference.repository, entry.digest.str()));
  }
  if (raw.media_type != kMediaTypeManifest && raw.media_type != kDockerManifest) {
    return Status::FailedPrecondition(where + ": the registry sent a manifest of type \"" +
                                      raw.media_type + "\"; sluice reads OCI image manifests " +
                                      "and Docker schema 2 manifests");
  }
  return raw;
}

Result<PullResult> Pull(RegistryClient& client, const ImageReference& reference,
                        const ImageLayout& layout, std::string_view local_tag) {
  std::string where = "pulling " + reference.str();
  if (reference.registry != client.host()) {
    return Status::InvalidArgument(where + ": the client is for registry " + client.host());
  }
  auto pulled = [&]() -> Result<PullResult> {
    const std::string& repo = reference.repository;
    SLUICE_ASSIGN_OR_RETURN(RawManifest raw, FetchImageManifest(client, reference));
    PullResult result;
    result.remote_digest = raw.digest;
    result.remote_media_type = raw.media_type;
    SLUICE_ASSIGN_OR_RETURN(Manifest parsed, ParseManifest(raw.bytes));
    SLUICE_ASSIGN_OR_RETURN(Manifest manifest, ToOciManifest(std::move(parsed), raw, where));
    SLUICE_RETURN_IF_ERROR(FetchBlob(client, repo, manifest.config, layout, result));
    SLUICE_ASSIGN_OR_RETURN(std::string config, layout.ReadBlob(manifest.config.digest));
    SLUICE_ASSIGN_OR_RETURN(ImageConfig image_config, ParseImageConfig(config));
    if (image_config.diff_ids.size() != manifest.layers.size()) {
      return Status::InvalidArgument("the config lists " +
                                     std::to_string(image_config.diff_ids.size()) +
                                     " layer diff_ids but the manifest has " +
                                     std::to_string(manifest.layers.size()) + " layers");
    }
    for (const Descriptor& layer : manifest.layers) {
      SLUICE_RETURN_IF_ERROR(FetchBlob(client, repo, layer, layout, result));
    }
    std::string bytes = raw.media_type == kMediaTypeManifest ? raw.bytes : ToJson(manifest);
    SLUICE_ASSIGN_OR_RETURN(result.manifest, layout.PutBlob(bytes, kMediaTypeManifest));
    SLUICE_RETURN_IF_ERROR(layout.Tag(local_tag, result.manifest));
    return result;
  }();
  if (!pulled.ok()) return pulled.status().Annotate(where);
  return pulled;
}

}  // namespace sluice::oci
