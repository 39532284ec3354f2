#include "common/files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot read " + path.string() + ": " + std::strerror(errno));
  struct stat st;
  bool stated = ::fstat(fd, &st) == 0;
  if (!stated || S_ISDIR(st.st_mode)) {
    // A directory opens fine; say what it is rather than EISDIR's wording.
    std::string why = stated ? "is a directory" : std::strerror(errno);
    ::close(fd);
    return Status::IoError("cannot read " + path.string() + ": " + why);
  }
  // Reads into a buffer of the file's size, then on (through a small
  // buffer) until the end: a file that grows meanwhile, or that reports no
  // size as /proc files do, is still read whole.
  std::string out(S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) : 0, '\0');
  size_t used = 0;
  char more[1 << 14];
  for (;;) {
    bool into_out = used < out.size();
    ssize_t n =
        into_out ? ::read(fd, out.data() + used, out.size() - used) : ::read(fd, more, sizeof more);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return Status::IoError("error reading " + path.string() + ": " + std::strerror(e));
    }
    if (n == 0) break;
    if (!into_out) out.append(more, static_cast<size_t>(n));
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(used);
  return out;
}

Status WriteFileAtomic(const fs::path& path, std::string_view content, int mode) {
  fs::path tmp = path;
  tmp += ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::IoError("cannot write " + tmp.string() + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::IoError("cannot write " + tmp.string() + ": " + std::strerror(e));
    }
    off += static_cast<size_t>(n);
  }
  ::fchmod(fd, static_cast<mode_t>(mode));
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Status::IoError("cannot rename " + tmp.string() + " to " + path.string() + ": " + std::strerror(e));
  }
  return Status::Ok();
}

Status MakeDirs(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return Status::IoError("cannot create directory " + path.string() + ": " + ec.message());
  return Status::Ok();
}

Result<TempDir> TempDir::Create(std::string_view prefix, const fs::path& parent) {
  fs::path base = parent;
  if (base.empty()) {
    const char* t = getenv("TMPDIR");
    base = (t != nullptr && *t != '\0') ? fs::path(t) : fs::path("/tmp");
  }
  std::string templ = (base / (std::string(prefix) + "XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) {
    return Status::IoError("cannot create a temporary directory in " + base.string() + ": " + std::strerror(errno));
  }
  return TempDir(fs::path(templ));
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace sluice
