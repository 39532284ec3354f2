#include "oci/layer_unpack.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "oci/layer_tar.h"
#include "oci/tar_format.h"

namespace sluice::oci {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxSymlinkHops = 40;  // as the kernel's ELOOP limit

Status Reject(const std::string& entry, const std::string& why) {
  return Status::InvalidArgument("layer entry \"" + entry + "\" rejected: " + why +
                                 " (nothing was written outside the root)");
}

Status Errno(const std::string& what, const fs::path& p) {
  return Status::IoError(what + " " + p.string() + ": " + std::strerror(errno));
}

// The components of a tar name; rejects absolute names and "..".
Result<std::vector<std::string>> SplitName(const std::string& name, const std::string& entry) {
  if (!name.empty() && name[0] == '/') return Reject(entry, "absolute path");
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    if (slash == std::string::npos) slash = name.size();
    std::string part = name.substr(start, slash - start);
    if (part == "..") return Reject(entry, "\"..\" in its path");
    if (!part.empty() && part != ".") parts.push_back(part);
    start = slash + 1;
  }
  return parts;
}

// The host directory for `dirs` (components under root), following symlinks
// that stay inside the root and creating missing directories (mode 0755).
Result<fs::path> ResolveDir(const fs::path& root, const std::vector<std::string>& dirs,
                            const std::string& entry) {
  std::deque<std::string> todo(dirs.begin(), dirs.end());
  std::vector<std::string> cur;
  int hops = 0;
  while (!todo.empty()) {
    std::string part = todo.front();
    todo.pop_front();
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (cur.empty()) return Reject(entry, "a symlink on its path leads outside the root");
      cur.pop_back();
      continue;
    }
    fs::path here = root;
    for (const auto& c : cur) here /= c;
    here /= part;
    struct stat st;
    if (::lstat(here.c_str(), &st) != 0) {
      if (errno != ENOENT) return Errno("cannot inspect", here);
      if (::mkdir(here.c_str(), 0755) != 0) return Errno("cannot create directory", here);
      cur.push_back(part);
    } else if (S_ISLNK(st.st_mode)) {
      if (++hops > kMaxSymlinkHops) return Reject(entry, "too many symlinks on its path");
      std::error_code ec;
      std::string target = fs::read_symlink(here, ec).string();
      if (ec) return Status::IoError("cannot read symlink " + here.string() + ": " + ec.message());
      if (!target.empty() && target[0] == '/') {
        return Reject(entry, "its path goes through symlink \"" +
                                 here.lexically_relative(root).string() + "\" -> \"" + target +
                                 "\", which leads outside the root");
      }
      std::vector<std::string> split;
      for (const auto& c : fs::path(target)) split.push_back(c.string());
      todo.insert(todo.begin(), split.begin(), split.end());
    } else if (S_ISDIR(st.st_mode)) {
      cur.push_back(part);
    } else {
      return Reject(entry, "\"" + here.lexically_relative(root).string() + "\" is not a directory");
    }
  }
  fs::path out = root;
  for (const auto& c : cur) out /= c;
  return out;
}

class Unpacker {
 public:
  Unpacker(const fs::path& root, const UnpackOptions& options) : root_(root), options_(options) {}

  Status Apply(const TarEntry& e) {
    SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitName(e.name, e.name));
    if (parts.empty()) return Status::Ok();  // the root itself
    if ((e.type == TarType::kCharDevice || e.type == TarType::kBlockDevice) &&
        !options_.allow_devices) {
      return Reject(e.name, "device node, allowed only when unpacking as root");
    }
    std::string base = parts.back();
    parts.pop_back();
    SLUICE_ASSIGN_OR_RETURN(fs::path dir, ResolveDir(root_, parts, e.name));
    SLUICE_RETURN_IF_ERROR(EnsureWritable(dir));
    if (base == ".wh..wh..opq") return Opaque(dir);
    if (base.rfind(".wh.", 0) == 0) {
      std::string victim = base.substr(4);
      if (victim.empty() || victim == "." || victim == "..") {
        return Reject(e.name, "a whiteout must name one entry of its directory");
      }
      std::error_code ec;
      fs::remove_all(dir / victim, ec);  // does not follow symlinks
      if (ec) return Status::IoError("cannot apply whiteout " + e.name + ": " + ec.message());
      return Status::Ok();
    }
    fs::path source;  // hard links: checked before anything at the target is touched
    if (e.type == TarType::kHardLink) {
      SLUICE_ASSIGN_OR_RETURN(source, HardLinkSource(e));
    }
    fs::path target = dir / base;
    SLUICE_RETURN_IF_ERROR(Create(e, target, source));
    created_.insert(target.string());
    return Status::Ok();
  }

  // Directory modes and times last: a read-only directory must first receive its entries.
  // This layer's own directory entries come last so their modes win.
  Status Finish() {
    for (const auto& [dir, meta] : restore_) {
      if (::chmod(dir.c_str(), meta.mode) != 0) return Errno("cannot chmod", dir);
      SetTime(dir, meta.mtime);
    }
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
      if (::chmod(it->first.c_str(), it->second.mode) != 0) return Errno("cannot chmod", it->first);
      SetTime(it->first, it->second.mtime);
    }
    return Status::Ok();
  }

 private:
  struct DirMeta {
    uint32_t mode;
    int64_t mtime;
  };

  Result<fs::path> HardLinkSource(const TarEntry& e) {
    SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> src, SplitName(e.linkname, e.name));
    if (src.empty()) return Reject(e.name, "hard link to the root");
    std::string src_base = src.back();
    src.pop_back();
    SLUICE_ASSIGN_OR_RETURN(fs::path src_dir, ResolveDir(root_, src, e.name));
    fs::path source = src_dir / src_base;
    struct stat st;
    if (::lstat(source.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) {
      return Reject(
          e.name, "hard link to \"" + e.linkname + "\", which is not an earlier file of the image");
    }
    return source;
  }

  // A directory from a lower layer may be read-only (0555) for us when not
  // root; it gets owner write while this layer fills it, and its mode back
  // in Finish().
  Status EnsureWritable(const fs::path& dir) {
    struct stat st;
    if (::lstat(dir.c_str(), &st) != 0) return Errno("cannot inspect", dir);
    if ((st.st_mode & S_IWUSR) && (st.st_mode & S_IXUSR)) return Status::Ok();
    if (::chmod(dir.c_str(), (st.st_mode & 07777) | S_IRWXU) != 0) {
      return Errno("cannot chmod", dir);
    }
    restore_.push_back({dir, {st.st_mode & 07777, st.st_mtime}});
    return Status::Ok();
  }

  Status Opaque(const fs::path& dir) {
    std::error_code ec;
    for (const auto& child : fs::directory_iterator(dir, ec)) {
      if (created_.count(child.path().string())) continue;
      fs::remove_all(child.path(), ec);
      if (ec) {
        return Status::IoError("cannot apply opaque whiteout in " + dir.string() + ": " +
                               ec.message());
      }
    }
    return Status::Ok();
  }

  Status Create(const TarEntry& e, const fs::path& target, const fs::path& source) {
    struct stat st;
    bool exists = ::lstat(target.c_str(), &st) == 0;
    bool keep_dir = exists && S_ISDIR(st.st_mode) && e.type == TarType::kDirectory;
    if (exists && !keep_dir) {
      std::error_code ec;
      fs::remove_all(target, ec);  // replaces; a symlink here is removed, not followed
      if (ec) return Status::IoError("cannot replace " + target.string() + ": " + ec.message());
    }
    switch (e.type) {
      case TarType::kDirectory:
        if (!keep_dir && ::mkdir(target.c_str(), 0700) != 0) {
          return Errno("cannot create directory", target);
        }
        dirs_.push_back({target, {e.mode, e.mtime}});
        return Owner(target, e);  // mode and time in Finish()
      case TarType::kFile: {
        int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) return Errno("cannot create", target);
        size_t done = 0;
        while (done < e.data.size()) {
          ssize_t n = ::write(fd, e.data.data() + done, e.data.size() - done);
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) {
            ::close(fd);
            return Errno("cannot write", target);
          }
          done += size_t(n);
        }
        int rc = ::fchmod(fd, e.mode);
        ::close(fd);
        if (rc != 0) return Errno("cannot chmod", target);
        break;
      }
      case TarType::kSymlink:
        if (::symlink(e.linkname.c_str(), target.c_str()) != 0) {
          return Errno("cannot create symlink", target);
        }
        break;
      case TarType::kHardLink:
        if (::link(source.c_str(), target.c_str()) != 0) {
          return Errno("cannot create hard link", target);
        }
        return Status::Ok();  // shares the source's metadata
      case TarType::kFifo:
        if (::mkfifo(target.c_str(), e.mode) != 0) return Errno("cannot create fifo", target);
        break;
      case TarType::kCharDevice:
      case TarType::kBlockDevice: {
        mode_t kind = e.type == TarType::kCharDevice ? S_IFCHR : S_IFBLK;
        if (::mknod(target.c_str(), kind | e.mode, makedev(e.devmajor, e.devminor)) != 0) {
          return Errno("cannot create device", target);
        }
        break;
      }
    }
    SLUICE_RETURN_IF_ERROR(Owner(target, e));
    SetTime(target, e.mtime);
    return Status::Ok();
  }

  Status Owner(const fs::path& target, const TarEntry& e) {
    if (options_.preserve_owners && ::lchown(target.c_str(), e.uid, e.gid) != 0) {
      return Errno("cannot chown", target);
    }
    return Status::Ok();
  }

  static void SetTime(const fs::path& target, int64_t mtime) {
    // Best effort: a time that cannot be set changes no file content.
    struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
    (void)::utimensat(AT_FDCWD, target.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }

  fs::path root_;
  UnpackOptions options_;
  std::set<std::string> created_;  // host paths this layer wrote (kept by an opaque whiteout)
  std::vector<std::pair<fs::path, DirMeta>> dirs_;     // this layer's directories, in tar order
  std::vector<std::pair<fs::path, DirMeta>> restore_;  // lower-layer directories made writable
};

}  // namespace

Status UnpackLayer(std::string_view layer, const fs::path& root, const UnpackOptions& options) {
  std::string plain;
  if (IsGzip(layer)) {
    SLUICE_ASSIGN_OR_RETURN(plain, Gunzip(layer));
    layer = plain;
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<TarEntry> entries, ParseTar(layer));
  struct stat st;
  if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::NotFound("unpack root " + root.string() + " is not an existing directory");
  }
  Unpacker unpacker(root, options);
  for (const TarEntry& e : entries) SLUICE_RETURN_IF_ERROR(unpacker.Apply(e));
  return unpacker.Finish();
}

}  // namespace sluice::oci
