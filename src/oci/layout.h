// The local image store: an OCI image layout directory (image-spec v1.1),
// which skopeo ("oci:DIR:TAG") and umoci ("DIR:TAG") read as well.
//
//   DIR/oci-layout            {"imageLayoutVersion":"1.0.0"}
//   DIR/index.json            an image index; tags are manifest entries with
//                             the "org.opencontainers.image.ref.name" annotation
//   DIR/blobs/sha256/<hex>    content, named by its digest
//   DIR/sluice-build-cache/   the builder's cache entries (build_cache.h), each
//                             naming a layer blob here; other tools ignore it
//
// Blobs are written atomically (temporary file, then rename) after their
// digest is checked, so a reader never sees a partial or mislabelled blob,
// and writing a blob that is present is a no-op. index.json is rewritten
// atomically on every tag change. Blobs read back are verified against their
// digest (a corrupted store is an IoError naming the blob).
//
// Errors: NotFound for an unknown tag or digest, InvalidArgument for a bad
// tag or content that does not match its digest, FailedPrecondition for a
// directory that is not a layout of a version we read, IoError for the disk.
// Thread-safety: an ImageLayout is immutable after Open. Reads and PutBlob
// may run concurrently (each blob write has its own temporary file), but
// index changes (Tag, WriteImage) and CollectGarbage must be serialised by
// the caller -- across processes too, since index.json is a
// read-modify-write and garbage collection may remove a blob being tagged.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "oci/digest.h"
#include "oci/image.h"
#include "oci/layer_tar.h"

namespace sluice::oci {

// The directory of build cache entries inside a layout: one file per key,
// a JSON object whose "digest" names a layer blob of the layout.
inline constexpr std::string_view kBuildCacheDirName = "sluice-build-cache";

// An image's config and manifest, serialised as they are stored and pushed.
struct ImageDocuments {
  std::string config;
  std::string manifest;
  Descriptor manifest_descriptor;  // of `manifest`
};

// The documents of an image of `layers` and `config`: the config's
// rootfs.diff_ids are set from `layers`; when it has no history, one entry
// per layer is added (created = config.created); the manifest is OCI's,
// with `annotations`.
ImageDocuments ComposeImage(const std::vector<Layer>& layers, ImageConfig config,
                            const std::map<std::string, std::string>& annotations = {});

class ImageLayout {
 public:
  // Opens the layout in `dir`, creating an empty one when `dir` is missing
  // or empty.
  static Result<ImageLayout> Open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path BlobPath(const Digest& digest) const;
  bool HasBlob(const Digest& digest) const;

  // Stores `bytes` and returns its descriptor. With `expected`, the bytes
  // must have that digest (InvalidArgument naming both, nothing written).
  Result<Descriptor> PutBlob(std::string_view bytes, std::string_view media_type,
                             const Digest* expected = nullptr) const;
  // The blob's bytes, verified against its digest.
  Result<std::string> ReadBlob(const Digest& digest) const;

  // Stores the layers, the config and an OCI manifest (ComposeImage), and
  // tags it. Returns the manifest's descriptor. Writing the same image again
  // changes nothing.
  Result<Descriptor> WriteImage(const std::vector<Layer>& layers, ImageConfig config,
                                std::string_view tag) const;
  // The same with the documents already composed from `layers`.
  Result<Descriptor> WriteImage(const std::vector<Layer>& layers, const ImageDocuments& documents,
                                std::string_view tag) const;

  // Points `tag` at `manifest` (replacing what it named before).
  // InvalidArgument for a tag outside [A-Za-z0-9] followed by [A-Za-z0-9._:@/+-],
  // NotFound when the manifest blob is not in the store.
  Status Tag(std::string_view tag, const Descriptor& manifest) const;

  // The manifest descriptor a tag names, or for "sha256:<hex>", that
  // manifest (from the index, else from its blob).
  Result<Descriptor> Resolve(std::string_view tag_or_digest) const;
  Result<Manifest> ReadManifest(const Digest& digest) const;
  Result<ImageConfig> ReadConfig(const Manifest& manifest) const;
  Result<Index> ReadIndex() const;
  // Tags in index order.
  Result<std::vector<std::string>> ListTags() const;

  // Removes blobs no index entry reaches (through manifests and nested
  // indexes) and no build cache entry names, and returns how many were
  // removed. (Cache entries are kept: they are what makes a rebuild fast;
  // delete DIR/sluice-build-cache to let their layers go.)
  Result<int> CollectGarbage() const;

 private:
  explicit ImageLayout(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Status WriteIndex(const Index& index) const;

  std::filesystem::path dir_;  // constant after construction
};

}  // namespace sluice::oci
