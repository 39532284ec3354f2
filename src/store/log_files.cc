#include "store/log_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/files.h"

namespace sluice::store {

namespace fs = std::filesystem;

Status CheckLogName(std::string_view kind, std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos ||
      name.find("..") != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    return Status::Internal("refusing " + std::string(kind) + " \"" + std::string(name) +
                            "\" as a log file name: it must be non-empty and contain no '/', \"..\" or NUL "
                            "(this is a bug in sluice; please report it)");
  }
  return Status::Ok();
}

LogFiles::LogFiles(fs::path logs_dir, size_t max_open) : dir_(std::move(logs_dir)), max_open_(max_open) {}

LogFiles::~LogFiles() {
  for (const Entry& e : open_) ::close(e.fd);
}

fs::path LogFiles::PathOf(const std::string& execution_id, const std::string& node_path) const {
  return dir_ / execution_id / (node_path + ".log");
}

void LogFiles::Forget(int fd) {
  auto it = std::find_if(open_.begin(), open_.end(), [fd](const Entry& e) { return e.fd == fd; });
  if (it == open_.end()) return;
  ::close(it->fd);
  open_.erase(it);
}

Result<int> LogFiles::Descriptor(const std::string& execution_id, const std::string& node_path) {
  std::string key = execution_id + "/" + node_path;
  ++tick_;
  for (Entry& e : open_) {
    if (e.key == key) {
      e.last_used = tick_;
      return e.fd;
    }
  }
  fs::path path = PathOf(execution_id, node_path);
  SLUICE_RETURN_IF_ERROR(MakeDirs(path.parent_path()));
  // O_CLOEXEC: steps spawn processes, which must not inherit our logs.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IoError("cannot open log file " + path.string() + " for appending: " + std::strerror(errno) +
                           "; check the permissions and free space of the state directory");
  }
  if (open_.size() >= max_open_) {
    auto oldest = std::min_element(open_.begin(), open_.end(),
                                   [](const Entry& a, const Entry& b) { return a.last_used < b.last_used; });
    ::close(oldest->fd);
    open_.erase(oldest);
  }
  open_.push_back(Entry{std::move(key), fd, tick_});
  return fd;
}

Result<LogFiles::Appended> LogFiles::Append(const std::string& execution_id, const std::string& node_path,
                                            std::string_view text) {
  if (text.empty()) return Appended{};
  SLUICE_ASSIGN_OR_RETURN(int fd, Descriptor(execution_id, node_path));

  // One writev when possible, so concurrent appenders do not interleave
  // inside a call; a short write continues where it stopped.
  static constexpr char kNewline = '\n';
  const bool add_newline = text.back() != '\n';
  iovec parts[2] = {{const_cast<char*>(text.data()), text.size()},
                    {const_cast<char*>(&kNewline), add_newline ? size_t{1} : size_t{0}}};
  int first = 0;
  while (first < 2) {
    ssize_t n = ::writev(fd, parts + first, 2 - first);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      Forget(fd);
      return Status::IoError("cannot append to log file " + PathOf(execution_id, node_path).string() + ": " +
                             std::strerror(err) + "; check the free space of the state directory");
    }
    auto left = static_cast<size_t>(n);
    while (first < 2 && left >= parts[first].iov_len) {
      left -= parts[first].iov_len;
      ++first;
    }
    if (first < 2) {
      parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + left;
      parts[first].iov_len -= left;
    }
  }
  Appended a;
  a.lines = std::count(text.begin(), text.end(), '\n') + (add_newline ? 1 : 0);
  // With O_APPEND the offset is the end of the file as of our write.
  a.file_size = static_cast<int64_t>(::lseek(fd, 0, SEEK_CUR));
  return a;
}

Result<std::string> LogFiles::Read(const std::string& execution_id, const std::string& node_path) const {
  fs::path path = PathOf(execution_id, node_path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::string();
    return Status::IoError("cannot read log file " + path.string() + ": " + std::strerror(errno));
  }
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Status::IoError("cannot read log file " + path.string() + ": " + std::strerror(err));
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace sluice::store
