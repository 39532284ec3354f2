// Reading a Debian archive's files: the Release file of a suite, its
// Packages indexes, and the changelog inside a binary package (.deb).
//
// ParseDebianRelease reads a Release file, or an InRelease file (its
// OpenPGP clear-signed armour is stripped; the signature is not checked
// here): Suite, Codename, Version, Date (as RFC 3339) and the SHA256 list
// of the suite's index files. ParseDebianPackages reads a Packages index:
// for each binary package its name, version, architecture, source package
// and version ("Source: name (version)" when they differ from the
// binary's; the binary's own when there is no Source field), pool file
// name, size and SHA256. DecompressIndex reads an index as the archive
// publishes it: xz, gzip, bzip2 or plain. DebChangelog finds
// usr/share/doc/<name>/changelog.Debian.gz (or an uncompressed
// changelog.Debian) in a .deb's data archive and returns it uncompressed;
// a native package's changelog.gz is taken when there is no
// changelog.Debian and it reads as a Debian changelog; a binNMU's
// changelog.Debian.<arch>.gz is not taken (it holds only the rebuild).
//
// Errors: InvalidArgument saying what is missing for a Release without a
// SHA256 list or Codename, a Packages paragraph without Package, Version
// or Filename (named by its position), and bytes that are not an index or
// not a .deb (what archive reading said); NotFound from DebChangelog for a
// .deb without the changelog (packages whose doc directory is a symlink
// to another package's). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::scan {

struct DebianRelease {
  std::string suite;     // "oldstable-security"
  std::string codename;  // "bookworm-security"
  std::string version;   // "12"
  std::string date;      // RFC 3339, or empty
  struct IndexFile {
    std::string sha256;
    int64_t size = 0;
  };
  std::map<std::string, IndexFile> files;  // "main/binary-amd64/Packages.xz" -> hash
};

Result<DebianRelease> ParseDebianRelease(std::string_view text);

struct DebianBinaryPackage {
  std::string name;
  std::string version;
  std::string architecture;
  std::string source;          // the source package
  std::string source_version;  // the source package's version
  std::string filename;        // "pool/updates/main/o/openssl/libssl3_..._amd64.deb"
  int64_t size = 0;
  std::string sha256;
};

Result<std::vector<DebianBinaryPackage>> ParseDebianPackages(std::string_view text);

// `what` names the file in errors.
Result<std::string> DecompressIndex(std::string_view bytes, std::string_view what);

Result<std::string> DebChangelog(std::string_view deb, std::string_view what);

}  // namespace sluice::scan
