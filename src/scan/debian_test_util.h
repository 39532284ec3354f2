// Fixtures for the Debian archive tests: compressed indexes, .deb files and
// a small archive (dists/ and pool/) written from test code with
// libarchive's writer, so the tests need no Debian tools.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/files.h"
#include "common/hash.h"

namespace sluice::scan::debian_test {

struct WriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};

struct Member {
  std::string path;
  std::string contents;
  std::string symlink;  // when set: a symlink to this target, no contents
};

// An archive in `format` ("raw", "tar" or "ar") with `filter` ("none",
// "gzip", "xz"), in memory.
inline std::string WriteArchive(const std::string& format, const std::string& filter,
                                const std::vector<Member>& members) {
  std::unique_ptr<archive, WriteFree> a(archive_write_new());
  if (format == "raw") archive_write_set_format_raw(a.get());
  if (format == "tar") archive_write_set_format_pax_restricted(a.get());
  if (format == "ar") archive_write_set_format_ar_svr4(a.get());
  if (filter == "gzip") archive_write_add_filter_gzip(a.get());
  if (filter == "xz") {
    archive_write_add_filter_xz(a.get());
    archive_write_set_filter_option(a.get(), "xz", "compression-level", "0");
  }
  archive_write_set_bytes_in_last_block(a.get(), 1);
  std::string out(size_t{16} << 20, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a.get(), out.data(), out.size(), &used), ARCHIVE_OK)
      << archive_error_string(a.get());
  for (const Member& m : members) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                        &archive_entry_free);
    archive_entry_set_pathname(entry.get(), m.path.c_str());
    if (!m.symlink.empty()) {
      archive_entry_set_filetype(entry.get(), AE_IFLNK);
      archive_entry_set_symlink(entry.get(), m.symlink.c_str());
      archive_entry_set_perm(entry.get(), 0777);
    } else {
      archive_entry_set_filetype(entry.get(), AE_IFREG);
      archive_entry_set_perm(entry.get(), 0644);
      archive_entry_set_size(entry.get(), static_cast<la_int64_t>(m.contents.size()));
    }
    EXPECT_EQ(archive_write_header(a.get(), entry.get()), ARCHIVE_OK)
        << archive_error_string(a.get());
    if (m.symlink.empty()) archive_write_data(a.get(), m.contents.data(), m.contents.size());
  }
  EXPECT_EQ(archive_write_close(a.get()), ARCHIVE_OK) << archive_error_string(a.get());
  out.resize(used);
  return out;
}

inline std::string Compress(const std::string& filter, const std::string& text) {
  return WriteArchive("raw", filter, {{"data", text, ""}});
}

// A .deb of `package` whose data.tar.xz holds its changelog, gzipped, as
// usr/share/doc/<package>/changelog.Debian.gz -- or, with `doc_link`, a
// doc directory that is a symlink to another package's.
inline std::string MakeDeb(const std::string& package, const std::string& changelog,
                           const std::string& doc_link = "") {
  std::string doc = "./usr/share/doc/" + package;
  std::vector<Member> files = {{"./usr/bin/" + package, "#!/bin/sh\n", ""}};
  if (doc_link.empty()) {
    files.push_back({doc + "/copyright", "Copyright\n", ""});
    files.push_back({doc + "/changelog.Debian.gz", Compress("gzip", changelog), ""});
  } else {
    files.push_back({doc, "", doc_link});
  }
  std::string control = "Package: " + package + "\nVersion: 1\nArchitecture: all\n";
  return WriteArchive(
      "ar", "none",
      {{"debian-binary", "2.0\n", ""},
       {"control.tar.xz", WriteArchive("tar", "xz", {{"./control", control, ""}}), ""},
       {"data.tar.xz", WriteArchive("tar", "xz", files), ""}});
}

// A changelog entry, as dch writes it.
inline std::string ChangelogEntry(const std::string& source, const std::string& version,
                                  const std::string& distribution, const std::string& urgency,
                                  const std::string& items,
                                  const std::string& date = "Wed, 21 Oct 2026 16:54:24 +0700") {
  return source + " (" + version + ") " + distribution + "; urgency=" + urgency + "\n\n" + items +
         "\n -- Jane Maintainer <jane@example.org>  " + date + "\n\n";
}

// A binary package of a test archive.
struct ArchiveDeb {
  std::string name;
  std::string version;
  std::string source;  // empty: the package's own name
  std::string deb;     // the file's bytes
};

// Writes dists/<suite>/{Release, main/binary-amd64/Packages.xz} and the
// pool files of `debs` under `root`; returns the Packages text.
inline std::string WriteArchiveTree(const std::filesystem::path& root, const std::string& suite,
                                    const std::vector<ArchiveDeb>& debs) {
  std::string packages;
  for (const ArchiveDeb& d : debs) {
    std::string source = d.source.empty() ? d.name : d.source;
    std::string filename = "pool/updates/main/" + source.substr(0, 1) + "/" + source + "/" +
                           d.name + "_" + d.version + "_all.deb";
    EXPECT_TRUE(MakeDirs((root / filename).parent_path()).ok());
    EXPECT_TRUE(WriteFileAtomic(root / filename, d.deb).ok());
    packages += "Package: " + d.name + "\n";
    if (!d.source.empty()) packages += "Source: " + d.source + "\n";
    packages += "Version: " + d.version + "\nArchitecture: all\nFilename: " + filename +
                "\nSize: " + std::to_string(d.deb.size()) + "\nSHA256: " + Sha256Hex(d.deb) +
                "\n\n";
  }
  std::string xz = Compress("xz", packages);
  std::filesystem::path dir = root / "dists" / suite;
  EXPECT_TRUE(MakeDirs(dir / "main/binary-amd64").ok());
  EXPECT_TRUE(WriteFileAtomic(dir / "main/binary-amd64/Packages.xz", xz).ok());
  std::string release =
      "Origin: Debian\nSuite: oldstable-security\nVersion: 12\nCodename: " + suite +
      "\nDate: Wed, 25 Nov 2026 02:22:30 UTC\nSHA256:\n " + Sha256Hex(xz) + " " +
      std::to_string(xz.size()) + " main/binary-amd64/Packages.xz\n";
  EXPECT_TRUE(WriteFileAtomic(dir / "Release", release).ok());
  return packages;
}

}  // namespace sluice::scan::debian_test
