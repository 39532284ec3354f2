#include "oci/rootfs_diff.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/files.h"
#include "oci/digest.h"

namespace sluice::oci {
namespace fs = std::filesystem;
namespace {

// The value of xattr `name` on `path` (not following a symlink), "" when unset.
std::string Xattr(const fs::path& path, const char* name) {
  char buf[256];
  ssize_t n = ::lgetxattr(path.c_str(), name, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

bool Skipped(const std::string& rel, const std::set<std::string>& skip) {
  std::string top = rel.substr(0, rel.find('/'));
  return skip.count(top) > 0;
}

// Walks `root` without following symlinks, calling `visit(rel, full, st)`
// for every entry but those under `skip`; `visit` returns false to skip a
// directory's contents.
template <typename Visit>
Status Walk(const fs::path& root, const std::set<std::string>& skip, Visit visit) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec), end;
  if (ec) return Status::IoError("cannot read " + root.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    std::string rel = it->path().lexically_relative(root).generic_string();
    if (Skipped(rel, skip)) {
      it.disable_recursion_pending();
      continue;
    }
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) {
      return Status::IoError("cannot inspect " + it->path().string() + ": " + std::strerror(errno));
    }
    SLUICE_ASSIGN_OR_RETURN(bool descend, visit(rel, it->path(), st));
    if (!descend) it.disable_recursion_pending();
  }
  if (ec) return Status::IoError("cannot walk " + root.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<LayerChanges> ChangesFromOverlayUpper(const fs::path& upper,
                                             const std::set<std::string>& skip) {
  LayerChanges changes;
  Status walked = Walk(
      upper, skip,
      [&](const std::string& rel, const fs::path& full, const struct stat& st) -> Result<bool> {
        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
          changes.deleted.push_back(rel);
          return false;
        }
        if (!Xattr(full, "trusted.overlay.redirect").empty() ||
            !Xattr(full, "trusted.overlay.metacopy").empty()) {
          return Status::FailedPrecondition(
              "the overlay recorded " + rel +
              " by reference (redirect_dir or metacopy is on), which a layer cannot hold; "
              "load the overlay module with redirect_dir=off metacopy=off");
        }
        if (S_ISDIR(st.st_mode) && Xattr(full, "trusted.overlay.opaque") == "y") {
          changes.opaque.push_back(rel);
        } else {
          changes.changed.push_back(rel);
        }
        return true;
      });
  if (!walked.ok()) return walked;
  return changes;
}

Result<Snapshot> TakeSnapshot(const fs::path& root, const std::set<std::string>& skip) {
  Snapshot snapshot;
  Status walked = Walk(
      root, skip,
      [&](const std::string& rel, const fs::path& full, const struct stat& st) -> Result<bool> {
        PathState state;
        state.mode = st.st_mode;
        state.uid = st.st_uid;
        state.gid = st.st_gid;
        state.size = st.st_size;
        state.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
        if (S_ISREG(st.st_mode)) {
          SLUICE_ASSIGN_OR_RETURN(Digest digest, Sha256OfFile(full));
          state.hash = digest.hex;
        } else if (S_ISLNK(st.st_mode)) {
          std::error_code ec;
          state.hash = Sha256Of(fs::read_symlink(full, ec).string()).hex;
          if (ec)
            return Status::IoError("cannot read symlink " + full.string() + ": " + ec.message());
        } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
          state.hash = std::to_string(st.st_rdev);
        }
        snapshot.emplace(rel, std::move(state));
        return true;
      });
  if (!walked.ok()) return walked;
  return snapshot;
}

LayerChanges DiffSnapshots(const Snapshot& before, const Snapshot& after) {
  LayerChanges changes;
  for (const auto& [rel, state] : after) {
    auto was = before.find(rel);
    if (was == before.end() || !(was->second == state)) changes.changed.push_back(rel);
  }
  for (const auto& [rel, state] : before) {
    if (after.count(rel)) continue;
    // Only the topmost deleted path: its whiteout hides the rest.
    bool parent_deleted = false;
    for (size_t slash = rel.rfind('/'); slash != std::string::npos && !parent_deleted;
         slash = slash == 0 ? std::string::npos : rel.rfind('/', slash - 1)) {
      std::string parent = rel.substr(0, slash);
      parent_deleted = before.count(parent) && !after.count(parent);
    }
    if (!parent_deleted) changes.deleted.push_back(rel);
  }
  return changes;
}

}  // namespace sluice::oci
