#include "oci/layer_tar.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include "common/files.h"
#include "common/hash.h"
#include "oci/tar_format.h"

namespace sluice::oci {
namespace fs = std::filesystem;
namespace {

// One path of the layer, relative to the root, and whether it is a whiteout
// (which has no file on disk behind it).
struct Planned {
  std::string rel;
  bool whiteout = false;
  struct stat st {};  // of the file behind `rel` (filled before writing)
};

Status CheckRelative(std::string_view rel, std::string_view what) {
  fs::path p(rel);
  bool bad = rel.empty() || p.is_absolute();
  for (const auto& part : p) bad = bad || part == "..";
  if (bad) {
    return Status::InvalidArgument(std::string(what) + " path \"" + std::string(rel) +
                                   "\" must be relative to the layer root, without \"..\"");
  }
  return Status::Ok();
}

// Adds every parent directory of `rel` ("a/b/c" adds "a" and "a/b").
void AddParents(const std::string& rel, std::set<std::string>& out) {
  for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1)) {
    out.insert(rel.substr(0, slash));
  }
}

Result<std::vector<Planned>> PlanWholeTree(const fs::path& root) {
  std::vector<Planned> plan;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec), end;
  if (ec) return Status::IoError("cannot read layer root " + root.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IoError("cannot walk " + root.string() + ": " + ec.message());
    plan.push_back({it->path().lexically_relative(root).generic_string()});
  }
  if (ec) return Status::IoError("cannot walk " + root.string() + ": " + ec.message());
  return plan;
}

Result<std::vector<Planned>> PlanChanges(const LayerChanges& changes) {
  std::set<std::string> paths, whiteouts;
  for (const auto& rel : changes.changed) {
    SLUICE_RETURN_IF_ERROR(CheckRelative(rel, "changed"));
    paths.insert(fs::path(rel).lexically_normal().generic_string());
  }
  for (const auto& rel : changes.deleted) {
    SLUICE_RETURN_IF_ERROR(CheckRelative(rel, "deleted"));
    fs::path p = fs::path(rel).lexically_normal();
    whiteouts.insert((p.parent_path() / (".wh." + p.filename().string())).generic_string());
  }
  for (const auto& rel : changes.opaque) {
    SLUICE_RETURN_IF_ERROR(CheckRelative(rel, "opaque"));
    std::string dir = fs::path(rel).lexically_normal().generic_string();
    paths.insert(dir);
    whiteouts.insert(dir + "/.wh..wh..opq");
  }
  std::set<std::string> parents;
  for (const auto& p : paths) AddParents(p, parents);
  for (const auto& p : whiteouts) AddParents(p, parents);
  paths.insert(parents.begin(), parents.end());
  std::vector<Planned> plan;
  plan.reserve(paths.size() + whiteouts.size());
  for (const auto& p : paths) plan.push_back({p});
  for (const auto& p : whiteouts) plan.push_back({p, true});
  return plan;
}

// Appends exactly `size` bytes read from `path` (a regular file the caller
// has just stat'ed) to `out`: straight into the tar buffer, no copy.
Status AppendFileContents(std::string& out, const fs::path& path, size_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return Status::IoError("cannot read " + path.string() +
                           " for the layer: " + std::strerror(errno));
  }
  size_t at = out.size();
  out.resize(at + size);
  size_t got = 0;
  char probe;
  ssize_t n = 0;
  while (got < size) {
    n = ::read(fd, out.data() + at + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (n >= 0 && got == size) {
    do n = ::read(fd, &probe, 1);
    while (n < 0 && errno == EINTR);
  }
  int error = errno;
  ::close(fd);
  if (n < 0) {
    return Status::IoError("error reading " + path.string() +
                           " for the layer: " + std::strerror(error));
  }
  if (got != size || n != 0) {
    return Status::IoError(path.string() +
                           " changed size while its layer was written; "
                           "build again once nothing writes to it");
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> ParseSourceDateEpoch(std::string_view text) {
  int64_t v = 0;
  bool ok = !text.empty() && text.size() <= 18;
  for (char c : text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) v = v * 10 + (c - '0');
  }
  if (!ok) {
    return Status::InvalidArgument("SOURCE_DATE_EPOCH \"" + std::string(text) +
                                   "\" is not a number of seconds since 1970 (e.g. 1700000000)");
  }
  return v;
}

Result<std::string> WriteLayerTar(const fs::path& root, const LayerOptions& options,
                                  const LayerChanges* changes) {
  std::vector<Planned> plan;
  if (changes) {
    SLUICE_ASSIGN_OR_RETURN(plan, PlanChanges(*changes));
  } else {
    SLUICE_ASSIGN_OR_RETURN(plan, PlanWholeTree(root));
  }
  // Tar order is part of the reproducible format: bytewise by path, which
  // also puts every directory before its contents.
  std::sort(plan.begin(), plan.end(),
            [](const Planned& a, const Planned& b) { return a.rel < b.rel; });

  // Stat everything first, so the tar buffer is allocated once.
  size_t total = 2 * 512;
  for (Planned& p : plan) {
    if (p.whiteout) continue;
    fs::path full = root / p.rel;
    if (::lstat(full.c_str(), &p.st) != 0) {
      return Status::IoError("cannot read " + full.string() +
                             " for the layer: " + std::strerror(errno));
    }
    // ustar's 11 octal size digits stop just under 8 GiB; layers are held in memory anyway.
    if (S_ISREG(p.st.st_mode) && p.st.st_size >= (int64_t{1} << 33)) {
      return Status::InvalidArgument(full.string() + " is 8 GiB or larger, too large for a layer");
    }
    total += 3 * 512 + (S_ISREG(p.st.st_mode) ? static_cast<size_t>(p.st.st_size) : 0);
  }
  std::string out;
  out.reserve(total);
  std::map<std::pair<dev_t, ino_t>, std::string> first_link;  // hard links: the name written first
  for (const Planned& p : plan) {
    TarEntry e;
    e.uid = options.uid;
    e.gid = options.gid;
    e.mtime = options.mtime;
    if (p.whiteout) {
      e.name = p.rel;
      AppendTarEntry(out, e);
      continue;
    }
    fs::path full = root / p.rel;
    const struct stat& st = p.st;
    e.name = p.rel;
    e.mode = st.st_mode & 07777;
    if (options.keep_owners) {
      e.uid = st.st_uid;
      e.gid = st.st_gid;
    }
    if (S_ISDIR(st.st_mode)) {
      e.type = TarType::kDirectory;
      e.name += "/";
    } else if (S_ISLNK(st.st_mode)) {
      e.type = TarType::kSymlink;
      std::error_code ec;
      e.linkname = fs::read_symlink(full, ec).string();
      if (ec) return Status::IoError("cannot read symlink " + full.string() + ": " + ec.message());
    } else if (S_ISREG(st.st_mode)) {
      auto [it, first] = first_link.try_emplace({st.st_dev, st.st_ino}, p.rel);
      if (st.st_nlink > 1 && !first) {
        e.type = TarType::kHardLink;
        e.linkname = it->second;
      } else {
        auto size = static_cast<size_t>(st.st_size);
        AppendTarHeader(out, e, size);
        SLUICE_RETURN_IF_ERROR(AppendFileContents(out, full, size));
        AppendTarPadding(out, size);
        continue;
      }
    } else if (S_ISFIFO(st.st_mode)) {
      e.type = TarType::kFifo;
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      e.type = S_ISCHR(st.st_mode) ? TarType::kCharDevice : TarType::kBlockDevice;
      e.devmajor = major(st.st_rdev);
      e.devminor = minor(st.st_rdev);
    } else {
      return Status::InvalidArgument(full.string() +
                                     " is a socket, which a layer cannot hold; "
                                     "remove it from the tree (or .dockerignore it)");
    }
    AppendTarEntry(out, e);
  }
  AppendTarEnd(out);
  return out;
}

Result<Layer> BuildLayer(const fs::path& root, const LayerOptions& options,
                         const LayerChanges* changes, std::string* tar_out,
                         const LayerBytesSink& sink) {
  SLUICE_ASSIGN_OR_RETURN(std::string tar, WriteLayerTar(root, options, changes));
  Layer layer;
  {
    // The tar's digest on a thread of its own while the members compress;
    // the blob's as they come.
    std::jthread hash_tar([&] { layer.diff_id = Sha256Of(tar); });
    Sha256Hasher blob_hash;
    auto gz = Gzip(tar, [&](std::string_view member) {
      blob_hash.Update(member);
      if (sink) sink(member);
    });
    if (!gz.ok()) return gz.status();
    layer.digest = Digest{"sha256", blob_hash.FinishHex()};
    layer.gzip = std::move(*gz);
  }
  layer.size = static_cast<int64_t>(layer.gzip.size());
  if (tar_out) *tar_out = std::move(tar);
  return layer;
}

}  // namespace sluice::oci
