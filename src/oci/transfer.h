// Copying images between the local image layout and a registry.
//
// Push sends an image the layout has under a tag to a registry repository:
// its blobs first (each one only when the registry does not have it yet, and
// mounted from another repository of the same registry when the caller says
// that one has it), then the config, then the manifest under the remote tag,
// byte for byte as stored locally so the digest is the same on both sides.
//
// Pull fetches a manifest (OCI, or Docker schema 2), its config and layers
// with every digest checked, and tags the result in the layout. An index or
// Docker manifest list resolves to its linux/amd64 entry. Docker manifests
// are stored converted to OCI media types (the layout only holds OCI
// manifests); the converted manifest records the registry's digest in the
// kAnnotationSourceDigest annotation, and its own digest differs from it.
// Config and layer bytes are stored unchanged.
//
// Errors: the RegistryClient's and ImageLayout's Status values, annotated
// with the image; NotFound for a local tag that does not exist,
// FailedPrecondition for an index without linux/amd64 (naming the platforms
// it has) and for layer media types we cannot store (foreign layers).
// Thread-safety: the calls are as safe as the layout and client they use;
// Pull tags the layout, so concurrent Pulls into one layout must be
// serialised by the caller (see layout.h).
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"
#include "oci/image.h"
#include "oci/layout.h"
#include "oci/reference.h"
#include "oci/registry.h"
namespace sluice::oci {

// The manifest annotation holding the digest a converted manifest had in the
// registry it was pulled from (a persisted value).
inline constexpr std::string_view kAnnotationSourceDigest = "io.sluice.image.source-digest";

struct PushOptions {
  // Another repository on the same registry that may hold the blobs: missing
  // blobs are mounted from it (and uploaded when the registry cannot mount).
  std::string mount_from;
  // Blobs the repository is known to hold, by digest ("sha256:<hex>"), so
  // not asked about: ones the caller uploaded moments ago (counted as
  // uploaded, e.g. while the image was built) and ones it found there
  // (counted as skipped).
  std::set<std::string> uploaded;
  std::set<std::string> present;
};

struct PushResult {
  Descriptor manifest;     // as pushed; its digest is the remote digest
  int64_t bytes_sent = 0;  // blob bytes uploaded (mounted and skipped blobs excluded)
  int blobs_uploaded = 0;
  int blobs_skipped = 0;  // the registry had them already
  int blobs_mounted = 0;
};

Result<PushResult> Push(const ImageLayout& layout, std::string_view local_tag,
                        RegistryClient& client, std::string_view repository, std::string_view tag,
                        const PushOptions& options = {});

struct PullResult {
  Descriptor manifest;   // as stored locally and tagged
  Digest remote_digest;  // the digest of the manifest in the registry
  std::string remote_media_type;
  int64_t bytes_received = 0;  // config and layer bytes fetched
};

// The image manifest `reference` names, as the registry stores it: for an
// index or Docker manifest list, its linux/amd64 entry. FailedPrecondition
// for other document types and for an index without linux/amd64.
Result<RawManifest> FetchImageManifest(RegistryClient& client, const ImageReference& reference);

// Pulls `reference` (its registry must be the client's host) into `layout`
// under `local_tag`.
Result<PullResult> Pull(RegistryClient& client, const ImageReference& reference,
                        const ImageLayout& layout, std::string_view local_tag);

}  // namespace sluice::oci
