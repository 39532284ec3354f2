#include "oci/store_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/files.h"

namespace sluice::oci {

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the lock
}

Result<StoreLock> LockStore(const std::filesystem::path& lock_file, const Cancellation& cancel) {
  SLUICE_RETURN_IF_ERROR(MakeDirs(lock_file.parent_path()));
  int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IoError("cannot open " + lock_file.string() + ": " + std::strerror(errno));
  }
  StoreLock lock(fd);
  // Polls rather than blocks so that a cancelled wait stops.
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return Status::IoError("cannot lock " + lock_file.string() + ": " + std::strerror(errno));
    }
    if (cancel.cancelled()) return Status::Aborted("cancelled while waiting for the image store");
    ::usleep(20 * 1000);
  }
  return lock;
}

}  // namespace sluice::oci
