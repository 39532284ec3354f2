// The local artifact store and content types (artifact_store.h).
//
// Layout: <root>/<bucket>/<key>. An object is written to a temporary file in
// <root>/.incoming (never inside a bucket, so listings cannot see it, and on
// the same filesystem, so the rename is atomic), fsynced, then renamed over
// its final name: a reader sees the old object or the new one, never part.
#include "store/artifact_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>

#include "common/files.h"
#include "common/hash.h"
#include "common/text.h"
#include "store/sigv4.h"

namespace sluice::store {
namespace {

namespace fs = std::filesystem;

constexpr size_t kCopyChunk = size_t{1} << 20;
constexpr size_t kMaxKeyBytes = 1024;

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// A bucket name as text for a message: printable ASCII as it is, other
// bytes as '?' (a name may come from anywhere, a terminal should not care).
std::string Shown(std::string_view text) {
  std::string shown;
  for (char c : text) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  return shown;
}

// "192.168.5.4": four dot-separated runs of 1-3 digits.
bool IsIpv4Form(std::string_view name) {
  int runs = 0;
  for (size_t at = 0; at <= name.size(); ++runs) {
    size_t dot = std::min(name.find('.', at), name.size());
    std::string_view run = name.substr(at, dot - at);
    if (run.empty() || run.size() > 3 ||
        !std::all_of(run.begin(), run.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    at = dot + 1;
  }
  return runs == 4;
}

Status CheckKey(std::string_view key) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("object key " + Quoted(key) + " " + std::string(why));
  };
  if (key.empty()) return bad("is empty; name the object");
  if (key.size() > kMaxKeyBytes) return bad("is longer than 1024 bytes");
  if (key.find('\0') != std::string_view::npos) return bad("holds a NUL byte");
  if (key.front() == '/') return bad("starts with '/'; drop the leading '/'");
  for (std::string_view rest = key;;) {
    size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (segment == "." || segment == "..") return bad("has a \".\" or \"..\" segment");
    if (segment.empty()) return bad("has an empty segment (\"//\" or a trailing '/')");
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return Status::Ok();
}

std::string Errno(int e) { return std::strerror(e); }

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

class LocalArtifactStore final : public ArtifactStore {
 public:
  LocalArtifactStore(fs::path root, std::string bucket)
      : root_(std::move(root)), bucket_(std::move(bucket)), dir_(root_ / bucket_) {}

  std::string Describe() const override { return dir_.string(); }

  Result<std::vector<ArtifactObject>> PutFiles(const std::vector<ArtifactUpload>& uploads,
                                               const Cancellation* cancel) override {
    std::vector<ArtifactObject> out;
    out.reserve(uploads.size());
    for (const ArtifactUpload& upload : uploads) {
      Result<ArtifactObject> object = Put(upload, cancel);
      if (!object.ok()) {
        return Status(object.status().code(), "uploading " + upload.file.string() + " as " +
                                                  Quoted(upload.key) + " to " + Describe() + ": " +
                                                  object.status().message());
      }
      out.push_back(std::move(*object));
    }
    return out;
  }

  Result<std::string> Get(std::string_view key) const override {
    SLUICE_RETURN_IF_ERROR(CheckKey(key));
    fs::path file = dir_ / std::string(key);
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      return Status::NotFound("no object " + Quoted(key) + " in " + Describe());
    }
    return ReadFile(file);
  }

  Result<std::vector<ArtifactObject>> List(std::string_view prefix) const override {
    std::vector<ArtifactObject> out;
    std::error_code ec;
    if (!fs::is_directory(dir_, ec)) return out;  // made on the first put
    fs::recursive_directory_iterator it(dir_, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string key = it->path().lexically_relative(dir_).generic_string();
      if (key.rfind(prefix, 0) != 0) continue;
      ArtifactObject object = ObjectFor(key);
      object.size = static_cast<int64_t>(it->file_size(ec));
      out.push_back(std::move(object));
    }
    if (ec) return Status::IoError("cannot list " + dir_.string() + ": " + ec.message());
    std::sort(out.begin(), out.end(),
              [](const ArtifactObject& a, const ArtifactObject& b) { return a.key < b.key; });
    return out;
  }

  std::string UrlFor(std::string_view key) const override {
    return "file://" + UriEncode((dir_ / std::string(key)).generic_string(), /*keep_slash=*/true);
  }

 private:
  ArtifactObject ObjectFor(std::string key) const {
    ArtifactObject object;
    object.bucket = bucket_;
    object.url = UrlFor(key);
    object.content_type = ContentTypeFor(key);
    object.key = std::move(key);
    return object;
  }

  Result<ArtifactObject> Put(const ArtifactUpload& upload, const Cancellation* cancel) const {
    SLUICE_RETURN_IF_ERROR(CheckKey(upload.key));
    const fs::path target = dir_ / upload.key;
    const fs::path incoming = root_ / ".incoming";
    SLUICE_RETURN_IF_ERROR(MakeDirs(target.parent_path()));
    SLUICE_RETURN_IF_ERROR(MakeDirs(incoming));

    Fd in(::open(upload.file.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0)
      return Status::IoError("cannot read " + upload.file.string() + ": " + Errno(errno));
    std::string tmp_name = (incoming / "upload-XXXXXX").string();
    Fd out(::mkostemp(tmp_name.data(), O_CLOEXEC));
    if (out.get() < 0)
      return Status::IoError("cannot create a file in " + incoming.string() + ": " + Errno(errno));
    const fs::path tmp = tmp_name;
    auto fail = [&](Status s) {
      ::unlink(tmp.c_str());
      return s;
    };

    ArtifactObject object = ObjectFor(upload.key);
    if (!upload.content_type.empty()) object.content_type = upload.content_type;
    Sha256Hasher hasher;
    std::string buffer(kCopyChunk, '\0');
    while (true) {
      if (cancel != nullptr && cancel->cancelled()) return fail(Status::Aborted("cancelled"));
      ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        return fail(Status::IoError("cannot read " + upload.file.string() + ": " + Errno(errno)));
      if (n == 0) break;
      std::string_view chunk(buffer.data(), static_cast<size_t>(n));
      hasher.Update(chunk);
      object.size += n;
      while (!chunk.empty()) {
        ssize_t w = ::write(out.get(), chunk.data(), chunk.size());
        if (w < 0 && errno == EINTR) continue;
        if (w < 0)
          return fail(Status::IoError("cannot write " + tmp.string() + ": " + Errno(errno)));
        chunk.remove_prefix(static_cast<size_t>(w));
      }
    }
    ::fchmod(out.get(), 0644);
    if (::fsync(out.get()) != 0)
      return fail(Status::IoError("cannot write " + tmp.string() + ": " + Errno(errno)));
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
      return fail(Status::IoError("cannot store " + target.string() + ": " + Errno(errno)));
    }
    object.sha256 = hasher.FinishHex();
    return object;
  }

  // Constant after construction; every put writes its own temporary file,
  // so puts from several threads do not interfere.
  const fs::path root_;
  const std::string bucket_;
  const fs::path dir_;
};

}  // namespace

Result<std::unique_ptr<ArtifactStore>> OpenLocalArtifactStore(const fs::path& root,
                                                              std::string_view bucket) {
  SLUICE_RETURN_IF_ERROR(CheckBucketName(bucket));
  std::error_code ec;
  fs::path absolute = fs::absolute(root, ec).lexically_normal();
  if (ec) return Status::IoError("cannot resolve " + root.string() + ": " + ec.message());
  return std::unique_ptr<ArtifactStore>(new LocalArtifactStore(absolute, std::string(bucket)));
}

Status CheckBucketName(std::string_view bucket) {
  auto broken = [&](std::string rule) {
    return Status::InvalidArgument("bucket " + Quoted(Shown(bucket)) +
                                   " is not a bucket name: " + rule);
  };
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (bucket.size() < 3 || bucket.size() > 63) {
    return broken("it has " + std::to_string(bucket.size()) +
                  " characters; a bucket name has 3 to 63");
  }
  for (char c : bucket) {
    if (!alnum(c) && c != '.' && c != '-') {
      std::string shown = c >= 0x20 && c < 0x7f ? "'" + std::string(1, c) + "'" : "a control byte";
      return broken("it holds " + shown + "; use lower-case letters, digits, '.' and '-'");
    }
  }
  if (!alnum(bucket.front()) || !alnum(bucket.back())) {
    return broken("it must start and end with a lower-case letter or digit");
  }
  if (bucket.find("..") != std::string_view::npos) {
    return broken("it holds \"..\"; periods may not be next to each other");
  }
  if (IsIpv4Form(bucket)) return broken("it has the form of an IP address");
  return Status::Ok();
}

std::string ContentTypeFor(const fs::path& file) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".log", "text/plain; charset=utf-8"},
      {".md", "text/markdown; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
      {".tsv", "text/tab-separated-values; charset=utf-8"},
      {".json", "application/json"},
      {".xml", "application/xml"},
      {".yaml", "application/yaml"},
      {".yml", "application/yaml"},
      {".pdf", "application/pdf"},
      {".zip", "application/zip"},
      {".gz", "application/gzip"},
      {".tgz", "application/gzip"},
      {".tar", "application/x-tar"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".svg", "image/svg+xml"},
      {".webp", "image/webp"},
      {".pkl", "application/octet-stream"},
      {".onnx", "application/octet-stream"},
      {".parquet", "application/vnd.apache.parquet"},
  };
  std::string ext = AsciiLower(file.extension().string());
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

}  // namespace sluice::store
