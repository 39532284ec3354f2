#include "oci/rootfs_cache.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "common/files.h"
#include "oci/layer_tar.h"

namespace sluice::oci {
namespace fs = std::filesystem;
namespace {

// Makes every directory under `dir` writable so an abandoned unpack (which
// may hold read-only directories) can be removed.
void RemoveTree(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(dir, ec);
}

Status UnpackAll(const ImageLayout& layout, const Manifest& manifest, const ImageConfig& config,
                 const fs::path& rootfs, const UnpackOptions& options) {
  if (config.diff_ids.size() != manifest.layers.size()) {
    return Status::InvalidArgument("image has " + std::to_string(manifest.layers.size()) +
                                   " layers but its config lists " +
                                   std::to_string(config.diff_ids.size()) + " diff_ids");
  }
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    const Digest& digest = manifest.layers[i].digest;
    SLUICE_ASSIGN_OR_RETURN(std::string blob, layout.ReadBlob(digest));
    std::string tar;
    if (IsGzip(blob)) {
      SLUICE_ASSIGN_OR_RETURN(tar, Gunzip(blob));
    } else {
      tar = std::move(blob);
    }
    if (Sha256Of(tar) != config.diff_ids[i]) {
      return Status::InvalidArgument("layer " + digest.str() + " does not match diff_id " +
                                     config.diff_ids[i].str() + " in the image config");
    }
    Status s = UnpackLayer(tar, rootfs, options);
    if (!s.ok()) return s.Annotate("layer " + std::to_string(i + 1) + " (" + digest.str() + ")");
  }
  return Status::Ok();
}

}  // namespace

Result<fs::path> UnpackImageCached(const ImageLayout& layout, const Digest& manifest_digest,
                                   const fs::path& cache_dir, const UnpackOptions& options) {
  fs::path final_dir = cache_dir / manifest_digest.hex;
  std::error_code ec;
  if (fs::is_directory(final_dir / "rootfs", ec)) return final_dir / "rootfs";

  SLUICE_ASSIGN_OR_RETURN(Manifest manifest, layout.ReadManifest(manifest_digest));
  SLUICE_ASSIGN_OR_RETURN(ImageConfig config, layout.ReadConfig(manifest));
  SLUICE_RETURN_IF_ERROR(MakeDirs(cache_dir));
  static std::atomic<unsigned> counter{0};
  fs::path tmp = cache_dir / (".tmp-" + manifest_digest.hex.substr(0, 12) + "-" +
                              std::to_string(::getpid()) + "-" + std::to_string(counter++));
  SLUICE_RETURN_IF_ERROR(MakeDirs(tmp / "rootfs"));
  Status s = UnpackAll(layout, manifest, config, tmp / "rootfs", options);
  if (s.ok() && std::rename(tmp.c_str(), final_dir.c_str()) != 0) {
    // Another caller finished first: its result is the same content.
    if (!fs::is_directory(final_dir / "rootfs", ec)) {
      s = Status::IoError("cannot move unpacked image into " + final_dir.string());
    }
  }
  if (fs::exists(tmp, ec)) RemoveTree(tmp);
  if (!s.ok()) return s.Annotate("unpacking image " + manifest_digest.str());
  return final_dir / "rootfs";
}

}  // namespace sluice::oci
