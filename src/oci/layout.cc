#include "oci/layout.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "common/files.h"

namespace sluice::oci {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kLayoutFile = R"({"imageLayoutVersion":"1.0.0"})";

bool ValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 255 || !std::isalnum(static_cast<unsigned char>(tag[0]))) {
    return false;
  }
  for (char c : tag) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("._:@/+-").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

Status CheckTag(std::string_view tag) {
  if (ValidTag(tag)) return Status::Ok();
  return Status::InvalidArgument(
      "image tag \"" + std::string(tag) +
      "\" is not valid: use letters and digits, then also . _ : @ / + -");
}

// Writes `bytes` to `path` through a uniquely named temporary file in the
// same directory, so concurrent writers of the same blob never share one;
// the rename is atomic and every writer's content is the same.
Status WriteBlobFile(const fs::path& path, std::string_view bytes) {
  std::string tmp = path.string() + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    return Status::IoError("cannot create a blob in " + path.parent_path().string() + ": " +
                           std::strerror(errno));
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  int err = done == bytes.size() ? 0 : errno;
  if (err == 0 && (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0)) err = errno;
  ::close(fd);
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return Status::IoError("cannot write blob " + path.string() + ": " + std::strerror(err));
  }
  return Status::Ok();
}

}  // namespace

Result<ImageLayout> ImageLayout::Open(const fs::path& dir) {
  std::error_code ec;
  bool fresh = !fs::exists(dir, ec) || fs::is_empty(dir, ec);
  if (ec) {
    return Status::IoError("cannot inspect image layout " + dir.string() + ": " + ec.message());
  }
  ImageLayout layout(dir);
  if (fresh) {
    SLUICE_RETURN_IF_ERROR(MakeDirs(dir / "blobs" / "sha256"));
    SLUICE_RETURN_IF_ERROR(WriteFileAtomic(dir / "oci-layout", kLayoutFile));
    SLUICE_RETURN_IF_ERROR(layout.WriteIndex(Index{}));
    return layout;
  }
  auto marker = ReadFile(dir / "oci-layout");
  if (!marker.ok()) {
    return Status::FailedPrecondition(dir.string() +
                                      " is not an OCI image layout (no oci-layout file); "
                                      "use an empty or new directory");
  }
  if (marker->find("\"1.0.0\"") == std::string::npos) {
    return Status::FailedPrecondition(dir.string() +
                                      "/oci-layout: only imageLayoutVersion 1.0.0 is supported");
  }
  SLUICE_RETURN_IF_ERROR(MakeDirs(dir / "blobs" / "sha256"));
  SLUICE_RETURN_IF_ERROR(layout.ReadIndex().status());
  return layout;
}

fs::path ImageLayout::BlobPath(const Digest& digest) const {
  return dir_ / "blobs" / digest.algorithm / digest.hex;
}

bool ImageLayout::HasBlob(const Digest& digest) const {
  std::error_code ec;
  return fs::is_regular_file(BlobPath(digest), ec);
}

Result<Descriptor> ImageLayout::PutBlob(std::string_view bytes, std::string_view media_type,
                                        const Digest* expected) const {
  Descriptor d{
      std::string(media_type), Sha256Of(bytes), static_cast<int64_t>(bytes.size()), {}, {}};
  if (expected && *expected != d.digest) {
    return Status::InvalidArgument("blob content has digest " + d.digest.str() + ", expected " +
                                   expected->str() + " (corrupted or wrong content)");
  }
  if (!HasBlob(d.digest)) SLUICE_RETURN_IF_ERROR(WriteBlobFile(BlobPath(d.digest), bytes));
  return d;
}

Result<std::string> ImageLayout::ReadBlob(const Digest& digest) const {
  if (!HasBlob(digest)) {
    return Status::NotFound("blob " + digest.str() + " is not in the image layout " +
                            dir_.string());
  }
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, ReadFile(BlobPath(digest)));
  if (Sha256Of(bytes) != digest) {
    return Status::IoError(
        "blob " + BlobPath(digest).string() +
        " does not match its digest (the store is corrupted; delete it and pull again)");
  }
  return bytes;
}

ImageDocuments ComposeImage(const std::vector<Layer>& layers, ImageConfig config,
                            const std::map<std::string, std::string>& annotations) {
  Manifest manifest;
  manifest.annotations = annotations;
  config.diff_ids.clear();
  bool add_history = config.history.empty();
  for (const Layer& layer : layers) {
    manifest.layers.push_back({std::string(kMediaTypeLayerGzip), layer.digest, layer.size, {}, {}});
    config.diff_ids.push_back(layer.diff_id);
    if (add_history) config.history.push_back({config.created, "sluice layer", "", false});
  }
  ImageDocuments documents;
  documents.config = ToJson(config);
  manifest.config = {std::string(kMediaTypeConfig),
                     Sha256Of(documents.config),
                     static_cast<int64_t>(documents.config.size()),
                     {},
                     {}};
  documents.manifest = ToJson(manifest);
  documents.manifest_descriptor = {std::string(kMediaTypeManifest),
                                   Sha256Of(documents.manifest),
                                   static_cast<int64_t>(documents.manifest.size()),
                                   {},
                                   {}};
  return documents;
}

Result<Descriptor> ImageLayout::WriteImage(const std::vector<Layer>& layers, ImageConfig config,
                                           std::string_view tag) const {
  return WriteImage(layers, ComposeImage(layers, std::move(config)), tag);
}

Result<Descriptor> ImageLayout::WriteImage(const std::vector<Layer>& layers,
                                           const ImageDocuments& documents,
                                           std::string_view tag) const {
  SLUICE_RETURN_IF_ERROR(CheckTag(tag));  // before any blob is written
  for (const Layer& layer : layers) {
    // A blob already stored under its digest is that content (reads verify it).
    if (HasBlob(layer.digest)) continue;
    SLUICE_RETURN_IF_ERROR(PutBlob(layer.gzip, kMediaTypeLayerGzip, &layer.digest).status());
  }
  SLUICE_RETURN_IF_ERROR(PutBlob(documents.config, kMediaTypeConfig).status());
  SLUICE_ASSIGN_OR_RETURN(Descriptor m, PutBlob(documents.manifest, kMediaTypeManifest));
  SLUICE_RETURN_IF_ERROR(Tag(tag, m));
  return m;
}

Status ImageLayout::Tag(std::string_view tag, const Descriptor& manifest) const {
  SLUICE_RETURN_IF_ERROR(CheckTag(tag));
  if (!HasBlob(manifest.digest)) {
    return Status::NotFound("cannot tag " + std::string(tag) + ": manifest " +
                            manifest.digest.str() + " is not in the image layout");
  }
  SLUICE_ASSIGN_OR_RETURN(Index index, ReadIndex());
  std::vector<Descriptor> kept;
  for (auto& d : index.manifests) {
    auto name = d.annotations.find(std::string(kAnnotationRefName));
    if (name == d.annotations.end() || name->second != tag) kept.push_back(std::move(d));
  }
  Descriptor entry = manifest;
  entry.annotations[std::string(kAnnotationRefName)] = std::string(tag);
  kept.push_back(std::move(entry));
  index.manifests = std::move(kept);
  return WriteIndex(index);
}

Result<Descriptor> ImageLayout::Resolve(std::string_view ref) const {
  SLUICE_ASSIGN_OR_RETURN(Index index, ReadIndex());
  if (ref.rfind("sha256:", 0) == 0) {
    SLUICE_ASSIGN_OR_RETURN(Digest digest, ParseDigest(ref));
    for (const auto& d : index.manifests) {
      if (d.digest == digest) return d;
    }
    SLUICE_ASSIGN_OR_RETURN(std::string bytes, ReadBlob(digest));
    return Descriptor{
        std::string(kMediaTypeManifest), digest, static_cast<int64_t>(bytes.size()), {}, {}};
  }
  for (const auto& d : index.manifests) {
    auto name = d.annotations.find(std::string(kAnnotationRefName));
    if (name != d.annotations.end() && name->second == ref) return d;
  }
  return Status::NotFound("no image tagged \"" + std::string(ref) + "\" in " + dir_.string() +
                          " (see `sluice image ls` for the tags it has)");
}

Result<Manifest> ImageLayout::ReadManifest(const Digest& digest) const {
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, ReadBlob(digest));
  auto m = ParseManifest(bytes);
  if (!m.ok()) return m.status().Annotate(BlobPath(digest).string());
  return m;
}

Result<ImageConfig> ImageLayout::ReadConfig(const Manifest& manifest) const {
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, ReadBlob(manifest.config.digest));
  auto c = ParseImageConfig(bytes);
  if (!c.ok()) return c.status().Annotate(BlobPath(manifest.config.digest).string());
  return c;
}

Result<Index> ImageLayout::ReadIndex() const {
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, ReadFile(dir_ / "index.json"));
  auto index = ParseIndex(bytes);
  if (!index.ok()) return index.status().Annotate((dir_ / "index.json").string());
  return index;
}

Result<std::vector<std::string>> ImageLayout::ListTags() const {
  SLUICE_ASSIGN_OR_RETURN(Index index, ReadIndex());
  std::vector<std::string> tags;
  for (const auto& d : index.manifests) {
    auto name = d.annotations.find(std::string(kAnnotationRefName));
    if (name != d.annotations.end()) tags.push_back(name->second);
  }
  return tags;
}

Result<int> ImageLayout::CollectGarbage() const {
  SLUICE_ASSIGN_OR_RETURN(Index index, ReadIndex());
  std::set<std::string> live;
  std::vector<Descriptor> todo = index.manifests;
  while (!todo.empty()) {
    Descriptor d = std::move(todo.back());
    todo.pop_back();
    if (!live.insert(d.digest.hex).second || !HasBlob(d.digest)) continue;
    if (d.media_type == kMediaTypeIndex) {
      SLUICE_ASSIGN_OR_RETURN(std::string bytes, ReadBlob(d.digest));
      SLUICE_ASSIGN_OR_RETURN(Index nested, ParseIndex(bytes));
      todo.insert(todo.end(), nested.manifests.begin(), nested.manifests.end());
    } else if (d.media_type == kMediaTypeManifest) {
      SLUICE_ASSIGN_OR_RETURN(Manifest m, ReadManifest(d.digest));
      live.insert(m.config.digest.hex);
      for (const auto& l : m.layers) live.insert(l.digest.hex);
    }
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_ / kBuildCacheDirName, ec)) {
    auto text = ReadFile(entry.path());
    if (!text.ok()) continue;
    nlohmann::json cached = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!cached.is_object() || !cached["digest"].is_string()) continue;
    auto digest = ParseDigest(cached["digest"].get<std::string>());
    if (digest.ok()) live.insert(digest->hex);
  }
  ec.clear();  // no cache directory: nothing to keep
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "blobs" / "sha256", ec)) {
    if (live.count(entry.path().filename().string())) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
    if (ec) return Status::IoError("cannot remove " + entry.path().string() + ": " + ec.message());
  }
  if (ec) return Status::IoError("cannot list blobs in " + dir_.string() + ": " + ec.message());
  return removed;
}

Status ImageLayout::WriteIndex(const Index& index) const {
  return WriteFileAtomic(dir_ / "index.json", ToJson(index));
}

}  // namespace sluice::oci
