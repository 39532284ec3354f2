#include "scan/image_files.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cassert>
#include <filesystem>
#include <memory>
#include <vector>

namespace sluice::scan {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveCloser>;

// "./usr//bin/./x/" -> "usr/bin/x"; ".." drops the segment before it, so
// that no path leaves the root (a runtime would not let it either).
std::string CleanPath(std::string_view raw) {
  std::vector<std::string_view> parts;
  while (!raw.empty()) {
    size_t slash = raw.find('/');
    std::string_view part = raw.substr(0, slash);
    raw = slash == std::string_view::npos ? std::string_view() : raw.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (std::string_view part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

std::string LayerName(const oci::Descriptor& layer, size_t index, size_t count) {
  return "layer " + layer.digest.str() + " (" + std::to_string(index + 1) + " of " +
         std::to_string(count) + ")";
}

// Fills `entry` from the archive's header; false for an entry to skip (the
// root itself, aufs metadata such as ".wh..wh.plnk").
bool DescribeEntry(archive_entry* ae, LayerEntry& entry) {
  const char* raw_path = archive_entry_pathname(ae);
  entry.path = CleanPath(raw_path ? raw_path : "");
  entry.mode = static_cast<uint32_t>(archive_entry_perm(ae)) & 07777;
  entry.uid = static_cast<uint32_t>(archive_entry_uid(ae));
  entry.gid = static_cast<uint32_t>(archive_entry_gid(ae));
  entry.size = 0;
  entry.link_target.clear();
  entry.truncated = false;

  size_t slash = entry.path.rfind('/');
  std::string_view base = entry.path;
  std::string dir;
  if (slash != std::string::npos) {
    base = std::string_view(entry.path).substr(slash + 1);
    dir = entry.path.substr(0, slash);
  }
  if (base.starts_with(kWhiteoutPrefix)) {
    if (base == kOpaqueMarker) {
      entry.type = LayerEntry::Type::kOpaque;
      entry.path = dir;
      return true;
    }
    if (base.starts_with(".wh..wh.")) return false;
    std::string target(base.substr(kWhiteoutPrefix.size()));
    entry.type = LayerEntry::Type::kWhiteout;
    entry.path = dir.empty() ? target : dir + "/" + target;
    return !target.empty();
  }
  if (entry.path.empty()) return false;

  if (const char* hardlink = archive_entry_hardlink(ae)) {
    entry.type = LayerEntry::Type::kHardLink;
    entry.link_target = CleanPath(hardlink);
    return true;
  }
  switch (archive_entry_filetype(ae)) {
    case AE_IFREG:
      entry.type = LayerEntry::Type::kFile;
      entry.size = archive_entry_size(ae);
      break;
    case AE_IFDIR:
      entry.type = LayerEntry::Type::kDirectory;
      break;
    case AE_IFLNK: {
      entry.type = LayerEntry::Type::kSymlink;
      const char* target = archive_entry_symlink(ae);
      entry.link_target = target ? target : "";
      break;
    }
    default:
      entry.type = LayerEntry::Type::kOther;
  }
  return true;
}

// What libarchive says went wrong, for a blob that is truncated, corrupt or
// not a (compressed) tar at all.
Status ArchiveError(const std::string& where, archive* a) {
  const char* why = archive_error_string(a);
  return Status::IoError(where + ": cannot read the layer (truncated, corrupt or not a tar?): " +
                         (why ? why : "unknown error"));
}

// Reads up to `limit` bytes of the current entry's data.
Status ReadContents(archive* a, int64_t limit, std::string& out, const std::string& where) {
  out.clear();
  char buf[64 * 1024];
  while (static_cast<int64_t>(out.size()) < limit) {
    size_t want = static_cast<size_t>(
        std::min<int64_t>(sizeof buf, limit - static_cast<int64_t>(out.size())));
    la_ssize_t n = archive_read_data(a, buf, want);
    if (n < 0) {
      return ArchiveError(where, a);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status WalkOneLayer(const oci::ImageLayout& layout, const oci::Descriptor& layer, size_t index,
                    size_t count, const WalkOptions& options, const EntryVisitor& visit) {
  const std::string where = LayerName(layer, index, count);
  std::filesystem::path blob = layout.BlobPath(layer.digest);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(blob, ec)) {
    return Status::IoError(where + ": the blob is missing from the layout (" + blob.string() + ")");
  }
  ArchivePtr a(archive_read_new());
  if (!a) return Status::Internal(where + ": archive_read_new failed");
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_none(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), blob.c_str(), 256 * 1024) < ARCHIVE_WARN) {
    return ArchiveError(where + ", " + blob.string(), a.get());
  }

  LayerEntry entry;
  entry.layer = index;
  entry.layer_digest = layer.digest.str();
  std::string contents;
  while (true) {
    archive_entry* ae = nullptr;
    int rc = archive_read_next_header(a.get(), &ae);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      return ArchiveError(where, a.get());
    }
    if (!DescribeEntry(ae, entry)) continue;
    contents.clear();
    if (entry.type == LayerEntry::Type::kFile && options.wants_contents &&
        options.wants_contents(entry.path, entry.size, entry.mode)) {
      int64_t limit = std::min(entry.size, std::max<int64_t>(options.max_contents, 0));
      SLUICE_RETURN_IF_ERROR(ReadContents(a.get(), limit, contents, where + ", " + entry.path));
      entry.truncated = entry.size > limit;
    }
    SLUICE_RETURN_IF_ERROR(visit(entry, contents));
  }
  return Status::Ok();
}

// Removes `path`'s descendants (`path` itself too when `self`) that came
// from layers below `layer`. An empty path is the root: everything.
template <typename Map>
void RemoveBelow(Map& entries, const std::string& path, size_t layer, bool self) {
  if (self) {
    auto it = entries.find(path);
    if (it != entries.end() && it->second.layer < layer) entries.erase(it);
  }
  std::string prefix = path.empty() ? "" : path + "/";
  for (auto it = entries.lower_bound(prefix);
       it != entries.end() && it->first.starts_with(prefix);) {
    it = it->second.layer < layer ? entries.erase(it) : std::next(it);
  }
}

}  // namespace

Status WalkLayers(const oci::ImageLayout& layout, const oci::Manifest& manifest,
                  const WalkOptions& options, const EntryVisitor& visit) {
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    SLUICE_RETURN_IF_ERROR(WalkLayer(layout, manifest, i, options, visit));
  }
  return Status::Ok();
}

Status WalkLayer(const oci::ImageLayout& layout, const oci::Manifest& manifest, size_t index,
                 const WalkOptions& options, const EntryVisitor& visit) {
  assert(index < manifest.layers.size());
  return WalkOneLayer(layout, manifest.layers[index], index, manifest.layers.size(), options,
                      visit);
}

void SquashedFiles::Apply(const LayerEntry& entry) {
  switch (entry.type) {
    case LayerEntry::Type::kWhiteout:
      RemoveBelow(entries_, entry.path, entry.layer, /*self=*/true);
      return;
    case LayerEntry::Type::kOpaque:
      RemoveBelow(entries_, entry.path, entry.layer, /*self=*/false);
      return;
    case LayerEntry::Type::kDirectory:
      break;  // a directory over a directory keeps what is below it
    default: {
      // A non-directory over a directory replaces the whole subtree.
      auto it = entries_.find(entry.path);
      if (it != entries_.end() && it->second.type == LayerEntry::Type::kDirectory) {
        RemoveBelow(entries_, entry.path, entry.layer, /*self=*/false);
      }
    }
  }
  entries_.insert_or_assign(entry.path, entry);
}

const LayerEntry* SquashedFiles::Find(std::string_view path) const {
  auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace sluice::scan
