#include "scan/debian_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "common/text.h"
#include "scan/debian_changelog.h"
#include "scan/inventory_parsers.h"

namespace sluice::scan {
namespace {

using internal::HeaderValue;
using internal::ParseHeaderBlock;

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

Status ArchiveError(archive* a, std::string_view what, std::string_view doing) {
  const char* message = archive_error_string(a);
  return Status::InvalidArgument(std::string(what) + ": " + std::string(doing) + ": " +
                                 (message != nullptr ? message : "unreadable"));
}

// The current entry's data, whole.
Result<std::string> ReadEntry(archive* a, std::string_view what) {
  std::string data;
  char buffer[1 << 16];
  while (true) {
    la_ssize_t n = archive_read_data(a, buffer, sizeof buffer);
    if (n < 0) return ArchiveError(a, what, "reading");
    if (n == 0) return data;
    data.append(buffer, static_cast<size_t>(n));
  }
}

ArchivePtr OpenMemory(std::string_view bytes, bool raw) {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  if (raw) {
    archive_read_support_format_raw(a.get());
  } else {
    archive_read_support_format_ar(a.get());
    archive_read_support_format_tar(a.get());
  }
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) return nullptr;
  return a;
}

int64_t ToInt(std::string_view text) {
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return text.empty() ? -1 : value;
}

// The text an InRelease file signs; a Release file as it is.
std::string_view SignedText(std::string_view text) {
  if (text.rfind("-----BEGIN PGP SIGNED MESSAGE-----", 0) != 0) return text;
  size_t blank = text.find("\n\n");
  size_t signature = text.find("\n-----BEGIN PGP SIGNATURE-----");
  if (blank == std::string_view::npos || signature == std::string_view::npos || signature < blank) {
    return text;
  }
  return text.substr(blank + 2, signature - blank - 1);
}

// "usr/share/doc/<name>/changelog.Debian[.gz]", with or without "./".
bool IsChangelogPath(std::string_view path) {
  if (path.rfind("./", 0) == 0) path.remove_prefix(2);
  constexpr std::string_view kDoc = "usr/share/doc/";
  if (path.rfind(kDoc, 0) != 0) return false;
  path.remove_prefix(kDoc.size());
  size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  std::string_view file = path.substr(slash + 1);
  return file == "changelog.Debian.gz" || file == "changelog.Debian" || file == "changelog.gz";
}

bool IsGzipped(std::string_view path) {
  return path.size() > 3 && path.substr(path.size() - 3) == ".gz";
}

}  // namespace

Result<DebianRelease> ParseDebianRelease(std::string_view text) {
  auto headers = ParseHeaderBlock(SignedText(text));
  DebianRelease release;
  release.suite = HeaderValue(headers, "Suite");
  release.codename = HeaderValue(headers, "Codename");
  release.version = HeaderValue(headers, "Version");
  release.date = Rfc2822ToRfc3339(HeaderValue(headers, "Date"));
  if (release.codename.empty()) {
    return Status::InvalidArgument("the Release file has no Codename");
  }
  std::string_view sums = HeaderValue(headers, "SHA256");
  while (!sums.empty()) {
    size_t nl = sums.find('\n');
    std::string_view line = TrimAsciiSpace(sums.substr(0, nl));
    sums = nl == std::string_view::npos ? std::string_view() : sums.substr(nl + 1);
    size_t a = line.find(' ');
    if (a == std::string_view::npos) continue;
    std::string_view rest = TrimAsciiSpace(line.substr(a));
    size_t b = rest.find(' ');
    if (b == std::string_view::npos) continue;
    int64_t size = ToInt(rest.substr(0, b));
    std::string_view name = TrimAsciiSpace(rest.substr(b));
    if (size < 0 || name.empty()) continue;
    release.files[std::string(name)] = {std::string(line.substr(0, a)), size};
  }
  if (release.files.empty()) {
    return Status::InvalidArgument("the Release file of " + release.codename +
                                   " has no SHA256 list of its index files");
  }
  return release;
}

Result<std::vector<DebianBinaryPackage>> ParseDebianPackages(std::string_view text) {
  std::vector<DebianBinaryPackage> packages;
  size_t at = 0;
  int paragraph = 0;
  while (at < text.size()) {
    size_t end = 0;
    auto headers = ParseHeaderBlock(text.substr(at), &end);
    at += end == 0 ? text.size() : end;
    if (headers.empty()) continue;
    ++paragraph;
    DebianBinaryPackage p;
    p.name = HeaderValue(headers, "Package");
    p.version = HeaderValue(headers, "Version");
    p.filename = HeaderValue(headers, "Filename");
    if (p.name.empty() || p.version.empty() || p.filename.empty()) {
      return Status::InvalidArgument("paragraph " + std::to_string(paragraph) +
                                     " of the Packages index has no Package, Version or Filename");
    }
    p.architecture = HeaderValue(headers, "Architecture");
    p.size = ToInt(HeaderValue(headers, "Size"));
    p.sha256 = HeaderValue(headers, "SHA256");
    std::string_view source = TrimAsciiSpace(HeaderValue(headers, "Source"));
    p.source_version = p.version;
    if (size_t paren = source.find('('); paren != std::string_view::npos) {
      std::string_view v = source.substr(paren + 1);
      p.source_version = TrimAsciiSpace(v.substr(0, v.find(')')));
      source = TrimAsciiSpace(source.substr(0, paren));
    }
    p.source = source.empty() ? p.name : std::string(source);
    packages.push_back(std::move(p));
  }
  return packages;
}

Result<std::string> DecompressIndex(std::string_view bytes, std::string_view what) {
  if (bytes.empty()) return std::string();
  ArchivePtr a = OpenMemory(bytes, /*raw=*/true);
  if (a == nullptr) return Status::InvalidArgument(std::string(what) + ": not readable");
  archive_entry* entry = nullptr;
  if (archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) {
    return ArchiveError(a.get(), what, "decompressing");
  }
  return ReadEntry(a.get(), what);
}

Result<std::string> DebChangelog(std::string_view deb, std::string_view what) {
  ArchivePtr outer = OpenMemory(deb, /*raw=*/false);
  if (outer == nullptr) return Status::InvalidArgument(std::string(what) + ": not a .deb");
  archive_entry* entry = nullptr;
  std::string data_tar;
  while (true) {
    int rc = archive_read_next_header(outer.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) return ArchiveError(outer.get(), what, "reading the .deb");
    std::string_view name = archive_entry_pathname(entry);
    if (name.rfind("data.tar", 0) == 0) {
      SLUICE_ASSIGN_OR_RETURN(data_tar, ReadEntry(outer.get(), what));
      break;
    }
  }
  if (archive_format(outer.get()) != ARCHIVE_FORMAT_AR_GNU &&
      archive_format(outer.get()) != ARCHIVE_FORMAT_AR_BSD &&
      archive_format(outer.get()) != ARCHIVE_FORMAT_AR) {
    return Status::InvalidArgument(std::string(what) + ": not a .deb (not an ar archive)");
  }
  if (data_tar.empty()) {
    return Status::InvalidArgument(std::string(what) + ": a .deb without a data.tar member");
  }
  ArchivePtr inner = OpenMemory(data_tar, /*raw=*/false);
  if (inner == nullptr) return Status::InvalidArgument(std::string(what) + ": unreadable data.tar");
  // A native package's (no Debian revision) changelog.gz is the Debian
  // changelog; another's is upstream's, taken only when it reads as one.
  std::string native;
  while (true) {
    int rc = archive_read_next_header(inner.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) return ArchiveError(inner.get(), what, "reading data.tar");
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string path = archive_entry_pathname(entry);
    if (!IsChangelogPath(path)) continue;
    SLUICE_ASSIGN_OR_RETURN(std::string contents, ReadEntry(inner.get(), what));
    if (IsGzipped(path)) {
      SLUICE_ASSIGN_OR_RETURN(contents, DecompressIndex(contents, std::string(what) + " " + path));
    }
    bool debian = path.find("/changelog.Debian") != std::string::npos;
    if (debian) return contents;
    if (native.empty() && ParseDebianChangelog(contents).ok()) native = std::move(contents);
  }
  if (!native.empty()) return native;
  return Status::NotFound(std::string(what) + " holds no usr/share/doc/*/changelog.Debian.gz");
}

}  // namespace sluice::scan
