#include "common/files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sluice {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const fs::path& path) {
  // An ifstream opens a directory and reads it as empty, which callers would
  // then report as an empty or truncated file.
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return Status::IoError("cannot read " + path.string() + ": is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IoError("error reading " + path.string());
  return ss.str();
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
