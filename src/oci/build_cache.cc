#include "oci/build_cache.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <system_error>

#include "common/files.h"

namespace sluice::oci {
namespace fs = std::filesystem;

fs::path BuildCacheDir(const ImageLayout& layout) { return layout.dir() / kBuildCacheDirName; }

CacheKey::CacheKey() { Add("sluice-build-cache", "v1"); }

CacheKey& CacheKey::Add(std::string_view label, std::string_view value) {
  text_ += std::string(label) + " " + std::to_string(value.size()) + "\n";
  text_ += value;
  text_ += "\n";
  return *this;
}

Digest CacheKey::Finish() const { return Sha256Of(text_); }

Result<std::optional<Layer>> BuildCache::Lookup(const Digest& key) const {
  auto text = ReadFile(BuildCacheDir(layout_) / key.hex);
  if (!text.ok()) return std::optional<Layer>();
  nlohmann::json entry = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!entry.is_object() || !entry["digest"].is_string() || !entry["diff_id"].is_string() ||
      !entry["size"].is_number_integer()) {
    return std::optional<Layer>();  // a damaged entry is a miss; Record rewrites it
  }
  auto digest = ParseDigest(entry["digest"].get<std::string>());
  auto diff_id = ParseDigest(entry["diff_id"].get<std::string>());
  if (!digest.ok() || !diff_id.ok() || !layout_.HasBlob(*digest)) return std::optional<Layer>();
  Layer layer;
  SLUICE_ASSIGN_OR_RETURN(layer.gzip, layout_.ReadBlob(*digest));
  layer.digest = *digest;
  layer.diff_id = *diff_id;
  layer.size = entry["size"].get<int64_t>();
  return std::optional<Layer>(std::move(layer));
}

Status BuildCache::Record(const Digest& key, const Layer& layer) const {
  SLUICE_RETURN_IF_ERROR(layout_.PutBlob(layer.gzip, kMediaTypeLayerGzip, &layer.digest).status());
  nlohmann::json entry = {
      {"digest", layer.digest.str()}, {"diff_id", layer.diff_id.str()}, {"size", layer.size}};
  SLUICE_RETURN_IF_ERROR(MakeDirs(BuildCacheDir(layout_)));
  return WriteFileAtomic(BuildCacheDir(layout_) / key.hex, entry.dump());
}

Result<Digest> DigestOfFiles(const fs::path& root, const std::vector<std::string>& paths) {
  CacheKey files;
  for (const std::string& rel : paths) {
    fs::path full = root / rel;
    struct stat st;
    if (::lstat(full.c_str(), &st) != 0) {
      return Status::IoError("cannot inspect " + full.string() + ": " + std::strerror(errno));
    }
    std::string meta = std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + ":" +
                       std::to_string(st.st_gid);
    std::string content;
    if (S_ISREG(st.st_mode)) {
      SLUICE_ASSIGN_OR_RETURN(Digest d, Sha256OfFile(full));
      content = d.hex;
    } else if (S_ISLNK(st.st_mode)) {
      std::error_code ec;
      content = fs::read_symlink(full, ec).string();
      if (ec) return Status::IoError("cannot read symlink " + full.string() + ": " + ec.message());
    }
    files.Add("path", rel).Add("meta", meta).Add("content", content);
  }
  return files.Finish();
}

}  // namespace sluice::oci
