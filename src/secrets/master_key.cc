#include "secrets/master_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/files.h"

namespace sluice::secrets::internal {

namespace fs = std::filesystem;

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string Errno(int e) { return std::strerror(e); }

// Closes a descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Status WriteAll(int fd, std::string_view data, const fs::path& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("cannot write " + path.string() + ": " + Errno(errno));
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    return Status::IoError("cannot sync " + path.string() + ": " + Errno(errno));
  }
  return Status::Ok();
}

Status CreateKeyFile(const fs::path& state_dir, const fs::path& path, KeyBytes* key) {
  SLUICE_RETURN_IF_ERROR(MakeDirs(state_dir));
  // O_EXCL: never replace a key another process created meanwhile.
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    if (errno == EEXIST) return Status::AlreadyExists(path.string());
    return Status::IoError("cannot create " + path.string() + ": " + Errno(errno));
  }
  ::fchmod(fd.get(), 0600);  // in case the umask is unusual (it can only remove bits)
  RandomKey(key);
  std::string hex = KeyToHex(*key);
  hex.push_back('\n');
  Status st = WriteAll(fd.get(), hex, path);
  Wipe(&hex);
  if (!st.ok()) {
    ::unlink(path.c_str());
    return st;
  }
  return Status::Ok();
}

Status ReadKeyFile(const fs::path& path, int fd, KeyBytes* key) {
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return Status::IoError("cannot stat " + path.string() + ": " + Errno(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::FailedPrecondition(path.string() + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::FailedPrecondition(
        path.string() + " (the secret store's master key) may be read by group or others (mode " +
        mode + "); restrict it with: chmod 600 " + path.string());
  }
  // 64 hex digits, a newline, and room to notice anything longer.
  char buf[128];
  size_t len = 0;
  while (len < sizeof buf) {
    ssize_t n = ::read(fd, buf + len, sizeof buf - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      sodium_memzero(buf, sizeof buf);
      return Status::IoError("cannot read " + path.string() + ": " + Errno(e));
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
  }
  bool ok = ParseHexKey(TrimKeyText(std::string_view(buf, len)), key);
  sodium_memzero(buf, sizeof buf);
  if (!ok) {
    return Status::FailedPrecondition(
        path.string() + " does not hold a master key (64 hex digits); restore it from a backup");
  }
  return Status::Ok();
}

}  // namespace

std::string_view TrimKeyText(std::string_view env) {
  while (!env.empty() && IsSpace(env.front())) env.remove_prefix(1);
  while (!env.empty() && IsSpace(env.back())) env.remove_suffix(1);
  return env;
}

KeySource ClassifyKeyText(std::string_view env) {
  std::string_view t = TrimKeyText(env);
  if (t.empty()) return KeySource::kKeyFile;
  if (t.size() == 2 * KeyBytes::kSize) {
    bool hex = true;
    for (char c : t) {
      hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    }
    if (hex) return KeySource::kHex;
  }
  return KeySource::kPassphrase;
}

Status ReadOrCreateKeyFile(const fs::path& state_dir, bool may_create, KeyBytes* key) {
  const fs::path path = state_dir / kMasterKeyFileName;
  for (int attempt = 0; attempt < 2; ++attempt) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() >= 0) return ReadKeyFile(path, fd.get(), key);
    if (errno != ENOENT) {
      return Status::IoError("cannot open " + path.string() + ": " + Errno(errno));
    }
    if (!may_create) {
      return Status::FailedPrecondition("the secret store in " + state_dir.string() +
                                        " holds secrets but its master key " + path.string() +
                                        " is missing; restore that file, or set SLUICE_MASTER_KEY "
                                        "to the key the secrets were stored with");
    }
    Status created = CreateKeyFile(state_dir, path, key);
    if (created.ok()) return created;
    if (created.code() != StatusCode::kAlreadyExists) return created;
    // Lost a race with another process creating it: read theirs.
  }
  return Status::IoError("cannot open or create " + path.string());
}

}  // namespace sluice::secrets::internal
