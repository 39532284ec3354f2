#include "runner/overlay.h"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "common/files.h"

namespace sluice::runner {

namespace fs = std::filesystem;

namespace {

// The overlay option string escapes ',' and ':' inside paths with '\'.
std::string EscapeOption(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ',' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

Result<OverlayMount> OverlayMount::Create(const std::vector<fs::path>& lowers,
                                          const fs::path& upper, const fs::path& work,
                                          const fs::path& merged) {
  if (lowers.empty()) return Status::InvalidArgument("an overlay needs at least one lower dir");
  for (const fs::path& dir : {upper, work, merged}) SLUICE_RETURN_IF_ERROR(MakeDirs(dir));
  std::string options = "lowerdir=";
  for (size_t i = 0; i < lowers.size(); ++i) {
    if (i > 0) options += ':';
    options += EscapeOption(fs::absolute(lowers[i]).string());
  }
  options += ",upperdir=" + EscapeOption(fs::absolute(upper).string());
  options += ",workdir=" + EscapeOption(fs::absolute(work).string());
  if (::mount("overlay", merged.c_str(), "overlay", 0, options.c_str()) != 0) {
    return Status::IoError("cannot mount an overlay at " + merged.string() + ": " +
                           std::strerror(errno));
  }
  return OverlayMount(merged);
}

OverlayMount::OverlayMount(OverlayMount&& other) noexcept : merged_(std::move(other.merged_)) {
  other.merged_.clear();
}

OverlayMount& OverlayMount::operator=(OverlayMount&& other) noexcept {
  if (this != &other) {
    (void)Unmount();
    merged_ = std::move(other.merged_);
    other.merged_.clear();
  }
  return *this;
}

OverlayMount::~OverlayMount() { (void)Unmount(); }

Status OverlayMount::Unmount() {
  if (merged_.empty()) return Status::Ok();
  if (::umount2(merged_.c_str(), MNT_DETACH) != 0) {
    return Status::IoError("cannot unmount " + merged_.string() + ": " + std::strerror(errno));
  }
  merged_.clear();
  return Status::Ok();
}

bool OverlayAvailable() {
  static std::once_flag once;
  static bool available = false;
  std::call_once(once, [] {
    auto dir = TempDir::Create("sluice-overlay-probe-");
    if (!dir.ok() || !MakeDirs(dir->path() / "lower").ok()) return;
    const fs::path& d = dir->path();
    auto mount = OverlayMount::Create({d / "lower"}, d / "upper", d / "work", d / "merged");
    available = mount.ok() && mount->Unmount().ok();
  });
  return available;
}

}  // namespace sluice::runner
