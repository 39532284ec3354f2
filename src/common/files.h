// Small filesystem helpers that return Status instead of throwing.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

// The whole file; IoError naming the path when it is missing, unreadable or
// a directory ("cannot read out: is a directory").
Result<std::string> ReadFile(const std::filesystem::path& path);

// Writes via a temporary file in the same directory, fsyncs, then renames, so
// readers never see a half-written file. `mode` applies to the new file.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view content, int mode = 0644);

Status MakeDirs(const std::filesystem::path& path);

// A directory removed (recursively) when the object dies. Move-only.
class TempDir {
 public:
  // Creates a fresh directory under `parent` (default: $TMPDIR or /tmp).
  static Result<TempDir> Create(std::string_view prefix = "sluice-",
                                const std::filesystem::path& parent = {});
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

}  // namespace sluice
