// An exclusive lock that serialises the writers of a local image store
// (builds, tags, pulls) across threads and processes: flock(2) on a lock
// file beside the store (<state dir>/images.lock for the store in
// <state dir>/images). Readers do not take it: the layout's writes are
// atomic renames. Released when the StoreLock is destroyed. Move-only.
#pragma once

#include <filesystem>

#include "common/cancellation.h"
#include "common/status.h"

namespace sluice::oci {

class StoreLock {
 public:
  StoreLock(StoreLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  StoreLock& operator=(StoreLock&&) = delete;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();

 private:
  friend Result<StoreLock> LockStore(const std::filesystem::path&, const Cancellation&);
  explicit StoreLock(int fd) : fd_(fd) {}
  int fd_;
};

// Waits for the lock on `lock_file` (created, with its directory, when
// missing). Aborted when `cancel` fires first; IoError when the file cannot
// be opened or locked.
Result<StoreLock> LockStore(const std::filesystem::path& lock_file, const Cancellation& cancel);

}  // namespace sluice::oci
