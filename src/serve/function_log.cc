#include "serve/function_log.h"

#include "common/clock.h"
#include "common/files.h"

namespace sluice::serve {
namespace {

namespace fs = std::filesystem;

fs::path LogPath(const fs::path& dir, const std::string& function) {
  return dir / (function + ".log");
}

}  // namespace

FunctionLogs::FunctionLogs(fs::path dir, size_t max_bytes)
    : dir_(std::move(dir)), max_bytes_(max_bytes) {}

FunctionLogs::~FunctionLogs() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [name, f] : files_) {
    if (f.file != nullptr) std::fclose(f.file);
  }
}

FunctionLogs::File* FunctionLogs::Open(const std::string& function) {
  File& f = files_[function];
  if (f.file != nullptr) return &f;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const fs::path path = LogPath(dir_, function);
  f.file = std::fopen(path.c_str(), "ae");
  if (f.file == nullptr) return nullptr;
  std::setvbuf(f.file, nullptr, _IOFBF, 64 * 1024);
  f.bytes = static_cast<size_t>(fs::file_size(path, ec));
  if (ec) f.bytes = 0;
  return &f;
}

void FunctionLogs::Append(const std::string& function, std::string_view line) {
  const std::string stamp = FormatTimestamp(DefaultClock().NowMillis()) + " ";
  std::lock_guard<std::mutex> lock(mu_);
  File* f = Open(function);
  if (f == nullptr) return;  // the log is best effort: invocations go on
  if (f->bytes + stamp.size() + line.size() + 1 > max_bytes_ && f->bytes > 0) {
    std::fclose(f->file);
    f->file = nullptr;
    std::error_code ec;
    const fs::path path = LogPath(dir_, function);
    fs::rename(path, fs::path(path.string() + ".1"), ec);
    f = Open(function);
    if (f == nullptr) return;
  }
  std::fwrite(stamp.data(), 1, stamp.size(), f->file);
  std::fwrite(line.data(), 1, line.size(), f->file);
  std::fputc('\n', f->file);
  f->bytes += stamp.size() + line.size() + 1;
}

void FunctionLogs::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [name, f] : files_) {
    if (f.file != nullptr) std::fflush(f.file);
  }
}

Result<std::string> FunctionLogs::Tail(const fs::path& dir, const std::string& function,
                                       size_t max_bytes) {
  const fs::path path = LogPath(dir, function);
  std::string text;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    SLUICE_ASSIGN_OR_RETURN(text, ReadFile(path));
  }
  if (text.size() < max_bytes && fs::exists(path.string() + ".1", ec)) {
    SLUICE_ASSIGN_OR_RETURN(std::string older, ReadFile(path.string() + ".1"));
    text = older + text;
  }
  if (text.size() > max_bytes) {
    size_t cut = text.size() - max_bytes;
    size_t nl = text.find('\n', cut);
    text = nl == std::string::npos ? std::string() : text.substr(nl + 1);
  }
  return text;
}

}  // namespace sluice::serve
