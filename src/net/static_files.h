// Serving the files of one directory over HTTP: the pages sluice hosts
// itself (`sluice functions serve --static DIR`, later the server's UI).
//
// A StaticFiles answers a request with a response and nothing else: it
// never sends, so any handler can put it behind its own routes. It
// answers GET and HEAD (405 with Allow for anything else); "/" and any
// directory give that directory's index.html, never a listing (404
// without one; a directory named without its trailing slash redirects to
// it so that relative links resolve). Content types come from the file's
// extension.
//
// Confinement: only regular files at or below the root are served. A
// path with a ".." or "." segment, a NUL, or a segment starting with "."
// (hidden files) gives 404 before the filesystem is asked; the file found
// is then resolved through every symlink and must still lie under the
// root, so a symlink out of the directory gives 404 as a missing file
// does. (A file swapped for a symlink between that check and the read is
// not guarded against: the root is the operator's own directory.)
//
// Every answer, errors included, carries a restrictive
// Content-Security-Policy (default-src 'self': the pages load only their
// own files, no inline scripts or styles) and X-Content-Type-Options:
// nosniff. Error bodies are plain text and never show filesystem paths.
//
// HEAD answers carry the headers of GET, Content-Length included (the
// file's size, set as a header: the HttpServer sends it for a HEAD request
// instead of the empty body's), and an empty body; the file is not read.
//
// Thread-safe: constant after Open; Answer may run on many threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "common/status.h"
#include "net/http_message.h"

namespace sluice::net {

// The Content-Security-Policy every static answer carries.
inline constexpr std::string_view kStaticContentSecurityPolicy =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'";

class StaticFiles {
 public:
  // Files larger than this are refused (500) rather than read into memory.
  static constexpr uintmax_t kMaxFileBytes = 32 * 1024 * 1024;

  // `root` must be an existing directory; InvalidArgument naming it
  // otherwise.
  static Result<StaticFiles> Open(const std::filesystem::path& root);

  HttpResponse Answer(const HttpRequest& request) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  explicit StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

  std::filesystem::path root_;  // canonical: no symlinks, no "..", absolute
};

// The Content-Type for a file name by its extension (case-insensitive);
// application/octet-stream when unknown. Text types say charset=utf-8.
std::string_view ContentTypeForPath(std::string_view file_name);

}  // namespace sluice::net
