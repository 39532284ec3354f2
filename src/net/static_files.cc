#include "net/static_files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include "common/files.h"

namespace sluice::net {
namespace {

namespace fs = std::filesystem;

HttpResponse Secured(HttpResponse response) {
  response.set("Content-Security-Policy", std::string(kStaticContentSecurityPolicy));
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  return response;
}

HttpResponse NotFound() { return Secured(HttpResponse::Text(404, "not found\n")); }

// Whether `path` is `root` or below it; both canonical.
bool IsUnder(const fs::path& path, const fs::path& root) {
  return std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first == root.end();
}

// The request path's segments, or false when one may not be served: an
// empty segment before the end ("//"), ".", "..", a hidden name, a NUL.
bool SplitServable(std::string_view path, std::vector<std::string_view>* segments,
                   bool* trailing_slash) {
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string_view::npos) return false;
  path.remove_prefix(1);
  *trailing_slash = path.empty() || path.back() == '/';
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    if (segment.empty() || segment[0] == '.') return false;
    segments->push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return true;
}

// The regular file `candidate` names, resolved through symlinks, when it
// lies under `root`; "" otherwise.
fs::path ConfinedRegularFile(const fs::path& candidate, const fs::path& root) {
  std::error_code ec;
  fs::path real = fs::canonical(candidate, ec);
  if (ec || !IsUnder(real, root) || !fs::is_regular_file(real, ec)) return {};
  return real;
}

}  // namespace

Result<StaticFiles> StaticFiles::Open(const fs::path& root) {
  std::error_code ec;
  fs::path real = fs::canonical(root, ec);
  if (ec || !fs::is_directory(real, ec)) {
    return Status::InvalidArgument(root.string() +
                                   ": not a directory; give the directory whose files to serve");
  }
  return StaticFiles(std::move(real));
}

HttpResponse StaticFiles::Answer(const HttpRequest& request) const {
  const bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) {
    HttpResponse refused = HttpResponse::Text(405, "only GET and HEAD are served here\n");
    refused.set("Allow", "GET, HEAD");
    return Secured(std::move(refused));
  }
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
  if (!SplitServable(request.path, &segments, &trailing_slash)) return NotFound();

  fs::path candidate = root_;
  for (std::string_view segment : segments) candidate /= segment;
  std::error_code ec;
  fs::path real = fs::canonical(candidate, ec);
  if (ec || !IsUnder(real, root_)) return NotFound();
  if (fs::is_directory(real, ec)) {
    if (!trailing_slash) {
      // The raw target keeps the client's own encoding; SplitServable has
      // ruled out "//", so the Location stays on this origin.
      std::string_view target = request.target;
      target = target.substr(0, target.find('?'));
      if (target.empty() || target[0] != '/') return NotFound();
      HttpResponse moved = HttpResponse::Text(301, "moved\n");
      std::string location = std::string(target) + "/";
      if (!request.query.empty()) location += "?" + request.query;
      moved.set("Location", std::move(location));
      return Secured(std::move(moved));
    }
    real /= "index.html";
  }
  real = ConfinedRegularFile(real, root_);
  if (real.empty()) return NotFound();

  uintmax_t size = fs::file_size(real, ec);
  if (ec || size > kMaxFileBytes) {
    return Secured(
        HttpResponse::Text(500, "the file cannot be served (too large or unreadable)\n"));
  }
  HttpResponse response;
  if (head) {
    // The server sends this as the length without a body (http_server.cc).
    response.set("Content-Length", std::to_string(size));
  } else {
    auto body = ReadFile(real);
    if (!body.ok()) return Secured(HttpResponse::Text(500, "the file cannot be read\n"));
    response.body = std::move(*body);
  }
  response.set("Content-Type", std::string(ContentTypeForPath(real.filename().string())));
  // Pages change as they are edited: browsers revalidate rather than keep
  // a stale copy.
  response.set("Cache-Control", "no-cache");
  return Secured(std::move(response));
}

std::string_view ContentTypeForPath(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kTypes = {{
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"wasm", "application/wasm"},
      {"xml", "application/xml"},
  }};
  size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string extension(file_name.substr(dot + 1));
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [known, type] : kTypes) {
    if (extension == known) return type;
  }
  return "application/octet-stream";
}

}  // namespace sluice::net
