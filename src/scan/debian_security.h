// Vulnerabilities from Debian's security archive, for Debian images
// scanned offline: `sluice vulndb import-debian ARCHIVE`.
//
// What it reads: a suite of a Debian archive -- by default
// dists/bookworm-security of https://deb.debian.org/debian-security (over
// TLS: the Release file's OpenPGP signature is not checked, and the hashes
// chain from it down), or a local mirror of it -- its Release file (the
// index hashes are checked against it), the Packages index of each
// component for one architecture, and, for each source package there, the
// changelog inside one of its .deb files at the newest version the suite
// holds (the smallest few first, then the package named after the source
// or its -common package, which own the documentation others link to;
// each .deb checked against the index's SHA256). Changelogs read before
// are kept in a cache directory, keyed by source package and version, so
// a later import reads only new uploads.
//
// What it stores (OSV entries in the vulnerability database, ecosystem
// "Debian:<Release Version>", matched against an image's dpkg packages by
// source package and source version):
//   - for each advisory id a changelog entry cites (CVE, GHSA, DSA, DLA)
//     in an upload to the release (a distribution named after its
//     codename: bookworm, bookworm-security, bookworm-proposed-updates),
//     one entry "DEBSEC-<id>" (aliases: the id) with, per source package,
//     the range introduced 0 / fixed <the first version citing it>; the
//     summary and details are the changelog's own words;
//   - for each upload to the security suite that cites no id (some say
//     only "8 security fixes"), and for a source whose changelog could not
//     be read, an entry "DEBSEC-<source>-<version>" fixed at that version;
//   - severity from the upload's urgency (low, medium, high; emergency and
//     critical as Critical): Debian's own word on how soon to upgrade, not
//     a CVSS score; Unassigned when the changelog gives none.
//
// What it cannot tell: vulnerabilities without a fix in the suite (Debian
// tracks those, "no-dsa", "postponed" and unfixed ones, only in its
// security tracker, which is not offline data); fixes of packages that
// never had a security upload; whether an upload cited a CVE it fixed only
// partly; severity in CVSS terms. A package installed at a version older
// than the release's own (impossible from the release's archive) would be
// reported as affected by every fix since. Entries are replaced by a later
// import when their text changes; entries of packages that left the suite
// stay until the database is deleted and imported again.
//
// Errors: NotFound naming the file for a suite or component the archive
// does not have; InvalidArgument for a Release or Packages file that does
// not parse or whose hash does not match; IoError for an archive that
// cannot be reached. A .deb that cannot be fetched or read, or whose hash
// does not match, is a warning (its source gets the "could not be read"
// entry), not an error. Thread-safety: one import at a time per database.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "scan/debian_archive.h"
#include "scan/debian_changelog.h"
#include "scan/vulndb.h"

namespace sluice::scan {

inline constexpr std::string_view kDebianSecurityArchive = "https://deb.debian.org/debian-security";

// Where an archive's files are read from: a local directory (a mirror,
// with dists/ and pool/ under it) or an http:// or https:// URL.
class DebianArchive {
 public:
  virtual ~DebianArchive() = default;
  // The file at `path` under the archive's root ("dists/bookworm/Release");
  // NotFound when the archive has no such file. Thread-safe.
  virtual Result<std::string> Read(const std::string& path) const = 0;
  // Where `path` is, for messages.
  virtual std::string Where(const std::string& path) const = 0;
};

// InvalidArgument for a location that is neither a directory nor a URL.
Result<std::unique_ptr<DebianArchive>> OpenDebianArchive(std::string_view location);

struct DebianSecurityOptions {
  std::string suite = "bookworm-security";
  std::vector<std::string> components = {"main"};
  std::string architecture = "amd64";
  // False: only the Packages index (one entry per source package, at its
  // newest version), no .deb downloads.
  bool changelogs = true;
  // Changelogs kept between imports; empty: none kept.
  std::filesystem::path changelog_cache;
  int jobs = 8;  // .deb downloads at once
};

struct DebianSecurityImport {
  std::string ecosystem;          // "Debian:12"
  int64_t sources = 0;            // source packages in the suite
  int64_t changelogs_read = 0;    // from .deb files
  int64_t changelogs_cached = 0;  // from the cache
  VulnDbImport stored;
  std::vector<std::string> warnings;
};

Result<DebianSecurityImport> ImportDebianSecurity(VulnDb& db, const DebianArchive& archive,
                                                  const DebianSecurityOptions& options);

// The newest upload of a source package in the suite, and its changelog
// (empty when it was not read).
struct DebianSourceUpdate {
  std::string source;
  std::string version;
  std::vector<DebianChangelogEntry> changelog;
};

// The OSV entries (JSON text, in id order) the updates give, as described
// above. Pure.
std::vector<std::string> DebianSecurityAdvisories(const DebianRelease& release,
                                                  const std::vector<DebianSourceUpdate>& updates);

}  // namespace sluice::scan
